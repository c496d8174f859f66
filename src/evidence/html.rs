//! The evidence report as one self-contained HTML page: inline style, no script, no
//! external asset.

use std::fmt::Write as _;

use super::{context_links, facts, layout, pieces, quiet_label, summary, Block, Evidence};
use super::{EvidenceConversation, EvidenceMessage};
use crate::amount::format_yuan;

/// Escapes text for HTML element content and attribute values.
fn escape(out: &mut String, text: &str) {
    for c in crate::highlight::visible(text).chars() {
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
    escape(&mut out, text);
    out
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
    let [version, lexicons, large, files] = facts(evidence);
    let _ = writeln!(
        out,
        "<p class=\"meta\">scamscan {version} · lexicons {} · large amounts from {} · files: {}</p>",
        esc(&lexicons),
        esc(&large),
        esc(&files)
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
    summary_table(&mut out, evidence);
    errors(&mut out, evidence);
    for (c, conversation) in evidence.flagged.iter().enumerate() {
        conversation_section(&mut out, c, conversation);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn summary_table(out: &mut String, evidence: &Evidence) {
    out.push_str("<h2 id=\"summary\">Summary</h2>\n<table>\n<thead><tr><th>Category</th><th>Conversations</th><th>Messages</th><th>low</th><th>medium</th><th>high</th><th>critical</th></tr></thead>\n<tbody>\n");
    let (rows, total) = summary(evidence);
    let row = |out: &mut String, r: &super::SummaryRow| {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            r.label, r.conversations, r.messages
        );
        for n in r.by_severity {
            let _ = write!(out, "<td>{n}</td>");
        }
        out.push_str("</tr>\n");
    };
    for r in &rows {
        row(out, r);
    }
    if rows.is_empty() {
        out.push_str("<tr><td colspan=\"7\">No findings.</td></tr>\n");
    }
    out.push_str("</tbody>\n<tfoot>");
    row(out, &total);
    out.push_str("</tfoot>\n</table>\n");
    out.push_str("<p class=\"meta\">A message with findings of two categories counts in both rows; the last row counts each message and conversation once, and its severity columns add up the rows above.</p>\n");
}

fn errors(out: &mut String, evidence: &Evidence) {
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

fn conversation_section(out: &mut String, c: usize, conversation: &EvidenceConversation) {
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
    let laid = layout(c, conversation);
    for block in &laid.blocks {
        match block {
            Block::Shown {
                index,
                message,
                context_only,
            } => message_div(out, c, *index, message, &laid.anchors, *context_only),
            Block::Collapsed(quiet) => {
                let _ = writeln!(
                    out,
                    "<details><summary>{}</summary>",
                    quiet_label(quiet.len())
                );
                for (index, message) in quiet {
                    message_div(out, c, *index, message, &laid.anchors, false);
                }
                out.push_str("</details>\n");
            }
        }
    }
}

fn message_div(
    out: &mut String,
    c: usize,
    m: usize,
    msg: &EvidenceMessage,
    anchors: &std::collections::HashMap<&str, String>,
    context_only: bool,
) {
    let class = if !msg.report.findings.is_empty() {
        format!("msg flagged sev-border-{}", msg.report.severity)
    } else if context_only {
        "msg context".to_string()
    } else {
        "msg".to_string()
    };
    let _ = write!(
        out,
        "<div class=\"{class}\" id=\"{}\">",
        super::anchor(c, m)
    );
    let _ = write!(out, "<div class=\"who\">line {}", msg.line);
    if let Some(id) = &msg.id {
        let _ = write!(out, " · {}", esc(id));
    }
    if let Some(speaker) = &msg.speaker {
        let _ = write!(out, " · {}", esc(speaker));
    }
    if context_only {
        out.push_str(" · context of a finding below");
    }
    out.push_str("</div>\n<div class=\"text\">");
    for (piece, categories) in pieces(&msg.text, &msg.report) {
        if categories.is_empty() {
            escape(out, piece);
        } else {
            let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
            let _ = write!(out, "<mark title=\"{}\">", names.join(", "));
            escape(out, piece);
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
        let links = context_links(f, anchors);
        if !links.is_empty() {
            out.push_str(" · after ");
            for (i, (id, target)) in links.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match target {
                    Some(a) => {
                        let _ = write!(out, "<a href=\"#{a}\">{}</a>", esc(id));
                    }
                    None => escape(out, id),
                }
            }
        }
        let _ = writeln!(out, " <code>{}</code></div>", esc(&f.rule));
    }
    out.push_str("</div>\n");
}
