//! A finding's explanation kept as its parts (the rule's own words in each language, the
//! scorer's probability, the large-amount raise), so that it is written as a sentence of
//! whichever language the reader asked for, never as one language with words of another
//! pasted in.

use std::sync::Arc;

use crate::amount::format_yuan;
use crate::lang::Lang;
use crate::report::Category;

/// A rule's own words, shared by every finding of the rule (no copy per finding).
#[derive(Debug, Default)]
pub(crate) struct RuleWords {
    pub en: String,
    pub zh: Option<String>,
}

/// What an explanation is made of.
#[derive(Clone, Debug, Default)]
pub(crate) struct Explanation {
    /// The rule's explanation (none for the scorer's findings).
    rule: Option<Arc<RuleWords>>,
    /// The scorer's probability, for a finding of the scorer.
    scorer: Option<f32>,
    /// The amount and the large-amount threshold it reached, when the finding was raised.
    large: Option<(f64, f64)>,
    /// The stance model's logit that the speaker proposes the step, where it was asked.
    stance: Option<f32>,
}

impl Explanation {
    /// A rule's finding.
    pub(crate) fn of_rule(words: &Arc<RuleWords>) -> Explanation {
        Explanation {
            rule: Some(Arc::clone(words)),
            ..Explanation::default()
        }
    }

    /// The scorer's finding, with its probability.
    pub(crate) fn of_scorer(probability: f32) -> Explanation {
        Explanation {
            scorer: Some(probability),
            ..Explanation::default()
        }
    }

    /// Notes that the finding was raised for an amount at or above the threshold.
    pub(crate) fn raised_for_amount(&mut self, amount: f64, threshold: f64) {
        self.large = Some((amount, threshold));
    }

    /// True when there is nothing to write (a finding read back from JSON).
    pub(crate) fn is_empty(&self) -> bool {
        self.rule.is_none() && self.scorer.is_none()
    }

    /// The explanation of a finding of `category` in `lang`. A rule without Chinese words is
    /// explained in English whatever the language.
    pub(crate) fn render(&self, category: Category, lang: Lang) -> String {
        let rule_zh = self.rule.as_ref().and_then(|r| r.zh.as_deref());
        let zh = lang == Lang::ZhCn && (self.scorer.is_some() || rule_zh.is_some());
        if !zh {
            let mut out = match self.scorer {
                Some(p) => format!(
                    "wording typical of {} that no rule names (n-gram scorer, p = {p:.2})",
                    category.as_str()
                ),
                None => self
                    .rule
                    .as_ref()
                    .map_or_else(String::new, |r| r.en.clone()),
            };
            if let Some((amount, threshold)) = self.large {
                out.push_str(&format!(
                    " (amount {} yuan, at or above the large-amount threshold of {} yuan)",
                    format_yuan(amount),
                    format_yuan(threshold)
                ));
            }
            return out;
        }
        // In Chinese the notes share one pair of brackets: 主句（说明一；说明二）.
        let mut notes = Vec::new();
        let mut out = match self.scorer {
            Some(p) => {
                notes.push(format!("字词统计模型判断，概率 {p:.2}"));
                format!(
                    "措辞与“{}”类诈骗的常见说法相近，但没有规则直接命中",
                    category.name(Lang::ZhCn)
                )
            }
            None => rule_zh.unwrap_or_default().to_string(),
        };
        if let Some((amount, threshold)) = self.large {
            notes.push(format!(
                "涉及金额 {} 元，达到 {} 元的大额标准",
                format_yuan(amount),
                format_yuan(threshold)
            ));
        }
        if !notes.is_empty() {
            out.push_str(&format!("（{}）", notes.join("；")));
        }
        out
    }

    /// Records the stance model's logit for the finding.
    pub(crate) fn set_stance(&mut self, logit: f32) {
        self.stance = Some(logit);
    }

    /// The stance model's logit, where it was asked.
    pub(crate) fn stance(&self) -> Option<f32> {
        self.stance
    }

    /// The scorer's probability, for a finding of the scorer.
    pub(crate) fn scorer_probability(&self) -> Option<f32> {
        self.scorer
    }

    /// True for a finding of the scorer.
    pub(crate) fn is_scored(&self) -> bool {
        self.scorer.is_some()
    }

    /// True when the finding was raised for its amount.
    pub(crate) fn raised_for_large_amount(&self) -> bool {
        self.large.is_some()
    }
}

/// Two findings are equal when everything written about them is: the parts their
/// explanations are composed from are derived, and a finding read back from JSON has none.
impl PartialEq for Explanation {
    fn eq(&self, _: &Explanation) -> bool {
        true
    }
}
