//! Rules over term hits: ordered items with bounded gaps, word-boundary checks, the
//! allow-list, warning and negation scope, speaker conditions and conversation signals.
//!
//! The lexicon is compiled once into an [`Engine`]: every literal of every class and rule
//! goes into one automaton, and each literal knows which (pattern, item) slots it fills.
//! A message is then one automaton pass, a sort of the few candidate slots it produced, and
//! a bounded search per pattern that has a candidate for every item.

use std::collections::HashMap;

use crate::amount::{amount_near, find_amounts, format_yuan, Amount};
use crate::conversation::{ConversationState, Speaker, Turn};
use crate::error::Error;
use crate::lexicon::pattern::{Alt, Gap, RawPattern, TokenKind};
use crate::lexicon::LexiconSet;
use crate::matcher::{find_tokens, Hit, Matcher, TokenHit};
use crate::normalize::{fold, fold_into, is_han, Folded};
use crate::report::{Category, Finding, Report, Severity};
use crate::scorer::{GramSet, Scored, Scorer};
use crate::segment::Segmenter;

/// A negation cue counts when it ends at most this many characters before a hit.
const NEGATION_BEFORE_WINDOW: usize = 4;
/// A negation cue counts when it starts at most this many characters after a hit.
const NEGATION_AFTER_WINDOW: usize = 3;
/// Search steps one pattern may take on one message: bounds the worst case.
const SEARCH_BUDGET: usize = 4096;

const CUE_WARNING: u8 = 1;
const CUE_NEG_BEFORE: u8 = 1 << 1;
const CUE_NEG_AFTER: u8 = 1 << 2;
const CUE_QUESTION: u8 = 1 << 3;
const CUE_ALLOW: u8 = 1 << 4;
const CUE_NOT_NEGATION: u8 = 1 << 5;
const CUE_NOT_WARNING: u8 = 1 << 6;

#[derive(Clone, Copy, Debug)]
struct Use {
    pattern: u32,
    item: u16,
    /// The hit must start and end on word boundaries.
    boundary: bool,
}

#[derive(Debug)]
struct CompiledPattern {
    rule: u32,
    unless: bool,
    items: usize,
    gaps: Vec<Gap>,
}

/// A rule ready to run.
#[derive(Debug)]
pub(crate) struct CompiledRule {
    pub id: String,
    pub category: Option<Category>,
    pub severity: Severity,
    pub explanation: String,
    speakers: Vec<Option<Speaker>>,
    not_speakers: Vec<Option<Speaker>>,
    speaker_severity: Vec<(Option<Speaker>, Severity)>,
    signal: Option<u16>,
    requires: Vec<u16>,
    /// A counted signal rule that reports: (from the n-th raise, one step up from the m-th).
    repeat: Option<(u32, Option<u32>)>,
    /// Signals after which this rule reports nothing.
    not_after: Vec<u16>,
    negatable: bool,
}

/// The compiled lexicon.
#[derive(Debug)]
pub(crate) struct Engine {
    matcher: Matcher,
    /// Per term, its uses in positive patterns.
    term_uses: Vec<Vec<Use>>,
    /// Per term, its uses in `unless` patterns: kept apart because vetoes are anchored only
    /// once a rule could fire, so the first marking pass need not walk them (a quarter of
    /// all uses: 吗 alone is in 94 patterns, most of them vetoes).
    term_vetoes: Vec<Vec<Use>>,
    /// Per term, the patterns whose anchor item it fills. The anchor is the item least likely
    /// to occur (longest shortest term); a pattern is only looked at further when its anchor
    /// occurs, which most messages never make happen.
    term_anchors: Vec<Vec<u32>>,
    term_cues: Vec<u8>,
    /// Per term, 1 + its alias kind's index in `alias_kinds`, or 0.
    term_alias_kind: Vec<u8>,
    alias_kinds: Vec<String>,
    token_uses: Vec<(TokenKind, Use)>,
    /// Per token use, whether it fills its pattern's anchor item.
    token_anchors: Vec<bool>,
    /// Per rule, its `unless` patterns. They are anchored only once a positive pattern of
    /// the rule is complete: a veto such as 吗 or ？ occurs in a third of all messages, and
    /// anchored up front it sent all of those into the item search for nothing.
    rule_unless: Vec<Vec<u32>>,
    patterns: Vec<CompiledPattern>,
    pub rules: Vec<CompiledRule>,
    platform_hosts: Vec<String>,
    pub segmenter: Segmenter,
    /// Findings with an amount at or above this many yuan are raised one step.
    pub large_amount: Option<f64>,
    /// The second stage, for wording no rule spells out (`None`: rules only).
    pub scorer: Option<Scorer>,
}

/// Per-thread buffers reused from message to message.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    folded: Folded,
    hits: Vec<Hit>,
    tokens: Vec<TokenHit>,
    cands: Vec<Cand>,
    bounds: Vec<u32>,
    cue_spans: Vec<(u8, u32, u32)>,
    matches: Vec<(u32, u32, u32)>,
    vetoed: Vec<u32>,
    /// Per pattern, a bit per item seen in the current message (all zero between messages).
    masks: Vec<u32>,
    touched: Vec<u32>,
    /// Anchored patterns with every item present.
    full: Vec<u32>,
    grams: GramSet,
    scored: Vec<Scored>,
}

/// The default large-amount threshold in yuan (the seller's guide: take care with large deals).
pub const DEFAULT_LARGE_AMOUNT: f64 = 1000.0;

/// Set in a pattern's mask once its anchor item occurs in the message.
const ANCHORED: u32 = 1 << 31;

fn anchor(masks: &mut [u32], touched: &mut Vec<u32>, pattern: u32) {
    let m = &mut masks[pattern as usize];
    if *m == 0 {
        touched.push(pattern);
    }
    *m |= ANCHORED;
}

/// Records an item of an anchored pattern as present.
fn mark(masks: &mut [u32], u: &Use) {
    let m = &mut masks[u.pattern as usize];
    if *m & ANCHORED != 0 {
        *m |= 1 << u.item;
    }
}

/// Per pattern, the item to look for first: the one whose shortest term is longest (a
/// recognized token counts as four characters), since single characters occur everywhere.
fn choose_anchors(
    patterns: &[CompiledPattern],
    terms: &Terms,
    token_uses: &[(TokenKind, Use)],
) -> Vec<u16> {
    let mut shortest: Vec<Vec<usize>> =
        patterns.iter().map(|p| vec![usize::MAX; p.items]).collect();
    for (t, uses) in terms.uses.iter().enumerate() {
        let len = terms.list[t].chars().count();
        for u in uses {
            let slot = &mut shortest[u.pattern as usize][u.item as usize];
            *slot = (*slot).min(len);
        }
    }
    for (_, u) in token_uses {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Cand {
    pattern: u32,
    item: u16,
    start: u32,
    end: u32,
    boundary: bool,
}

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

impl Engine {
    /// Compiles a merged lexicon. Every problem names the file, line and rule.
    pub(crate) fn compile(set: &LexiconSet) -> Result<Engine, Error> {
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
            if k > 250 {
                return Err(Error::lexicon(
                    "lexicon",
                    None,
                    None,
                    "more than 250 alias kinds",
                ));
            }
            aliases
                .entry(fold(canonical))
                .or_default()
                .push((fold(alias), k as u8));
        }
        let mut terms = Terms {
            index: HashMap::new(),
            list: Vec::new(),
            uses: Vec::new(),
            cues: Vec::new(),
            alias_kind: Vec::new(),
            aliases,
        };
        let mut token_uses = Vec::new();
        let mut patterns = Vec::new();
        let mut rules = Vec::new();
        let mut signals: Vec<String> = Vec::new();
        let signal_id = |name: &str, signals: &mut Vec<String>| -> u16 {
            match signals.iter().position(|s| s == name) {
                Some(i) => i as u16,
                None => {
                    signals.push(name.to_string());
                    (signals.len() - 1) as u16
                }
            }
        };
        for def in &set.rules {
            if let Some(s) = &def.signal {
                signal_id(s, &mut signals);
            }
        }
        for (r, def) in set.rules.iter().enumerate() {
            let err = |msg: String| Error::lexicon(&def.file, def.line, Some(&def.id), msg);
            let all = def
                .patterns
                .iter()
                .map(|p| (p, false))
                .chain(def.unless.iter().map(|p| (p, true)));
            for (raw, unless) in all {
                let p = patterns.len() as u32;
                compile_pattern(raw, p, set, &mut terms, &mut token_uses).map_err(err)?;
                patterns.push(CompiledPattern {
                    rule: r as u32,
                    unless,
                    items: raw.items.len(),
                    gaps: raw.gaps.clone(),
                });
            }
            // Signals named by `requires` and `not_after` must be raised by some rule.
            let raised_by_some_rule = |names: &[String], what: &str| {
                names
                    .iter()
                    .map(|name| match signals.iter().position(|s| s == name) {
                        Some(i) => Ok(i as u16),
                        None => Err(err(format!("{what} {name:?}, which no rule raises"))),
                    })
                    .collect::<Result<Vec<u16>, Error>>()
            };
            let requires = raised_by_some_rule(&def.requires, "requires signal")?;
            let not_after = raised_by_some_rule(&def.not_after, "not_after names signal")?;
            rules.push(CompiledRule {
                id: def.id.clone(),
                category: def.category,
                severity: def.severity,
                explanation: def.explanation.clone(),
                speakers: def.speakers.clone(),
                not_speakers: def.not_speakers.clone(),
                speaker_severity: def.speaker_severity.clone(),
                signal: def.signal.as_deref().map(|s| signal_id(s, &mut signals)),
                requires,
                repeat: def.repeat,
                not_after,
                negatable: def.negatable,
            });
        }
        let cue_lists = [
            (&set.context.warning, CUE_WARNING),
            (&set.context.negation_before, CUE_NEG_BEFORE),
            (&set.context.negation_after, CUE_NEG_AFTER),
            (&set.context.question, CUE_QUESTION),
            (&set.context.not_negation, CUE_NOT_NEGATION),
            (&set.context.not_warning, CUE_NOT_WARNING),
            (&set.allow, CUE_ALLOW),
        ];
        for (list, flag) in cue_lists {
            for cue in list {
                let id = terms.intern(cue).ok_or_else(|| {
                    Error::lexicon("lexicon", None, None, format!("empty context cue {cue:?}"))
                })?;
                terms.cues[id as usize] |= flag;
            }
        }
        for uses in &mut terms.uses {
            // A term used with and without `^` in one item keeps the laxer use.
            uses.sort_by_key(|u| (u.pattern, u.item, u.boundary));
            uses.dedup_by_key(|u| (u.pattern, u.item));
        }
        // Only terms whose boundaries some `^` item checks become jieba words. Made words
        // everywhere, a term used plainly in one rule (直接转) would move the boundaries
        // another rule checks (直接|转我), and adding a rule could silence an unrelated one.
        let mut extra: Vec<String> = terms
            .list
            .iter()
            .zip(&terms.uses)
            .filter(|(_, uses)| uses.iter().any(|u| u.boundary))
            .map(|(term, _)| term.clone())
            .filter(|v| v.chars().count() >= 2 && v.chars().all(is_han))
            .collect();
        extra.sort();
        extra.dedup();
        let anchors = choose_anchors(&patterns, &terms, &token_uses);
        let mut term_anchors = vec![Vec::new(); terms.list.len()];
        for (t, uses) in terms.uses.iter().enumerate() {
            for u in uses {
                let pattern = &patterns[u.pattern as usize];
                if anchors[u.pattern as usize] == u.item && !pattern.unless {
                    term_anchors[t].push(u.pattern);
                }
            }
            term_anchors[t].dedup();
        }
        let token_anchors: Vec<bool> = token_uses
            .iter()
            .map(|(_, u)| {
                anchors[u.pattern as usize] == u.item && !patterns[u.pattern as usize].unless
            })
            .collect();
        let mut rule_unless = vec![Vec::new(); rules.len()];
        for (p, pattern) in patterns.iter().enumerate() {
            if pattern.unless {
                rule_unless[pattern.rule as usize].push(p as u32);
            }
        }
        let (term_uses, term_vetoes): (Vec<Vec<Use>>, Vec<Vec<Use>>) = terms
            .uses
            .into_iter()
            .map(|uses| {
                uses.into_iter()
                    .partition(|u| !patterns[u.pattern as usize].unless)
            })
            .unzip();
        let matcher =
            Matcher::new(terms.list).map_err(|e| Error::lexicon("lexicon", None, None, e))?;
        Ok(Engine {
            matcher,
            term_anchors,
            token_anchors,
            rule_unless,
            term_uses,
            term_vetoes,
            term_cues: terms.cues,
            term_alias_kind: terms.alias_kind,
            alias_kinds,
            token_uses,
            patterns,
            rules,
            platform_hosts: set
                .platform_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            segmenter: Segmenter::new(extra),
            large_amount: Some(DEFAULT_LARGE_AMOUNT),
            scorer: None,
        })
    }

    /// Every literal the automaton is built from, folded.
    pub(crate) fn terms(&self) -> &[String] {
        self.matcher.terms()
    }

    /// Heap bytes used by the automaton.
    pub(crate) fn automaton_bytes(&self) -> usize {
        self.matcher.memory_usage()
    }

    /// Scans one message on its own. What depends on the conversation comes back as
    /// conditions for [`Engine::resolve`], so that messages can be scanned in parallel and
    /// their context applied afterwards, in order, cheaply.
    pub(crate) fn scan(&self, turn: Turn<'_>, scratch: &mut Scratch) -> Outcome {
        let mut outcome = self.scan_rules(turn, scratch);
        if let Some(scorer) = &self.scorer {
            self.add_scored(scorer, turn, scratch, &mut outcome);
        }
        outcome
    }

    /// The second stage: a finding per category the scorer reports and the rules did not,
    /// unless the message warns, or the evidence is negated, asked about or allowed, exactly
    /// as a rule's would be. Runs after [`Engine::scan_rules`], on the folded text and hits it
    /// left in `scratch`.
    fn add_scored(
        &self,
        scorer: &Scorer,
        turn: Turn<'_>,
        scratch: &mut Scratch,
        outcome: &mut Outcome,
    ) {
        // The platform's own notices are never scams.
        if turn.speaker == Some(Speaker::System) {
            return;
        }
        let Scratch {
            folded,
            hits,
            cue_spans,
            grams,
            scored,
            ..
        } = scratch;
        scorer.score(&folded.text, grams, scored);
        if scored.is_empty() {
            return;
        }
        // The rule stage may have stopped before reading the cues.
        cue_spans.clear();
        if self.read_cues(hits, cue_spans) {
            return;
        }
        folded.build_maps();
        let reported = |category: Category, outcome: &Outcome| {
            outcome
                .findings
                .iter()
                .chain(outcome.conditional.iter().map(|(f, _)| f))
                .chain(outcome.raised.iter().filter_map(|(_, f)| f.as_ref()))
                .any(|f| f.category == category)
        };
        let mut amounts: Option<Vec<Amount>> = None;
        for sc in scored.iter() {
            let (s, e) = (sc.start as u32, sc.end as u32);
            if s >= e || reported(sc.category, outcome) {
                continue;
            }
            if allowed(cue_spans, s, e)
                || negated(folded, cue_spans, s, e)
                || (turn.speaker == Some(Speaker::Buyer) && asks(&folded.text, sc.start))
            {
                continue;
            }
            let at = locate(turn.text, folded, (s, e), &mut amounts);
            outcome.findings.push(Finding {
                category: sc.category,
                severity: Severity::Medium,
                rule: format!("scorer/{}", sc.category),
                start: at.start,
                end: at.end,
                char_start: at.char_start,
                char_end: at.char_end,
                matched: at.matched,
                explanation: format!(
                    "wording typical of {} that no rule names (n-gram scorer, p = {:.2})",
                    sc.category, sc.probability
                ),
                normalized: folded.folds_in(sc.start, sc.end).names(),
                context: Vec::new(),
                amount: at.amount,
            });
        }
    }

    /// The rule stage.
    fn scan_rules(&self, turn: Turn<'_>, scratch: &mut Scratch) -> Outcome {
        let Scratch {
            folded,
            hits,
            tokens,
            cands,
            bounds,
            cue_spans,
            matches,
            vetoed,
            masks,
            touched,
            full,
            grams: _,
            scored: _,
        } = scratch;
        fold_into(turn.text, folded);
        hits.clear();
        tokens.clear();
        self.matcher.find_all(&folded.text, hits);
        if !self.token_uses.is_empty() {
            find_tokens(&folded.text, &self.platform_hosts, tokens);
        }
        if hits.is_empty() && tokens.is_empty() {
            return Outcome::default();
        }

        cue_spans.clear();
        cands.clear();
        if masks.len() < self.patterns.len() {
            masks.resize(self.patterns.len(), 0);
        }
        // First pass: patterns whose anchor item occurs. Most messages stop here.
        touched.clear();
        for h in hits.iter() {
            for &p in &self.term_anchors[h.term as usize] {
                anchor(masks, touched, p);
            }
        }
        if !tokens.is_empty() {
            for ((kind, u), is_anchor) in self.token_uses.iter().zip(&self.token_anchors) {
                if *is_anchor && tokens.iter().any(|tk| tk.kind == *kind) {
                    anchor(masks, touched, u.pattern);
                }
            }
        }
        if touched.is_empty() {
            return Outcome::default();
        }
        // Second pass: which items of the anchored patterns are present. Only patterns with
        // every item present get candidates, which keeps the sort below small.
        let warning = self.read_cues(hits, cue_spans);
        self.mark_items(&self.term_uses, hits, tokens, masks);
        full.clear();
        self.keep_complete(touched, masks, full);
        // An `unless` pattern matters only to a rule that could fire: one with a positive
        // pattern complete. Those rules' vetoes are anchored now and their items marked in
        // one more pass over the hits.
        let vetoes_from = touched.len();
        for &p in full.iter() {
            let rule = self.patterns[p as usize].rule;
            for &q in &self.rule_unless[rule as usize] {
                anchor(masks, touched, q);
            }
        }
        if touched.len() > vetoes_from {
            self.mark_items(&self.term_vetoes, hits, tokens, masks);
            self.keep_complete(&touched[vetoes_from..], masks, full);
        }
        if full.is_empty() {
            // No pattern has all its items: nothing can match (the usual case), and the map
            // back to the original text is never needed.
            return Outcome::default();
        }
        folded.build_maps();
        let complete = |u: &Use| masks[u.pattern as usize] != 0;
        // A veto term that starts inside a proposal or choice word is part of that word, as
        // negation cues are: the 不线下 of 要不线下交易 does not veto a private deal.
        let inside_proposal = |start: u32| {
            cue_spans
                .iter()
                .any(|&(c, a, b)| c & CUE_NOT_NEGATION != 0 && a < start && start < b)
        };
        for h in hits.iter() {
            let vetoes = self.term_vetoes[h.term as usize]
                .iter()
                .filter(|u| complete(u) && !inside_proposal(h.start));
            for u in self.term_uses[h.term as usize]
                .iter()
                .filter(|u| complete(u))
                .chain(vetoes)
            {
                cands.push(Cand {
                    pattern: u.pattern,
                    item: u.item,
                    start: h.start,
                    end: h.end,
                    boundary: u.boundary,
                });
            }
        }
        for t in tokens.iter() {
            for (kind, u) in &self.token_uses {
                if *kind == t.kind && complete(u) {
                    cands.push(Cand {
                        pattern: u.pattern,
                        item: u.item,
                        start: t.start,
                        end: t.end,
                        boundary: u.boundary,
                    });
                }
            }
        }
        for &p in touched.iter() {
            masks[p as usize] = 0;
        }
        cands.sort_unstable();
        cands.dedup();

        // Search each pattern that has a candidate for every item.
        matches.clear();
        let mut boundaries = Boundaries {
            segmenter: &self.segmenter,
            bounds,
            ready: false,
        };
        let mut i = 0;
        while i < cands.len() {
            let p = cands[i].pattern;
            let mut j = i;
            while j < cands.len() && cands[j].pattern == p {
                j += 1;
            }
            let group = &cands[i..j];
            i = j;
            let pattern = &self.patterns[p as usize];
            let n = pattern.items;
            let mut slices: [&[Cand]; 16] = [&[]; 16];
            if n > slices.len() {
                continue;
            }
            let mut k = 0;
            let mut complete = true;
            for (item, slice) in slices.iter_mut().enumerate().take(n) {
                let s = k;
                while k < group.len() && group[k].item as usize == item {
                    k += 1;
                }
                if s == k {
                    complete = false;
                    break;
                }
                *slice = &group[s..k];
            }
            if !complete {
                continue;
            }
            let mut search = Search {
                pattern,
                items: &slices[..n],
                folded,
                boundaries: &mut boundaries,
                budget: SEARCH_BUDGET,
            };
            if let Some((s, e)) = search.first() {
                matches.push((p, s, e));
            }
        }

        vetoed.clear();
        for &(p, _, _) in matches.iter() {
            let pattern = &self.patterns[p as usize];
            if pattern.unless {
                vetoed.push(pattern.rule);
            }
        }

        let mut outcome = Outcome::default();
        let mut last_rule = u32::MAX;
        let mut amounts: Option<Vec<Amount>> = None;
        let message = Message {
            folded,
            hits,
            turn: &turn,
        };
        for &(p, s, e) in matches.iter() {
            let pattern = &self.patterns[p as usize];
            if pattern.unless || pattern.rule == last_rule || vetoed.contains(&pattern.rule) {
                continue;
            }
            let rule = &self.rules[pattern.rule as usize];
            if !rule.speakers.is_empty() && !rule.speakers.contains(&turn.speaker) {
                continue;
            }
            if rule.not_speakers.contains(&turn.speaker) {
                continue;
            }
            if allowed(cue_spans, s, e) {
                continue;
            }
            if rule.negatable && (warning || negated(folded, cue_spans, s, e)) {
                continue;
            }
            last_rule = pattern.rule;
            // The platform's own notices are never scams; they only raise signals.
            let reports = rule
                .category
                .filter(|_| turn.speaker != Some(Speaker::System));
            if rule.signal.is_some() {
                let finding = reports
                    .filter(|_| rule.repeat.is_some())
                    .map(|category| self.finding(rule, category, &message, (s, e), &mut amounts));
                outcome.raised.push((pattern.rule, finding));
                continue;
            }
            let Some(category) = reports else {
                continue;
            };
            let finding = self.finding(rule, category, &message, (s, e), &mut amounts);
            if rule.requires.is_empty() {
                outcome.findings.push(finding);
            } else {
                outcome.conditional.push((finding, pattern.rule));
            }
        }
        outcome
    }

    /// Appends the negation, question, allow and proposal cues among the hits to `cue_spans`;
    /// true when a warning cue occurs (the whole message is then a warning) outside every
    /// phrase that only accuses (诈骗 in 涉嫌诈骗).
    fn read_cues(&self, hits: &[Hit], cue_spans: &mut Vec<(u8, u32, u32)>) -> bool {
        let (mut warning, mut accusation) = (false, false);
        for h in hits {
            let cue = self.term_cues[h.term as usize];
            warning |= cue & CUE_WARNING != 0;
            accusation |= cue & CUE_NOT_WARNING != 0;
            if cue & !(CUE_WARNING | CUE_NOT_WARNING) != 0 {
                cue_spans.push((cue & !(CUE_WARNING | CUE_NOT_WARNING), h.start, h.end));
            }
        }
        if !(warning && accusation) {
            return warning;
        }
        // Rare: both kinds occur. A warning cue counts unless an accusation phrase holds it.
        let held = |w: &Hit| {
            hits.iter().any(|a| {
                self.term_cues[a.term as usize] & CUE_NOT_WARNING != 0
                    && a.start <= w.start
                    && w.end <= a.end
            })
        };
        hits.iter()
            .any(|h| self.term_cues[h.term as usize] & CUE_WARNING != 0 && !held(h))
    }

    /// Marks the items that the hits (through `uses`, the positive or the veto uses) and the
    /// tokens fill, in every anchored pattern.
    fn mark_items(&self, uses: &[Vec<Use>], hits: &[Hit], tokens: &[TokenHit], masks: &mut [u32]) {
        for h in hits {
            for u in &uses[h.term as usize] {
                mark(masks, u);
            }
        }
        for t in tokens {
            for (kind, u) in &self.token_uses {
                if *kind == t.kind {
                    mark(masks, u);
                }
            }
        }
    }

    /// Appends to `full` the patterns of `anchored` with every item marked, and clears the
    /// masks of the others.
    fn keep_complete(&self, anchored: &[u32], masks: &mut [u32], full: &mut Vec<u32>) {
        for &p in anchored {
            let all_items = ANCHORED | ((1u32 << self.patterns[p as usize].items) - 1);
            if masks[p as usize] == all_items {
                full.push(p);
            } else {
                masks[p as usize] = 0;
            }
        }
    }

    /// The finding of `rule` on folded bytes `s..e` of the message. The message's amounts
    /// are read on the first finding that needs them.
    fn finding(
        &self,
        rule: &CompiledRule,
        category: Category,
        message: &Message<'_>,
        (s, e): (u32, u32),
        amounts: &mut Option<Vec<Amount>>,
    ) -> Finding {
        let Message { folded, hits, turn } = *message;
        let text = turn.text;
        let severity = rule
            .speaker_severity
            .iter()
            .find(|(who, _)| *who == turn.speaker)
            .map_or(rule.severity, |(_, sev)| *sev);
        let at = locate(text, folded, (s, e), amounts);
        Finding {
            category,
            severity,
            rule: rule.id.clone(),
            start: at.start,
            end: at.end,
            char_start: at.char_start,
            char_end: at.char_end,
            matched: at.matched,
            explanation: rule.explanation.clone(),
            normalized: {
                let mut names = folded.folds_in(s as usize, e as usize).names();
                for h in hits.iter().filter(|h| h.start >= s && h.end <= e) {
                    let kind = self.term_alias_kind[h.term as usize];
                    if let Some(name) = kind
                        .checked_sub(1)
                        .and_then(|k| self.alias_kinds.get(k as usize))
                    {
                        if !names.contains(name) {
                            names.push(name.clone());
                        }
                    }
                }
                names
            },
            context: Vec::new(),
            amount: at.amount,
        }
    }

    /// Applies a conversation to a message's outcome: findings that require a signal fire
    /// if an earlier message raised it (and name that message in `context`); counted signal
    /// rules report from their n-th raise on (naming the earlier ones); then this message's
    /// signals are recorded under `id`. Without a state, conditional and counted findings
    /// are dropped and signals go nowhere. Last, a finding with a large amount is raised one
    /// step. Returns the findings, unmerged.
    pub(crate) fn resolve(
        &self,
        outcome: Outcome,
        id: Option<&str>,
        state: Option<&mut ConversationState>,
    ) -> Vec<Finding> {
        let Outcome {
            mut findings,
            conditional,
            raised,
        } = outcome;
        if let Some(state) = state {
            for (mut finding, rule) in conditional {
                let requires = &self.rules[rule as usize].requires;
                if let Some(from) = requires.iter().find_map(|&sig| state.signal(sig)) {
                    finding.context.push(from.to_string());
                    findings.push(finding);
                }
            }
            state.seen += 1;
            if !raised.is_empty() {
                let id = id.map_or_else(|| state.seen.to_string(), str::to_string);
                self.count_signals(raised, &id, state, &mut findings);
            }
        }
        if let Some(limit) = self.large_amount {
            for f in &mut findings {
                if f.amount.is_some_and(|a| a >= limit) {
                    f.severity = f.severity.raised();
                    f.explanation = format!(
                        "{} (amount {} yuan, at or above the large-amount threshold of {} yuan)",
                        f.explanation,
                        format_yuan(f.amount.unwrap_or_default()),
                        format_yuan(limit)
                    );
                }
            }
        }
        findings
    }

    /// Records the signals one message raised, and reports the counted ones that are due.
    fn count_signals(
        &self,
        raised: Vec<(u32, Option<Finding>)>,
        id: &str,
        state: &mut ConversationState,
        findings: &mut Vec<Finding>,
    ) {
        let mut now: Vec<u16> = Vec::new();
        for (rule, _) in &raised {
            let rule = &self.rules[*rule as usize];
            let allowed = rule.requires.is_empty()
                || rule.requires.iter().any(|&sig| state.signal(sig).is_some());
            if let (Some(sig), true) = (rule.signal, allowed) {
                if !now.contains(&sig) {
                    now.push(sig);
                }
            }
        }
        for (rule, finding) in raised {
            let rule = &self.rules[rule as usize];
            let (Some(sig), Some((from, up)), Some(mut finding)) =
                (rule.signal, rule.repeat, finding)
            else {
                continue;
            };
            if !now.contains(&sig)
                || rule
                    .not_after
                    .iter()
                    .any(|s| now.contains(s) || state.signal(*s).is_some())
            {
                continue;
            }
            let (before, ids) = state.raised(sig);
            let nth = before.saturating_add(1);
            if nth < from {
                continue;
            }
            if up.is_some_and(|up| nth >= up) {
                finding.severity = finding.severity.raised();
            }
            finding.context = ids.iter().map(|id| id.to_string()).collect();
            findings.push(finding);
        }
        for sig in now {
            state.raise(sig, id);
        }
    }
}

/// The message a finding is made from.
#[derive(Clone, Copy)]
struct Message<'a> {
    folded: &'a Folded,
    hits: &'a [Hit],
    turn: &'a Turn<'a>,
}

/// What one message produced on its own, before its conversation is applied.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Findings that stand on this message alone, one per rule that fired.
    pub findings: Vec<Finding>,
    /// Findings of rules that require a conversation signal, with the rule's index.
    pub conditional: Vec<(Finding, u32)>,
    /// Indexes of the signal rules that fired, with the finding of a counted one that
    /// reports (built here, kept or dropped once the count is known).
    pub raised: Vec<(u32, Option<Finding>)>,
}

impl Outcome {
    /// True when applying a conversation could change or record anything.
    pub(crate) fn depends_on_conversation(&self) -> bool {
        !self.conditional.is_empty() || !self.raised.is_empty()
    }
}

/// Keeps the strongest finding per category and sets the message's severity.
pub(crate) fn build_report(mut findings: Vec<Finding>) -> Report {
    findings.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(b.severity.cmp(&a.severity))
            .then(b.context.len().cmp(&a.context.len()))
            .then(a.start.cmp(&b.start))
    });
    findings.dedup_by(|later, kept| later.category == kept.category);
    findings.sort_by_key(|f| (f.start, f.end));
    let top = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::None);
    let serious = findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium)
        .count();
    let severity = if serious >= 2 { top.raised() } else { top };
    Report { severity, findings }
}

/// True when a negation or question cue governs the hit at folded bytes `s..e`. Negation
/// reaches within a phrase (a clause, or a stretch of chat between spaces); a question
/// within the clause.
fn negated(folded: &Folded, cues: &[(u8, u32, u32)], s: u32, e: u32) -> bool {
    let (s, e) = (s as usize, e as usize);
    let clause_s = folded.clause_at(s);
    let clause_e = folded.clause_at(e - 1);
    let phrase_s = folded.phrase_at(s);
    let phrase_e = folded.phrase_at(e - 1);
    let exempt = |a: usize, b: usize| {
        cues.iter()
            .any(|&(c, x, y)| c & CUE_NOT_NEGATION != 0 && (x as usize) <= a && b <= y as usize)
    };
    cues.iter().any(|&(cue, a, b)| {
        let (a, b) = (a as usize, b as usize);
        if cue & (CUE_NEG_BEFORE | CUE_NEG_AFTER) != 0 && exempt(a, b) {
            return false;
        }
        if cue & CUE_NEG_BEFORE != 0
            && a < s
            && folded.phrase_at(a) == phrase_s
            && (b > s || folded.char_index(s) - folded.char_index(b) <= NEGATION_BEFORE_WINDOW)
        {
            return true;
        }
        // A negation after the hit belongs to it unless a proposal or choice word starts in
        // between, or inside the hit past its first character (a pattern may end on its
        // pressure cue): in 先付定金不然我不好安排 the 我不 is in the "otherwise" part.
        let opens_between = || {
            cues.iter()
                .any(|&(c, x, _)| c & CUE_NOT_NEGATION != 0 && (x as usize) > s && (x as usize) < a)
        };
        if cue & CUE_NEG_AFTER != 0
            && a >= e
            && folded.phrase_at(a) == phrase_e
            && folded.char_index(a) - folded.char_index(e) <= NEGATION_AFTER_WINDOW
            && !opens_between()
        {
            return true;
        }
        cue & CUE_QUESTION != 0
            && (folded.clause_at(a) == clause_s || folded.clause_at(b - 1) == clause_e)
    })
}

/// Whether an allow-list phrase overlaps folded bytes `s..e`: it vetoes whatever it covers.
fn allowed(cue_spans: &[(u8, u32, u32)], s: u32, e: u32) -> bool {
    cue_spans
        .iter()
        .any(|&(c, a, b)| c & CUE_ALLOW != 0 && a < e && s < b)
}

/// Evidence on folded bytes as a finding reports it: in the original text, with the money
/// amount near it.
struct Located {
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    matched: String,
    amount: Option<f64>,
}

/// Maps folded bytes `s..e` of `text` back to the original; the message's amounts are read
/// on the first finding that needs them.
fn locate(
    text: &str,
    folded: &Folded,
    (s, e): (u32, u32),
    amounts: &mut Option<Vec<Amount>>,
) -> Located {
    let (start, end) = folded.original_span(s as usize, e as usize);
    let char_start = text[..start].chars().count();
    let matched = text[start..end].to_string();
    let amounts = amounts.get_or_insert_with(|| find_amounts(text));
    Located {
        start,
        end,
        char_start,
        char_end: char_start + matched.chars().count(),
        matched,
        amount: amount_near(amounts, text, start, end),
    }
}

/// Whether the sentence part that starts at byte `at` ends as a question (吗, 么, ？): a
/// buyer asking 需要先交定金吗 is the target asking, which the scorer's n-grams cannot tell
/// from the demand. Rules say the same with their own `unless` patterns.
fn asks(text: &str, at: usize) -> bool {
    let rest = text.get(at..).unwrap_or_default();
    let end = rest
        .find(['。', '！', '!', '，', ',', '；', ';', '\n'])
        .unwrap_or(rest.len());
    let part = rest[..end].trim_end();
    part.ends_with(['吗', '么', '？', '?', '呢', '嘛']) || rest[end..].starts_with(['？', '?'])
}

fn compile_pattern(
    raw: &RawPattern,
    p: u32,
    set: &LexiconSet,
    terms: &mut Terms,
    token_uses: &mut Vec<(TokenKind, Use)>,
) -> Result<(), String> {
    if raw.items.len() > 16 {
        return Err("a pattern may have at most 16 items".into());
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
                    terms
                        .use_literal(lit, u)
                        .ok_or_else(|| format!("literal {lit:?} folds to nothing"))?;
                }
                Alt::Class(name) => {
                    let variants = set
                        .classes
                        .get(name)
                        .ok_or_else(|| format!("unknown class {{{name}}}"))?;
                    for v in variants {
                        terms.use_literal(v, u).ok_or_else(|| {
                            format!("variant {v:?} of class {{{name}}} folds to nothing")
                        })?;
                    }
                }
                Alt::Token(kind) => token_uses.push((*kind, u)),
            }
        }
    }
    Ok(())
}

/// Word boundaries of the current message, computed on first need.
struct Boundaries<'a> {
    segmenter: &'a Segmenter,
    bounds: &'a mut Vec<u32>,
    ready: bool,
}

impl Boundaries<'_> {
    fn on_boundaries(&mut self, folded: &Folded, start: u32, end: u32) -> bool {
        if !self.ready {
            // Each phrase is segmented on its own: no word reaches across a space.
            self.bounds.clear();
            let text = &folded.text;
            let starts = &folded.phrase_starts;
            for (i, &from) in starts.iter().enumerate() {
                let to = starts.get(i + 1).map_or(text.len(), |&t| t as usize);
                if (from as usize) < to {
                    self.segmenter
                        .extend_boundaries(&text[from as usize..to], from, self.bounds);
                }
            }
            self.bounds.push(text.len() as u32);
            self.bounds.sort_unstable();
            self.bounds.dedup();
            self.ready = true;
        }
        self.bounds.binary_search(&start).is_ok() && self.bounds.binary_search(&end).is_ok()
    }
}

/// A bounded depth-first search for the leftmost match of one pattern.
struct Search<'a, 'b> {
    pattern: &'a CompiledPattern,
    items: &'a [&'a [Cand]],
    folded: &'a Folded,
    boundaries: &'a mut Boundaries<'b>,
    budget: usize,
}

impl Search<'_, '_> {
    fn first(&mut self) -> Option<(u32, u32)> {
        for c in self.items[0] {
            if !self.fits(c) {
                continue;
            }
            if let Some(end) = self.extend(1, c.end) {
                return Some((c.start, end));
            }
            if self.budget == 0 {
                return None;
            }
        }
        None
    }

    fn fits(&mut self, c: &Cand) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        !c.boundary || self.boundaries.on_boundaries(self.folded, c.start, c.end)
    }

    fn extend(&mut self, item: usize, prev_end: u32) -> Option<u32> {
        if item == self.items.len() {
            return Some(prev_end);
        }
        let gap = self.pattern.gaps[item - 1];
        let prev_char = self.folded.char_index(prev_end as usize);
        let prev_clause = self.folded.clause_at(prev_end as usize - 1);
        for c in self.items[item] {
            if c.start < prev_end {
                continue;
            }
            let between = self.folded.char_index(c.start as usize) - prev_char;
            if between > gap.max as usize {
                break;
            }
            if between < gap.min as usize {
                continue;
            }
            if !gap.cross_clause && self.folded.clause_at(c.start as usize) != prev_clause {
                continue;
            }
            if !self.fits(c) {
                if self.budget == 0 {
                    return None;
                }
                continue;
            }
            if let Some(end) = self.extend(item + 1, c.end) {
                return Some(end);
            }
        }
        None
    }
}
