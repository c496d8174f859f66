//! The TOML shape of a lexicon file, exactly as users write it.
//!
//! ```toml
//! category = "deposit_first"          # default category of this file's rules
//!
//! [classes]                           # term classes: a name and its variants
//! deposit = ["定金", "订金", "押金", "保证金"]
//!
//! [[rules]]
//! id = "deposit_first/pay-first"
//! severity = "high"                   # optional: the category's default
//! explanation = "asks for a deposit before the deal goes through"
//! explanation_zh = "要求在交易完成前先付定金"   # required of built-in rules
//! patterns = ["先 {pay} ~0..4 {deposit}"]
//! unless = ["预售"]                   # terms anywhere in the message that veto this rule
//! examples = ["你先付个定金我再发货"]
//! counter_examples = ["平台不会让您先付定金"]
//!
//! allow = ["平台担保交易"]            # phrases that veto any hit they overlap
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

/// One lexicon file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSchema {
    /// Default category for this file's rules.
    pub category: Option<String>,
    #[serde(default)]
    pub classes: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub rules: Vec<RuleSchema>,
    /// Phrases that veto any hit overlapping them.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Cues that put a hit in a warning, negation or question.
    #[serde(default)]
    pub context: ContextSchema,
    /// Hosts whose links are the platform's own, never phishing.
    #[serde(default)]
    pub platform_hosts: Vec<String>,
    /// Spelling variants by kind (homophone, pinyin, slang, ...): alias -> canonical term.
    /// An alias matches wherever its canonical term is used, and a finding that rests on it
    /// names the kind in `normalized`.
    #[serde(default)]
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
    /// Terms also matched with any of their characters written in pinyin (转zhang, ding金).
    #[serde(default)]
    pub pinyin_mix: Option<PinyinMixSchema>,
}

/// `[pinyin_mix]`: the pinyin of each character, and the terms to expand with it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PinyinMixSchema {
    /// Character -> its pinyin without tones (微 = "wei").
    pub syllables: BTreeMap<String, String>,
    /// Terms whose characters may each be written in pinyin; every mix becomes a `pinyin`
    /// alias of the term.
    pub terms: Vec<String>,
}

/// Words that change what a hit means.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextSchema {
    /// Anywhere in the message, these make it a warning or reminder (谨防诈骗, 骗子).
    #[serde(default)]
    pub warning: Vec<String>,
    /// Shortly before a hit in the same clause, these negate it (请勿, 不会让您, 我不).
    #[serde(default)]
    pub negation_before: Vec<String>,
    /// Shortly after a hit in the same clause, these negate it (我不扫, 就不加了).
    #[serde(default)]
    pub negation_after: Vec<String>,
    /// Before a hit in the same clause, these make it the target's question (为什么要).
    #[serde(default)]
    pub question: Vec<String>,
    /// Phrases that contain a negation cue without negating (能不能, 要不): a cue inside one
    /// of them does not count.
    #[serde(default)]
    pub not_negation: Vec<String>,
    /// Phrases that contain a warning cue without warning (涉嫌诈骗, 诈骗案: the threat of an
    /// impersonator): a warning cue inside one of them does not count.
    #[serde(default)]
    pub not_warning: Vec<String>,
}

/// One rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSchema {
    pub id: String,
    pub category: Option<String>,
    pub severity: Option<String>,
    pub explanation: Option<String>,
    /// The explanation in Chinese (built-in rules must have one).
    pub explanation_zh: Option<String>,
    pub pattern: Option<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub unless: Vec<String>,
    /// Only these speakers (buyer, seller, agent, system, unknown).
    #[serde(default)]
    pub speakers: Vec<String>,
    /// Never these speakers.
    #[serde(default)]
    pub not_speakers: Vec<String>,
    /// Severity by speaker, overriding `severity` for the speakers named.
    #[serde(default)]
    pub speaker_severity: BTreeMap<String, String>,
    /// A signal rule marks the conversation (payment confirmed, ...) and reports nothing,
    /// unless `report_from` is set.
    pub signal: Option<String>,
    /// Makes a signal rule a counted one that reports: from the n-th message of a conversation
    /// that raises its signal on, the rule reports a finding naming the earlier ones in
    /// `context` (a buyer who keeps changing the address).
    pub report_from: Option<u32>,
    /// From the n-th time, the counted finding's severity is one step higher.
    pub escalate_from: Option<u32>,
    /// The rule reports nothing once any of these signals was raised (in an earlier message
    /// or this one); it still counts.
    #[serde(default)]
    pub not_after: Vec<String>,
    /// Fires only after one of these signals in an earlier message of the conversation.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Set to false for rules that warnings and negations must not silence.
    pub negatable: Option<bool>,
    #[serde(default)]
    pub examples: Vec<ExampleSchema>,
    #[serde(default)]
    pub counter_examples: Vec<ExampleSchema>,
}

/// An example: a message, or a message after earlier messages of its conversation.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum ExampleSchema {
    Text(String),
    Turns {
        text: String,
        #[serde(default)]
        speaker: Option<String>,
        #[serde(default)]
        before: Vec<TurnSchema>,
    },
}

/// An earlier message in an example conversation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TurnSchema {
    pub text: String,
    #[serde(default)]
    pub speaker: Option<String>,
}
