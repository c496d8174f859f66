//! Context across messages, through the library and through the batch scan.

use scamscan::batch::{scan_stream, ConversationMap, Outcome, ScanOptions};
use scamscan::io::{FieldMap, InputFormat, RecordReader};
use scamscan::{Category, Speaker, Turn};

use crate::util::detector;

#[test]
fn interleaved_log_keeps_conversations_apart() {
    let log = [
        r#"{"id":"a1","conversation":"A","speaker":"system","text":"买家已付款"}"#,
        r#"{"id":"b1","conversation":"B","speaker":"buyer","text":"收货地址帮我改一下，改到我家"}"#,
        r#"{"id":"a2","conversation":"A","speaker":"buyer","text":"收货地址帮我改一下，改到我家"}"#,
    ]
    .join("\n");
    let reader = RecordReader::new(
        Box::new(std::io::Cursor::new(log.into_bytes())),
        InputFormat::Jsonl,
        &FieldMap::default(),
        1 << 20,
    );
    let mut outcomes = Vec::new();
    let mut convs = ConversationMap::new(10);
    let summary = scan_stream(
        detector(),
        None,
        reader,
        &ScanOptions::default(),
        &mut convs,
        &mut |o| -> Result<(), ()> {
            outcomes.push(match o {
                Outcome::Scanned { record, report } => (record.id.unwrap().into_owned(), report),
                Outcome::Failed(e) => panic!("{e:?}"),
            });
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap()
    .unwrap();
    assert_eq!(summary.read, 3);
    let reports = outcomes;
    assert!(
        reports[1].1.findings.is_empty(),
        "B flagged: {:?}",
        reports[1].1
    );
    let a2 = &reports[2].1.findings;
    assert_eq!(a2.len(), 1, "{a2:?}");
    assert_eq!(a2[0].category, Category::AddressChangeAfterPayment);
    assert_eq!(a2[0].context, vec!["a1".to_string()]);
}

#[test]
fn conversation_type_carries_signals() {
    let d = detector();
    let mut chat = d.conversation();
    let first = chat.push(Turn {
        id: Some("m1"),
        speaker: Some(Speaker::System),
        text: "订单状态：买家已付款",
    });
    assert!(first.findings.is_empty());
    let r = chat.push(Turn {
        id: Some("m2"),
        speaker: Some(Speaker::Buyer),
        text: "收件人改成我表哥吧",
    });
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].context, vec!["m1".to_string()]);
    // The same request with no payment before it is routine.
    assert!(d.scan("收件人改成我表哥吧").findings.is_empty());
}

#[test]
fn batch_equals_sequential_and_eviction_is_bounded() {
    let mut lines = Vec::new();
    for i in 0..300 {
        lines.push(format!(
            r#"{{"id":"p{i}","conversation":"c{i}","speaker":"system","text":"买家已付款"}}"#
        ));
    }
    // Newest conversations first: a change request also raises a (counted) signal, so the
    // requests to forgotten conversations then make entries of their own and evict more.
    for i in (0..300).rev() {
        lines.push(format!(
            r#"{{"id":"q{i}","conversation":"c{i}","speaker":"buyer","text":"地址帮我改一下"}}"#
        ));
    }
    let log = lines.join("\n");
    let run = |capacity: usize, chunk: usize| {
        let reader = RecordReader::new(
            Box::new(std::io::Cursor::new(log.clone().into_bytes())),
            InputFormat::Jsonl,
            &FieldMap::default(),
            1 << 20,
        );
        let mut flagged = 0;
        let mut convs = ConversationMap::new(capacity);
        let options = ScanOptions {
            chunk_records: chunk,
            ..ScanOptions::default()
        };
        scan_stream(
            detector(),
            None,
            reader,
            &options,
            &mut convs,
            &mut |o| -> Result<(), ()> {
                if let Outcome::Scanned { report, .. } = o {
                    flagged += usize::from(!report.findings.is_empty());
                }
                Ok(())
            },
            &mut |_| {},
        )
        .unwrap()
        .unwrap();
        (flagged, convs.len())
    };
    assert_eq!(run(1000, 7), (300, 300));
    assert_eq!(run(1000, 4096), (300, 300));
    // With room for only 100 conversations, the oldest payments are forgotten: what is
    // kept is the 90 to 100 most recent, and never more than 100.
    let (flagged, held) = run(100, 50);
    assert!((90..=100).contains(&flagged), "{flagged} flagged");
    assert!(held <= 100, "{held} held");
}

/// A conversation's state is keyed by signal name, not by the signal's place among the rules:
/// a lexicon reloaded with its signal rules in another order reads a state kept under the old
/// one the same way.
#[test]
fn a_reload_that_renumbers_signals_keeps_kept_conversations_right() {
    let signal = |id: &str, name: &str, pattern: &str| {
        format!("[[rules]]\nid = \"signal/{id}\"\nsignal = \"{name}\"\npattern = \"{pattern}\"\n")
    };
    let paid = signal("paid", "paid", "已付款");
    let offsite = signal("offsite", "offsite", "加微信");
    let rule = "[[rules]]\nid = \"address_change_after_payment/x\"\ncategory = \"address_change_after_payment\"\nexplanation = \"changes the address after paying\"\nrequires = [\"paid\"]\npattern = \"改地址\"\n";
    let build = |text: String| {
        scamscan::Detector::builder()
            .without_builtin()
            .lexicon_text("user.toml", &text)
            .build()
            .unwrap()
    };
    let before = build(format!("{paid}\n{offsite}\n{rule}"));
    let after = build(format!("{offsite}\n{rule}\n{paid}"));
    let mut state = scamscan::ConversationState::new();
    before.scan_turn(
        Turn {
            id: Some("m1"),
            speaker: Some(Speaker::System),
            text: "已付款",
        },
        &mut state,
    );
    before.scan_turn(
        Turn {
            id: Some("m2"),
            speaker: Some(Speaker::Buyer),
            text: "加微信",
        },
        &mut state,
    );
    let report = after.scan_turn(
        Turn {
            id: Some("m3"),
            speaker: Some(Speaker::Buyer),
            text: "改地址",
        },
        &mut state,
    );
    assert_eq!(report.findings.len(), 1, "{report:?}");
    assert_eq!(
        report.findings[0].category,
        Category::AddressChangeAfterPayment
    );
    assert_eq!(report.findings[0].context, ["m1"]);
}

#[test]
fn scan_by_conversation_gives_one_verdict_per_conversation() {
    let log = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chat.jsonl");
    let out = crate::cli::bin()
        .args(["scan", "-q", "--by-conversation"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let verdicts: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let messages: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Every message is counted in its conversation, and every conversation has a verdict.
    let total: u64 = verdicts
        .iter()
        .map(|v| v["messages"].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, messages.len());
    let b = verdicts
        .iter()
        .find(|v| v["conversation"] == "shop-b")
        .unwrap();
    assert_eq!(
        b["categories"],
        serde_json::json!(["off_platform_contact", "off_platform_payment"])
    );
    let chain: Vec<&str> = b["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(chain, ["b2", "b4"]);
    assert!(
        b["explanation"].as_str().unwrap().contains("b2 to b4"),
        "{b}"
    );
    let quiet = verdicts.iter().find(|v| v["flagged"] == 0).unwrap();
    assert_eq!(quiet["severity"], "none");
}

/// `found.<category>` is what a speaker was found doing: a rule requiring it fires on a later
/// message of that speaker only, names the earlier message in `context`, survives saving the
/// state, and no rule may raise such a signal itself or require an unknown category.
#[test]
fn found_signals_follow_the_speaker() {
    let lexicon = "[[rules]]\nid = \"deposit_first/ask\"\ncategory = \"deposit_first\"\nexplanation = \"asks for a deposit\"\npattern = \"先交定金\"\n\n[[rules]]\nid = \"deposit_first/press\"\ncategory = \"deposit_first\"\nseverity = \"medium\"\nexplanation = \"presses for it\"\nrequires = [\"found.deposit_first\"]\npattern = \"快点\"\n";
    let d = scamscan::Detector::builder()
        .without_builtin()
        .scorer(false)
        .stance(false)
        .lexicon_text("user.toml", lexicon)
        .build()
        .unwrap();
    let turn = |id, speaker, text| Turn {
        id: Some(id),
        speaker: Some(speaker),
        text,
    };
    let mut state = scamscan::ConversationState::new();
    assert!(d
        .scan_turn(turn("m1", Speaker::Buyer, "快点"), &mut state)
        .findings
        .is_empty());
    assert_eq!(
        d.scan_turn(turn("m2", Speaker::Seller, "先交定金"), &mut state)
            .findings
            .len(),
        1
    );
    // the other side pressing is not the same speaker
    assert!(d
        .scan_turn(turn("m3", Speaker::Buyer, "快点"), &mut state)
        .findings
        .is_empty());
    let mut state = scamscan::ConversationState::from_bytes(&state.to_bytes()).unwrap();
    let r = d.scan_turn(turn("m4", Speaker::Seller, "快点"), &mut state);
    assert_eq!(r.findings.len(), 1, "{r:?}");
    assert_eq!(r.findings[0].rule, "deposit_first/press");
    assert_eq!(r.findings[0].context, ["m2"]);

    for (text, says) in [
        ("[[rules]]\nid = \"signal/x\"\nsignal = \"found.deposit_first\"\npattern = \"定金\"\n", "raised by the detector"),
        ("[[rules]]\nid = \"deposit_first/x\"\ncategory = \"deposit_first\"\nexplanation = \"x\"\nrequires = [\"found.no_such\"]\npattern = \"定金\"\n", "unknown category"),
    ] {
        let e = scamscan::Detector::builder()
            .without_builtin()
            .lexicon_text("user.toml", text)
            .build()
            .expect_err("refused");
        assert!(e.to_string().contains(says), "{e}");
    }
}
