//! The rules stage: the leftmost match of each candidate pattern, with its gaps, clause
//! limits and word boundaries checked.

use super::candidates::Cand;
use super::{CompiledPattern, Engine, Scratch};
use crate::normalize::Folded;
use crate::segment::Segmenter;

/// Search steps one pattern may take on one message: bounds the worst case.
const SEARCH_BUDGET: usize = 4096;

impl Engine {
    /// Appends `(pattern, start, end)` to `scratch.matches` for every candidate pattern that
    /// matches, in pattern order.
    pub(super) fn search_patterns(&self, scratch: &mut Scratch) {
        let Scratch {
            folded,
            candidates,
            bounds,
            matches,
            ..
        } = scratch;
        let cands = &candidates.cands;
        let mut boundaries = Boundaries {
            segmenter: &self.segmenter,
            bounds,
            ready: false,
        };
        for group in cands.chunk_by(|a, b| a.pattern == b.pattern) {
            let p = group[0].pattern;
            let pattern = &self.patterns[p as usize];
            let mut slices: [&[Cand]; 16] = [&[]; 16];
            if !items_of(group, pattern.items, &mut slices) {
                continue;
            }
            let mut search = Search {
                pattern,
                items: &slices[..pattern.items],
                folded,
                boundaries: &mut boundaries,
                budget: SEARCH_BUDGET,
            };
            if let Some((s, e)) = search.first() {
                matches.push((p, s, e));
            }
        }
    }
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
