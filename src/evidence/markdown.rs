//! The evidence report as Markdown: the same sections as the HTML page, evidence in bold,
//! collapsed messages in `<details>` (which GitHub and most viewers render).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{context_links, facts, layout, pieces, quiet_label, summary, Block, Evidence};
use super::{EvidenceMessage, SummaryRow};
use crate::amount::format_yuan;

/// Escapes text for Markdown, so that chat text never turns into markup. Text always follows
/// other text on its line, so line-start markers (#, -, 1.) cannot take effect; only inline
/// markup is escaped.
fn escape(out: &mut String, text: &str) {
    for c in crate::highlight::visible(text).chars() {
        match c {
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
    escape(&mut out, text);
    out
}

/// The report as Markdown: the same sections, evidence in bold.
pub fn render_markdown(evidence: &Evidence) -> String {
    let mut out = String::with_capacity(16 << 10);
    out.push_str("# Evidence report\n\n");
    let [version, lexicons, large, files] = facts(evidence);
    let _ = writeln!(
        out,
        "scamscan {version} · lexicons {} · large amounts from {} · files: {}\n",
        md(&lexicons),
        md(&large),
        md(&files)
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
    let (rows, total) = summary(evidence);
    let row = |out: &mut String, r: &SummaryRow, label: String| {
        let _ = write!(out, "| {label} | {} | {} |", r.conversations, r.messages);
        for n in r.by_severity {
            let _ = write!(out, " {n} |");
        }
        out.push('\n');
    };
    for r in &rows {
        row(&mut out, r, md(r.label));
    }
    row(&mut out, &total, format!("**{}**", total.label));
    out.push('\n');
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
        let laid = layout(c, conversation);
        for block in &laid.blocks {
            match block {
                Block::Shown { index, message, .. } => {
                    message_item(&mut out, c, *index, message, &laid.anchors)
                }
                Block::Collapsed(quiet) => {
                    let _ = writeln!(
                        out,
                        "<details><summary>{}</summary>\n",
                        quiet_label(quiet.len())
                    );
                    for (index, message) in quiet {
                        message_item(&mut out, c, *index, message, &laid.anchors);
                    }
                    out.push_str("</details>\n\n");
                }
            }
        }
        out.push('\n');
    }
    out
}

fn message_item(
    out: &mut String,
    c: usize,
    m: usize,
    msg: &EvidenceMessage,
    anchors: &HashMap<&str, String>,
) {
    let _ = write!(
        out,
        "- <a id=\"{}\"></a>line {}",
        super::anchor(c, m),
        msg.line
    );
    if let Some(id) = &msg.id {
        let _ = write!(out, " · {}", md(id));
    }
    if let Some(speaker) = &msg.speaker {
        let _ = write!(out, " · {}", md(speaker));
    }
    out.push_str(": ");
    for (piece, categories) in pieces(&msg.text, &msg.report) {
        if categories.is_empty() {
            escape(out, piece);
        } else {
            out.push_str("**");
            escape(out, piece);
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
        let links: Vec<String> = context_links(f, anchors)
            .into_iter()
            .map(|(id, target)| match target {
                Some(a) => format!("[{}](#{a})", md(id)),
                None => md(id),
            })
            .collect();
        if !links.is_empty() {
            let _ = write!(out, " · after {}", links.join(", "));
        }
        let _ = writeln!(out, " `{}`", f.rule.replace('`', "'"));
    }
}
