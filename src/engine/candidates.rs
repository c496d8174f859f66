//! The candidates stage: which patterns could match this message, and the hits that could
//! fill their items.
//!
//! A pattern is looked at only when its anchor item (the one least likely to occur) has a
//! hit; then only when every one of its items has one. Most messages stop at the first
//! test, and the few patterns that pass the second get their hits as candidates, sorted by
//! pattern, item and position for the search. On a long message whose hits fill many
//! patterns, the candidates are made a batch of patterns at a time, so that they never take
//! more room than the hits themselves (plus a fixed allowance).

use super::verdict::Cues;
use super::{Engine, Scratch, Use};
use crate::matcher::{Hit, TokenHit};

/// Set in a pattern's mask once its anchor item occurs in the message.
const ANCHORED: u32 = 1 << 31;
/// Set in a complete pattern's mask while its candidates are being made.
const IN_BATCH: u32 = 1 << 30;
/// Candidates a batch may always hold, whatever the number of hits.
const MIN_BATCH: usize = 1 << 16;

/// A hit that could fill item `item` of pattern `pattern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Cand {
    pub pattern: u32,
    pub item: u16,
    pub start: u32,
    pub end: u32,
    pub boundary: bool,
}

/// Buffers of the candidates stage, reused from message to message.
#[derive(Debug, Default)]
pub(super) struct Buffers {
    /// Per pattern, a bit per item seen in the current message (all zero between messages).
    masks: Vec<u32>,
    /// Patterns whose mask is not zero.
    touched: Vec<u32>,
    /// Anchored patterns with every item present, in pattern order.
    full: Vec<u32>,
    /// How many patterns of `full` have had their candidates made.
    done: usize,
    /// Per pattern, its candidates (counted when a batch would overflow).
    counts: Vec<u32>,
    /// The candidates of the current batch, sorted by pattern, item, start and end.
    pub cands: Vec<Cand>,
}

impl Buffers {
    /// Gives back memory past `keep` elements (the masks stay: they are sized to the lexicon).
    pub(super) fn release(&mut self, keep: usize) {
        self.touched.shrink_to(keep);
        self.full.shrink_to(keep);
        self.cands.shrink_to(keep);
    }
}

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

impl Engine {
    /// Finds the patterns whose every item occurs; false when there is none (the usual case).
    /// Reads the message's cues on the way, once a pattern is anchored. Their candidates are
    /// then made by [`Engine::next_batch`].
    pub(super) fn find_candidates(&self, scratch: &mut Scratch) -> bool {
        if scratch.hits.is_empty() && scratch.tokens.is_empty() {
            scratch.candidates.cands.clear();
            scratch.candidates.full.clear();
            scratch.candidates.done = 0;
            return false;
        }
        let Scratch {
            folded,
            hits,
            tokens,
            candidates,
            cues,
            singles,
            single_hits,
            ..
        } = scratch;
        let Buffers {
            masks,
            touched,
            full,
            done,
            cands,
            ..
        } = candidates;
        cands.clear();
        full.clear();
        *done = 0;
        if masks.len() < self.patterns.len() {
            masks.resize(self.patterns.len(), 0);
        }
        // First pass: patterns whose anchor item occurs. Most messages stop here.
        touched.clear();
        self.anchor_patterns(hits, tokens, masks, touched);
        if touched.is_empty() {
            return false;
        }
        // Second pass: which items of the anchored patterns are present. Only patterns with
        // every item present get candidates, which keeps the sort below small. Single
        // characters and cues count from here on.
        if !*singles {
            self.matcher.find_singles(&folded.text, hits, single_hits);
            *singles = true;
        }
        cues.read(self, hits);
        self.mark_items(&self.term_uses, hits, tokens, masks);
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
            // No pattern has all its items: nothing can match, and the map back to the
            // original text is never needed.
            return false;
        }
        full.sort_unstable();
        true
    }

    /// Makes the candidates of the next batch of complete patterns (in pattern order) into
    /// `scratch.candidates.cands`; false once every pattern has had its turn, and the masks
    /// are clear again.
    pub(super) fn next_batch(&self, scratch: &mut Scratch) -> bool {
        let Scratch {
            hits,
            tokens,
            candidates,
            cues,
            work,
            ..
        } = scratch;
        let Buffers {
            masks,
            touched,
            full,
            done,
            counts,
            cands,
        } = candidates;
        cands.clear();
        if *done == full.len() {
            for &p in touched.iter() {
                masks[p as usize] = 0;
            }
            touched.clear();
            return false;
        }
        let cap = MIN_BATCH.max((hits.len() + tokens.len()) / 2);
        let mut batch = &full[*done..];
        for &p in batch {
            masks[p as usize] |= IN_BATCH;
        }
        if !self.collect(hits, tokens, masks, cues, cands, cap) {
            // Too many for one batch: count each pattern's candidates and take as many
            // patterns as fit (at least one).
            cands.clear();
            if counts.len() < self.patterns.len() {
                counts.resize(self.patterns.len(), 0);
            }
            self.count(hits, tokens, masks, counts);
            let mut total = 0usize;
            let taken = batch
                .iter()
                .position(|&p| {
                    total += counts[p as usize] as usize;
                    total > cap
                })
                .unwrap_or(batch.len())
                .max(1);
            for &p in batch {
                counts[p as usize] = 0;
                masks[p as usize] &= !IN_BATCH;
            }
            batch = &batch[..taken];
            for &p in batch {
                masks[p as usize] |= IN_BATCH;
            }
            self.collect(hits, tokens, masks, cues, cands, usize::MAX);
        }
        for &p in batch {
            masks[p as usize] &= !IN_BATCH;
        }
        *done += batch.len();
        *work += cands.len();
        cands.sort_unstable();
        cands.dedup();
        true
    }

    /// Anchors every pattern whose anchor item a hit or token fills.
    fn anchor_patterns(
        &self,
        hits: &[Hit],
        tokens: &[TokenHit],
        masks: &mut [u32],
        touched: &mut Vec<u32>,
    ) {
        for h in hits {
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
    }

    /// The candidates of the patterns in the batch, unless there are more than `cap` (then
    /// false, and `cands` holds part of them).
    fn collect(
        &self,
        hits: &[Hit],
        tokens: &[TokenHit],
        masks: &[u32],
        cues: &Cues,
        cands: &mut Vec<Cand>,
        cap: usize,
    ) -> bool {
        let complete = |u: &Use| masks[u.pattern as usize] & IN_BATCH != 0;
        // A veto term that starts inside a proposal or choice word is part of that word, as
        // negation cues are: the 不线下 of 要不线下交易 does not veto a private deal.
        let inside_proposal = |start: u32| cues.inside_proposal(start);
        let cand = |u: &Use, start: u32, end: u32| Cand {
            pattern: u.pattern,
            item: u.item,
            start,
            end,
            boundary: u.boundary,
        };
        for h in hits {
            let vetoes = self.term_vetoes[h.term as usize]
                .iter()
                .filter(|u| complete(u) && !inside_proposal(h.start));
            for u in self.term_uses[h.term as usize]
                .iter()
                .filter(|u| complete(u))
                .chain(vetoes)
            {
                cands.push(cand(u, h.start, h.end));
            }
            if cands.len() > cap {
                return false;
            }
        }
        for t in tokens {
            for (kind, u) in &self.token_uses {
                if *kind == t.kind && complete(u) {
                    cands.push(cand(u, t.start, t.end));
                }
            }
        }
        cands.len() <= cap
    }

    /// Adds to `counts` each batch pattern's number of candidates (an upper bound: vetoes
    /// inside a proposal word count too).
    fn count(&self, hits: &[Hit], tokens: &[TokenHit], masks: &[u32], counts: &mut [u32]) {
        let mut add = |u: &Use| {
            if masks[u.pattern as usize] & IN_BATCH != 0 {
                counts[u.pattern as usize] = counts[u.pattern as usize].saturating_add(1);
            }
        };
        for h in hits {
            let term = h.term as usize;
            self.term_uses[term]
                .iter()
                .chain(&self.term_vetoes[term])
                .for_each(&mut add);
        }
        for t in tokens {
            for (kind, u) in &self.token_uses {
                if *kind == t.kind {
                    add(u);
                }
            }
        }
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
}
