//! What the whole suite shares: one detector, built once, and the path to the shared data.

use std::path::PathBuf;
use std::sync::OnceLock;

use scamscan::Detector;

/// The built-in detector, built once.
pub fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| Detector::new().expect("the built-in lexicons build"))
}

/// The built-in detector without its scorer (the rules alone), built once.
pub fn rules_only() -> &'static Detector {
    static RULES: OnceLock<Detector> = OnceLock::new();
    RULES.get_or_init(|| {
        Detector::builder()
            .scorer(false)
            .build()
            .expect("the built-in lexicons build")
    })
}

/// `../shared` beside the repository, where CI has it. Tests that need it are `#[ignore]`d
/// with the reason, and `.ci/run` runs them; run by hand without it, they fail here.
pub fn shared() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.is_dir(),
        "{} is not there: this test needs the shared eval set and corpora",
        dir.display()
    );
    dir
}
