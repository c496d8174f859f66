//! The evidence of a report marked in its text: one highlighter for the command line's
//! `check`, the HTML and the Markdown report. Every finding's span is shown, overlapping or not.
//! Message text shown to people goes through [`visible`] first: a message may carry terminal
//! escapes or direction overrides meant to retitle a terminal or reorder a page.

use std::borrow::Cow;

use crate::report::Finding;

/// `text` with every control character and every character that changes the direction of
/// the text around it written as a visible `<U+XXXX>`: safe on a terminal and in a page, and
/// the trick shows. Line breaks and tabs stay.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A control character (but line breaks and tabs) or a bidi control.
fn hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A piece of a message's text and the findings whose evidence covers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The text of the piece, as typed.
    pub text: &'a str,
    /// Indexes into the findings of those that cover the piece (empty: plain text).
    pub findings: Vec<usize>,
}

/// `text` cut at every finding's start and end, in order; concatenated, the pieces are the
/// text. A span off the text or off character boundaries is left out, never a panic.
pub fn highlight<'a>(text: &'a str, findings: &[Finding]) -> Vec<Piece<'a>> {
    let valid = |f: &Finding| f.start < f.end && text.get(f.start..f.end).is_some();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for f in findings.iter().filter(|f| valid(f)) {
        cuts.push(f.start);
        cuts.push(f.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter_map(|w| {
            let piece = text.get(w[0]..w[1])?;
            let covering = findings
                .iter()
                .enumerate()
                .filter(|(_, f)| valid(f) && f.start <= w[0] && w[1] <= f.end)
                .map(|(i, _)| i)
                .collect();
            Some(Piece {
                text: piece,
                findings: covering,
            })
        })
        .collect()
}

/// `text` with every run of evidence wrapped in `open` and `close` (adjacent or overlapping
/// spans make one run), its hidden characters made [`visible`]: what `scamscan check` prints.
pub fn mark(text: &str, findings: &[Finding], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut inside = false;
    for piece in highlight(text, findings) {
        let covered = !piece.findings.is_empty();
        if covered != inside {
            out.push_str(if covered { open } else { close });
            inside = covered;
        }
        out.push_str(&visible(piece.text));
    }
    if inside {
        out.push_str(close);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Category, Severity};

    fn finding(text: &str, evidence: &str) -> Finding {
        let start = text.find(evidence).unwrap();
        Finding {
            category: Category::DepositFirst,
            category_name: Default::default(),
            severity: Severity::High,
            rule: "r".into(),
            start,
            end: start + evidence.len(),
            char_start: 0,
            char_end: 0,
            matched: evidence.into(),
            explanation: String::new(),
            normalized: vec![],
            context: vec![],
            amount: None,
            confidence: None,
            why: Default::default(),
        }
    }

    #[test]
    fn overlapping_spans_are_all_shown() {
        let text = "亲，加我微信私下转账";
        let findings = [finding(text, "加我微信"), finding(text, "我微信私下转")];
        let pieces = highlight(text, &findings);
        let covered: Vec<(&str, Vec<usize>)> = pieces
            .iter()
            .map(|p| (p.text, p.findings.clone()))
            .collect();
        assert_eq!(
            covered,
            [
                ("亲，", vec![]),
                ("加", vec![0]),
                ("我微信", vec![0, 1]),
                ("私下转", vec![1]),
                ("账", vec![])
            ]
        );
        assert_eq!(mark(text, &findings, "[", "]"), "亲，[加我微信私下转]账");
    }

    #[test]
    fn escapes_and_direction_overrides_show_as_code_points() {
        assert_eq!(
            visible("加我\u{1b}]0;pwned\u{7}微信"),
            "加我<U+001B>]0;pwned<U+0007>微信"
        );
        assert_eq!(visible("abc\u{202e}fed"), "abc<U+202E>fed");
        assert!(matches!(visible("平常的话\n第二行"), Cow::Borrowed(_)));
    }

    #[test]
    fn spans_off_the_text_are_left_out() {
        let text = "先转5000定金";
        let mut f = finding(text, "定金");
        f.start = 1; // inside a character
        f.end = 999;
        assert_eq!(highlight(text, &[f.clone()]).len(), 1);
        assert_eq!(mark(text, &[f], "[", "]"), text);
    }
}
