//! The candidates stage: which patterns could match this message, and the hits that could
//! fill their items.
//!
//! A pattern is looked at only when its anchor item (the one least likely to occur) has a
//! hit; then only when every one of its items has one. Most messages stop at the first
//! test, and the few patterns that pass the second get their hits as candidates, sorted by
//! pattern, item and position for the search.

use super::{cue, Engine, Scratch, Use};
use crate::matcher::{Hit, TokenHit};

/// Set in a pattern's mask once its anchor item occurs in the message.
const ANCHORED: u32 = 1 << 31;

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
    /// Anchored patterns with every item present.
    full: Vec<u32>,
    /// The candidates, sorted by pattern, item, start and end.
    pub cands: Vec<Cand>,
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
    /// Fills `scratch.candidates.cands` for the patterns whose every item occurs; false when
    /// there is none (the usual case). Reads the message's cues on the way, once a pattern
    /// is anchored.
    pub(super) fn find_candidates(&self, scratch: &mut Scratch) -> bool {
        let Scratch {
            hits,
            tokens,
            candidates,
            cues,
            ..
        } = scratch;
        let Buffers {
            masks,
            touched,
            full,
            cands,
        } = candidates;
        cands.clear();
        if hits.is_empty() && tokens.is_empty() {
            return false;
        }
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
        // every item present get candidates, which keeps the sort below small.
        cues.read(self, hits);
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
            // No pattern has all its items: nothing can match, and the map back to the
            // original text is never needed.
            return false;
        }
        self.collect(hits, tokens, masks, &cues.spans, cands);
        for &p in touched.iter() {
            masks[p as usize] = 0;
        }
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

    /// The candidates of the complete patterns (their masks are not zero).
    fn collect(
        &self,
        hits: &[Hit],
        tokens: &[TokenHit],
        masks: &[u32],
        cue_spans: &[(u8, u32, u32)],
        cands: &mut Vec<Cand>,
    ) {
        let complete = |u: &Use| masks[u.pattern as usize] != 0;
        // A veto term that starts inside a proposal or choice word is part of that word, as
        // negation cues are: the 不线下 of 要不线下交易 does not veto a private deal.
        let inside_proposal = |start: u32| {
            cue_spans
                .iter()
                .any(|&(c, a, b)| c & cue::NOT_NEGATION != 0 && a < start && start < b)
        };
        let mut push = |u: &Use, start: u32, end: u32| {
            cands.push(Cand {
                pattern: u.pattern,
                item: u.item,
                start,
                end,
                boundary: u.boundary,
            })
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
                push(u, h.start, h.end);
            }
        }
        for t in tokens {
            for (kind, u) in &self.token_uses {
                if *kind == t.kind && complete(u) {
                    push(u, t.start, t.end);
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
