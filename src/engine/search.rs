//! The rules stage: the leftmost match of each candidate pattern, with its gaps, clause
//! limits and word boundaries checked.
//!
//! The search is a dynamic programme over each pattern's candidates, last item first: a
//! candidate of item `j` completes when it sits on its word boundaries (where asked) and the
//! first completing candidate of item `j + 1` within its gap is found; the window of allowed
//! starts is a contiguous run of the sorted candidates, found by binary search, and "the first
//! completing one at or after" is a suffix table. The match is the first completing candidate
//! of item 0 and the chain it starts: exactly the leftmost match a depth-first search in
//! candidate order finds, in time linear in the candidates (times a logarithm), however the
//! text repeats, and with no step budget that could give up on a long message.

use super::candidates::Cand;
use super::{CompiledPattern, Engine, Scratch};
use crate::lexicon::pattern::Gap;
use crate::normalize::Folded;
use crate::segment::{Segmenter, WordBoundaries};

/// No completion: a candidate whose chain does not reach the last item.
const NONE: u32 = u32::MAX;

/// Buffers of the search, reused from pattern to pattern and message to message.
#[derive(Debug, Default)]
pub(super) struct Buffers {
    /// Per candidate of the item being solved, the end of its chain, or [`NONE`].
    ends: Vec<u32>,
    /// The same for the item after it.
    next_ends: Vec<u32>,
    /// Per candidate of the item after, the first candidate at or after it that completes.
    first_from: Vec<u32>,
}

impl Buffers {
    /// Gives back memory past `keep` elements.
    pub(super) fn release(&mut self, keep: usize) {
        self.ends.shrink_to(keep);
        self.next_ends.shrink_to(keep);
        self.first_from.shrink_to(keep);
    }
}

impl Engine {
    /// Appends `(pattern, start, end)` to `scratch.matches` for every candidate pattern that
    /// matches, in pattern order.
    pub(super) fn search_patterns(&self, scratch: &mut Scratch) {
        let Scratch {
            folded,
            candidates,
            words,
            matches,
            search,
            work,
            ..
        } = scratch;
        let cands = &candidates.cands;
        let mut boundaries = Boundaries {
            segmenter: &self.segmenter,
            words,
        };
        for group in cands.chunk_by(|a, b| a.pattern == b.pattern) {
            let p = group[0].pattern;
            let pattern = &self.patterns[p as usize];
            let mut slices: [&[Cand]; 16] = [&[]; 16];
            if !items_of(group, pattern.items, &mut slices) {
                continue;
            }
            *work += group.len();
            let items = &slices[..pattern.items];
            if let Some((s, e)) = leftmost(pattern, items, folded, &mut boundaries, search) {
                matches.push((p, s, e));
            }
        }
    }
}

/// The leftmost match of `pattern` over its candidates, item by item.
fn leftmost(
    pattern: &CompiledPattern,
    items: &[&[Cand]],
    folded: &Folded,
    boundaries: &mut Boundaries<'_>,
    buffers: &mut Buffers,
) -> Option<(u32, u32)> {
    let Buffers {
        ends,
        next_ends,
        first_from,
    } = buffers;
    let last = items.len() - 1;
    next_ends.clear();
    next_ends.extend(items[last].iter().map(|c| {
        if boundaries.fits(folded, c) {
            c.end
        } else {
            NONE
        }
    }));
    for item in (0..last).rev() {
        let following = items[item + 1];
        first_from.clear();
        first_from.resize(following.len() + 1, NONE);
        for k in (0..following.len()).rev() {
            first_from[k] = if next_ends[k] != NONE {
                k as u32
            } else {
                first_from[k + 1]
            };
        }
        let gap = pattern.gaps[item];
        ends.clear();
        for c in items[item] {
            let (lo, hi) = window(following, c.end, gap, folded);
            let first = first_from[lo];
            let end = if (first as usize) < hi && boundaries.fits(folded, c) {
                next_ends[first as usize]
            } else {
                NONE
            };
            ends.push(end);
        }
        std::mem::swap(ends, next_ends);
    }
    items[0]
        .iter()
        .zip(next_ends.iter())
        .find(|(_, &end)| end != NONE)
        .map(|(c, &end)| (c.start, end))
}

/// The candidates of `following` (sorted by start) that may come after an item ending at
/// folded byte `prev_end`: indexes `lo..hi`, those starting at or after it, with between
/// `gap.min` and `gap.max` characters in between, in the same clause unless the gap may
/// cross clauses.
fn window(following: &[Cand], prev_end: u32, gap: Gap, folded: &Folded) -> (usize, usize) {
    let prev_char = folded.char_index(prev_end as usize);
    let prev_clause = folded.clause_at(prev_end as usize - 1);
    let between = |c: &Cand| folded.char_index(c.start as usize) - prev_char;
    let lo = following.partition_point(|c| c.start < prev_end || between(c) < gap.min as usize);
    let hi = following.partition_point(|c| {
        c.start < prev_end
            || (between(c) <= gap.max as usize
                && (gap.cross_clause || folded.clause_at(c.start as usize) == prev_clause))
    });
    (lo, hi.max(lo))
}
/// Splits one pattern's candidates (sorted by item) into one slice per item; false when an
/// item has none.
fn items_of<'a>(group: &'a [Cand], items: usize, slices: &mut [&'a [Cand]; 16]) -> bool {
    if items > slices.len() {
        return false;
    }
    let mut k = 0;
    for (item, slice) in slices.iter_mut().enumerate().take(items) {
        let s = k;
        while k < group.len() && group[k].item as usize == item {
            k += 1;
        }
        if s == k {
            return false;
        }
        *slice = &group[s..k];
    }
    true
}

/// Word boundaries of the current message, segmented as candidates ask for them.
struct Boundaries<'a> {
    segmenter: &'a Segmenter,
    words: &'a mut WordBoundaries,
}

impl Boundaries<'_> {
    /// Whether candidate `c` may be used: it asks for no word boundaries, or sits on them.
    fn fits(&mut self, folded: &Folded, c: &Cand) -> bool {
        !c.boundary || {
            let (text, phrases) = (&folded.text, &folded.phrase_starts);
            self.words
                .is_boundary(self.segmenter, text, phrases, c.start as usize)
                && self
                    .words
                    .is_boundary(self.segmenter, text, phrases, c.end as usize)
        }
    }
}
