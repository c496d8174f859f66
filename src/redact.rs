//! Masking what a report found, for bots that relay chat and for logs that must not keep
//! contact details.
//!
//! Two kinds of text are masked in a message whose findings reach the chosen severity:
//!
//! * **contact tokens**, always and whole: phone numbers, QQ numbers, WeChat or other account
//!   ids, links, card numbers. A token is masked when it overlaps a finding's evidence, and
//!   anywhere in the message when a finding is about moving the chat or the money off the
//!   platform or about a link (the token is then what the finding is about);
//! * **the evidence phrases** themselves (加我微信, 先付定金), when asked for, as whole words
//!   only: a word that merely shares characters with the evidence is left as it is.
//!
//! ```
//! use scamscan::redact::{RedactOptions, Redaction};
//! use scamscan::Detector;
//!
//! let detector = Detector::new()?;
//! let text = "加我微信 abc_shop88 私下转账更便宜";
//! let report = detector.scan(text);
//! let contacts = detector.redact(text, &report, &RedactOptions::default());
//! assert_eq!(contacts, "加我微信 ********** 私下转账更便宜");
//! let phrases = RedactOptions { redaction: Redaction::Phrases, ..RedactOptions::default() };
//! assert!(!detector.redact(text, &report, &phrases).contains("微信"));
//! # Ok::<(), scamscan::Error>(())
//! ```

use crate::report::{Category, Report, Severity};
use crate::segment::Segmenter;

/// What is masked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Redaction {
    /// Contact tokens only.
    #[default]
    Contacts,
    /// Contact tokens and the evidence phrases.
    Phrases,
}

/// How a message is masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedactOptions {
    /// Findings below this severity mask nothing.
    pub min_severity: Severity,
    /// Contact tokens only, or the evidence phrases too.
    pub redaction: Redaction,
    /// One mask character per masked character (the text keeps its length in characters);
    /// otherwise each masked run becomes three.
    pub keep_length: bool,
    /// The mask character.
    pub mask: char,
}

impl Default for RedactOptions {
    fn default() -> Self {
        RedactOptions {
            min_severity: Severity::Medium,
            redaction: Redaction::Contacts,
            keep_length: true,
            mask: '*',
        }
    }
}

/// Characters of context segmented on each side of an evidence phrase, to find the words it
/// is made of (a whole message could be megabytes).
const WORD_WINDOW: usize = 48;

/// The byte ranges of `text` to mask for `report`, sorted and disjoint.
pub(crate) fn masked_ranges(
    text: &str,
    report: &Report,
    options: &RedactOptions,
    segmenter: &Segmenter,
) -> Vec<(usize, usize)> {
    let findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity >= options.min_severity && f.end <= text.len())
        .collect();
    if findings.is_empty() {
        return Vec::new();
    }
    let everywhere = findings.iter().any(|f| {
        matches!(
            f.category,
            Category::OffPlatformContact | Category::OffPlatformPayment | Category::PhishingLink
        )
    });
    let mut ranges: Vec<(usize, usize)> = contact_tokens(text)
        .into_iter()
        .filter(|&(s, e)| everywhere || findings.iter().any(|f| s < f.end && f.start < e))
        .collect();
    if options.redaction == Redaction::Phrases {
        for f in &findings {
            ranges.extend(whole_words(text, (f.start, f.end), segmenter));
        }
    }
    merge(ranges)
}

/// `text` with `ranges` (sorted, disjoint, on character boundaries) masked.
pub(crate) fn apply(text: &str, ranges: &[(usize, usize)], options: &RedactOptions) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(s, e) in ranges {
        out.push_str(&text[at..s]);
        let n = if options.keep_length {
            text[s..e].chars().count()
        } else {
            3
        };
        out.extend(std::iter::repeat_n(options.mask, n));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// The words of `text` that lie wholly inside `span` (jieba's words, segmented on a window
/// around the span), merged into ranges.
fn whole_words(
    text: &str,
    (start, end): (usize, usize),
    segmenter: &Segmenter,
) -> Vec<(usize, usize)> {
    let from = back_chars(text, start, WORD_WINDOW);
    let to = forward_chars(text, end, WORD_WINDOW);
    let mut bounds = Vec::new();
    segmenter.extend_boundaries(&text[from..to], from as u32, &mut bounds);
    bounds.push(to as u32);
    bounds
        .windows(2)
        .map(|w| (w[0] as usize, w[1] as usize))
        .filter(|&(s, e)| s >= start && e <= end && !text[s..e].trim().is_empty())
        .collect()
}

fn back_chars(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, at: usize, n: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

/// Sorts and merges overlapping or touching ranges.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The contact tokens of `text`: links (a scheme, `www.` or a dotted host), and runs of
/// ASCII or full-width letters, digits and `_ - .` that hold at least six digits, or at
/// least six characters mixing letters and digits (account ids). Digit groups separated by
/// single spaces or dashes (138 1234 5678) are one token.
pub(crate) fn contact_tokens(text: &str) -> Vec<(usize, usize)> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_token_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        let (mut digits, mut letters, mut len) = (count_digit(c), count_letter(c), 1usize);
        let mut dots = usize::from(c == '.');
        while let Some(&(i, c)) = chars.peek() {
            if is_token_char(c) || c == ':' || c == '/' || c == '?' || c == '=' || c == '&' {
                end = i + c.len_utf8();
                digits += count_digit(c);
                letters += count_letter(c);
                dots += usize::from(c == '.');
                len += 1;
                chars.next();
            } else if (c == ' ' || c == '-') && digits > 0 && next_is_digit(text, i + 1) {
                // A separator inside a digit group: 138 1234 5678.
                chars.next();
            } else {
                break;
            }
        }
        let word = &text[start..end];
        let link = word.contains("://")
            || word.to_ascii_lowercase().starts_with("www.")
            || (dots > 0 && letters >= 3 && has_host_suffix(word));
        let number = digits >= 6;
        let account = len >= 6 && digits > 0 && letters > 0;
        if link || number || account {
            tokens.push((start, end));
        }
    }
    tokens
}

fn is_token_char(c: char) -> bool {
    let c = fold_width(c);
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '@' || c == '-'
}

fn count_digit(c: char) -> usize {
    usize::from(fold_width(c).is_ascii_digit())
}

fn count_letter(c: char) -> usize {
    usize::from(fold_width(c).is_ascii_alphabetic())
}

fn next_is_digit(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| fold_width(c).is_ascii_digit())
}

/// A full-width ASCII character (Ｖ, ８) as its ASCII self.
fn fold_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

/// True when the token ends like a host name (`.com`, `.cn`, `.top`, ...), so that 3.5 or
/// v1.2 is no link.
fn has_host_suffix(word: &str) -> bool {
    const SUFFIXES: [&str; 14] = [
        ".com", ".cn", ".net", ".org", ".top", ".xyz", ".cc", ".vip", ".io", ".me", ".shop",
        ".site", ".club", ".link",
    ];
    let host = word
        .split(['/', '?', ':'])
        .next()
        .unwrap_or(word)
        .to_ascii_lowercase();
    SUFFIXES.iter().any(|s| host.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<&str> {
        contact_tokens(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn contact_tokens_are_found_whole() {
        assert_eq!(
            tokens("加我vx：abc_shop88 电话138 1234 5678"),
            ["abc_shop88", "138 1234 5678"]
        );
        assert_eq!(
            tokens("点 https://t.cn/x?a=1 或 www.pay-safe.top"),
            ["https://t.cn/x?a=1", "www.pay-safe.top"]
        );
        assert_eq!(
            tokens("QQ 12345678，看 shop.example.com"),
            ["12345678", "shop.example.com"]
        );
        assert_eq!(tokens("ＶＸ：ａｂｃ１２３４"), ["ａｂｃ１２３４"]);
        // Prices, versions, short words and dates of a normal chat are no contact.
        assert!(tokens("一共 99.5 元，v1.2 版本，ok 好的，2024 年").is_empty());
    }

    #[test]
    fn ranges_merge_and_masks_keep_length_or_not() {
        assert_eq!(
            merge(vec![(5, 8), (0, 2), (2, 4), (7, 9)]),
            [(0, 4), (5, 9)]
        );
        let text = "电话 13812345678 找我";
        let ranges = [(7, 18)];
        let keep = RedactOptions::default();
        assert_eq!(apply(text, &ranges, &keep), "电话 *********** 找我");
        let short = RedactOptions {
            keep_length: false,
            mask: '＊',
            ..keep
        };
        assert_eq!(apply(text, &ranges, &short), "电话 ＊＊＊ 找我");
    }
}
