//! The rule pattern language.
//!
//! A pattern is items in order, separated by spaces, with optional gaps between them:
//!
//! | syntax | meaning |
//! |---|---|
//! | `定金` | a literal term (folded like the message: 訂金 and ｄｊ match too) |
//! | `付\|交\|{pay}` | any of several alternatives |
//! | `{deposit}` | any variant of a term class (the file's category's, else `common`'s) |
//! | `{common.pay}` | a class of a named scope |
//! | `{@phone}` | a recognized token: `phone`, `digits`, `card`, `url`, `account` |
//! | `^定金` | the term must start and end on word boundaries (checked with jieba) |
//! | `^加\|加我` | `^` applies to the alternative it precedes only |
//! | `~0..4` | 0 to 4 characters between two items, inside one clause |
//! | `~~0..30` | 0 to 30 characters between two items, across clauses |
//!
//! Items with no gap between them must be adjacent.

/// Longest gap a pattern may ask for, in characters.
pub(crate) const MAX_GAP: u16 = 80;

/// A token kind that no literal can express.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TokenKind {
    /// A mainland mobile number: 11 digits from 13x to 19x.
    Phone,
    /// A run of 5 or more digits (QQ numbers, group numbers).
    Digits,
    /// 15 to 19 digits (bank cards).
    Card,
    /// A link to a host that is not the platform's.
    Url,
    /// An account id: letters and digits (wechat ids like lily_8823).
    Account,
}

impl TokenKind {
    fn parse(name: &str) -> Option<TokenKind> {
        Some(match name {
            "phone" => TokenKind::Phone,
            "digits" => TokenKind::Digits,
            "card" => TokenKind::Card,
            "url" => TokenKind::Url,
            "account" => TokenKind::Account,
            _ => return None,
        })
    }
}

/// One alternative of an item, before class expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Alt {
    Literal(String),
    Class(String),
    Token(TokenKind),
}

/// One item of a pattern: alternatives, each with whether it must sit on word boundaries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawItem {
    pub alts: Vec<(Alt, bool)>,
}

/// The space allowed between two items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Gap {
    pub min: u16,
    pub max: u16,
    pub cross_clause: bool,
}

/// A parsed pattern: `items.len() == gaps.len() + 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawPattern {
    pub items: Vec<RawItem>,
    pub gaps: Vec<Gap>,
}

/// Parses a pattern, or says what is wrong with it.
pub(crate) fn parse(src: &str) -> Result<RawPattern, String> {
    let mut items = Vec::new();
    let mut gaps = Vec::new();
    let mut pending_gap: Option<Gap> = None;
    for word in src.split_whitespace() {
        if let Some(spec) = word.strip_prefix('~') {
            if items.is_empty() {
                return Err(format!("pattern {src:?} starts with a gap"));
            }
            if pending_gap.is_some() {
                return Err(format!("pattern {src:?} has two gaps in a row"));
            }
            let (cross, spec) = match spec.strip_prefix('~') {
                Some(rest) => (true, rest),
                None => (false, spec),
            };
            pending_gap = Some(parse_gap(spec, cross).map_err(|e| format!("{e} in {src:?}"))?);
            continue;
        }
        if !items.is_empty() {
            gaps.push(pending_gap.take().unwrap_or_default());
        }
        items.push(parse_item(word).map_err(|e| format!("{e} in pattern {src:?}"))?);
    }
    if items.is_empty() {
        return Err("empty pattern".to_string());
    }
    if pending_gap.is_some() {
        return Err(format!("pattern {src:?} ends with a gap"));
    }
    Ok(RawPattern { items, gaps })
}

fn parse_gap(spec: &str, cross_clause: bool) -> Result<Gap, String> {
    let (a, b) = spec
        .split_once("..")
        .ok_or_else(|| format!("gap ~{spec} is not of the form ~MIN..MAX"))?;
    let number = |n: &str, what: &str| {
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("gap {what} {n:?} is not a number"));
        }
        // Digits only: a number too long for u64 is longer than any gap anyway.
        Ok(n.parse::<u64>().unwrap_or(u64::MAX))
    };
    let (min, max) = (number(a, "minimum")?, number(b, "maximum")?);
    if min > max {
        return Err(format!("gap ~{spec} has its minimum above its maximum"));
    }
    if max > u64::from(MAX_GAP) {
        return Err(format!("gap ~{spec} is longer than {MAX_GAP} characters"));
    }
    let (min, max) = (min as u16, max as u16);
    Ok(Gap {
        min,
        max,
        cross_clause,
    })
}

/// A class name: letters, digits and `_`, with an optional scope before a dot (`common.pay`).
fn valid_class_name(name: &str) -> bool {
    let part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match name.split_once('.') {
        Some((scope, rest)) => part(scope) && part(rest),
        None => part(name),
    }
}

fn parse_item(word: &str) -> Result<RawItem, String> {
    let mut alts = Vec::new();
    for alt in word.split('|') {
        let (boundary, alt) = match alt.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, alt),
        };
        if alt.is_empty() {
            return Err(format!("empty alternative in {word:?}"));
        }
        if let Some(inner) = alt.strip_prefix('{') {
            let name = inner
                .strip_suffix('}')
                .ok_or_else(|| format!("unclosed {{ in {word:?}"))?;
            if let Some(token) = name.strip_prefix('@') {
                let kind = TokenKind::parse(token).ok_or_else(|| {
                    format!(
                        "unknown token {{@{token}}} (expected phone, digits, card, url or account)"
                    )
                })?;
                alts.push((Alt::Token(kind), boundary));
            } else if !valid_class_name(name) {
                return Err(format!("bad class name {{{name}}}"));
            } else {
                alts.push((Alt::Class(name.to_string()), boundary));
            }
        } else if alt.contains(['{', '}', '~', '^']) {
            return Err(format!("stray {{, }}, ~ or ^ in {word:?}"));
        } else {
            alts.push((Alt::Literal(alt.to_string()), boundary));
        }
    }
    Ok(RawItem { alts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_items_and_gaps() {
        let p = parse("先 {pay} ~0..4 ^{deposit}|^诚意金 ~~0..20 {@phone}").unwrap();
        assert_eq!(p.items.len(), 4);
        assert_eq!(p.gaps[0], Gap::default());
        assert_eq!(
            p.gaps[1],
            Gap {
                min: 0,
                max: 4,
                cross_clause: false
            }
        );
        assert!(p.gaps[2].cross_clause);
        assert_eq!(
            p.items[2].alts,
            vec![
                (Alt::Class("deposit".into()), true),
                (Alt::Literal("诚意金".into()), true)
            ]
        );
        assert_eq!(p.items[3].alts, vec![(Alt::Token(TokenKind::Phone), false)]);
        let q = parse("^加|加我 {x}").unwrap();
        assert_eq!(
            q.items[0].alts,
            vec![
                (Alt::Literal("加".into()), true),
                (Alt::Literal("加我".into()), false)
            ]
        );
    }

    #[test]
    fn rejects_malformed_patterns() {
        for bad in [
            "",
            "~0..3 定金",
            "定金 ~0..3",
            "a ~3..1 b",
            "a ~0..999 b",
            "a ~0..3 ~0..3 b",
            "{pay",
            "{@nope}",
            "a||b",
            "{}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
