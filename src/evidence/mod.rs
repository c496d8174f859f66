//! The evidence report: what a seller keeps and sends to the platform.
//!
//! [`collect`] reads the logs twice. The first pass scans every message (in parallel, as
//! `scan` does) and remembers only which conversations had a finding and the findings
//! themselves; the second pass reads the logs again and keeps the messages of those
//! conversations. Memory thus grows with the flagged conversations, not with the logs.
//! [`render_html`] writes one self-contained page (inline style, no script, no external
//! asset); [`render_markdown`] writes the same content as Markdown.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::highlight::highlight;
use crate::io::{Record, RecordError};
use crate::lang::Lang;
use crate::summary::ConversationVerdicts;

mod collect;
mod html;
mod markdown;
mod words;

use crate::report::{Category, Report, Severity};
pub use collect::{collect, Collected, Source};
pub use html::render_html;
pub use markdown::render_markdown;

/// Record errors listed by line in the report; past this only the count is given.
const MAX_LISTED_ERRORS: usize = 50;

/// Where a message comes from: the index of its file and its line.
type Place = (usize, u64);

/// What identifies a conversation: its file and its id, or the one message without an id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ConversationKey {
    Named(usize, String),
    Single(Place),
}

fn key_of(file: usize, line: u64, conversation: Option<&str>) -> ConversationKey {
    match conversation {
        Some(id) => ConversationKey::Named(file, id.to_string()),
        None => ConversationKey::Single((file, line)),
    }
}

/// Counts per category for the summary table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CategoryCounts {
    /// Messages with a finding of this category, by the finding's severity (low..critical).
    pub messages: [u64; 4],
    /// Conversations with at least one such finding.
    pub conversations: u64,
}

/// One message as shown in the report.
#[derive(Clone, Debug)]
pub struct EvidenceMessage {
    /// 1-based line in its file.
    pub line: u64,
    /// Its id, if the log gives one.
    pub id: Option<String>,
    /// Its speaker as written.
    pub speaker: Option<String>,
    /// The text exactly as written.
    pub text: String,
    /// What the detector found (empty for a message without findings).
    pub report: Report,
}

/// A conversation with at least one finding, every message in log order.
#[derive(Clone, Debug)]
pub struct EvidenceConversation {
    /// The file it was read from.
    pub file: String,
    /// Its conversation id; `None` for a lone message without one.
    pub id: Option<String>,
    /// Its messages, in log order.
    pub messages: Vec<EvidenceMessage>,
}

impl EvidenceConversation {
    /// The highest message severity in the conversation.
    pub fn severity(&self) -> Severity {
        self.messages
            .iter()
            .map(|m| m.report.severity)
            .max()
            .unwrap_or_default()
    }
}

/// Everything the report shows.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// The input files, in the order given.
    pub files: Vec<String>,
    /// Messages scanned.
    pub messages: u64,
    /// Messages with at least one finding.
    pub flagged_messages: u64,
    /// Conversations seen (a message without a conversation id counts as its own).
    pub conversations: u64,
    /// Records that could not be read: (file, line, error), the first few.
    pub errors: Vec<(String, u64, String)>,
    /// Records that could not be read, all of them.
    pub error_count: u64,
    /// Per category, message and conversation counts.
    pub by_category: BTreeMap<Category, CategoryCounts>,
    /// The flagged conversations, in order of their first message.
    pub flagged: Vec<EvidenceConversation>,
    /// The detector's large-amount threshold, for the header.
    pub large_amount: Option<f64>,
    /// The lexicon version, for the header.
    pub lexicon_version: String,
    /// The language the report is written in.
    pub lang: Lang,
    /// When the report was made (Unix seconds), for the header; `None` leaves it out.
    pub generated: Option<u64>,
}

/// Builds an [`Evidence`] from the two passes over the logs.
#[derive(Debug, Default)]
pub struct EvidenceCollector {
    evidence: Evidence,
    /// Reports of messages with findings, from the first pass.
    reports: HashMap<Place, Report>,
    /// Flagged conversations, with their position in the report.
    flagged: HashMap<ConversationKey, usize>,
    /// Every named conversation seen, for the count.
    seen: HashSet<ConversationKey>,
    /// Per category, the conversations with such a finding.
    category_conversations: HashSet<(Category, usize)>,
}

impl EvidenceCollector {
    /// A collector for these files (named in the report, indexed by position).
    pub fn new(files: Vec<String>) -> EvidenceCollector {
        EvidenceCollector {
            evidence: Evidence {
                files,
                ..Evidence::default()
            },
            ..EvidenceCollector::default()
        }
    }

    /// Sets the header's detector facts.
    pub fn detector_facts(&mut self, lexicon_version: &str, large_amount: Option<f64>) {
        self.evidence.lexicon_version = lexicon_version.to_string();
        self.evidence.large_amount = large_amount;
    }

    /// First pass: a scanned record of file `file`.
    pub fn scanned(&mut self, file: usize, record: &Record<'_>, report: Report) {
        self.evidence.messages += 1;
        let key = key_of(file, record.line, record.conversation.as_deref());
        match &key {
            ConversationKey::Named(..) => {
                if !self.seen.contains(&key) {
                    self.seen.insert(key.clone());
                    self.evidence.conversations += 1;
                }
            }
            ConversationKey::Single(_) => self.evidence.conversations += 1,
        }
        if report.findings.is_empty() {
            return;
        }
        self.evidence.flagged_messages += 1;
        let next = self.flagged.len();
        let index = *self.flagged.entry(key).or_insert(next);
        if index == next {
            self.evidence.flagged.push(EvidenceConversation {
                file: self.evidence.files.get(file).cloned().unwrap_or_default(),
                id: record.conversation.as_deref().map(str::to_string),
                messages: Vec::new(),
            });
        }
        let mut categories: Vec<(Category, Severity)> = report
            .findings
            .iter()
            .map(|f| (f.category, f.severity))
            .collect();
        categories.sort();
        categories.dedup_by_key(|(c, _)| *c);
        for (category, severity) in categories {
            let counts = self.evidence.by_category.entry(category).or_default();
            if let Some(slot) = (severity as usize).checked_sub(1) {
                if let Some(n) = counts.messages.get_mut(slot) {
                    *n += 1;
                }
            }
            if self.category_conversations.insert((category, index)) {
                counts.conversations += 1;
            }
        }
        self.reports.insert((file, record.line), report);
    }

    /// First pass: a record of file `file` that could not be read.
    pub fn failed(&mut self, file: usize, error: &RecordError) {
        self.evidence.error_count += 1;
        if self.evidence.errors.len() < MAX_LISTED_ERRORS {
            let name = self.evidence.files.get(file).cloned().unwrap_or_default();
            self.evidence
                .errors
                .push((name, error.line, error.message.clone()));
        }
    }

    /// True once the first pass found nothing to show.
    pub fn nothing_flagged(&self) -> bool {
        self.flagged.is_empty()
    }

    /// Second pass: a record of file `file`, read again. Kept if its conversation is flagged.
    pub fn reread(&mut self, file: usize, record: Record<'static>) {
        let key = key_of(file, record.line, record.conversation.as_deref());
        let Some(&index) = self.flagged.get(&key) else {
            return;
        };
        let report = self
            .reports
            .remove(&(file, record.line))
            .unwrap_or_default();
        if let Some(conversation) = self.evidence.flagged.get_mut(index) {
            conversation.messages.push(EvidenceMessage {
                line: record.line,
                id: record.id.map(Cow::into_owned),
                speaker: record.speaker.map(Cow::into_owned),
                text: record.text.into_owned(),
                report,
            });
        }
    }

    /// The finished evidence.
    pub fn finish(self) -> Evidence {
        self.evidence
    }
}

// ---------------------------------------------------------------------------------------
// Layout shared by the renderers: what is shown, in what order, with which links.

/// The message's text cut into (text, categories of the findings covering it) pieces, by
/// [`highlight`].
fn pieces<'a>(text: &'a str, report: &Report) -> Vec<(&'a str, Vec<Category>)> {
    highlight(text, &report.findings)
        .into_iter()
        .map(|piece| {
            let mut covering: Vec<Category> = piece
                .findings
                .iter()
                .map(|&i| report.findings[i].category)
                .collect();
            covering.dedup();
            (piece.text, covering)
        })
        .collect()
}

/// Anchor of message `m` of flagged conversation `c`.
fn anchor(c: usize, m: usize) -> String {
    format!("c{}-m{}", c + 1, m + 1)
}

/// A finding's `context` ids, each with the anchor of its message where the report has it.
fn context_links<'a>(
    finding: &'a crate::report::Finding,
    anchors: &HashMap<&str, String>,
) -> Vec<(&'a str, Option<String>)> {
    finding
        .context
        .iter()
        .map(|id| (id.as_str(), anchors.get(id.as_str()).cloned()))
        .collect()
}

/// One block of a conversation as laid out.
enum Block<'a> {
    /// A message with findings, or one a finding names in its context (never collapsed, so
    /// that a link to it lands on something visible).
    Shown {
        index: usize,
        message: &'a EvidenceMessage,
        context_only: bool,
    },
    /// A run of messages without findings, collapsed.
    Collapsed(Vec<(usize, &'a EvidenceMessage)>),
}

/// A flagged conversation laid out, and where each of its message ids is.
struct Layout<'a> {
    blocks: Vec<Block<'a>>,
    anchors: HashMap<&'a str, String>,
}

fn layout(c: usize, conversation: &EvidenceConversation) -> Layout<'_> {
    let referenced: HashSet<&str> = conversation
        .messages
        .iter()
        .flat_map(|m| m.report.findings.iter())
        .flat_map(|f| f.context.iter().map(String::as_str))
        .collect();
    let anchors = conversation
        .messages
        .iter()
        .enumerate()
        .filter_map(|(m, msg)| msg.id.as_deref().map(|id| (id, anchor(c, m))))
        .collect();
    let mut blocks = Vec::new();
    let mut quiet = Vec::new();
    for (index, message) in conversation.messages.iter().enumerate() {
        let flagged = !message.report.findings.is_empty();
        let named = message
            .id
            .as_deref()
            .is_some_and(|id| referenced.contains(id));
        if flagged || named {
            if !quiet.is_empty() {
                blocks.push(Block::Collapsed(std::mem::take(&mut quiet)));
            }
            blocks.push(Block::Shown {
                index,
                message,
                context_only: !flagged,
            });
        } else {
            quiet.push((index, message));
        }
    }
    if !quiet.is_empty() {
        blocks.push(Block::Collapsed(quiet));
    }
    Layout { blocks, anchors }
}

/// The conversation's verdict in one line (see [`crate::summary`]).
fn verdict_line(conversation: &EvidenceConversation, lang: Lang) -> String {
    let mut verdicts = ConversationVerdicts::default();
    let key = conversation.id.as_deref().or(Some(""));
    for m in &conversation.messages {
        verdicts.add(key, m.id.as_deref(), m.line, &m.report);
    }
    verdicts
        .finish_in(lang)
        .pop()
        .map(|v| v.explanation)
        .unwrap_or_default()
}

/// The severities a finding can have, as the summary table's columns.
const SEVERITIES: [Severity; 4] = [
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];

/// A row of the summary table: a category's, or the total (`None`).
struct SummaryRow {
    category: Option<Category>,
    conversations: u64,
    messages: u64,
    /// Findings by severity, low to critical.
    by_severity: [u64; 4],
}

/// The summary table's rows, then its total row.
fn summary(evidence: &Evidence) -> (Vec<SummaryRow>, SummaryRow) {
    let rows: Vec<SummaryRow> = evidence
        .by_category
        .iter()
        .map(|(category, counts)| SummaryRow {
            category: Some(*category),
            conversations: counts.conversations,
            messages: counts.messages.iter().sum(),
            by_severity: counts.messages,
        })
        .collect();
    let mut by_severity = [0u64; 4];
    for row in &rows {
        for (total, n) in by_severity.iter_mut().zip(row.by_severity) {
            *total += n;
        }
    }
    let total = SummaryRow {
        category: None,
        conversations: evidence.flagged.len() as u64,
        messages: evidence.flagged_messages,
        by_severity,
    };
    (rows, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Finding;

    fn record(line: u64, conversation: Option<&str>, id: &str, text: &str) -> Record<'static> {
        Record {
            line,
            id: Some(id.to_string().into()),
            conversation: conversation.map(|c| c.to_string().into()),
            speaker: Some("buyer".into()),
            text: text.to_string().into(),
            labels: None,
            note: None,
        }
    }

    fn finding(text: &str, evidence: &str, context: &[&str]) -> Finding {
        let start = text.find(evidence).unwrap();
        Finding {
            category: Category::DepositFirst,
            category_name: Default::default(),
            severity: Severity::High,
            rule: "deposit_first/x".into(),
            start,
            end: start + evidence.len(),
            char_start: 0,
            char_end: 0,
            matched: evidence.into(),
            explanation: "asks <b>deposit</b>".into(),
            normalized: vec![],
            context: context.iter().map(|s| s.to_string()).collect(),
            amount: Some(5000.0),
            confidence: None,
            why: Default::default(),
        }
    }

    fn sample() -> Evidence {
        let logs = [
            record(1, Some("c1"), "m1", "你好 <script>"),
            record(2, Some("c2"), "n1", "在吗"),
            record(3, Some("c1"), "m2", "先转5000定金"),
            record(4, None, "x", "平常话"),
        ];
        let mut collector = EvidenceCollector::new(vec!["log.jsonl".into()]);
        for r in &logs {
            let report = if r.line == 3 {
                let f = finding(&r.text, "5000定金", &["m1"]);
                Report {
                    severity: Severity::High,
                    findings: vec![f],
                    silenced: Vec::new(),
                }
            } else {
                Report::default()
            };
            collector.scanned(0, r, report);
        }
        for r in logs {
            collector.reread(0, r);
        }
        collector.finish()
    }

    #[test]
    fn only_flagged_conversations_are_kept_whole() {
        let e = sample();
        assert_eq!((e.messages, e.conversations, e.flagged_messages), (4, 3, 1));
        assert_eq!(e.flagged.len(), 1);
        let lines: Vec<u64> = e.flagged[0].messages.iter().map(|m| m.line).collect();
        assert_eq!(lines, [1, 3]);
        assert_eq!(
            e.by_category[&Category::DepositFirst].messages,
            [0, 0, 1, 0]
        );
    }

    #[test]
    fn html_highlights_escapes_and_links() {
        let html = render_html(&sample());
        assert!(html.contains("先转<mark title=\"Deposit first\">5000定金</mark>"));
        assert!(html.contains("你好 &lt;script&gt;"), "chat text is escaped");
        assert!(html.contains("asks &lt;b&gt;deposit&lt;/b&gt;"));
        assert!(html.contains("<a href=\"#c1-m1\">m1</a>") && html.contains("id=\"c1-m1\""));
        assert!(html.contains("5000 yuan"));
        for external in ["http://", "https://", "<script", "<link", "src="] {
            assert!(!html.contains(external), "{external} in the page");
        }
    }

    #[test]
    fn markdown_has_the_same_content() {
        let md = render_markdown(&sample());
        assert!(md.contains("先转**5000定金**"));
        assert!(md.contains("[m1](#c1-m1)"));
        assert!(md.contains("你好 \\<script\\>"));
        assert!(md.contains("| Deposit first `deposit_first` | 1 | 1 | 0 | 0 | 1 | 0 |"));
    }

    #[test]
    fn quiet_messages_are_collapsed_unless_named_as_context() {
        let mut collector = EvidenceCollector::new(vec!["f".into()]);
        let logs = [
            record(1, Some("c"), "a", "一"),
            record(2, Some("c"), "b", "二"),
            record(3, Some("c"), "m", "先转5000定金"),
        ];
        for r in &logs {
            let report = if r.line == 3 {
                Report {
                    severity: Severity::High,
                    findings: vec![finding(&r.text, "定金", &["b"])],
                    silenced: Vec::new(),
                }
            } else {
                Report::default()
            };
            collector.scanned(0, r, report);
        }
        for r in logs {
            collector.reread(0, r);
        }
        let html = render_html(&collector.finish());
        let details = html.find("<details>").unwrap();
        let end = html.find("</details>").unwrap();
        assert!(html[details..end].contains("id=\"c1-m1\""));
        assert!(!html[details..end].contains("id=\"c1-m2\""));
        assert!(html.contains("msg context"));
    }
}
