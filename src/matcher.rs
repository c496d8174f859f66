//! One Aho-Corasick pass over every term variant, plus the few tokens no literal can express
//! (phone numbers, digit runs, card numbers, links, account ids).

use aho_corasick::automaton::Automaton as _;
use aho_corasick::nfa::contiguous;
use aho_corasick::{AhoCorasick, Anchored, MatchKind};

use crate::lexicon::pattern::TokenKind;

/// A term or token found in the folded text, by folded byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub term: u32,
    pub start: u32,
    pub end: u32,
}

/// A recognized token, by folded byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TokenHit {
    pub kind: TokenKind,
    pub start: u32,
    pub end: u32,
}

/// The folded literals of the lexicon: an automaton over those that can trigger a rule, and
/// a table of the single characters that only matter once one has.
///
/// Single characters (转, 吗, 不) occur in most messages: in the automaton they made three
/// quarters of all its matches, and every message went on to the rule stage. A single
/// character that is no pattern's anchor cannot start anything, so it is looked up in the
/// message only when an anchor was found (or the scorer reports), by
/// [`Matcher::find_singles`].
#[derive(Debug)]
pub(crate) struct Matcher {
    automaton: Automaton,
    /// Term id of each of the automaton's patterns.
    ids: Vec<u32>,
    /// The single-character terms left out of the automaton, by character, with their ids.
    singles: Vec<(char, u32)>,
    /// A bit per Basic Multilingual Plane character that is in `singles` (others are looked
    /// up directly), so that most characters cost one bit test.
    single_bits: Vec<u64>,
    terms: Vec<String>,
}

/// A contiguous NFA walked byte by byte (the usual case), or the general automaton for a
/// user lexicon too large for it.
///
/// The contiguous NFA rather than the DFA: over the built-in lexicon's 7,000 literals the DFA
/// takes 15 MB and walks a little faster alone (145 against 117 MB/s of message text), but in
/// the whole scan its tables push everything else out of cache, and the 0.7 MB NFA scans 11%
/// more per second; it is built in a third of the time too (BENCHMARKS.md).
#[derive(Debug)]
enum Automaton {
    Nfa(Box<contiguous::NFA>),
    General(AhoCorasick),
}

impl Matcher {
    /// Builds the matcher; `terms[i]` is reported as term `i`. A single-character term with
    /// `lazy(i)` true is left to [`Matcher::find_singles`].
    pub(crate) fn new(terms: Vec<String>, lazy: impl Fn(usize) -> bool) -> Result<Matcher, String> {
        let mut ids = Vec::new();
        let mut literals = Vec::new();
        let mut singles = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            let mut chars = term.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if lazy(i) => singles.push((c, i as u32)),
                _ => {
                    ids.push(i as u32);
                    literals.push(term.as_str());
                }
            }
        }
        singles.sort_unstable();
        let mut single_bits = vec![0u64; 1 << 10];
        for &(c, _) in &singles {
            if let Some(word) = single_bits.get_mut(c as usize / 64) {
                *word |= 1 << (c as usize % 64);
            }
        }
        // No prefilter: messages are short and full of matches, so skipping ahead rarely
        // pays, and without one only match states are special in the walk below.
        let automaton = match contiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&literals)
        {
            Ok(nfa) => Automaton::Nfa(Box::new(nfa)),
            Err(_) => Automaton::General(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&literals)
                    .map_err(|e| format!("cannot build the term automaton: {e}"))?,
            ),
        };
        Ok(Matcher {
            automaton,
            ids,
            singles,
            single_bits,
            terms,
        })
    }

    /// Merges the occurrences of the single-character terms left out of the automaton into
    /// `hits` (what [`Matcher::find_all`] found in `text`), in the order the automaton would
    /// have reported them: by end, and at one end after the longer terms.
    /// `found` is a buffer the caller keeps from message to message.
    pub(crate) fn find_singles(&self, text: &str, hits: &mut Vec<Hit>, found: &mut Vec<Hit>) {
        if self.singles.is_empty() {
            return;
        }
        found.clear();
        for (i, c) in text.char_indices() {
            let maybe = self
                .single_bits
                .get(c as usize / 64)
                .is_none_or(|word| word & (1 << (c as usize % 64)) != 0);
            if !maybe {
                continue;
            }
            if let Ok(k) = self.singles.binary_search_by_key(&c, |&(s, _)| s) {
                found.push(Hit {
                    term: self.singles[k].1,
                    start: i as u32,
                    end: (i + c.len_utf8()) as u32,
                });
            }
        }
        if found.is_empty() {
            return;
        }
        // Merged in place from the back. A single ending where an automaton hit ends goes
        // after it: at one end it is the shortest match, which the automaton reports last.
        let (mut i, mut j) = (hits.len(), found.len());
        hits.resize(i + j, found[0]);
        for k in (0..hits.len()).rev() {
            if j > 0 && (i == 0 || found[j - 1].end >= hits[i - 1].end) {
                j -= 1;
                hits[k] = found[j];
            } else {
                i -= 1;
                hits[k] = hits[i];
            }
        }
    }

    /// Every literal of the lexicon (those of the automaton and the single characters).
    pub(crate) fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Heap memory used by the automaton, in bytes.
    pub(crate) fn memory_usage(&self) -> usize {
        match &self.automaton {
            Automaton::Nfa(nfa) => nfa.memory_usage(),
            Automaton::General(ac) => ac.memory_usage(),
        }
    }

    /// Appends every (overlapping) occurrence in `text` of the automaton's terms to `out`,
    /// by end offset and, at one end, in the automaton's order (the order of
    /// `find_overlapping_iter`: longest first).
    pub(crate) fn find_all(&self, text: &str, out: &mut Vec<Hit>) {
        match &self.automaton {
            Automaton::Nfa(nfa) => walk(nfa, &self.ids, text.as_bytes(), out),
            Automaton::General(ac) => {
                for m in ac.find_overlapping_iter(text) {
                    out.push(Hit {
                        term: self.ids[m.pattern().as_usize()],
                        start: m.start() as u32,
                        end: m.end() as u32,
                    });
                }
            }
        }
    }
}

/// Overlapping search as one tight loop over the automaton: the iterator returns to its caller at
/// every match and re-enters the search, which cost more than the walk itself on chat
/// messages (about six matches in 28 bytes).
fn walk(nfa: &contiguous::NFA, ids: &[u32], haystack: &[u8], out: &mut Vec<Hit>) {
    // An NFA always has an unanchored start state.
    let Ok(mut sid) = nfa.start_state(Anchored::No) else {
        return;
    };
    for (i, &byte) in haystack.iter().enumerate() {
        sid = nfa.next_state(Anchored::No, sid, byte);
        // Without a prefilter only match states and the dead state are special, and a
        // standard unanchored automaton never reaches the dead state.
        if nfa.is_special(sid) && nfa.is_match(sid) {
            let end = i + 1;
            for k in 0..nfa.match_len(sid) {
                let pattern = nfa.match_pattern(sid, k);
                out.push(Hit {
                    term: ids[pattern.as_usize()],
                    start: (end - nfa.pattern_len(pattern)) as u32,
                    end: end as u32,
                });
            }
        }
    }
}

/// Top-level domains that make an ASCII word with a dot (or 点) a link.
const TLDS: &[&str] = &[
    "com", "cn", "net", "org", "top", "cc", "vip", "xyz", "info", "io", "me", "co", "shop", "site",
    "club", "online", "link", "ltd", "wang", "work", "tk", "ml", "ga", "cf", "gq", "biz", "app",
    "live", "fun", "icu", "ink", "pro", "tv", "hk", "asia",
];

/// Finds phone numbers, digit runs, card numbers, links and account ids in folded text.
/// Links to `platform_hosts` (and their subdomains) are not reported.
pub(crate) fn find_tokens(text: &str, platform_hosts: &[String], out: &mut Vec<TokenHit>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            let prev_alnum = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
            if !prev_alnum {
                if let Some(end) = url_at(text, i) {
                    if !is_platform_link(&text[i..end], platform_hosts) {
                        push(out, TokenKind::Url, i, end);
                    }
                    i = end;
                    continue;
                }
                if b.is_ascii_digit() {
                    let (end, digits) = digit_run(bytes, i);
                    let followed_by_letter = end < bytes.len() && bytes[end].is_ascii_alphabetic();
                    if !followed_by_letter {
                        let run = &text[i..end];
                        if digits == 11
                            && run.starts_with('1')
                            && matches!(first_digits(run, 2), Some(d) if d >= 13)
                        {
                            push(out, TokenKind::Phone, i, end);
                        }
                        if (15..=19).contains(&digits) {
                            push(out, TokenKind::Card, i, end);
                        }
                        if digits >= 5 {
                            push(out, TokenKind::Digits, i, end);
                        }
                        i = end;
                        continue;
                    }
                }
                let end = word_end(bytes, i);
                let word = &bytes[i..end];
                let has_alpha = word.iter().any(u8::is_ascii_alphabetic);
                let has_mark = word.iter().any(|c| c.is_ascii_digit() || *c == b'_');
                if has_alpha && has_mark && (4..=32).contains(&word.len()) {
                    push(out, TokenKind::Account, i, end);
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

fn push(out: &mut Vec<TokenHit>, kind: TokenKind, start: usize, end: usize) {
    out.push(TokenHit {
        kind,
        start: start as u32,
        end: end as u32,
    });
}

fn first_digits(run: &str, n: usize) -> Option<u32> {
    let s: String = run.chars().filter(char::is_ascii_digit).take(n).collect();
    s.parse().ok()
}

/// Digits with single spaces or hyphens between groups; returns (end, digit count).
fn digit_run(bytes: &[u8], start: usize) -> (usize, usize) {
    let mut j = start;
    let mut digits = 0;
    while j < bytes.len() {
        if bytes[j].is_ascii_digit() {
            digits += 1;
            j += 1;
        } else if matches!(bytes[j], b' ' | b'-')
            && j + 1 < bytes.len()
            && bytes[j + 1].is_ascii_digit()
        {
            j += 1;
        } else {
            break;
        }
    }
    (j, digits)
}

fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    j
}

fn url_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

/// A link starting at `i`: `http(s)://...`, `www....`, or `host.tld/...` (the dot may be
/// written 点). Returns its end.
fn url_at(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let rest = &text[i..];
    if rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www.") {
        let mut j = i;
        while j < bytes.len() && url_char(bytes[j]) {
            j += 1;
        }
        return Some(j);
    }
    // host labels separated by '.' or '点', ending in a known TLD
    let mut j = i;
    let mut labels = 0;
    loop {
        let start = j;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-') {
            j += 1;
        }
        if j == start {
            return None;
        }
        labels += 1;
        let label = &text[start..j];
        let is_tld = labels >= 2 && TLDS.contains(&label);
        let next_dot = if text[j..].starts_with('.') {
            Some(1)
        } else if text[j..].starts_with('点') {
            Some('点'.len_utf8())
        } else {
            None
        };
        match next_dot {
            Some(n) if j + n < bytes.len() && bytes[j + n].is_ascii_alphanumeric() => {
                j += n;
            }
            _ => {
                if !is_tld {
                    return None;
                }
                // optional path
                if j < bytes.len() && bytes[j] == b'/' {
                    while j < bytes.len() && url_char(bytes[j]) {
                        j += 1;
                    }
                }
                return Some(j);
            }
        }
    }
}

fn is_platform_link(link: &str, platform_hosts: &[String]) -> bool {
    let rest = link
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
    let host = host.replace('点', ".");
    platform_hosts.iter().any(|h| {
        host == *h
            || (host.len() > h.len()
                && host.ends_with(h.as_str())
                && host.as_bytes()[host.len() - h.len() - 1] == b'.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        let mut out = Vec::new();
        let hosts = vec!["taobao.com".to_string(), "tb.cn".to_string()];
        find_tokens(text, &hosts, &mut out);
        out.iter()
            .map(|t| (t.kind, &text[t.start as usize..t.end as usize]))
            .collect()
    }

    #[test]
    fn recognizes_tokens() {
        assert_eq!(
            kinds("电话13826417789别"),
            vec![
                (TokenKind::Phone, "13826417789"),
                (TokenKind::Digits, "13826417789")
            ]
        );
        assert_eq!(
            kinds("卡上 6222 0210 0112 3456 789"),
            vec![
                (TokenKind::Card, "6222 0210 0112 3456 789"),
                (TokenKind::Digits, "6222 0210 0112 3456 789")
            ]
        );
        assert_eq!(
            kinds("微信号:lily_8823"),
            vec![(TokenKind::Account, "lily_8823")]
        );
        assert_eq!(
            kinds("打开:tb-kefu点top/s/77 看"),
            vec![(TokenKind::Url, "tb-kefu点top/s/77")]
        );
        assert_eq!(
            kinds("http://tb-refund.top/k3"),
            vec![(TokenKind::Url, "http://tb-refund.top/k3")]
        );
        assert!(kinds("https://item.taobao.com/item.htm?id=1").is_empty());
        assert!(kinds("https://m.tb.cn/h.5xk2qa").is_empty());
        assert_eq!(
            kinds("单号 sf1402938475612"),
            vec![(TokenKind::Account, "sf1402938475612")]
        );
        assert!(kinds("身高165 体重110斤").is_empty());
    }
}
