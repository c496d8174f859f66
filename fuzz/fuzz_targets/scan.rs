//! Normalize + scan (with the scorer and with the rules alone) + amounts on arbitrary text, alone and
//! inside a conversation: no panic, spans exact, and no input slow for its length (a fixed
//! allowance plus a little per byte: anything superlinear blows through it).
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use scamscan::{ConversationState, Detector, Speaker, Turn};

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| {
        Detector::builder()
            .preload_segmenter(true)
            .build()
            .expect("built-in lexicons")
    })
}

/// Time every input may take, whatever its length.
const ALLOWANCE: Duration = Duration::from_millis(100);
/// Time it may take per byte on top.
const PER_BYTE: Duration = Duration::from_micros(50);

/// The rules alone (the default detector also runs the scorer).
fn rules_only() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| {
        Detector::builder()
            .scorer(false)
            .preload_segmenter(true)
            .build()
            .expect("built-in lexicons")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (_, _) = (detector(), rules_only());
    let started = Instant::now();
    let folded = scamscan::fold(text);
    assert_eq!(scamscan::fold(&folded), folded, "folding is idempotent");
    for a in scamscan::amount::find_amounts(text) {
        assert!(text.is_char_boundary(a.start) && text.is_char_boundary(a.end) && a.start < a.end);
        assert!(a.yuan.is_finite() && a.yuan >= 0.0, "{a:?}");
    }
    for d in [detector(), rules_only()] {
        for f in &d.scan(text).findings {
            assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            assert_eq!(&text[f.start..f.end], f.matched);
        }
    }
    let mut state = ConversationState::new();
    for (i, part) in text.split('\n').enumerate() {
        let speaker = [Speaker::Buyer, Speaker::Seller, Speaker::System][i % 3];
        let id = i.to_string();
        detector().scan_turn(
            Turn {
                id: Some(&id),
                speaker: Some(speaker),
                text: part,
            },
            &mut state,
        );
    }
    let took = started.elapsed();
    let budget = ALLOWANCE + PER_BYTE * data.len() as u32;
    assert!(took <= budget, "{} bytes took {took:?}, over {budget:?}", data.len());
});
