//! The evidence report's two passes and both renderers on arbitrary logs: no panic, and no
//! control character, direction override or markup from a message reaches the page.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scamscan::batch::ScanOptions;
use scamscan::evidence::{collect, render_html, render_markdown, Source};
use scamscan::io::{FieldMap, InputFormat, RecordReader};
use scamscan::Detector;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::new().expect("built-in lexicons"))
}

fuzz_target!(|data: &[u8]| {
    let bytes = data.to_vec();
    let sources = [Source {
        name: "fuzz.jsonl".to_string(),
        open: Box::new(move || {
            Ok(RecordReader::new(
                Box::new(std::io::Cursor::new(bytes.clone())),
                InputFormat::Jsonl,
                &FieldMap::default(),
                4096,
            ))
        }),
    }];
    let collected = collect(detector(), None, &sources, &ScanOptions::default(), 16)
        .expect("an in-memory log reads");
    for page in [
        render_html(&collected.evidence),
        render_markdown(&collected.evidence),
    ] {
        assert!(
            !page.chars().any(|c| (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "a hidden character reached the page"
        );
    }
    let html = render_html(&collected.evidence);
    assert!(!html.to_ascii_lowercase().contains("<script"), "markup reached the page");
});
