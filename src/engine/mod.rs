//! The compiled lexicon and the path one message takes through it.
//!
//! ```text
//! fold ─▶ match ─▶ candidates ─▶ rules ─▶ verdict ─▶ scorer ─▶ stance ─▶ context ─▶ report
//! ```
//!
//! | stage | where | what it does |
//! |---|---|---|
//! | fold | [`crate::normalize`] | evasions folded away, with the map back to the typed text |
//! | match | [`crate::matcher`] | one automaton pass over every term, plus tokens (phones, links) |
//! | candidates | [`candidates`] | the patterns whose every item occurs, and their candidate slots |
//! | rules | [`search`] | the leftmost match of each such pattern, gaps and word boundaries checked |
//! | verdict | [`verdict`] | which matches stand: vetoes, speakers, allow-list, warnings, negation, questions |
//! | scorer | [`scored`] | the n-gram scorer's findings for categories no rule reported |
//! | stance | [`crate::stance`] | each finding's probability that the speaker proposes the step |
//! | context | [`context`] | the conversation's signals, the large-amount raise |
//! | report | [`crate::report`] | the strongest finding per category and the message's severity |
//!
//! [`compile`] builds the [`Engine`] once; [`Engine::scan`] runs the stages up to the scorer
//! on one message alone, so that messages can be scanned in parallel, and
//! [`Engine::resolve`] applies the conversation afterwards, in order.

mod candidates;
mod compile;
mod context;
mod finding;
mod scored;
mod search;
mod verdict;

use crate::conversation::{SignalKey, Turn};
use crate::lexicon::pattern::{Gap, TokenKind};
use crate::lexicon::Rule;
use crate::matcher::{find_tokens, Hit, Matcher, TokenHit};
use crate::normalize::{fold_into, Folded};
use crate::scorer::{GramSet, Scored, Scorer};
use crate::segment::{Segmenter, WordBoundaries};
use crate::stance::Stance;

pub(crate) use context::Outcome;

/// The default large-amount threshold in yuan (the seller's guide: take care with large deals).
pub const DEFAULT_LARGE_AMOUNT: f64 = 1000.0;

/// One place a term (or token) can fill: item `item` of pattern `pattern`.
#[derive(Clone, Copy, Debug)]
struct Use {
    pattern: u32,
    item: u16,
    /// The hit must start and end on word boundaries.
    boundary: bool,
}

/// A pattern ready to search: its items are filled through [`Use`]s.
#[derive(Debug)]
struct CompiledPattern {
    rule: u32,
    /// A veto: when it matches, its rule reports nothing.
    unless: bool,
    items: usize,
    gaps: Vec<Gap>,
}

/// A signal a rule requires.
#[derive(Clone, Copy, Debug)]
enum Required {
    /// One a rule raised in an earlier message.
    Signal(SignalKey),
    /// `found.<category>`: an earlier message of this message's speaker had a finding of the
    /// category (see [`crate::conversation::FOUND_PREFIX`]).
    Found(crate::Category),
}

impl Links {
    /// True for a rule that requires what its speaker was found doing (`found.<category>`).
    fn continues(&self) -> bool {
        self.requires
            .iter()
            .any(|r| matches!(r, Required::Found(_)))
    }
}

/// The conversation signals of a rule, by key (see [`SignalKey`]).
#[derive(Debug)]
struct Links {
    /// The signal the rule raises.
    signal: Option<SignalKey>,
    /// Signals one of which an earlier message must have raised.
    requires: Vec<Required>,
    /// Signals after which the rule reports nothing.
    not_after: Vec<SignalKey>,
}

/// What a term means besides filling pattern items: context cues, as bits.
mod cue {
    pub const WARNING: u8 = 1;
    pub const NEG_BEFORE: u8 = 1 << 1;
    pub const NEG_AFTER: u8 = 1 << 2;
    pub const QUESTION: u8 = 1 << 3;
    pub const ALLOW: u8 = 1 << 4;
    pub const NOT_NEGATION: u8 = 1 << 5;
    pub const NOT_WARNING: u8 = 1 << 6;
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
    /// Per term, its [`cue`] bits.
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
    /// The rules, as validated from the lexicon.
    pub rules: Vec<Rule>,
    /// Per rule, its signals.
    links: Vec<Links>,
    platform_hosts: Vec<String>,
    pub segmenter: Segmenter,
    /// Findings with an amount at or above this many yuan are raised one step.
    pub large_amount: Option<f64>,
    /// The second stage, for wording no rule spells out (`None`: rules only).
    pub scorer: Option<Scorer>,
    /// The stance stage: does the speaker propose what a finding names (`None`: off).
    pub stance: Option<Stance>,
}

/// Per-thread buffers reused from message to message.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    folded: Folded,
    hits: Vec<Hit>,
    /// The single-character terms' hits, before they are merged into `hits`.
    single_hits: Vec<Hit>,
    tokens: Vec<TokenHit>,
    candidates: candidates::Buffers,
    words: WordBoundaries,
    cues: verdict::Cues,
    /// (pattern, folded start, folded end) of every pattern that matched.
    matches: Vec<(u32, u32, u32)>,
    /// Rules whose `unless` pattern matched.
    vetoed: Vec<u32>,
    search: search::Buffers,
    grams: GramSet,
    scored: Vec<Scored>,
    /// True once the single-character terms have been added to `hits`.
    singles: bool,
    /// Steps the stages took on the current message: candidates searched, cues weighed.
    /// Tests read it to check that no input makes the work grow faster than the text.
    work: usize,
}

/// Buffers over this many elements are given back after the message that grew them.
const KEEP: usize = 1 << 14;

impl Scratch {
    /// After a long message, gives back what its buffers took beyond an ordinary message's
    /// needs, so that one huge record does not hold its peak for the rest of a run.
    pub(crate) fn release_if_large(&mut self) {
        if self.folded.text.capacity() <= KEEP * 8 {
            return;
        }
        self.folded.release(KEEP);
        self.hits.shrink_to(KEEP);
        self.single_hits.shrink_to(KEEP);
        self.tokens.shrink_to(KEEP);
        self.words.release(KEEP);
        self.matches.shrink_to(KEEP);
        self.candidates.release(KEEP);
        self.cues.release(KEEP);
        self.search.release(KEEP);
    }
}

impl Engine {
    /// Every literal the automaton is built from, folded.
    pub(crate) fn terms(&self) -> &[String] {
        self.matcher.terms()
    }

    /// The steps the last scan on `scratch` took beyond reading the text (see `Scratch`).
    #[cfg(test)]
    pub(crate) fn work(scratch: &Scratch) -> usize {
        scratch.work + scratch.hits.len() + scratch.tokens.len()
    }

    /// Heap bytes used by the automaton.
    pub(crate) fn automaton_bytes(&self) -> usize {
        self.matcher.memory_usage()
    }

    /// Adds the single-character terms to the hits of the message in `scratch`, once: what
    /// reads cues or fills items needs them, finding anchors does not.
    fn complete_hits(&self, scratch: &mut Scratch) {
        if !scratch.singles {
            self.matcher.find_singles(
                &scratch.folded.text,
                &mut scratch.hits,
                &mut scratch.single_hits,
            );
            scratch.singles = true;
        }
    }

    /// Scans one message on its own. What depends on the conversation comes back as
    /// conditions for [`Engine::resolve`], so that messages can be scanned in parallel and
    /// their context applied afterwards, in order, cheaply.
    pub(crate) fn scan(&self, turn: Turn<'_>, scratch: &mut Scratch) -> Outcome {
        // fold, match
        scratch.work = 0;
        scratch.words.clear();
        fold_into(turn.text, &mut scratch.folded);
        scratch.hits.clear();
        scratch.tokens.clear();
        self.matcher
            .find_all(&scratch.folded.text, &mut scratch.hits);
        scratch.singles = false;
        if !self.token_uses.is_empty() {
            find_tokens(
                &scratch.folded.text,
                &self.platform_hosts,
                &mut scratch.tokens,
            );
        }
        // candidates, rules, verdict
        scratch.cues.clear();
        scratch.matches.clear();
        let mut outcome = Outcome {
            speaker: turn.speaker,
            ..Outcome::default()
        };
        if self.find_candidates(scratch) {
            scratch.folded.build_maps();
            while self.next_batch(scratch) {
                self.search_patterns(scratch);
            }
            self.judge(turn, scratch, &mut outcome);
        }
        // scorer
        if let Some(scorer) = &self.scorer {
            self.add_scored(scorer, turn, scratch, &mut outcome);
        }
        // stance: the report asks it of the findings it keeps (`Detector::finish`)
        if self.stance.is_some() && outcome.has_findings() {
            outcome.message = Some(turn.text.to_string());
        }
        outcome
    }
}

#[cfg(test)]
mod tests;
