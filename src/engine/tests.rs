//! Hostile input: no text makes the work grow faster than its length, and no padding hides a
//! scam. Work is counted in steps (`Scratch::work`), never timed.

use std::sync::OnceLock;

use super::{Engine, Scratch};
use crate::conversation::Turn;
use crate::detector::Detector;
use crate::lexicon::schema::ExampleSchema;
use crate::report::{Category, Severity};

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::new().expect("the built-in lexicons build"))
}

/// Every built-in rule's first plain example, with the rule's category.
fn examples() -> &'static [(String, Category)] {
    static E: OnceLock<Vec<(String, Category)>> = OnceLock::new();
    E.get_or_init(|| {
        detector()
            .rules()
            .iter()
            .filter_map(|r| {
                let text = r.examples.iter().find_map(|e| match e {
                    ExampleSchema::Text(t) => Some(t.clone()),
                    ExampleSchema::Turns { .. } => None,
                })?;
                Some((text, r.category?))
            })
            .collect()
    })
}

/// The steps one scan of `text` takes.
fn work(text: &str) -> usize {
    let mut scratch = Scratch::default();
    detector()
        .inner_engine()
        .scan(Turn::new(text), &mut scratch);
    Engine::work(&scratch)
}

/// The prefix of `text` of `chars` characters.
fn prefix(text: &str, chars: usize) -> &str {
    let end = text
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Every rule's example, and prefixes of it, repeated: 256 copies cost at most about 256
/// times one copy (twice that, for the sorts' logarithm and the candidates' batches).
#[test]
fn repetition_costs_linear_work() {
    for (example, _) in examples() {
        for cut in [1, 2, 4, 8, usize::MAX] {
            let unit = prefix(example, cut);
            let one = work(unit).max(1);
            let many = work(&unit.repeat(256));
            assert!(
                many <= 2 * 256 * one + 256,
                "{unit:?}: {one} steps once, {many} for 256 copies"
            );
        }
    }
}

/// Padding made of a rule's first words, said over and over and cut by clause punctuation,
/// hides nothing: every rule's example after it is still found, as severe as on its own.
#[test]
fn padding_hides_no_scam() {
    for (example, category) in examples() {
        let severity = |text: &str| {
            detector()
                .scan(text)
                .findings
                .iter()
                .filter(|f| f.category == *category)
                .map(|f| f.severity)
                .max()
        };
        let alone = severity(example);
        assert!(alone.is_some(), "{example:?} is not {category} on its own");
        for cut in [1, 2] {
            let pad = format!("{}。", prefix(example, cut));
            let padded = severity(&format!("{}{example}", pad.repeat(2000)));
            assert!(
                padded >= alone,
                "{example:?} after {pad:?} x2000: {padded:?}, alone {alone:?}"
            );
        }
    }
}

#[test]
fn the_reported_padding_hides_nothing() {
    let text = format!("{}直接转账给我", "直接。".repeat(5000));
    let rules_only = Detector::builder().scorer(false).build().unwrap();
    for d in [detector(), &rules_only] {
        let report = d.scan(&text);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.category == Category::OffPlatformPayment && f.severity >= Severity::High),
            "{report:?}"
        );
    }
}
