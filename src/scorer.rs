//! The second stage: an n-gram scorer for scam wording that no rule spells out.
//!
//! The rules are precise but only as broad as their grammars; on wording nobody wrote a rule
//! for, they miss a quarter of the scams (BENCHMARKS.md, quality). The scorer is one logistic
//! regression per category over hashed character 1- to 3-grams (present or not) of the folded message, trained
//! by `scripts/train_scorer.py` on the labeled files and ordinary text, shipped as
//! `lexicons/scorer/zh-CN.scorer`. It reports only where the rules found nothing of that
//! category, at `medium`, with the span its weights point at; the rule stage's warnings,
//! negations and allow cues silence it as they silence rules, and so does a buyer's
//! question. On by default (`--no-scorer`, `DetectorBuilder::scorer(false)` leave it out): on
//! the sealed halves it adds about seven points of recall for one false positive in 688.
//!
//! Model file: `SCAMSCORER2\n`, then little-endian `u32` bits, `f32` threshold, `u32`
//! category count; per category a length-prefixed id, `f32` bias and `f32` scale; then
//! `2^bits * categories` weights as `i8`, bucket-major. Loaded, only the buckets with a
//! weight are kept, behind a rank index.

use std::borrow::Cow;

use crate::normalize::is_clause_break;
use crate::Category;

/// Where the built-in model comes from, for errors.
pub(crate) const SCORER_FILE: &str = "lexicons/scorer/zh-CN.scorer";

/// The model shipped with the built-in lexicons.
pub(crate) const SCORER_MODEL: &[u8] = include_bytes!("../lexicons/scorer/zh-CN.scorer");

/// Rule ids of the scorer's findings: this, then the category id.
pub(crate) const SCORER_RULE_PREFIX: &str = "scorer/";

const MAGIC: &[u8] = b"SCAMSCORER2\n";

/// The longest n-gram.
const MAX_N: usize = 3;

/// One category's part of the model.
#[derive(Debug)]
struct Head {
    category: Category,
    bias: f32,
    scale: f32,
}

/// A loaded model.
#[derive(Debug)]
pub(crate) struct Scorer {
    bits: u32,
    /// Reported where the logit reaches this (the threshold probability's logit).
    min_logit: f32,
    heads: Vec<Head>,
    /// The weights of the buckets that have any, bucket-major (`heads.len()` per bucket); 83%
    /// of the built-in model's buckets weigh nothing, and leaving them out makes the table
    /// small enough to stay in cache (2.3 MB -> 400 KB), which is most of the scorer's time.
    weights: Vec<i8>,
    /// Per 64 buckets: which have weights (a bit each), and how many buckets before them do.
    index: Vec<(u64, u32)>,
}

/// A category the scorer would report, with the evidence's folded byte span.
#[derive(Debug, PartialEq)]
pub(crate) struct Scored {
    pub category: Category,
    pub probability: f32,
    pub start: usize,
    pub end: usize,
}

impl Scorer {
    /// The built-in model.
    pub(crate) fn builtin() -> Result<Scorer, String> {
        Scorer::parse(Cow::Borrowed(SCORER_MODEL))
    }

    /// Reads a model file; a wrong or truncated file is an error, never a panic.
    pub(crate) fn parse(bytes: Cow<'static, [u8]>) -> Result<Scorer, String> {
        let mut rest: &[u8] = bytes
            .strip_prefix(MAGIC)
            .ok_or("not a scamscan scorer model (bad magic)")?;
        let mut take = |n: usize| -> Result<&[u8], String> {
            if rest.len() < n {
                return Err("scorer model is truncated".to_string());
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        let u32_at = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let f32_at = |b: &[u8]| f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let bits = u32_at(take(4)?);
        let threshold = f32_at(take(4)?);
        let count = u32_at(take(4)?) as usize;
        if !((1..=24).contains(&bits) && threshold > 0.0 && threshold < 1.0) || count > 64 {
            return Err(format!(
                "scorer model header out of range (bits {bits}, threshold {threshold}, {count} categories)"
            ));
        }
        let mut heads = Vec::with_capacity(count);
        for _ in 0..count {
            let len = usize::from(take(1)?[0]);
            let name = std::str::from_utf8(take(len)?)
                .map_err(|_| "scorer model: category id is not UTF-8".to_string())?;
            let category = name
                .parse::<Category>()
                .map_err(|_| format!("scorer model: unknown category {name:?}"))?;
            let numbers = take(8)?;
            heads.push(Head {
                category,
                bias: f32_at(&numbers[..4]),
                scale: f32_at(&numbers[4..]),
            });
        }
        let len = (1usize << bits) * count;
        take(len)?;
        if !rest.is_empty() {
            return Err("scorer model has trailing bytes".to_string());
        }
        let all = &bytes[bytes.len() - len..];
        let mut weights = Vec::new();
        let mut index = vec![(0u64, 0u32); (1usize << bits).div_ceil(64)];
        let mut kept = 0u32;
        for (bucket, row) in all.chunks_exact(count).enumerate() {
            let slot = &mut index[bucket / 64];
            if bucket % 64 == 0 {
                slot.1 = kept;
            }
            if row.iter().any(|&w| w != 0) {
                slot.0 |= 1 << (bucket % 64);
                weights.extend(row.iter().map(|&w| w as i8));
                kept += 1;
            }
        }
        Ok(Scorer {
            bits,
            min_logit: (threshold / (1.0 - threshold)).ln(),
            heads,
            weights,
            index,
        })
    }

    /// The weights of `bucket`, one per head; `None` when they are all zero.
    fn row(&self, bucket: usize) -> Option<&[i8]> {
        let (present, before) = *self.index.get(bucket / 64)?;
        let bit = 1u64 << (bucket % 64);
        if present & bit == 0 {
            return None;
        }
        let rank = before as usize + (present & (bit - 1)).count_ones() as usize;
        let k = self.heads.len();
        self.weights.get(rank * k..(rank + 1) * k)
    }

    /// The categories whose probability reaches the threshold on `folded` text, each with the
    /// span of its strongest evidence.
    pub(crate) fn score(&self, folded: &str, seen: &mut GramSet, out: &mut Vec<Scored>) {
        out.clear();
        let k = self.heads.len();
        if k == 0 {
            return;
        }
        // Presence, not counts: a text that repeats one n-gram must not score higher for it.
        seen.clear(self.bits);
        let mut sums = [0i32; 64];
        for_each_gram(folded, self.bits, |bucket, _, _| {
            seen.insert(bucket);
        });
        // The weights are read in a pass of their own: the reads do not depend on one
        // another, so the processor overlaps their cache misses, which are most of the cost.
        for &bucket in &seen.set {
            if let Some(row) = self.row(bucket as usize) {
                for (sum, &w) in sums.iter_mut().zip(row) {
                    *sum += i32::from(w);
                }
            }
        }
        let grams = seen.len();
        if grams == 0 {
            return;
        }
        let norm = (grams as f32).sqrt().recip();
        for (c, head) in self.heads.iter().enumerate() {
            let logit = head.bias + sums[c] as f32 * head.scale * norm;
            if logit >= self.min_logit {
                let (start, end) = self.evidence(folded, c);
                out.push(Scored {
                    category: head.category,
                    probability: 1.0 / (1.0 + (-logit).exp()),
                    start,
                    end,
                });
            }
        }
    }

    /// The folded byte span whose n-grams weigh most for category `c`: each character gets
    /// the weights of the n-grams that end on it, and the span is the run of characters with
    /// the largest sum (Kadane's maximum subarray) inside one clause, so that it points at the
    /// step rather than at the whole message. Runs only for a category that reports.
    fn evidence(&self, folded: &str, c: usize) -> (usize, usize) {
        // (start, end, weight, clause break) per character; a character's first gram is its
        // 1-gram, so `start..end` is the character itself.
        let mut chars: Vec<(usize, usize, i32, bool)> = Vec::new();
        for_each_gram(folded, self.bits, |bucket, start, end| {
            let w = self.row(bucket).map_or(0, |row| i32::from(row[c]));
            match chars.last_mut() {
                Some(last) if last.1 == end => last.2 += w,
                _ => {
                    let brk = folded[start..end]
                        .chars()
                        .next()
                        .is_some_and(is_clause_break);
                    chars.push((start, end, w, brk));
                }
            }
        });
        let (mut best, mut best_span) = (i32::MIN, (0, 0));
        let (mut run, mut run_start) = (0i32, 0usize);
        for &(start, end, w, brk) in &chars {
            if brk {
                run = 0;
                run_start = end;
                continue;
            }
            if run <= 0 {
                run = 0;
                run_start = start;
            }
            run += w;
            if run > best {
                best = run;
                best_span = (run_start, end);
            }
        }
        best_span
    }
}

/// The buckets one message has, as a bitmap cleared through the list of what was set: dedup in
/// one pass, with no sort and no clearing of the whole bitmap per message.
#[derive(Debug, Default)]
pub(crate) struct GramSet {
    bits: Vec<u64>,
    set: Vec<u32>,
}

impl GramSet {
    /// Empties the set, sized for `2^bits` buckets.
    fn clear(&mut self, bits: u32) {
        let words = (1usize << bits).div_ceil(64);
        if self.bits.len() != words {
            self.bits = vec![0; words];
        } else {
            for &b in &self.set {
                self.bits[b as usize / 64] = 0;
            }
        }
        self.set.clear();
    }

    /// Adds `bucket`; true if it was not there yet.
    fn insert(&mut self, bucket: usize) -> bool {
        let (word, bit) = (bucket / 64, 1u64 << (bucket % 64));
        if self.bits[word] & bit != 0 {
            return false;
        }
        self.bits[word] |= bit;
        // bucket < 2^bits <= 2^24: fits u32.
        self.set.push(bucket as u32);
        true
    }

    fn len(&self) -> usize {
        self.set.len()
    }
}

/// Calls `f(bucket, start, end)` for every 1- to 3-gram of the non-space characters of
/// `folded`, grouped by the gram's last character; `start..end` is its byte span. Each
/// character is hashed once (FNV-1a over its UTF-8); a gram's hash rotates and combines its
/// characters' hashes in order, with a seed per length, through MurmurHash3's finalizer.
/// `scripts/train_scorer.py` computes exactly the same.
fn for_each_gram(folded: &str, bits: u32, mut f: impl FnMut(usize, usize, usize)) {
    // The last MAX_N characters: (start byte, hash).
    let mut window = [(0usize, 0u64); MAX_N];
    let mut seen = 0usize;
    for (i, ch) in folded.char_indices() {
        if ch.is_whitespace() {
            continue;
        }
        let h = fnv1a(FNV_OFFSET, &folded.as_bytes()[i..i + ch.len_utf8()]);
        window.rotate_left(1);
        window[MAX_N - 1] = (i, h);
        seen += 1;
        let end = i + ch.len_utf8();
        let mut combined = 0u64;
        for n in 1..=MAX_N.min(seen) {
            // Characters enter oldest first: the gram's first character turned furthest.
            let (start, hc) = window[MAX_N - n];
            combined ^= hc.rotate_left(21 * (n as u32 - 1));
            f(
                (fmix64(combined ^ GRAM_SEEDS[n]) >> (64 - bits)) as usize,
                start,
                end,
            );
        }
    }
}

/// FNV-1a's offset basis: where [`fnv1a`] starts.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a (64-bit) of `bytes`, continuing from `hash`. Hashes each character here (the
/// training script computes the same) and the lexicon files for the detector's version.
pub(crate) fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A seed per gram length (index 1 to 3).
pub(crate) const GRAM_SEEDS: [u64; MAX_N + 1] = [
    0,
    0x9e37_79b9_7f4a_7c15,
    0xc2b2_ae3d_27d4_eb4f,
    0x1656_67b1_9e37_79f9,
];

/// MurmurHash3's 64-bit finalizer.
pub(crate) fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_loads() {
        let scorer = Scorer::builtin().expect("the committed model parses");
        assert!(!scorer.heads.is_empty());
        // Every bucket reads as the file has it.
        let k = scorer.heads.len();
        let all = &SCORER_MODEL[SCORER_MODEL.len() - (k << scorer.bits)..];
        for (bucket, row) in all.chunks_exact(k).enumerate() {
            let want: Vec<i8> = row.iter().map(|&w| w as i8).collect();
            let got = scorer.row(bucket).map_or(vec![0; k], <[i8]>::to_vec);
            assert_eq!(got, want, "bucket {bucket}");
        }
    }

    #[test]
    fn bad_models_are_errors() {
        assert!(Scorer::parse(Cow::Borrowed(b"")).is_err());
        assert!(Scorer::parse(Cow::Borrowed(b"SCAMSCORER2\n\x04\x00")).is_err());
        let mut bytes = SCORER_MODEL.to_vec();
        bytes.pop();
        assert!(Scorer::parse(Cow::Owned(bytes.clone())).is_err());
        bytes.extend([0, 0]);
        assert!(Scorer::parse(Cow::Owned(bytes.clone())).is_err());
        bytes.pop();
        let owned = Scorer::parse(Cow::Owned(bytes)).expect("the model, owned");
        let builtin = Scorer::builtin().expect("the committed model parses");
        assert_eq!(owned.weights, builtin.weights);
    }

    #[test]
    fn grams_skip_spaces_and_cover_one_to_three_characters() {
        let mut grams = Vec::new();
        for_each_gram("加 我v", 18, |b, s, e| grams.push((b, s, e)));
        let spans: Vec<_> = grams.iter().map(|&(_, s, e)| (s, e)).collect();
        // 加 | 我, 加我 | v, 我v, 加我v
        assert_eq!(spans, [(0, 3), (4, 7), (0, 7), (7, 8), (4, 8), (0, 8)]);
        // The buckets the training script computes for the same text
        // (`python3 scripts/train_scorer.py --grams "加 我v"`): the model means nothing if
        // the two disagree.
        let buckets: Vec<_> = grams.iter().map(|&(b, _, _)| b).collect();
        assert_eq!(buckets, [28313, 82883, 128333, 43786, 19316, 159535]);
    }

    #[test]
    fn evidence_lies_inside_the_text() {
        let scorer = Scorer::builtin().expect("the committed model parses");
        let text = "亲 这边走平台太麻烦了 你直接转给我支付宝就行 我马上发货";
        for c in 0..scorer.heads.len() {
            let (s, e) = scorer.evidence(text, c);
            assert!(
                s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
            );
        }
    }
}
