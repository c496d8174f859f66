//! The evidence report as one self-contained HTML page: inline style, no script, no
//! external asset.

use std::fmt::Write as _;

use super::words::Words;
use super::{context_links, layout, pieces, summary, verdict_line, Block, Evidence, SEVERITIES};
use super::{EvidenceConversation, EvidenceMessage};
use crate::report::Finding;

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

/// The report as one self-contained HTML page, in the evidence's language.
pub fn render_html(evidence: &Evidence) -> String {
    let w = Words::new(evidence.lang);
    let mut out = String::with_capacity(16 << 10);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        w.html_lang()
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = write!(out, "<title>scamscan · {}</title>\n<style>", w.title());
    out.push_str(STYLE);
    let _ = writeln!(out, "</style>\n</head>\n<body>\n<h1>{}</h1>", w.title());
    let facts = w.facts(
        env!("CARGO_PKG_VERSION"),
        &evidence.lexicon_version,
        evidence.large_amount,
        &evidence.files.join(", "),
        evidence.generated,
    );
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(&facts));
    let _ = writeln!(
        out,
        "<p>{}</p>",
        w.scanned(
            evidence.messages,
            evidence.conversations,
            evidence.flagged_messages,
            evidence.flagged.len() as u64,
            ("<strong>", "</strong>"),
        )
    );
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", w.keep_note());
    summary_table(&mut out, evidence, &w);
    errors(&mut out, evidence, &w);
    for (c, conversation) in evidence.flagged.iter().enumerate() {
        conversation_section(&mut out, c, conversation, &w);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn summary_table(out: &mut String, evidence: &Evidence, w: &Words) {
    let _ = write!(
        out,
        "<h2 id=\"summary\">{}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th>",
        w.summary(),
        w.category(),
        w.conversations(),
        w.messages()
    );
    for severity in SEVERITIES {
        let _ = write!(out, "<th>{}</th>", w.severity(severity));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let (rows, total) = summary(evidence);
    let row = |out: &mut String, r: &super::SummaryRow, label: String| {
        let _ = write!(
            out,
            "<tr><td>{label}</td><td>{}</td><td>{}</td>",
            r.conversations, r.messages
        );
        for n in r.by_severity {
            let _ = write!(out, "<td>{n}</td>");
        }
        out.push_str("</tr>\n");
    };
    for r in &rows {
        let label = match r.category {
            Some(c) => format!("{} <code>{}</code>", c.name(w.lang), c.as_str()),
            None => String::new(),
        };
        row(out, r, label);
    }
    if rows.is_empty() {
        let _ = writeln!(out, "<tr><td colspan=\"7\">{}</td></tr>", w.no_findings());
    }
    out.push_str("</tbody>\n<tfoot>");
    row(out, &total, w.all_categories().to_string());
    out.push_str("</tfoot>\n</table>\n");
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", w.summary_note());
}

fn errors(out: &mut String, evidence: &Evidence, w: &Words) {
    if evidence.error_count == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 id=\"errors\">{}</h2>\n<ul>",
        w.unreadable(evidence.error_count)
    );
    for (file, line, message) in &evidence.errors {
        let _ = writeln!(out, "<li>{}:{line}: {}</li>", esc(file), esc(message));
    }
    if evidence.error_count as usize > evidence.errors.len() {
        let more = evidence.error_count as usize - evidence.errors.len();
        let _ = writeln!(
            out,
            "<li>{}</li>",
            w.more_unreadable(more, ("<code>", "</code>"))
        );
    }
    out.push_str("</ul>\n");
}

fn conversation_section(
    out: &mut String,
    c: usize,
    conversation: &EvidenceConversation,
    w: &Words,
) {
    let severity = conversation.severity();
    let title = esc(&w.conversation_title(conversation.id.as_deref()));
    let _ = writeln!(
        out,
        "<h2 id=\"c{}\">{title} <span class=\"sev sev-{severity}\">{}</span></h2>\n<p><strong>{}</strong></p>\n<p class=\"meta\">{}</p>",
        c + 1,
        w.severity(severity),
        esc(&verdict_line(conversation, w.lang)),
        esc(&w.conversation_meta(&conversation.file, conversation.messages.len()))
    );
    let laid = layout(c, conversation);
    for block in &laid.blocks {
        match block {
            Block::Shown {
                index,
                message,
                context_only,
            } => message_div(out, (c, *index), message, &laid.anchors, *context_only, w),
            Block::Collapsed(quiet) => {
                let _ = writeln!(out, "<details><summary>{}</summary>", w.quiet(quiet.len()));
                for (index, message) in quiet {
                    message_div(out, (c, *index), message, &laid.anchors, false, w);
                }
                out.push_str("</details>\n");
            }
        }
    }
}

fn message_div(
    out: &mut String,
    (c, m): (usize, usize),
    msg: &EvidenceMessage,
    anchors: &std::collections::HashMap<&str, String>,
    context_only: bool,
    w: &Words,
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
    let _ = write!(out, "<div class=\"who\">{}", w.line(msg.line));
    if let Some(id) = &msg.id {
        let _ = write!(out, " · {}", esc(id));
    }
    if let Some(speaker) = &msg.speaker {
        let _ = write!(out, " · {}", esc(w.speaker(speaker)));
    }
    if context_only {
        let _ = write!(out, " · {}", w.context_only());
    }
    out.push_str("</div>\n<div class=\"text\">");
    for (piece, categories) in pieces(&msg.text, &msg.report) {
        if categories.is_empty() {
            escape(out, piece);
        } else {
            let names: Vec<&str> = categories.iter().map(|c| c.name(w.lang)).collect();
            let _ = write!(out, "<mark title=\"{}\">", names.join(w.list_separator()));
            escape(out, piece);
            out.push_str("</mark>");
        }
    }
    out.push_str("</div>\n");
    for f in &msg.report.findings {
        finding_div(out, f, anchors, w);
    }
    out.push_str("</div>\n");
}

fn finding_div(
    out: &mut String,
    f: &Finding,
    anchors: &std::collections::HashMap<&str, String>,
    w: &Words,
) {
    let _ = write!(
        out,
        "<div class=\"finding\"><span class=\"sev sev-{}\">{}</span> <strong>{}</strong> “{}”{}{}",
        f.severity,
        w.severity(f.severity),
        f.category.name(w.lang),
        esc(&f.matched),
        w.colon(),
        esc(&f.explanation)
    );
    if let Some(yuan) = f.amount {
        let _ = write!(out, " · <strong>{}</strong>", esc(&w.amount(yuan)));
    }
    if !f.normalized.is_empty() {
        let _ = write!(out, " · {}", esc(&w.seen_through(&f.normalized)));
    }
    let links = context_links(f, anchors);
    if !links.is_empty() {
        let _ = write!(out, " · {}", w.after());
        for (i, (id, target)) in links.iter().enumerate() {
            if i > 0 {
                out.push_str(w.list_separator());
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
