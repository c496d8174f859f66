//! A verdict per conversation: what a seller acts on. Messages are added in order with their
//! reports; each conversation gets its severity (the highest of its messages), its categories
//! in the order they first appeared, the chain of evidence (message, category, span, words) and
//! one line saying it.
//!
//! ```
//! use scamscan::summary::ConversationVerdicts;
//! use scamscan::{Detector, Turn};
//!
//! let detector = Detector::new()?;
//! let mut verdicts = ConversationVerdicts::default();
//! let mut chat = detector.conversation();
//! for (id, text) in [("m1", "在的亲"), ("m2", "加我微信 cam_shop88 细聊"), ("m3", "先转500定金给我")] {
//!     let report = chat.push(Turn { id: Some(id), speaker: None, text });
//!     verdicts.add(Some("c1"), Some(id), 0, &report);
//! }
//! let verdict = &verdicts.finish()[0];
//! assert_eq!(verdict.flagged, 2);
//! assert_eq!(verdict.evidence[0].id.as_deref(), Some("m2"));
//! # Ok::<(), scamscan::Error>(())
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::report::{Category, Report, Severity};

/// One link of a conversation's chain of evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceLink {
    /// The message's id (absent when the input gave none; `line` then says which).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The message's line in its input.
    pub line: u64,
    /// What was found.
    pub category: Category,
    /// How serious.
    pub severity: Severity,
    /// Byte span of the evidence in the message.
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// The evidence as typed.
    pub matched: String,
}

/// The verdict of one conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationVerdict {
    /// The conversation id; absent for a message that belongs to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    /// Messages scanned in it.
    pub messages: u64,
    /// Messages with a finding.
    pub flagged: u64,
    /// The highest severity of its messages.
    pub severity: Severity,
    /// Its categories, in the order they first appeared.
    pub categories: Vec<Category>,
    /// Every finding, in message order.
    pub evidence: Vec<EvidenceLink>,
    /// One line for a person.
    pub explanation: String,
}

/// Most links kept per conversation (the first ones; the count stays exact).
const MAX_LINKS: usize = 64;

/// Collects verdicts from messages added in input order.
#[derive(Debug, Default)]
pub struct ConversationVerdicts {
    /// Conversation id -> its index in `verdicts`.
    index: HashMap<String, usize>,
    verdicts: Vec<ConversationVerdict>,
}

impl ConversationVerdicts {
    /// Adds a message of `conversation` (none: a message on its own) with its `report`.
    pub fn add(
        &mut self,
        conversation: Option<&str>,
        id: Option<&str>,
        line: u64,
        report: &Report,
    ) {
        let slot = match conversation {
            Some(key) => match self.index.get(key) {
                Some(&i) => i,
                None => {
                    self.index.insert(key.to_string(), self.verdicts.len());
                    self.verdicts.push(empty(Some(key)));
                    self.verdicts.len() - 1
                }
            },
            None => {
                self.verdicts.push(empty(None));
                self.verdicts.len() - 1
            }
        };
        let verdict = &mut self.verdicts[slot];
        verdict.messages += 1;
        if report.findings.is_empty() {
            return;
        }
        verdict.flagged += 1;
        verdict.severity = verdict.severity.max(report.severity);
        for f in &report.findings {
            if !verdict.categories.contains(&f.category) {
                verdict.categories.push(f.category);
            }
            if verdict.evidence.len() < MAX_LINKS {
                verdict.evidence.push(EvidenceLink {
                    id: id.map(str::to_string),
                    line,
                    category: f.category,
                    severity: f.severity,
                    start: f.start,
                    end: f.end,
                    matched: f.matched.clone(),
                });
            }
        }
    }

    /// Every conversation's verdict, in the order conversations first appeared, explained in
    /// English.
    pub fn finish(self) -> Vec<ConversationVerdict> {
        self.finish_in(Lang::En)
    }

    /// The same, explained in `lang`.
    pub fn finish_in(self, lang: Lang) -> Vec<ConversationVerdict> {
        let mut verdicts = self.verdicts;
        for v in &mut verdicts {
            v.explanation = explain(v, lang);
        }
        verdicts
    }
}

fn empty(conversation: Option<&str>) -> ConversationVerdict {
    ConversationVerdict {
        conversation: conversation.map(str::to_string),
        messages: 0,
        flagged: 0,
        severity: Severity::None,
        categories: Vec::new(),
        evidence: Vec::new(),
        explanation: String::new(),
    }
}

/// The one line: how many messages, which steps in order, from which message to which.
fn explain(v: &ConversationVerdict, lang: Lang) -> String {
    let name = |l: &EvidenceLink| {
        l.id.clone().unwrap_or_else(|| match lang {
            Lang::En => format!("line {}", l.line),
            Lang::ZhCn => format!("第 {} 行", l.line),
        })
    };
    let steps: Vec<&str> = v.categories.iter().map(|c| c.name(lang)).collect();
    let span = match (v.evidence.first(), v.evidence.last()) {
        (Some(a), Some(b)) if name(a) != name(b) => Some((name(a), name(b))),
        (Some(a), _) => Some((name(a), String::new())),
        _ => None,
    };
    match lang {
        Lang::En => match span {
            None => format!("{} messages, nothing found", v.messages),
            Some((from, to)) => {
                let at = if to.is_empty() {
                    from
                } else {
                    format!("{from} to {to}")
                };
                format!(
                    "{} of {} messages flagged, {}: {} ({at})",
                    v.flagged,
                    v.messages,
                    v.severity,
                    steps.join(" -> ")
                )
            }
        },
        Lang::ZhCn => match span {
            None => format!("共 {} 条消息，未发现诈骗特征", v.messages),
            Some((from, to)) => {
                let at = if to.is_empty() {
                    from
                } else {
                    format!("{from} 至 {to}")
                };
                format!(
                    "共 {} 条消息，其中 {} 条有诈骗特征，风险等级{}：{}（{at}）",
                    v.messages,
                    v.flagged,
                    v.severity.name(lang),
                    steps.join(" → ")
                )
            }
        },
    }
}
