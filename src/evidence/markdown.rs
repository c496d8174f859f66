//! The evidence report as Markdown: the same sections as the HTML page, evidence in bold,
//! collapsed messages in `<details>` (which GitHub and most viewers render).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::words::Words;
use super::{context_links, layout, pieces, summary, verdict_line, Block, Evidence, SEVERITIES};
use super::{EvidenceMessage, SummaryRow};

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

/// The report as Markdown: the same sections, evidence in bold, in the evidence's language.
pub fn render_markdown(evidence: &Evidence) -> String {
    let w = Words::new(evidence.lang);
    let mut out = String::with_capacity(16 << 10);
    let _ = writeln!(out, "# {}\n", w.title());
    let facts = w.facts(
        env!("CARGO_PKG_VERSION"),
        &evidence.lexicon_version,
        evidence.large_amount,
        &evidence.files.join(", "),
        evidence.generated,
    );
    let _ = writeln!(out, "{}\n", md(&facts));
    let _ = writeln!(
        out,
        "{}\n",
        w.scanned(
            evidence.messages,
            evidence.conversations,
            evidence.flagged_messages,
            evidence.flagged.len() as u64,
            ("**", "**"),
        )
    );
    let _ = writeln!(out, "{}\n", w.keep_note());
    summary_table(&mut out, evidence, &w);
    if evidence.error_count > 0 {
        let _ = writeln!(out, "## {}\n", w.unreadable(evidence.error_count));
        for (file, line, message) in &evidence.errors {
            let _ = writeln!(out, "- {}:{line}: {}", md(file), md(message));
        }
        if evidence.error_count as usize > evidence.errors.len() {
            let more = evidence.error_count as usize - evidence.errors.len();
            let _ = writeln!(out, "- {}", w.more_unreadable(more, ("`", "`")));
        }
        out.push('\n');
    }
    for (c, conversation) in evidence.flagged.iter().enumerate() {
        let severity = conversation.severity();
        let _ = writeln!(
            out,
            "## {} ({})\n\n**{}**\n\n{}\n",
            md(&w.conversation_title(conversation.id.as_deref())),
            w.severity(severity),
            md(&verdict_line(conversation, w.lang)),
            md(&w.conversation_meta(&conversation.file, conversation.messages.len()))
        );
        let laid = layout(c, conversation);
        for block in &laid.blocks {
            match block {
                Block::Shown { index, message, .. } => {
                    message_item(&mut out, (c, *index), message, &laid.anchors, &w)
                }
                Block::Collapsed(quiet) => {
                    let _ = writeln!(
                        out,
                        "<details><summary>{}</summary>\n",
                        w.quiet(quiet.len())
                    );
                    for (index, message) in quiet {
                        message_item(&mut out, (c, *index), message, &laid.anchors, &w);
                    }
                    out.push_str("</details>\n\n");
                }
            }
        }
        out.push('\n');
    }
    out
}

fn summary_table(out: &mut String, evidence: &Evidence, w: &Words) {
    let _ = write!(
        out,
        "## {}\n\n| {} | {} | {} |",
        w.summary(),
        w.category(),
        w.conversations(),
        w.messages()
    );
    for severity in SEVERITIES {
        let _ = write!(out, " {} |", w.severity(severity));
    }
    out.push_str("\n|---|--:|--:|--:|--:|--:|--:|\n");
    let (rows, total) = summary(evidence);
    let row = |out: &mut String, r: &SummaryRow, label: String| {
        let _ = write!(out, "| {label} | {} | {} |", r.conversations, r.messages);
        for n in r.by_severity {
            let _ = write!(out, " {n} |");
        }
        out.push('\n');
    };
    for r in &rows {
        let label = match r.category {
            Some(c) => format!("{} `{}`", c.name(w.lang), c.as_str()),
            None => String::new(),
        };
        row(out, r, label);
    }
    row(out, &total, format!("**{}**", w.all_categories()));
    out.push('\n');
}

fn message_item(
    out: &mut String,
    (c, m): (usize, usize),
    msg: &EvidenceMessage,
    anchors: &HashMap<&str, String>,
    w: &Words,
) {
    let _ = write!(
        out,
        "- <a id=\"{}\"></a>{}",
        super::anchor(c, m),
        w.line(msg.line)
    );
    if let Some(id) = &msg.id {
        let _ = write!(out, " · {}", md(id));
    }
    if let Some(speaker) = &msg.speaker {
        let _ = write!(out, " · {}", md(w.speaker(speaker)));
    }
    out.push_str(w.colon());
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
            "  - {} **{}** “{}”{}{}",
            w.severity(f.severity),
            md(f.category.name(w.lang)),
            md(&f.matched),
            w.colon(),
            md(&f.explanation)
        );
        if let Some(yuan) = f.amount {
            let _ = write!(out, " · **{}**", md(&w.amount(yuan)));
        }
        if !f.normalized.is_empty() {
            let _ = write!(out, " · {}", md(&w.seen_through(&f.normalized)));
        }
        let links: Vec<String> = context_links(f, anchors)
            .into_iter()
            .map(|(id, target)| match target {
                Some(a) => format!("[{}](#{a})", md(id)),
                None => md(id),
            })
            .collect();
        if !links.is_empty() {
            let _ = write!(out, " · {}{}", w.after(), links.join(w.list_separator()));
        }
        let _ = writeln!(out, " `{}`", f.rule.replace('`', "'"));
    }
}
