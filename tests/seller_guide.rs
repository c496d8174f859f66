//! What the seller's guide asks for beyond single phrases: repeated change requests and
//! large amounts.

use scamscan::{Category, Detector, Severity, Speaker, Turn};

use crate::util::detector;

fn buyer<'a>(id: &'a str, text: &'a str) -> Turn<'a> {
    Turn {
        id: Some(id),
        speaker: Some(Speaker::Buyer),
        text,
    }
}

#[test]
fn third_address_change_before_payment_is_high_with_both_earlier_requests() {
    let mut chat = detector().conversation();
    let first = chat.push(buyer("m1", "老板 收货地址改成我公司吧"));
    assert!(first.findings.is_empty(), "{first:?}");
    chat.push(Turn {
        id: Some("m2"),
        speaker: Some(Speaker::Seller),
        text: "好的亲 已备注",
    });
    let second = chat.push(buyer("m3", "算了 地址还是换回家里"));
    let third = chat.push(buyer("m4", "不好意思 收件人再改成我妹妹"));
    for (report, severity, context) in [
        (&second, Severity::Medium, vec!["m1"]),
        (&third, Severity::High, vec!["m1", "m3"]),
    ] {
        let f = report
            .findings
            .iter()
            .find(|f| f.category == Category::OrderTampering)
            .unwrap_or_else(|| panic!("no order_tampering in {report:?}"));
        assert_eq!(f.rule, "order_tampering/repeated-change-request");
        assert_eq!(f.severity, severity);
        assert_eq!(f.context, context);
    }
}

#[test]
fn payment_method_changes_count_with_address_changes() {
    let mut chat = detector().conversation();
    chat.push(buyer("m1", "付款方式能换成货到付款吗"));
    let r = chat.push(buyer("m2", "地址也帮我改一下 改到学校"));
    assert_eq!(r.findings.len(), 1, "{r:?}");
    assert_eq!(r.findings[0].context, vec!["m1".to_string()]);
}

#[test]
fn after_payment_the_address_rule_applies_instead() {
    let mut chat = detector().conversation();
    chat.push(buyer("m1", "收货地址改成我公司吧"));
    chat.push(Turn {
        id: Some("m2"),
        speaker: Some(Speaker::System),
        text: "买家已付款",
    });
    let r = chat.push(buyer("m3", "地址再帮我改一下 改到学校"));
    let categories: Vec<Category> = r.findings.iter().map(|f| f.category).collect();
    assert_eq!(categories, [Category::AddressChangeAfterPayment], "{r:?}");
}

#[test]
fn one_change_or_other_conversations_do_not_count() {
    // Each message alone (no conversation): nothing to count.
    for _ in 0..3 {
        assert!(detector().scan("收货地址改成我公司吧").findings.is_empty());
    }
    // Two conversations, one request each.
    let mut a = detector().conversation();
    let mut b = detector().conversation();
    assert!(a
        .push(buyer("a1", "收货地址改成我公司吧"))
        .findings
        .is_empty());
    assert!(b
        .push(buyer("b1", "收货地址改成我公司吧"))
        .findings
        .is_empty());
}

#[test]
fn large_deposit_is_more_severe_than_a_small_one() {
    let big = detector().scan("先转5000定金给我");
    let small = detector().scan("先转50定金给我");
    let (b, s) = (&big.findings[0], &small.findings[0]);
    assert_eq!(
        (b.category, s.category),
        (Category::DepositFirst, Category::DepositFirst)
    );
    assert_eq!((b.amount, s.amount), (Some(5000.0), Some(50.0)));
    assert!(b.severity > s.severity, "{b:?} vs {s:?}");
    assert!(
        b.explanation.contains("large-amount threshold"),
        "{}",
        b.explanation
    );
    assert!(!s.explanation.contains("large-amount"), "{}", s.explanation);
}

#[test]
fn amounts_in_words_and_units_reach_the_finding() {
    for (text, yuan) in [
        ("先付伍佰元定金我再发货", 500.0),
        ("定金两千 先转给我", 2000.0),
        ("加我微信 私下转1.2万给你便宜点", 12000.0),
        ("先付五百块押金", 500.0),
    ] {
        let report = detector().scan(text);
        let amounts: Vec<Option<f64>> = report.findings.iter().map(|f| f.amount).collect();
        assert!(amounts.contains(&Some(yuan)), "{text}: {report:?}");
    }
}

#[test]
fn order_and_phone_numbers_are_never_amounts() {
    for text in [
        "订单538872953711 先付定金我再发货",
        "先付定金 我电话13812345678",
        "先付定金 42码的给你留着",
    ] {
        let report = detector().scan(text);
        assert!(!report.findings.is_empty(), "{text}");
        for f in &report.findings {
            assert_eq!(f.amount, None, "{text}: {f:?}");
        }
    }
}

#[test]
fn the_threshold_is_configurable() {
    let off = Detector::builder().large_amount(None).build().unwrap();
    let low = Detector::builder()
        .large_amount(Some(10.0))
        .build()
        .unwrap();
    let text = "先转50定金给我";
    let base = detector().scan(text).findings[0].severity;
    assert_eq!(off.scan(text).findings[0].severity, base);
    assert_eq!(low.scan(text).findings[0].severity, base.raised());
}

/// Held-out amounts (`tests/data/amounts.jsonl`, written by a writer who never saw the
/// amount reader): the share of lines whose money is read exactly, and that no line
/// without money yields an amount.
#[test]
fn held_out_amounts() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/amounts.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let (mut money_lines, mut exact, mut other_lines, mut invented) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let want: Vec<f64> = v["amounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_f64().unwrap())
            .collect();
        let got: Vec<f64> = scamscan::amount::find_amounts(text)
            .iter()
            .map(|a| a.yuan)
            .collect();
        if want.is_empty() {
            other_lines += 1;
            invented += usize::from(!got.is_empty());
        } else {
            money_lines += 1;
            exact += usize::from(got == want);
        }
        if got != want {
            wrong.push(format!("{text}: want {want:?} got {got:?}"));
        }
    }
    let read = exact as f64 / money_lines as f64;
    eprintln!(
        "held-out amounts: {exact}/{money_lines} money lines read exactly ({read:.3}); \
         {invented}/{other_lines} lines without money yield an amount\n  {}",
        wrong.join("\n  ")
    );
    // Regression guards at the level measured (0.820 and 0 before any change prompted by
    // this file; see the closing note of the seller's-guide issue).
    assert_eq!(invented, 0, "a number that is not money was read as money");
    assert!(read >= 0.82, "money read exactly on {read:.3} of the lines");
}
