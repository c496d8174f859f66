//! Compiling a merged lexicon into an [`Engine`], in named phases (the shape of
//! aho-corasick's `Compiler`):
//!
//! 1. [`Compiler::new`]: alias kinds and the alias table;
//! 2. [`Compiler::rules`]: every rule and its patterns, each literal interned as a term with
//!    its uses, classes expanded;
//! 3. [`Compiler::cues`]: the context cues and the allow-list, as bits on terms;
//! 4. [`Compiler::finish`]: uses deduplicated, anchors chosen, vetoes split off, the
//!    segmenter's words picked and the automaton built.

use std::collections::{HashMap, HashSet};

use super::{cue, CompiledPattern, Engine, Links, Required, Use, DEFAULT_LARGE_AMOUNT};
use crate::conversation::{found_name, SignalKey, FOUND_PREFIX};
use crate::error::Error;
use crate::lexicon::pattern::{Alt, RawPattern, TokenKind};
use crate::lexicon::LexiconSet;
use crate::matcher::Matcher;
use crate::normalize::{fold, is_han};
use crate::report::Category;
use crate::segment::Segmenter;
use crate::Speaker;

/// Most alias kinds a lexicon may name (a kind is stored in a byte).
const MAX_ALIAS_KINDS: usize = 250;
/// Most items in one pattern (an item is a bit of a `u32` mask, beside the anchor bit).
const MAX_ITEMS: usize = 16;

impl Engine {
    /// Compiles a merged lexicon. Every problem names the file, line and rule.
    pub(crate) fn compile(set: LexiconSet) -> Result<Engine, Error> {
        let mut compiler = Compiler::new(&set)?;
        compiler.rules()?;
        compiler.cues()?;
        let (mut engine, links) = compiler.finish()?;
        engine.links = links;
        engine.rules = set.rules;
        Ok(engine)
    }
}

/// The folded literals of the lexicon, each with what uses it.
struct Terms {
    index: HashMap<String, u32>,
    list: Vec<String>,
    uses: Vec<Vec<Use>>,
    cues: Vec<u8>,
    /// Per term, 1 + the index of its alias kind, or 0 for a term that is no alias.
    alias_kind: Vec<u8>,
    /// Folded canonical term -> (folded alias, kind index).
    aliases: HashMap<String, Vec<(String, u8)>>,
}

impl Terms {
    fn intern(&mut self, literal: &str) -> Option<u32> {
        let folded = fold(literal).trim().to_string();
        if folded.is_empty() {
            return None;
        }
        if let Some(&id) = self.index.get(&folded) {
            return Some(id);
        }
        let id = self.list.len() as u32;
        self.index.insert(folded.clone(), id);
        self.list.push(folded);
        self.uses.push(Vec::new());
        self.cues.push(0);
        self.alias_kind.push(0);
        Some(id)
    }

    /// Interns a literal and its aliases, and records `u` as a use of each.
    fn use_literal(&mut self, literal: &str, u: Use) -> Option<()> {
        let id = self.intern(literal)?;
        self.uses[id as usize].push(u);
        let canonical = self.list[id as usize].clone();
        let aliases = self.aliases.get(&canonical).cloned().unwrap_or_default();
        for (alias, kind) in aliases {
            let Some(a) = self.intern(&alias) else {
                continue;
            };
            self.uses[a as usize].push(u);
            if self.alias_kind[a as usize] == 0 {
                self.alias_kind[a as usize] = kind + 1;
            }
        }
        Some(())
    }
}

/// The state of one compilation.
struct Compiler<'a> {
    set: &'a LexiconSet,
    terms: Terms,
    alias_kinds: Vec<String>,
    token_uses: Vec<(TokenKind, Use)>,
    patterns: Vec<CompiledPattern>,
    links: Vec<Links>,
}

impl<'a> Compiler<'a> {
    /// Phase 1: the alias kinds and the table of aliases by canonical term.
    fn new(set: &'a LexiconSet) -> Result<Compiler<'a>, Error> {
        let mut alias_kinds: Vec<String> = Vec::new();
        let mut aliases: HashMap<String, Vec<(String, u8)>> = HashMap::new();
        for (kind, alias, canonical) in &set.aliases {
            let k = match alias_kinds.iter().position(|x| x == kind) {
                Some(k) => k,
                None => {
                    alias_kinds.push(kind.clone());
                    alias_kinds.len() - 1
                }
            };
            if k > MAX_ALIAS_KINDS {
                return Err(Error::lexicon(
                    "lexicon",
                    None,
                    None,
                    format!("more than {MAX_ALIAS_KINDS} alias kinds"),
                ));
            }
            aliases
                .entry(fold(canonical))
                .or_default()
                .push((fold(alias), k as u8));
        }
        Ok(Compiler {
            set,
            terms: Terms {
                index: HashMap::new(),
                list: Vec::new(),
                uses: Vec::new(),
                cues: Vec::new(),
                alias_kind: Vec::new(),
                aliases,
            },
            alias_kinds,
            token_uses: Vec::new(),
            patterns: Vec::new(),
            links: Vec::new(),
        })
    }

    /// Phase 2: every rule, its patterns and vetoes, and the signals it names.
    fn rules(&mut self) -> Result<(), Error> {
        let set = self.set;
        let raised: HashSet<&str> = set
            .rules
            .iter()
            .filter_map(|r| r.signal.as_deref())
            .collect();
        signal_keys_are_distinct(&raised, set)?;
        for (r, def) in set.rules.iter().enumerate() {
            let err = |msg: String| Error::lexicon(&def.file, def.line, Some(&def.id), msg);
            let all = def
                .patterns
                .iter()
                .map(|p| (p, false))
                .chain(def.unless.iter().map(|p| (p, true)));
            for (raw, unless) in all {
                let p = self.patterns.len() as u32;
                self.pattern(raw, p, &def.scope).map_err(err)?;
                self.patterns.push(CompiledPattern {
                    rule: r as u32,
                    unless,
                    items: raw.items.len(),
                    gaps: raw.gaps.clone(),
                });
            }
            if let Some(name) = def
                .signal
                .as_deref()
                .filter(|n| n.starts_with(FOUND_PREFIX))
            {
                return Err(err(format!(
                    "signal {name:?}: names starting with {FOUND_PREFIX:?} are raised by the detector"
                )));
            }
            // Signals named by `requires` and `not_after` must be raised by some rule.
            let raised_by_some_rule =
                |name: &String, what: &str| match raised.contains(name.as_str()) {
                    true => Ok(SignalKey::of(name)),
                    false => Err(err(format!("{what} {name:?}, which no rule raises"))),
                };
            let requires = def
                .requires
                .iter()
                .map(|name| match name.strip_prefix(FOUND_PREFIX) {
                    Some(category) => category
                        .parse::<Category>()
                        .map(Required::Found)
                        .map_err(|e| err(format!("requires {name:?}: {e}"))),
                    None => raised_by_some_rule(name, "requires signal").map(Required::Signal),
                })
                .collect::<Result<Vec<Required>, Error>>()?;
            let not_after = def
                .not_after
                .iter()
                .map(|name| raised_by_some_rule(name, "not_after names signal"))
                .collect::<Result<Vec<SignalKey>, Error>>()?;
            self.links.push(Links {
                signal: def.signal.as_deref().map(SignalKey::of),
                requires,
                not_after,
            });
        }
        Ok(())
    }

    /// Interns the literals of one pattern (classes expanded) with their uses.
    fn pattern(&mut self, raw: &RawPattern, p: u32, scope: &str) -> Result<(), String> {
        if raw.items.len() > MAX_ITEMS {
            return Err(format!("a pattern may have at most {MAX_ITEMS} items"));
        }
        for (i, item) in raw.items.iter().enumerate() {
            for (alt, boundary) in &item.alts {
                let u = Use {
                    pattern: p,
                    item: i as u16,
                    boundary: *boundary,
                };
                match alt {
                    Alt::Literal(lit) => {
                        self.terms
                            .use_literal(lit, u)
                            .ok_or_else(|| format!("literal {lit:?} folds to nothing"))?;
                    }
                    Alt::Class(name) => {
                        let variants = self.set.classes.variants(scope, name)?;
                        for v in &variants {
                            self.terms.use_literal(v, u).ok_or_else(|| {
                                format!("variant {v:?} of class {{{name}}} folds to nothing")
                            })?;
                        }
                    }
                    Alt::Token(kind) => self.token_uses.push((*kind, u)),
                }
            }
        }
        Ok(())
    }

    /// Phase 3: the context cues and the allow-list, as bits on their terms.
    fn cues(&mut self) -> Result<(), Error> {
        let set = self.set;
        let cue_lists = [
            (&set.context.warning, cue::WARNING),
            (&set.context.negation_before, cue::NEG_BEFORE),
            (&set.context.negation_after, cue::NEG_AFTER),
            (&set.context.question, cue::QUESTION),
            (&set.context.not_negation, cue::NOT_NEGATION),
            (&set.context.not_warning, cue::NOT_WARNING),
            (&set.allow, cue::ALLOW),
        ];
        for (list, flag) in cue_lists {
            for c in list {
                let id = self.terms.intern(c).ok_or_else(|| {
                    Error::lexicon("lexicon", None, None, format!("empty context cue {c:?}"))
                })?;
                self.terms.cues[id as usize] |= flag;
            }
        }
        Ok(())
    }

    /// Phase 4: uses deduplicated and split into positive ones and vetoes, anchors indexed,
    /// the segmenter's words chosen, the automaton built.
    fn finish(mut self) -> Result<(Engine, Vec<Links>), Error> {
        for uses in &mut self.terms.uses {
            // A term used with and without `^` in one item keeps the laxer use.
            uses.sort_by_key(|u| (u.pattern, u.item, u.boundary));
            uses.dedup_by_key(|u| (u.pattern, u.item));
        }
        let segmenter = Segmenter::new(self.segmenter_words());
        let anchors = self.choose_anchors();
        let patterns = &self.patterns;
        let is_anchor =
            |u: &Use| anchors[u.pattern as usize] == u.item && !patterns[u.pattern as usize].unless;
        let term_anchors: Vec<Vec<u32>> = self
            .terms
            .uses
            .iter()
            .map(|uses| {
                let mut anchored: Vec<u32> = uses
                    .iter()
                    .filter(|u| is_anchor(u))
                    .map(|u| u.pattern)
                    .collect();
                anchored.dedup();
                anchored
            })
            .collect();
        let token_anchors: Vec<bool> = self.token_uses.iter().map(|(_, u)| is_anchor(u)).collect();
        let mut rule_unless = vec![Vec::new(); self.links.len()];
        for (p, pattern) in patterns.iter().enumerate() {
            if pattern.unless {
                rule_unless[pattern.rule as usize].push(p as u32);
            }
        }
        let (term_uses, term_vetoes): (Vec<Vec<Use>>, Vec<Vec<Use>>) = self
            .terms
            .uses
            .into_iter()
            .map(|uses| {
                uses.into_iter()
                    .partition(|u| !patterns[u.pattern as usize].unless)
            })
            .unzip();
        // A single character that anchors no pattern is looked up only once a pattern is
        // anchored (see `Matcher`).
        let matcher = Matcher::new(self.terms.list, |t| term_anchors[t].is_empty())
            .map_err(|e| Error::lexicon("lexicon", None, None, e))?;
        let engine = Engine {
            matcher,
            term_anchors,
            token_anchors,
            rule_unless,
            term_uses,
            term_vetoes,
            term_cues: self.terms.cues,
            term_alias_kind: self.terms.alias_kind,
            alias_kinds: self.alias_kinds,
            token_uses: self.token_uses,
            patterns: self.patterns,
            rules: Vec::new(),
            links: Vec::new(),
            platform_hosts: self
                .set
                .platform_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            segmenter,
            large_amount: Some(DEFAULT_LARGE_AMOUNT),
            scorer: None,
            stance: None,
        };
        Ok((engine, self.links))
    }

    /// The terms whose boundaries some `^` item checks: they become jieba words. Made words
    /// everywhere, a term used plainly in one rule (直接转) would move the boundaries another
    /// rule checks (直接|转我), and adding a rule could silence an unrelated one.
    fn segmenter_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .terms
            .list
            .iter()
            .zip(&self.terms.uses)
            .filter(|(_, uses)| uses.iter().any(|u| u.boundary))
            .map(|(term, _)| term.clone())
            .filter(|v| v.chars().count() >= 2 && v.chars().all(is_han))
            .collect();
        words.sort();
        words.dedup();
        words
    }

    /// Per pattern, the item to look for first: the one whose shortest term is longest (a
    /// recognized token counts as four characters), since single characters occur everywhere.
    fn choose_anchors(&self) -> Vec<u16> {
        let mut shortest: Vec<Vec<usize>> = self
            .patterns
            .iter()
            .map(|p| vec![usize::MAX; p.items])
            .collect();
        for (t, uses) in self.terms.uses.iter().enumerate() {
            let len = self.terms.list[t].chars().count();
            for u in uses {
                let slot = &mut shortest[u.pattern as usize][u.item as usize];
                *slot = (*slot).min(len);
            }
        }
        for (_, u) in &self.token_uses {
            let slot = &mut shortest[u.pattern as usize][u.item as usize];
            *slot = (*slot).min(4);
        }
        shortest
            .iter()
            .map(|items| {
                let mut best = 0;
                for (i, &len) in items.iter().enumerate() {
                    if items[best] == usize::MAX || (len != usize::MAX && len > items[best]) {
                        best = i;
                    }
                }
                best as u16
            })
            .collect()
    }
}

/// Conversations keep signals by a hash of their name; two names with one hash would be
/// confused, so such a lexicon is refused.
fn signal_keys_are_distinct(raised: &HashSet<&str>, set: &LexiconSet) -> Result<(), Error> {
    let mut seen: HashMap<SignalKey, &str> = HashMap::new();
    let found: Vec<String> = Category::ALL
        .into_iter()
        .flat_map(|c| {
            [
                None,
                Some(Speaker::Buyer),
                Some(Speaker::Seller),
                Some(Speaker::Agent),
                Some(Speaker::System),
            ]
            .map(|speaker| found_name(c, speaker))
        })
        .collect();
    let mut names: Vec<&str> = raised.iter().copied().collect();
    names.sort_unstable();
    names.extend(found.iter().map(String::as_str));
    for name in names {
        match seen.insert(SignalKey::of(name), name) {
            Some(other) if other != name => {
                let rule = set.rules.iter().find(|r| r.signal.as_deref() == Some(name));
                return Err(Error::lexicon(
                    rule.map_or("lexicon", |r| r.file.as_str()),
                    rule.and_then(|r| r.line),
                    rule.map(|r| r.id.as_str()),
                    format!("signal names {other:?} and {name:?} hash alike; rename one"),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
