//! Properties over arbitrary input: folding is idempotent, spans are exact and on character
//! boundaries, the parallel batch equals the sequential scan, nothing panics.

use proptest::prelude::*;
use scamscan::batch::{scan_records, scan_stream, ConversationMap, Outcome, ScanOptions};
use scamscan::io::{FieldMap, InputFormat, RecordReader};
use scamscan::{fold, ConversationState, Speaker, Turn};

use crate::util::{detector, rules_only};

/// Text that looks like chat: scam words, evasion characters and arbitrary characters mixed.
fn chat_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "加",
        "微信",
        "微",
        "信",
        "薇信",
        "vx",
        "ＶＸ",
        "QQ",
        "扣扣",
        "先",
        "付",
        "交",
        "定金",
        "訂金",
        "押金",
        "验证码",
        "驗證碼",
        "转账",
        "轉賬",
        "私下",
        "交易",
        "地址",
        "改",
        "已付款",
        "付了",
        "确认收货",
        "发货",
        "链接",
        "http://a.top/x",
        "淘宝",
        "官方",
        "客服",
        "冻结",
        "截图",
        "退款",
        "双倍赔偿",
        "请勿",
        "不会",
        "为什么",
        "？",
        "，",
        "。",
        " ",
        "-",
        "·",
        "💬",
        "🔑",
        "\u{200b}",
        "\u{fe0f}",
        "①",
        "⑨",
        "一",
        "五",
        "壹",
        "138",
        "0",
        "a",
        "Z",
        "\n",
        "\r\n",
        "é",
        "\u{301}",
        "👨\u{200d}👩\u{200d}👧",
        "🇨🇳",
        "1\u{20e3}",
    ]);
    prop_oneof![
        prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn folding_is_idempotent(text in chat_text()) {
        let once = fold(&text);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn spans_are_exact_and_on_char_boundaries(text in chat_text()) {
        // With the scorer (the default), whose spans come from its weights, and the rules alone.
        for detector in [detector(), rules_only()] {
        let report = detector.scan(&text);
        for f in &report.findings {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert_eq!(&text[f.start..f.end], f.matched.as_str());
            prop_assert_eq!(text[..f.start].chars().count(), f.char_start);
            prop_assert_eq!(text[..f.end].chars().count(), f.char_end);
        }
        // The evidence folds to what the matcher saw. Digit runs, doubled characters and
        // spelled-apart letters depend on characters around the evidence, so those are
        // checked only for spans that needed none of them.
        let folded_text = fold(&text);
        for f in &report.findings {
            let contextual = f
                .normalized
                .iter()
                .any(|n| n == "digits" || n == "repeated" || n == "spelled-apart");
            if !contextual {
                let folded = fold(&f.matched);
                prop_assert!(
                    folded_text.contains(folded.trim()),
                    "{:?} folds to {:?}, not in {:?}",
                    f.matched,
                    folded,
                    folded_text
                );
            }
        }
        let top = report.findings.iter().map(|f| f.severity).max().unwrap_or_default();
        prop_assert!(report.severity >= top);
        }
    }

    #[test]
    fn readers_never_panic_and_never_lose_a_record(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for format in [InputFormat::Jsonl, InputFormat::Csv, InputFormat::Text] {
            let mut reader = RecordReader::new(
                Box::new(std::io::Cursor::new(bytes.clone())),
                format,
                &FieldMap::default(),
                64,
            );
            let mut last = 0u64;
            while let Some(record) = reader.next_record().unwrap() {
                let line = record.map_or_else(|e| e.line, |r| r.line);
                prop_assert!(line >= last);
                last = line;
            }
        }
    }

    #[test]
    fn batch_equals_sequential(
        messages in prop::collection::vec((chat_text(), 0u8..4, 0u8..3), 1..40),
        chunk in 1usize..9,
    ) {
        let speakers = [Speaker::Buyer, Speaker::Seller, Speaker::System];
        let mut jsonl = String::new();
        for (i, (text, conv, who)) in messages.iter().enumerate() {
            let record = serde_json::json!({
                "id": format!("m{i}"),
                "conversation": format!("c{conv}"),
                "speaker": speakers[*who as usize % 3].as_str(),
                "text": text,
            });
            jsonl.push_str(&record.to_string());
            jsonl.push('\n');
        }
        // Sequential: one state per conversation, messages in order.
        let mut states: std::collections::HashMap<u8, ConversationState> = Default::default();
        let expected: Vec<_> = messages
            .iter()
            .enumerate()
            .map(|(i, (text, conv, who))| {
                let id = format!("m{i}");
                let turn = Turn { id: Some(&id), speaker: Some(speakers[*who as usize % 3]), text };
                detector().scan_turn(turn, states.entry(*conv).or_default())
            })
            .collect();
        let reader = RecordReader::new(
            Box::new(std::io::Cursor::new(jsonl.into_bytes())),
            InputFormat::Jsonl,
            &FieldMap::default(),
            1 << 20,
        );
        let mut got = Vec::new();
        let mut records = Vec::new();
        let options = ScanOptions { chunk_records: chunk, ..ScanOptions::default() };
        let mut convs = ConversationMap::new(100);
        scan_stream(detector(), None, reader, &options, &mut convs, &mut |o| -> Result<(), ()> {
            if let Outcome::Scanned { report, record } = o {
                got.push(report);
                records.push(record.into_owned());
            }
            Ok(())
        }, &mut |_| {})
        .unwrap()
        .unwrap();
        prop_assert_eq!(&got, &expected);
        // Records already in memory (the Python package's path) give the same.
        let in_memory = scan_records(detector(), &records, &mut ConversationMap::new(100));
        prop_assert_eq!(in_memory, expected);
    }
}

/// Every input a fuzz target ever failed on (`tests/data/fuzz-regressions/`), checked the way
/// the target checks it.
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let folded = fold(&text);
        assert_eq!(fold(&folded), folded, "{text:?}");
        for f in &detector().scan(&text).findings {
            assert_eq!(&text[f.start..f.end], f.matched);
        }
        n += 1;
    }
    assert!(n > 0);
}

/// Every finding the scorer adds on the labeled files points at exact text: its spans come
/// from its weights, not from a rule's items, so they get their own check on real wording.
#[test]
fn scorer_spans_are_exact_on_labeled_messages() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut scored = 0;
    for file in [
        "heldout/varied-with-hard-negatives/tune.jsonl",
        "probes/excuses-and-workarounds.jsonl",
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("labeled file");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let record: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let text = record["text"].as_str().expect("text field");
            for f in detector().scan(text).findings {
                assert!(f.start < f.end && f.end <= text.len(), "{f:?}");
                assert_eq!(&text[f.start..f.end], f.matched);
                assert_eq!(text[..f.start].chars().count(), f.char_start);
                scored += usize::from(f.rule.starts_with("scorer/"));
            }
        }
    }
    assert!(
        scored > 0,
        "the scorer fired on none of the labeled messages"
    );
}
