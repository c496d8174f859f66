//! The evidence report: what a seller keeps and sends to the platform.
//!
//! `scamscan report` reads the logs twice. The first pass scans every message (in parallel,
//! as `scan` does) and remembers only which conversations had a finding and the findings
//! themselves; the second pass reads the logs again and keeps the messages of those
//! conversations. Memory thus grows with the flagged conversations, not with the logs.
//! [`render_html`] writes one self-contained page (inline style, no script, no external
//! asset); [`render_markdown`] writes the same content as Markdown.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use crate::amount::format_yuan;
use crate::io::{Record, RecordError, RecordRef};
use crate::report::{Category, Report, Severity};

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
    pub fn scanned(&mut self, file: usize, record: &RecordRef<'_>, report: Report) {
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
    pub fn reread(&mut self, file: usize, record: Record) {
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
                id: record.id,
                speaker: record.speaker,
                text: record.text,
                report,
            });
        }
    }

    /// The finished evidence.
    pub fn finish(self) -> Evidence {
        self.evidence
    }
}

/// Escapes text for HTML element content and attribute values.
fn html_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    html_escape(&mut out, text);
    out
}

/// The message's text cut into (text, categories of the findings covering it) pieces, by the
/// findings' byte spans; spans off the text or off character boundaries are ignored.
fn pieces<'a>(text: &'a str, report: &Report) -> Vec<(&'a str, Vec<Category>)> {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for f in &report.findings {
        if f.start < f.end && text.get(f.start..f.end).is_some() {
            cuts.push(f.start);
            cuts.push(f.end);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter_map(|w| {
            let piece = text.get(w[0]..w[1])?;
            let mut covering: Vec<Category> = report
                .findings
                .iter()
                .filter(|f| f.start <= w[0] && w[1] <= f.end && text.get(f.start..f.end).is_some())
                .map(|f| f.category)
                .collect();
            covering.dedup();
            Some((piece, covering))
        })
        .collect()
}

/// Anchor of message `m` of flagged conversation `c`.
fn anchor(c: usize, m: usize) -> String {
    format!("c{}-m{}", c + 1, m + 1)
}

/// Where each message id of a conversation is, for context links.
fn id_anchors(c: usize, conversation: &EvidenceConversation) -> HashMap<&str, String> {
    conversation
        .messages
        .iter()
        .enumerate()
        .filter_map(|(m, msg)| msg.id.as_deref().map(|id| (id, anchor(c, m))))
        .collect()
}

/// Messages some finding of the conversation names in its context: never collapsed, so
/// that a link to one lands on something visible.
fn referenced(conversation: &EvidenceConversation) -> HashSet<&str> {
    conversation
        .messages
        .iter()
        .flat_map(|m| m.report.findings.iter())
        .flat_map(|f| f.context.iter().map(String::as_str))
        .collect()
}

fn shown(message: &EvidenceMessage, referenced: &HashSet<&str>) -> bool {
    !message.report.findings.is_empty()
        || message
            .id
            .as_deref()
            .is_some_and(|id| referenced.contains(id))
}

const STYLE: &str = r#"
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
.meta{color:#666;font-size:.9rem}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
thead th{background:#f3f3f3}tfoot td{font-weight:bold}
.msg{border-left:4px solid #ccc;margin:.5rem 0;padding:.4rem .8rem;background:#fafafa}
.msg.flagged{background:#fff8f0}.msg.context{border-left-color:#7a9cc6}
.msg:target{outline:2px solid #1a73e8}
.who{color:#555;font-size:.85rem}.text{font-size:1.05rem;white-space:pre-wrap;word-break:break-all;margin:.2rem 0}
mark{background:#ffd54f;padding:0 .1rem;border-radius:2px}
.finding{font-size:.9rem;margin:.2rem 0 .2rem 1rem}
.sev{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-size:.8rem;font-weight:bold}
.sev-low{background:#8a8a8a}.sev-medium{background:#d08a00}.sev-high{background:#d9480f}.sev-critical{background:#a61e4d}.sev-none{background:#bbb}
.sev-border-low{border-left-color:#8a8a8a}.sev-border-medium{border-left-color:#d08a00}.sev-border-high{border-left-color:#d9480f}.sev-border-critical{border-left-color:#a61e4d}
details{margin:.4rem 0;color:#555}summary{cursor:pointer;font-size:.9rem}
code{font-size:.85rem;color:#555}
"#;

/// The report as one self-contained HTML page.
pub fn render_html(evidence: &Evidence) -> String {
    let mut out = String::with_capacity(16 << 10);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>scamscan evidence report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>Evidence report</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">scamscan {} · lexicons {} · large amounts from {} · files: {}</p>",
        env!("CARGO_PKG_VERSION"),
        esc(&evidence.lexicon_version),
        evidence
            .large_amount
            .map_or("off".to_string(), |y| format!("{} yuan", format_yuan(y))),
        esc(&evidence.files.join(", "))
    );
    let _ = writeln!(
        out,
        "<p>{} messages in {} conversations scanned; <strong>{} messages in {} conversations have findings</strong>.</p>",
        evidence.messages,
        evidence.conversations,
        evidence.flagged_messages,
        evidence.flagged.len()
    );
    out.push_str(
        "<p class=\"meta\">Keep this file with the original chat logs, and report the conversations below to the platform's customer service.</p>\n",
    );
    html_summary(&mut out, evidence);
    html_errors(&mut out, evidence);
    for (c, conversation) in evidence.flagged.iter().enumerate() {
        html_conversation(&mut out, c, conversation);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_summary(out: &mut String, evidence: &Evidence) {
    out.push_str("<h2 id=\"summary\">Summary</h2>\n<table>\n<thead><tr><th>Category</th><th>Conversations</th><th>Messages</th><th>low</th><th>medium</th><th>high</th><th>critical</th></tr></thead>\n<tbody>\n");
    let mut total = [0u64; 4];
    for (category, counts) in &evidence.by_category {
        let messages: u64 = counts.messages.iter().sum();
        let _ = write!(
            out,
            "<tr><td>{category}</td><td>{}</td><td>{messages}</td>",
            counts.conversations
        );
        for (i, n) in counts.messages.iter().enumerate() {
            total[i] += n;
            let _ = write!(out, "<td>{n}</td>");
        }
        out.push_str("</tr>\n");
    }
    if evidence.by_category.is_empty() {
        out.push_str("<tr><td colspan=\"7\">No findings.</td></tr>\n");
    }
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr><td>all categories</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tfoot>\n</table>",
        evidence.flagged.len(),
        evidence.flagged_messages,
        total[0],
        total[1],
        total[2],
        total[3]
    );
    out.push_str("<p class=\"meta\">A message with findings of two categories counts in both rows; the last row counts each message and conversation once, and its severity columns add up the rows above.</p>\n");
}

fn html_errors(out: &mut String, evidence: &Evidence) {
    if evidence.error_count == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 id=\"errors\">Records that could not be read ({})</h2>\n<ul>",
        evidence.error_count
    );
    for (file, line, message) in &evidence.errors {
        let _ = writeln!(out, "<li>{}:{line}: {}</li>", esc(file), esc(message));
    }
    if evidence.error_count as usize > evidence.errors.len() {
        let _ = writeln!(
            out,
            "<li>and {} more (run <code>scamscan scan</code> to see them all)</li>",
            evidence.error_count as usize - evidence.errors.len()
        );
    }
    out.push_str("</ul>\n");
}

fn html_conversation(out: &mut String, c: usize, conversation: &EvidenceConversation) {
    let severity = conversation.severity();
    let title = match &conversation.id {
        Some(id) => format!("Conversation {}", esc(id)),
        None => "Message without a conversation".to_string(),
    };
    let _ = writeln!(
        out,
        "<h2 id=\"c{}\">{title} <span class=\"sev sev-{severity}\">{severity}</span></h2>\n<p class=\"meta\">{} · {} messages</p>",
        c + 1,
        esc(&conversation.file),
        conversation.messages.len()
    );
    let anchors = id_anchors(c, conversation);
    let referenced = referenced(conversation);
    let mut quiet: Vec<(usize, &EvidenceMessage)> = Vec::new();
    let flush = |out: &mut String, quiet: &mut Vec<(usize, &EvidenceMessage)>| {
        if quiet.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "<details><summary>{} message{} without findings</summary>",
            quiet.len(),
            if quiet.len() == 1 { "" } else { "s" }
        );
        for (m, msg) in quiet.drain(..) {
            html_message(out, c, m, msg, &anchors, false);
        }
        out.push_str("</details>\n");
    };
    for (m, msg) in conversation.messages.iter().enumerate() {
        if shown(msg, &referenced) {
            flush(out, &mut quiet);
            let is_context = msg.report.findings.is_empty();
            html_message(out, c, m, msg, &anchors, is_context);
        } else {
            quiet.push((m, msg));
        }
    }
    flush(out, &mut quiet);
}

fn html_message(
    out: &mut String,
    c: usize,
    m: usize,
    msg: &EvidenceMessage,
    anchors: &HashMap<&str, String>,
    is_context: bool,
) {
    let flagged = !msg.report.findings.is_empty();
    let class = if flagged {
        format!("msg flagged sev-border-{}", msg.report.severity)
    } else if is_context {
        "msg context".to_string()
    } else {
        "msg".to_string()
    };
    let _ = write!(out, "<div class=\"{class}\" id=\"{}\">", anchor(c, m));
    let _ = write!(out, "<div class=\"who\">line {}", msg.line);
    if let Some(id) = &msg.id {
        let _ = write!(out, " · {}", esc(id));
    }
    if let Some(speaker) = &msg.speaker {
        let _ = write!(out, " · {}", esc(speaker));
    }
    if is_context {
        out.push_str(" · context of a finding below");
    }
    out.push_str("</div>\n<div class=\"text\">");
    for (piece, categories) in pieces(&msg.text, &msg.report) {
        if categories.is_empty() {
            html_escape(out, piece);
        } else {
            let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
            let _ = write!(out, "<mark title=\"{}\">", names.join(", "));
            html_escape(out, piece);
            out.push_str("</mark>");
        }
    }
    out.push_str("</div>\n");
    for f in &msg.report.findings {
        let _ = write!(
            out,
            "<div class=\"finding\"><span class=\"sev sev-{}\">{}</span> <strong>{}</strong> “{}”: {}",
            f.severity,
            f.severity,
            f.category,
            esc(&f.matched),
            esc(&f.explanation)
        );
        if let Some(yuan) = f.amount {
            let _ = write!(out, " · amount <strong>{} yuan</strong>", format_yuan(yuan));
        }
        if !f.normalized.is_empty() {
            let _ = write!(out, " · seen through {}", esc(&f.normalized.join(", ")));
        }
        if !f.context.is_empty() {
            out.push_str(" · after ");
            for (i, id) in f.context.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match anchors.get(id.as_str()) {
                    Some(a) => {
                        let _ = write!(out, "<a href=\"#{a}\">{}</a>", esc(id));
                    }
                    None => html_escape(out, id),
                }
            }
        }
        let _ = writeln!(out, " <code>{}</code></div>", esc(&f.rule));
    }
    out.push_str("</div>\n");
}

/// Escapes text for Markdown (so that chat text never turns into markup).
fn md_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            // Text always follows other text on its line, so line-start markers (#, -, 1.)
            // cannot take effect; only inline markup is escaped.
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
}

fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    md_escape(&mut out, text);
    out
}

/// The report as Markdown: the same sections, evidence in bold.
pub fn render_markdown(evidence: &Evidence) -> String {
    let mut out = String::with_capacity(16 << 10);
    out.push_str("# Evidence report\n\n");
    let _ = writeln!(
        out,
        "scamscan {} · lexicons {} · large amounts from {} · files: {}\n",
        env!("CARGO_PKG_VERSION"),
        md(&evidence.lexicon_version),
        evidence
            .large_amount
            .map_or("off".to_string(), |y| format!("{} yuan", format_yuan(y))),
        md(&evidence.files.join(", "))
    );
    let _ = writeln!(
        out,
        "{} messages in {} conversations scanned; **{} messages in {} conversations have findings**.\n",
        evidence.messages,
        evidence.conversations,
        evidence.flagged_messages,
        evidence.flagged.len()
    );
    out.push_str("## Summary\n\n| Category | Conversations | Messages | low | medium | high | critical |\n|---|--:|--:|--:|--:|--:|--:|\n");
    let mut total = [0u64; 4];
    for (category, counts) in &evidence.by_category {
        let messages: u64 = counts.messages.iter().sum();
        let _ = write!(
            out,
            "| {} | {} | {messages} |",
            md(category.as_str()),
            counts.conversations
        );
        for (i, n) in counts.messages.iter().enumerate() {
            total[i] += n;
            let _ = write!(out, " {n} |");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "| **all categories** | {} | {} | {} | {} | {} | {} |\n",
        evidence.flagged.len(),
        evidence.flagged_messages,
        total[0],
        total[1],
        total[2],
        total[3]
    );
    if evidence.error_count > 0 {
        let _ = writeln!(
            out,
            "## Records that could not be read ({})\n",
            evidence.error_count
        );
        for (file, line, message) in &evidence.errors {
            let _ = writeln!(out, "- {}:{line}: {}", md(file), md(message));
        }
        out.push('\n');
    }
    for (c, conversation) in evidence.flagged.iter().enumerate() {
        let title = match &conversation.id {
            Some(id) => format!("Conversation {}", md(id)),
            None => "Message without a conversation".to_string(),
        };
        let _ = writeln!(
            out,
            "## {title} ({})\n\n{} · {} messages\n",
            conversation.severity(),
            md(&conversation.file),
            conversation.messages.len()
        );
        let anchors = id_anchors(c, conversation);
        let referenced = referenced(conversation);
        let mut quiet: Vec<(usize, &EvidenceMessage)> = Vec::new();
        for (m, msg) in conversation.messages.iter().enumerate() {
            if shown(msg, &referenced) {
                md_quiet(&mut out, c, &mut quiet, &anchors);
                md_message(&mut out, c, m, msg, &anchors);
            } else {
                quiet.push((m, msg));
            }
        }
        md_quiet(&mut out, c, &mut quiet, &anchors);
        out.push('\n');
    }
    out
}

fn md_quiet(
    out: &mut String,
    c: usize,
    quiet: &mut Vec<(usize, &EvidenceMessage)>,
    anchors: &HashMap<&str, String>,
) {
    if quiet.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary>{} message{} without findings</summary>\n",
        quiet.len(),
        if quiet.len() == 1 { "" } else { "s" }
    );
    for (m, msg) in quiet.drain(..) {
        md_message(out, c, m, msg, anchors);
    }
    out.push_str("</details>\n\n");
}

fn md_message(
    out: &mut String,
    c: usize,
    m: usize,
    msg: &EvidenceMessage,
    anchors: &HashMap<&str, String>,
) {
    let _ = write!(out, "- <a id=\"{}\"></a>line {}", anchor(c, m), msg.line);
    if let Some(id) = &msg.id {
        let _ = write!(out, " · {}", md(id));
    }
    if let Some(speaker) = &msg.speaker {
        let _ = write!(out, " · {}", md(speaker));
    }
    out.push_str(": ");
    for (piece, categories) in pieces(&msg.text, &msg.report) {
        if categories.is_empty() {
            md_escape(out, piece);
        } else {
            out.push_str("**");
            md_escape(out, piece);
            out.push_str("**");
        }
    }
    out.push('\n');
    for f in &msg.report.findings {
        let _ = write!(
            out,
            "  - {} **{}** “{}”: {}",
            f.severity,
            md(f.category.as_str()),
            md(&f.matched),
            md(&f.explanation)
        );
        if let Some(yuan) = f.amount {
            let _ = write!(out, " · amount **{} yuan**", md(&format_yuan(yuan)));
        }
        if !f.context.is_empty() {
            out.push_str(" · after ");
            let links: Vec<String> = f
                .context
                .iter()
                .map(|id| match anchors.get(id.as_str()) {
                    Some(a) => format!("[{}](#{a})", md(id)),
                    None => md(id),
                })
                .collect();
            out.push_str(&links.join(", "));
        }
        let _ = writeln!(out, " `{}`", f.rule.replace('`', "'"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Finding;

    fn record(line: u64, conversation: Option<&str>, id: &str, text: &str) -> Record {
        Record {
            line,
            id: Some(id.to_string()),
            conversation: conversation.map(str::to_string),
            speaker: Some("buyer".to_string()),
            text: text.to_string(),
            labels: None,
            note: None,
        }
    }

    fn finding(text: &str, evidence: &str, context: &[&str]) -> Finding {
        let start = text.find(evidence).unwrap();
        Finding {
            category: Category::DepositFirst,
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
                }
            } else {
                Report::default()
            };
            collector.scanned(0, &RecordRef::from(r.clone()), report);
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
        assert!(html.contains("先转<mark title=\"deposit_first\">5000定金</mark>"));
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
        assert!(md.contains("| deposit\\_first | 1 | 1 | 0 | 0 | 1 | 0 |"));
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
                }
            } else {
                Report::default()
            };
            collector.scanned(0, &RecordRef::from(r.clone()), report);
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

    #[test]
    fn spans_off_the_text_do_not_panic() {
        let mut report = Report::default();
        let mut f = finding("先转5000定金", "定金", &[]);
        f.start = 1; // inside a character
        f.end = 999;
        report.findings.push(f);
        assert_eq!(pieces("先转5000定金", &report).len(), 1);
    }
}
