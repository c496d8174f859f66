//! The lexicon loader on arbitrary text, as a user lexicon over the built-in ones: it either
//! builds or returns an error; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scamscan::DetectorBuilder;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(detector) = DetectorBuilder::new()
        .without_builtin()
        .lexicon_text("fuzz.toml", text)
        .build()
    {
        let _ = detector.scan("先付定金 加我微信 验证码发我");
        let _ = detector.check_examples();
    }
});
