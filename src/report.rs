//! What the detector says about a message: [`Category`], [`Severity`], [`Finding`], [`Report`].
//!
//! These types are the wire format of `scamscan scan` and of the HTTP service
//! (`../shared/spec/IO.md`): field names and category ids are a public contract.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::explain::Explanation;
use crate::lang::Lang;

/// How bad a finding is, lowest to highest. A message with no finding has [`Severity::None`].
///
/// Serialized in lower case: `"none"`, `"low"`, `"medium"`, `"high"`, `"critical"`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No finding at all.
    #[default]
    None,
    /// A hint; does not count as a detection.
    Low,
    /// Worth a look.
    Medium,
    /// Likely a scam.
    High,
    /// A scam that can empty an account (codes, passwords, card numbers).
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::None,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lower-case name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One step up, saturating at `critical`; `none` stays `none`.
    pub fn raised(self) -> Severity {
        match self {
            Severity::None => Severity::None,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str() == s)
            .ok_or_else(|| {
                format!("unknown severity {s:?} (expected none, low, medium, high or critical)")
            })
    }
}

/// The scam categories of `TAXONOMY.md`. The ids are a public contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Pay, be paid or trade outside the platform's guaranteed payment.
    OffPlatformPayment,
    /// Move the conversation to another channel.
    OffPlatformContact,
    /// A deposit or fee demanded before the deal goes through.
    DepositFirst,
    /// After paying, change the shipping address or recipient.
    AddressChangeAfterPayment,
    /// Change order information or the payment method outside the normal flow.
    OrderTampering,
    /// A refund, compensation or claim lure run outside the platform.
    FakeRefund,
    /// A verification code, password, card number, ID or screen share.
    CredentialRequest,
    /// A link, QR code or app outside the platform.
    PhishingLink,
    /// Fake payment evidence, or an overpayment "refund the difference".
    FakePaymentProof,
    /// Poses as the platform or its staff to threaten or demand.
    PlatformImpersonation,
}

impl Category {
    /// Every category, in `TAXONOMY.md` order.
    pub const ALL: [Category; 10] = [
        Category::OffPlatformPayment,
        Category::OffPlatformContact,
        Category::DepositFirst,
        Category::AddressChangeAfterPayment,
        Category::OrderTampering,
        Category::FakeRefund,
        Category::CredentialRequest,
        Category::PhishingLink,
        Category::FakePaymentProof,
        Category::PlatformImpersonation,
    ];

    /// The id used on the wire and in lexicons.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::OffPlatformPayment => "off_platform_payment",
            Category::OffPlatformContact => "off_platform_contact",
            Category::DepositFirst => "deposit_first",
            Category::AddressChangeAfterPayment => "address_change_after_payment",
            Category::OrderTampering => "order_tampering",
            Category::FakeRefund => "fake_refund",
            Category::CredentialRequest => "credential_request",
            Category::PhishingLink => "phishing_link",
            Category::FakePaymentProof => "fake_payment_proof",
            Category::PlatformImpersonation => "platform_impersonation",
        }
    }

    /// The default severity of `TAXONOMY.md`, used by a rule that names none.
    pub fn default_severity(self) -> Severity {
        match self {
            Category::OffPlatformContact | Category::OrderTampering | Category::PhishingLink => {
                Severity::Medium
            }
            Category::CredentialRequest => Severity::Critical,
            _ => Severity::High,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown category {s:?}"))
    }
}

/// One piece of evidence: a rule that fired on a span of the message.
///
/// `start..end` are byte offsets into the message exactly as it was given, always on UTF-8
/// character boundaries, so `&text[start..end] == matched`. `char_start..char_end` are the
/// same span counted in Unicode scalar values, for user interfaces that index by character.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The category id.
    pub category: Category,
    /// The category's name for a person, in the report's language (`Category::name`).
    #[serde(default)]
    pub category_name: Cow<'static, str>,
    /// This finding's severity (the rule's, possibly raised by context).
    pub severity: Severity,
    /// The id of the lexicon rule that fired.
    pub rule: String,
    /// Byte offset of the evidence's first byte in the original text.
    pub start: usize,
    /// Byte offset one past the evidence's last byte in the original text.
    pub end: usize,
    /// Character offset of the evidence's first character.
    pub char_start: usize,
    /// Character offset one past the evidence's last character.
    pub char_end: usize,
    /// The evidence as typed: `text[start..end]`.
    pub matched: String,
    /// What the rule means, for a person.
    pub explanation: String,
    /// Foldings that were needed to see the evidence (`traditional`, `width`, `separator`,
    /// `digits`, ...); absent when the evidence was typed plainly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub normalized: Vec<String>,
    /// Ids of earlier messages of the conversation this finding rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    /// The money amount near the evidence, in yuan (¥500, 五百块, 1.2万), where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// How often findings like this one were right on the labeled files (0 to 1): by
    /// category for a rule's finding, by probability for the scorer's. Absent without the
    /// built-in lexicons, whose labeled files it is measured on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// What the explanation is composed of, to write it in another language.
    #[serde(skip)]
    pub(crate) why: Explanation,
}

impl Finding {
    /// The stance model's probability that the speaker proposes the step (rather than
    /// refusing, warning against, asking about or retelling it), where it was asked.
    pub fn proposed(&self) -> Option<f32> {
        self.why.stance().map(|z| 1.0 / (1.0 + (-z).exp()))
    }

    /// True for a finding of the n-gram scorer rather than of a rule.
    pub fn is_scored(&self) -> bool {
        self.why.is_scored() || self.rule.starts_with(crate::scorer::SCORER_RULE_PREFIX)
    }

    /// True when the finding's severity was raised one step for its amount (at or above the
    /// detector's large-amount threshold); its explanation then says so.
    pub fn raised_for_amount(&self) -> bool {
        self.why.raised_for_large_amount()
    }

    /// Writes the explanation and the category's name in `lang`. A finding read back from
    /// JSON keeps the explanation it was written with.
    pub fn localize(&mut self, lang: Lang) {
        if !self.why.is_empty() {
            self.explanation = self.why.render(self.category, lang);
        }
        self.category_name = Cow::Borrowed(self.category.name(lang));
    }
}

/// Everything the detector found in one message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The message's severity: the highest of its findings, raised one step where findings
    /// of two or more categories combine; `none` when there is no finding.
    pub severity: Severity,
    /// The findings, in order of their start offset.
    pub findings: Vec<Finding>,
    /// Findings the stance stage silenced: the speaker refuses, warns against, asks about or
    /// retells the step rather than proposing it. Not written to JSON; `check` shows them.
    #[serde(skip)]
    pub silenced: Vec<Finding>,
}

impl Report {
    /// Moves the findings `silence` picks to `silenced`, and sets the severity from those left.
    pub(crate) fn silence(&mut self, silence: impl Fn(&Finding) -> bool) {
        if !self.findings.iter().any(&silence) {
            return;
        }
        let (silenced, kept): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut self.findings)
            .into_iter()
            .partition(|f| silence(f));
        *self = Report {
            silenced,
            ..Report::from_findings(kept)
        };
    }

    /// Writes every finding's explanation and category name in `lang` (see
    /// [`Finding::localize`]); ids, offsets and severities do not change.
    pub fn localize(&mut self, lang: Lang) {
        for f in self.findings.iter_mut().chain(&mut self.silenced) {
            f.localize(lang);
        }
    }

    /// The report in `lang`.
    pub fn localized(mut self, lang: Lang) -> Report {
        self.localize(lang);
        self
    }

    /// The report of a message's findings: the strongest finding per category is kept
    /// (highest severity, then the one resting on most context, then the earliest, then the
    /// shortest evidence, then the first explanation and rule id), in order of position; the
    /// severity is the highest kept, raised one step where two or more findings reach
    /// `medium` (rule findings only). Which finding is kept depends neither on the order rules
    /// were loaded in nor,
    /// short of a tie in everything but the id, on what the rules are called.
    pub(crate) fn from_findings(mut findings: Vec<Finding>) -> Report {
        findings.sort_by(|a, b| {
            a.category
                .cmp(&b.category)
                .then(b.severity.cmp(&a.severity))
                .then(b.context.len().cmp(&a.context.len()))
                .then(a.start.cmp(&b.start))
                .then((a.end - a.start).cmp(&(b.end - b.start)))
                .then(a.explanation.cmp(&b.explanation))
                .then(a.rule.cmp(&b.rule))
        });
        findings.dedup_by(|later, kept| later.category == kept.category);
        findings.sort_by_key(|f| (f.start, f.end));
        let top = findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::None);
        // Two rule findings of medium or more raise the message; the scorer's findings never
        // do, so that a scorer's echo of a rule's category does not make it critical.
        let serious = findings
            .iter()
            .filter(|f| f.severity >= Severity::Medium && !f.is_scored())
            .count();
        let severity = if serious >= 2 { top.raised() } else { top };
        Report {
            severity,
            findings,
            silenced: Vec::new(),
        }
    }

    /// True when at least one finding has this severity or higher.
    pub fn reaches(&self, min: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= min)
    }

    /// The distinct categories of findings at `min` or above.
    pub fn categories_at(&self, min: Severity) -> Vec<Category> {
        let mut cats: Vec<Category> = self
            .findings
            .iter()
            .filter(|f| f.severity >= min)
            .map(|f| f.category)
            .collect();
        cats.sort();
        cats.dedup();
        cats
    }
}
