//! The verdict stage: which pattern matches stand as findings.
//!
//! A match stands unless its rule is vetoed (an `unless` pattern matched), the speaker is not
//! one the rule is for, an allow-list phrase covers it, or, for a negatable rule, the message
//! is a warning or a negation or question cue governs the match. The cues are the lexicon's
//! `[context]` lists and `allow`, found by the same automaton pass as every term.

use super::context::Outcome;
use super::finding::{Evidence, Message};
use super::{cue, Engine, Scratch};
use crate::conversation::{Speaker, Turn};
use crate::matcher::Hit;
use crate::normalize::Folded;

/// A negation cue counts when it ends at most this many characters before a hit.
const NEGATION_BEFORE_WINDOW: usize = 4;
/// A negation cue counts when it starts at most this many characters after a hit.
const NEGATION_AFTER_WINDOW: usize = 3;

/// The context cues of one message, read from its hits on first need.
#[derive(Debug, Default)]
pub(super) struct Cues {
    /// (cue bits without the warning ones, folded start, folded end) per cue hit.
    pub spans: Vec<(u8, u32, u32)>,
    /// Whether the message is a warning.
    pub warning: bool,
    /// The proposal and choice words (能不能, 要不): spans by start, each with the furthest
    /// end among it and those before, so that "is this inside one" is a binary search.
    proposals: Covering,
    read: bool,
}

/// Spans sorted by start, with a running maximum of their ends.
#[derive(Debug, Default)]
struct Covering {
    starts: Vec<u32>,
    reach: Vec<u32>,
}

impl Covering {
    fn clear(&mut self) {
        self.starts.clear();
        self.reach.clear();
    }

    /// Builds the table from spans in any order.
    fn build(&mut self, spans: impl Iterator<Item = (u32, u32)>) {
        self.clear();
        let mut sorted: Vec<(u32, u32)> = spans.collect();
        sorted.sort_unstable();
        let mut furthest = 0;
        for (a, b) in sorted {
            furthest = furthest.max(b);
            self.starts.push(a);
            self.reach.push(furthest);
        }
    }

    /// Whether a span starting at or before `a` (strictly before, when `strict`) ends at or
    /// after `b` (strictly after, when `strict`).
    fn covers(&self, a: u32, b: u32, strict: bool) -> bool {
        let n = self
            .starts
            .partition_point(|&x| if strict { x < a } else { x <= a });
        n > 0
            && if strict {
                self.reach[n - 1] > b
            } else {
                self.reach[n - 1] >= b
            }
    }

    /// Whether a span starts strictly between `s` and `a`.
    fn starts_between(&self, s: u32, a: u32) -> bool {
        let i = self.starts.partition_point(|&x| x <= s);
        self.starts.get(i).is_some_and(|&x| x < a)
    }
}

impl Cues {
    /// Gives back memory past `keep` spans.
    pub(super) fn release(&mut self, keep: usize) {
        self.spans.shrink_to(keep);
    }

    /// Forgets the previous message's cues.
    pub(super) fn clear(&mut self) {
        self.spans.clear();
        self.proposals.clear();
        self.warning = false;
        self.read = false;
    }

    /// Reads the negation, question, allow and proposal cues among the hits, and whether a
    /// warning cue occurs (the whole message is then a warning) outside every phrase that
    /// only accuses (诈骗 in 涉嫌诈骗). Does nothing the second time.
    pub(super) fn read(&mut self, engine: &Engine, hits: &[Hit]) {
        if self.read {
            return;
        }
        self.read = true;
        let cues = &engine.term_cues;
        let (mut warning, mut accusation) = (false, false);
        for h in hits {
            let c = cues[h.term as usize];
            warning |= c & cue::WARNING != 0;
            accusation |= c & cue::NOT_WARNING != 0;
            if c & !(cue::WARNING | cue::NOT_WARNING) != 0 {
                self.spans
                    .push((c & !(cue::WARNING | cue::NOT_WARNING), h.start, h.end));
            }
        }
        self.proposals.build(
            self.spans
                .iter()
                .filter(|&&(c, _, _)| c & cue::NOT_NEGATION != 0)
                .map(|&(_, a, b)| (a, b)),
        );
        self.warning = if warning && accusation {
            // Rare: both kinds occur. A warning cue counts unless an accusation phrase holds it.
            let mut accusations = Covering::default();
            accusations.build(
                hits.iter()
                    .filter(|a| cues[a.term as usize] & cue::NOT_WARNING != 0)
                    .map(|a| (a.start, a.end)),
            );
            hits.iter().any(|h| {
                cues[h.term as usize] & cue::WARNING != 0
                    && !accusations.covers(h.start, h.end, false)
            })
        } else {
            warning
        };
    }

    /// Whether folded byte `at` is inside a proposal or choice word (past its first byte):
    /// a veto or negation starting there is part of that word (the 不线下 of 要不线下交易).
    pub(super) fn inside_proposal(&self, at: u32) -> bool {
        self.proposals.covers(at, at, true)
    }

    /// Whether an allow-list phrase overlaps folded bytes `s..e`: it vetoes whatever it covers.
    pub(super) fn allowed(&self, s: u32, e: u32) -> bool {
        self.spans
            .iter()
            .any(|&(c, a, b)| c & cue::ALLOW != 0 && a < e && s < b)
    }

    /// True when a negation or question cue governs the hit at folded bytes `s..e`. Negation
    /// reaches within a phrase (a clause, or a stretch of chat between spaces); a question
    /// within the clause.
    pub(super) fn negated(&self, folded: &Folded, s: u32, e: u32) -> bool {
        let cues = &self.spans;
        let (s, e) = (s as usize, e as usize);
        let clause_s = folded.clause_at(s);
        let clause_e = folded.clause_at(e - 1);
        let phrase_s = folded.phrase_at(s);
        let phrase_e = folded.phrase_at(e - 1);
        let exempt = |a: usize, b: usize| self.proposals.covers(a as u32, b as u32, false);
        cues.iter().any(|&(c, a, b)| {
            let (a, b) = (a as usize, b as usize);
            if c & (cue::NEG_BEFORE | cue::NEG_AFTER) != 0 && exempt(a, b) {
                return false;
            }
            if c & cue::NEG_BEFORE != 0
                && a < s
                && folded.phrase_at(a) == phrase_s
                && (b > s || folded.char_index(s) - folded.char_index(b) <= NEGATION_BEFORE_WINDOW)
            {
                return true;
            }
            // A negation after the hit belongs to it unless a proposal or choice word starts in
            // between, or inside the hit past its first character (a pattern may end on its
            // pressure cue): in 先付定金不然我不好安排 the 我不 is in the "otherwise" part.
            let opens_between = || self.proposals.starts_between(s as u32, a as u32);
            if c & cue::NEG_AFTER != 0
                && a >= e
                && folded.phrase_at(a) == phrase_e
                && folded.char_index(a) - folded.char_index(e) <= NEGATION_AFTER_WINDOW
                && !opens_between()
            {
                return true;
            }
            c & cue::QUESTION != 0
                && (folded.clause_at(a) == clause_s || folded.clause_at(b - 1) == clause_e)
        })
    }
}

impl Engine {
    /// Turns the matches of `scratch.matches` into findings, signals and conditions.
    pub(super) fn judge(&self, turn: Turn<'_>, scratch: &mut Scratch, outcome: &mut Outcome) {
        let Scratch {
            folded,
            hits,
            cues,
            matches,
            vetoed,
            work,
            ..
        } = scratch;
        vetoed.clear();
        for &(p, _, _) in matches.iter() {
            let pattern = &self.patterns[p as usize];
            if pattern.unless {
                vetoed.push(pattern.rule);
            }
        }
        let mut last_rule = u32::MAX;
        let mut evidence = Evidence::new(Message {
            folded,
            hits,
            turn: &turn,
        });
        for &(p, s, e) in matches.iter() {
            let pattern = &self.patterns[p as usize];
            if pattern.unless || pattern.rule == last_rule || vetoed.contains(&pattern.rule) {
                continue;
            }
            let rule = &self.rules[pattern.rule as usize];
            if !rule.speakers.is_empty() && !rule.speakers.contains(&turn.speaker) {
                continue;
            }
            if rule.not_speakers.contains(&turn.speaker) || cues.allowed(s, e) {
                continue;
            }
            *work += cues.spans.len();
            if rule.negatable && (cues.warning || cues.negated(folded, s, e)) {
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
                    .map(|category| self.rule_finding(rule, category, &mut evidence, (s, e)));
                outcome.raised.push((pattern.rule, finding));
                continue;
            }
            let Some(category) = reports else {
                continue;
            };
            let finding = self.rule_finding(rule, category, &mut evidence, (s, e));
            if rule.requires.is_empty() {
                outcome.findings.push(finding);
            } else {
                outcome.conditional.push((finding, pattern.rule));
            }
        }
    }
}
