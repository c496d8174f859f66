//! Every shipped rule tests itself: its examples fire, its counter-examples do not.

use crate::util::detector;

#[test]
fn every_rule_fires_on_its_examples_and_not_on_its_counter_examples() {
    let d = detector();
    let failures = d.check_examples();
    let listing: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        listing.join("\n")
    );
}

#[test]
fn every_rule_carries_examples_and_counter_examples() {
    let lacking: Vec<String> = detector()
        .rules()
        .iter()
        .filter(|r| r.examples() == 0 || (r.category.is_some() && r.counter_examples() == 0))
        .map(|r| r.id.clone())
        .collect();
    assert!(
        lacking.is_empty(),
        "rules without examples or counter-examples: {lacking:?}"
    );
}

#[test]
fn all_ten_categories_have_rules() {
    let d = detector();
    for c in scamscan::Category::ALL {
        assert!(
            d.rules().iter().any(|r| r.category == Some(c)),
            "no rule for {c}"
        );
    }
}
