//! Measured quality on the shared dev set and on real text nobody here wrote. These are the
//! figures the README quotes; the thresholds are the targets.

use std::io::BufRead;

use scamscan::Severity;

use crate::util::{detector, rules_only, shared};

#[test]
fn dev_set_recall_and_false_positive_rate() {
    let Some(shared) = shared() else { return };
    let ev = scamscan::eval::evaluate_file(detector(), &shared.join("eval/dev.jsonl")).unwrap();
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    let o = ev.overall;
    eprintln!(
        "dev: recall {:.3}, false-positive rate {:.3}",
        o.recall(),
        o.false_positive_rate()
    );
    assert!(o.recall() >= 0.90, "overall recall {:.3}", o.recall());
    assert!(
        o.false_positive_rate() <= 0.03,
        "false-positive rate {:.3}",
        o.false_positive_rate()
    );
    for (c, r) in &ev.per_category {
        assert!(
            r.recall() >= 0.80,
            "{c} recall {:.3} ({}/{})",
            r.recall(),
            r.caught,
            r.scams
        );
    }
}

/// Real shop reviews and real Taobao customer-service turns: flagged at medium or above in
/// at most 0.2% of messages.
#[test]
fn real_text_is_rarely_flagged() {
    let Some(shared) = shared() else { return };
    let d = detector();
    let mut messages = 0usize;
    let mut flagged = Vec::new();
    let mut scan = |text: &str| {
        messages += 1;
        let r = d.scan(text);
        if r.reaches(Severity::Medium) {
            flagged.push(text.chars().take(60).collect::<String>());
        }
    };
    for file in ["online_shopping_10_cats.jsonl", "waimai_10k.jsonl"] {
        let f = std::fs::File::open(shared.join("corpora/sophonplus_reviews").join(file)).unwrap();
        for line in std::io::BufReader::new(f).lines() {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            scan(v["text"].as_str().unwrap_or(""));
        }
    }
    let f = std::fs::File::open(shared.join("corpora/ecd_taobao_sample/sessions.jsonl")).unwrap();
    for line in std::io::BufReader::new(f).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        for turn in v["turns"].as_array().unwrap() {
            scan(turn["text_desegmented"].as_str().unwrap_or(""));
        }
    }
    let rate = flagged.len() as f64 / messages as f64;
    eprintln!(
        "real text: {} of {messages} flagged ({:.3}%)",
        flagged.len(),
        rate * 100.0
    );
    assert!(
        rate <= 0.002,
        "{:.3}% flagged:\n{}",
        rate * 100.0,
        flagged.join("\n")
    );
}

/// Recall and false-positive counts over held-out files of `tests/data/`, summed; each file's
/// own figures are printed.
fn held_out(files: &[&str]) -> scamscan::eval::Rates {
    held_out_with(detector(), files)
}

fn held_out_with(detector: &scamscan::Detector, files: &[&str]) -> scamscan::eval::Rates {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut sum = scamscan::eval::Rates::default();
    for file in files {
        let ev = scamscan::eval::evaluate_file(detector, &root.join(file)).unwrap();
        assert!(ev.errors.is_empty(), "{file}: {:?}", ev.errors);
        eprintln!("{file}: {}", ev.overall);
        sum += ev.overall;
    }
    sum
}

/// Fails unless recall over `r` is at least `at_least`.
fn assert_recall(r: &scamscan::eval::Rates, at_least: f64) {
    let recall = r.recall();
    assert!(
        recall >= at_least,
        "recall {recall:.3} ({}/{}), below {at_least}",
        r.caught,
        r.scams
    );
}

/// Fails unless the false-positive rate over `r` is at most `at_most`.
fn assert_false_positive_rate(r: &scamscan::eval::Rates, at_most: f64) {
    let fpr = r.false_positive_rate();
    assert!(
        fpr <= at_most,
        "false-positive rate {fpr:.3} ({}/{}), above {at_most}",
        r.false_positives,
        r.benign
    );
}

/// Fails unless at least `at_least` scam messages of `r` were caught.
fn assert_caught(r: &scamscan::eval::Rates, at_least: usize) {
    assert!(
        r.caught >= at_least,
        "caught {} of {}, below {at_least}",
        r.caught,
        r.scams
    );
}

/// Fails unless at most `at_most` benign messages of `r` were flagged.
fn assert_false_positives(r: &scamscan::eval::Rates, at_most: usize) {
    assert!(
        r.false_positives <= at_most,
        "{} false positives of {}, above {at_most}",
        r.false_positives,
        r.benign
    );
}

/// The held-out set (`tests/data/holdout-*.jsonl`, written without seeing the lexicons).
/// `holdout-tune` was used once to find general gaps; `holdout-sealed` never was. Both are
/// regression guards at the level measured when they were introduced.
#[test]
fn held_out_recall_and_false_positive_rate() {
    let r = held_out(&["holdout-tune.jsonl", "holdout-sealed.jsonl"]);
    assert_recall(&r, 0.85);
    assert_false_positive_rate(&r, 0.03);
}

/// Held-out conversations for repeated change requests (`tests/data/holdout-seller-guide-*`,
/// written by a helper who never saw the lexicons). Measured before any change they prompted:
/// order_tampering recall tune 7/14, sealed 9/15; after general rules written from the tune
/// half's misses: tune 13/14, sealed 11/15. A regression guard at that level.
#[test]
fn held_out_repeated_changes() {
    let r = held_out(&[
        "holdout-seller-guide-tune.jsonl",
        "holdout-seller-guide-sealed.jsonl",
    ]);
    assert_recall(&r, 0.80);
    assert_false_positive_rate(&r, 0.02);
}

/// Held-out evasions (`tests/data/holdout-evasions-*`, 96 messages written by a helper who
/// never saw the lexicons). Before any change they prompted: tune 30/33, sealed 24/32, no
/// false positive. After tone-mark folding and `[pinyin_mix]` (general techniques, but the
/// sealed half's misses had been seen): 32/33 and 27/32. A regression guard at that level.
#[test]
fn held_out_evasions() {
    let r = held_out(&[
        "holdout-evasions-tune.jsonl",
        "holdout-evasions-sealed.jsonl",
    ]);
    assert_recall(&r, 0.90);
    assert_false_positives(&r, 0);
}

/// A second general held-out set (`tests/data/holdout-general-*`, 254 messages over all ten
/// categories in varied, indirect wording, written blind by a helper). Before any change it
/// prompted: tune 42/62 (FPR 2/65), sealed 41/76 (FPR 2/51). Rules written from the tune
/// half's misses: tune 61/62, sealed still 41/76. The per-category grammars
/// (`*_grammar.toml`, written from the helper's own probes and the tune halves' kinds of
/// miss, never from the sealed half): tune 62/62, sealed 48/76. A regression guard at that
/// level; the sealed figure is the honest expectation on phrasing nobody tuned for.
#[test]
fn held_out_general() {
    let r = held_out(&["holdout-general-tune.jsonl", "holdout-general-sealed.jsonl"]);
    assert_recall(&r, 0.79);
    assert_false_positive_rate(&r, 0.02);
}

/// A third blind set (`tests/data/holdout-blind3-*`, 323 messages over all ten categories,
/// 22 conversations, 85 hard negatives; written by a helper who saw neither the lexicons nor
/// the dev set, and scored by nobody until the grammars were done). Before the grammars:
/// tune 64/89, sealed 64/90, no false positive. With the first round: 69/89 and 69/90, FPR
/// 0/72 and 1/72. The second round looked at the tune half's kinds of miss: tune 87/89,
/// sealed 70/90. A regression guard at that level.
#[test]
fn held_out_blind_third_set() {
    let r = held_out(&["holdout-blind3-tune.jsonl", "holdout-blind3-sealed.jsonl"]);
    assert_recall(&r, 0.87);
    assert_false_positive_rate(&r, 0.01);
}

/// The probes the grammars were written against (`tests/data/probes-grammar.jsonl`, 223
/// scams and 179 tricky benign messages in three rounds; each round was scored before rules
/// were written for it: round 2 0.28 -> 0.42, round 3 0.57 -> 0.63). Tuning data, so only a
/// regression guard: 221/223 caught, 2 false positives (from older rules).
#[test]
fn grammar_probes() {
    let r = held_out(&["probes-grammar.jsonl"]);
    assert_recall(&r, 0.98);
    assert_false_positives(&r, 2);
}

/// A fourth blind set (`tests/data/holdout-blind4-*`, 337 messages: many settings beyond the
/// shop (second-hand deals, rentals, tickets, game accounts, pets), dialect and slang, 101 hard
/// negatives; written blind like the third). Scored by nobody until measured: with the
/// lexicons of the session start 95/182 caught (FP 6/155), with the first grammar round
/// 113/182, with the second 119/182 (FP 6/155 throughout). Then the tune half's five false
/// positives (and only they) were read and fixed by kind: doubt cues (这个正常吗, 真的假的),
/// refusing private payment (不收私下), scanning inside the platform's app, the buyer asking
/// whether a deposit is needed. FP 0/78 on the tune half, the sealed half unchanged at 1/77;
/// recall unchanged. A third grammar round for the weakest categories read the tune half's
/// misses by kind: tune 84/91, sealed 63/91 (from 61); two more kinds from its misses
/// (先表示一下诚意, a recipient phone changed after payment): tune 86/91, sealed unchanged.
/// A regression guard at that level.
#[test]
fn held_out_blind_fourth_set() {
    let r = held_out(&["holdout-blind4-tune.jsonl", "holdout-blind4-sealed.jsonl"]);
    assert_recall(&r, 0.80);
    assert_false_positive_rate(&r, 0.01);
}

/// The second round's probes (`tests/data/probes-grammar2.jsonl`: 100 scams and 90 tricky
/// benign in regional and slang wording and new settings, scored 53/100 before any rule was
/// written for them; then 20 + 20 written after the rules, 5/20 before the overlay). Tuning
/// data: a regression guard at 118/120 caught, 2 false positives.
#[test]
fn grammar_probes_second_round() {
    let r = held_out(&["probes-grammar2.jsonl"]);
    assert_recall(&r, 0.98);
    assert_false_positives(&r, 2);
}

/// The third round's probes (`tests/data/probes-grammar3.jsonl`: 75 scams and 55 tricky benign
/// for the six weakest categories, scored 42/75 before any rule was written for them; 14 scams
/// written after the rules, 10/14 before two fixes; 45 benign stress sentences). Tuning data:
/// 89/89 caught and 4 false positives of 100, all from older rules; vetoes for two of those
/// kinds (a complaint 已受理, a same-city delivery with the order 正常拍) and for a relative's
/// payment the order shows as paid took it to 2. A regression guard at that level.
#[test]
fn grammar_probes_third_round() {
    let r = held_out(&["probes-grammar3.jsonl"]);
    assert_recall(&r, 0.98);
    assert_false_positives(&r, 2);
}

/// A fifth blind set (`tests/data/holdout-blind5-*`, 375 messages, 15 conversations, 116 hard
/// negatives; written this session by a helper who saw neither the lexicons, the tests nor the
/// other sets). Measured once, before anything was changed for it: tune 79/103 (FP 6/83),
/// sealed 78/106 (FP 1/83). Then the tune half's six false positives (and only they) were
/// read and fixed by kind, as warning cues: telling of a scam someone tried or judging one
/// (有人跟我说, 没理他, 都是套路, 差点上当, 反诈). Tune FP 0/83, sealed unchanged, recall
/// unchanged everywhere. Its tune half trains the scorer. A regression guard at that level.
#[test]
fn held_out_blind_fifth_set() {
    let r = held_out(&["holdout-blind5-tune.jsonl", "holdout-blind5-sealed.jsonl"]);
    assert_recall(&r, 0.75);
    assert_false_positive_rate(&r, 0.01);
}

/// The n-gram scorer (`src/scorer.rs`, on by default; trained by `scripts/train_scorer.py` on
/// the dev set, the tune halves and the probes, never on a sealed half) on every sealed half
/// but the sixth's. Rules alone: 359/469 caught, 8/432 false positives; with the scorer:
/// 388/469 and 9/432 (the fifth set's sealed half, the first whose writer the rules never saw:
/// 78 -> 85/106, FP 1/83 both). Earlier models (FNV over each gram, benign messages weighing 1
/// then 3) measured 385 and 386 with 10 and 11 false positives. Session 5 (reported-speech
/// cues, the fifth grammar round, the model retrained with blind7-9's tune halves and the
/// fifth probes): 395/469, 8/432; with C and the benign weight chosen by leave-one-writer-out
/// cross-validation (`scripts/train_scorer.py`) and blind10's tune half: 399/469, 8/432. A
/// regression guard at that level; every other guard in this file runs with the scorer too, as
/// the default detector.
#[test]
fn scorer_on_sealed_halves() {
    let sealed = [
        "holdout-sealed.jsonl",
        "holdout-general-sealed.jsonl",
        "holdout-evasions-sealed.jsonl",
        "holdout-seller-guide-sealed.jsonl",
        "holdout-blind3-sealed.jsonl",
        "holdout-blind4-sealed.jsonl",
        "holdout-blind5-sealed.jsonl",
    ];
    let with = held_out(&sealed);
    let without = held_out_with(rules_only(), &sealed);
    assert!(with.caught > without.caught, "the scorer adds nothing");
    assert_caught(&with, 399);
    assert_false_positives(&with, 8);
}

/// A sixth blind set (`tests/data/holdout-blind6-*`, 240 messages written at the end of
/// session 4 in terse, real-chat style, 78 hard negatives; split by unit into halves after one
/// measurement of the whole: rules 87/130, FP 10/110, the same as the session-start rules;
/// with the scorer 94/130, FP 10/110). The tune half's four false positives were then read and
/// fixed by kind (a step turned down: 共享屏幕就算了; a relative's loss told; refusing a
/// refund link for the platform's own after-sales; "after payment the address cannot be
/// changed privately"): tune FP 0/59, sealed unchanged at 6/51. Its tune half trains the
/// scorer: sealed 43/66 rules, 47/66 with the scorer. A regression guard at that level; the
/// sealed half's 12% false positives on hard negatives are the largest open gap.
#[test]
fn held_out_blind_sixth_set() {
    let r = held_out(&["holdout-blind6-tune.jsonl", "holdout-blind6-sealed.jsonl"]);
    assert_recall(&r, 0.82);
    assert_false_positive_rate(&r, 0.055);
}

/// The fourth round's probes (`tests/data/probes-grammar4.jsonl`: 187 scams for the kinds of
/// miss in the fifth set's tune half and 215 tricky benign messages, in six batches; the first
/// scored 40/107 before any rule was written, later fresh batches 38/41, 19/22 and 15/17 on
/// first contact). Tuning data: a regression guard at 187/187 caught and 23 false positives,
/// all from rules older than the round.
#[test]
fn grammar_probes_fourth_round() {
    let r = held_out(&["probes-grammar4.jsonl"]);
    assert_recall(&r, 1.0);
    assert_false_positives(&r, 23);
}

/// Three more blind sets, written at the start of session 5 by three helpers with different
/// briefs (`tests/data/holdout-blind{7,8,9}-*`: C2C second-hand chat; shop service agents,
/// bots and platform notices; multi-turn terse chat with context-only turns; 795 messages,
/// 270 hard negatives), split by unit into halves after one measurement of each whole with the
/// session-start detector: 103/131, 107/132 and 89/130 caught, FP 8/133, 7/133 and 6/136.
/// Their tune halves' false positives were then fixed by kind (reported speech: 那人让我,
/// 收到短信说, 有人加我; a step named with what goes wrong after it), a fifth grammar round was
/// written from their kinds of miss, and the scorer was retrained with them. Sealed halves:
/// 150 -> 152/195 caught with the final model, FP 12/205 unchanged (the cue fixes did not
/// transfer). A regression
/// guard at the level of the whole sets; the sealed halves' 6% false positives on hard
/// negatives, like the sixth set's, are the largest open gap.
#[test]
fn held_out_blind_seventh_to_ninth_sets() {
    // (set, caught at least, false positives at most), tune and sealed halves together.
    for (set, caught, false_positives) in
        [("blind7", 116, 7), ("blind8", 122, 4), ("blind9", 109, 3)]
    {
        let tune = format!("holdout-{set}-tune.jsonl");
        let sealed = format!("holdout-{set}-sealed.jsonl");
        let r = held_out(&[&tune, &sealed]);
        assert_caught(&r, caught);
        assert_false_positives(&r, false_positives);
    }
}

/// The fifth round's probes (`tests/data/probes-grammar5.jsonl`: 112 scams for the kinds of
/// miss in blind7-9's tune halves and 110 tricky benign messages; written before the rules,
/// they scored 46/82 with the rules alone, a fresh batch written after them 12/30 then). Tuning
/// data: a regression guard at 112/112 and 2 false positives, both from older rules.
#[test]
fn grammar_probes_fifth_round() {
    let r = held_out(&["probes-grammar5.jsonl"]);
    assert_recall(&r, 1.0);
    assert_false_positives(&r, 2);
}

/// A tenth blind set (`tests/data/holdout-blind10-*`, 264 messages: livestream shops, local
/// services and daigou; 96 hard negatives), written at the end of session 5, after every rule
/// change of the session. Measured once as a whole: the session-start detector 97/136, FP
/// 6/128; the session's rules with the model before it 100/136, FP 5/128. Split by unit; its
/// tune half then joined the scorer's training (with the cross-validated C and benign weight):
/// sealed half 52 -> 54/68, FP 2/63 both. A regression guard at the whole set's level.
#[test]
fn held_out_blind_tenth_set() {
    let r = held_out(&["holdout-blind10-tune.jsonl", "holdout-blind10-sealed.jsonl"]);
    assert_caught(&r, 119);
    assert_false_positives(&r, 5);
}
