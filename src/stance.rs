//! The stance stage: does the speaker propose the scam step a finding names, or refuse it,
//! warn against it, ask about it or retell it?
//!
//! The same words are a scam when proposed and harmless otherwise (押金这种东西我是不会交的,
//! 平台还有让买家先交钱的说法?). The rules' cue lists catch the common ways of saying no; this
//! stage is a learned second opinion on what they leave: one logistic regression over hashed
//! character n-grams of the clause around the evidence (the evidence itself replaced by a
//! placeholder), the characters just before and after it, the whole message, whether the
//! clause or message ends as a question, where the evidence sits, and the speaker's role. It
//! is trained by `scripts/stance/train.py` on `tests/data/stance/stance.jsonl` (single-stance
//! lines written for it) and the findings of the detector on the tune halves and probes, and
//! shipped as `lexicons/stance/zh-CN.stance`. A finding at `medium` or above whose probability
//! of being proposed is under the model's threshold is silenced; the report keeps it apart
//! (`Report::silenced`) with the reason.
//!
//! Model file: `SCAMSTANCE1\n`, then little-endian `u32` bits, `f32` threshold, `f32` its
//! logit, `f32` bias, `f32` scale, `u32` length and the JSON of the features used, then
//! `2^bits` weights as `i8`.

use std::borrow::Cow;
use std::cell::RefCell;

use serde::Deserialize;

use crate::normalize::{fold_into, Folded};
use crate::scorer::{fmix64, fnv1a, FNV_OFFSET, GRAM_SEEDS, SCORER_RULE_PREFIX};
use crate::Speaker;

/// Where the built-in model comes from, for errors.
pub(crate) const STANCE_FILE: &str = "lexicons/stance/zh-CN.stance";

/// The model shipped with the built-in lexicons.
pub(crate) const STANCE_MODEL: &[u8] = include_bytes!("../lexicons/stance/zh-CN.stance");

const MAGIC: &[u8] = b"SCAMSTANCE1\n";

/// The characters that end a clause for the stance windows: punctuation, and spaces and line
/// breaks (chat separates clauses by them).
const CLAUSE_END: &[char] = &[
    '\t', '\n', '\r', ' ', '!', ',', '.', ':', ';', '?', '~', '…', '\u{3000}', '、', '。', '！',
    '，', '．', '：', '；', '？', '～',
];

/// The characters a question ends with.
const QUESTION_END: &[char] = &['？', '?', '吗', '嘛', '呢', '么', '麼', '嗎', '咩'];

/// Stands for the evidence inside its clause, so that 不+evidence and evidence+吗 are grams.
const PLACEHOLDER: char = '\u{1}';

/// Characters of context before and after the evidence.
const WINDOW: usize = 8;

/// Which feature groups the model was trained with (the JSON in its header).
#[derive(Debug, Deserialize)]
struct Features {
    parts: Vec<String>,
}

/// A loaded stance model.
#[derive(Debug)]
pub(crate) struct Stance {
    bits: u32,
    min_logit: f32,
    bias: f32,
    scale: f32,
    parts: Vec<String>,
    weights: Vec<i8>,
}

impl Stance {
    /// The built-in model.
    pub(crate) fn builtin() -> Result<Stance, String> {
        Stance::parse(STANCE_MODEL)
    }

    /// Reads a model file; a wrong or truncated file is an error, never a panic.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Stance, String> {
        let mut rest = bytes
            .strip_prefix(MAGIC)
            .ok_or("not a scamscan stance model (bad magic)")?;
        let mut take = |n: usize| -> Result<&[u8], String> {
            if rest.len() < n {
                return Err("stance model is truncated".to_string());
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        let word = |b: &[u8]| [b[0], b[1], b[2], b[3]];
        let header = take(24)?;
        let bits = u32::from_le_bytes(word(&header[..4]));
        let [threshold, min_logit, bias, scale] =
            [4, 8, 12, 16].map(|at| f32::from_le_bytes(word(&header[at..])));
        let len = u32::from_le_bytes(word(&header[20..])) as usize;
        if !((1..=24).contains(&bits) && threshold > 0.0 && threshold < 1.0) {
            return Err(format!(
                "stance model header out of range (bits {bits}, threshold {threshold})"
            ));
        }
        let features: Features = serde_json::from_slice(take(len)?)
            .map_err(|e| format!("stance model: bad feature description: {e}"))?;
        let weights: Vec<i8> = take(1 << bits)?.iter().map(|&w| w as i8).collect();
        if !rest.is_empty() {
            return Err("stance model has trailing bytes".to_string());
        }
        Ok(Stance {
            bits,
            min_logit,
            bias,
            scale,
            parts: features.parts,
            weights,
        })
    }

    /// True when a finding with this logit is one the speaker does not propose (its
    /// probability is under the model's threshold).
    pub(crate) fn silences(&self, logit: f32) -> bool {
        logit < self.min_logit
    }

    /// What every finding of one message shares: its characters, and the features of the
    /// whole message (folded and hashed once, however many findings it has).
    /// `scored`: whether a scorer's finding will be asked about (only those read the
    /// message as a whole).
    pub(crate) fn message<'t>(&self, text: &'t str, scored: bool) -> MessageView<'t> {
        let folded = fold_window(text);
        let mut message = Vec::new();
        let mut whole = Vec::new();
        if self.has("message") {
            grams(&folded, "message", self.bits, &mut message);
        }
        if scored {
            grams(&folded, "whole", self.bits, &mut whole);
            whole.push(flag("whole", self.bits));
            if self.has("question") && ends_as_question(&folded) {
                whole.push(flag("q:whole", self.bits));
            }
        }
        MessageView {
            text,
            chars: text.char_indices().collect(),
            message,
            whole,
        }
    }

    /// The logit that the speaker proposes what finding `rule` (of `category`) found at
    /// `start..end` of the message.
    pub(crate) fn logit(
        &self,
        message: &MessageView<'_>,
        (start, end): (usize, usize),
        (rule, category): (&str, &str),
        speaker: Option<Speaker>,
    ) -> f32 {
        let buckets = self.buckets(message, (start, end), (rule, category), speaker);
        let sum: i32 = buckets
            .iter()
            .map(|&b| i32::from(self.weights.get(b).copied().unwrap_or(0)))
            .sum();
        self.bias + self.scale * sum as f32 / (buckets.len().max(1) as f32).sqrt()
    }

    fn has(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }

    /// The distinct feature buckets of a finding (see the module documentation).
    fn buckets(
        &self,
        view: &MessageView<'_>,
        (start, end): (usize, usize),
        (rule, category): (&str, &str),
        speaker: Option<Speaker>,
    ) -> Vec<usize> {
        let bits = self.bits;
        let mut out = Vec::new();
        let (text, chars) = (view.text, &view.chars);
        // Character indices of the evidence (the offsets are on character boundaries).
        let s = chars.partition_point(|&(i, _)| i < start);
        let e = chars.partition_point(|&(i, _)| i < end);
        let n = chars.len();
        let byte = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
        let slice = |from: usize, to: usize| &text[byte(from)..byte(to)];
        if rule.starts_with(SCORER_RULE_PREFIX) {
            debug_assert!(
                !view.whole.is_empty(),
                "message() was told of no scorer finding"
            );
            out.extend_from_slice(&view.whole);
        } else {
            let is_end = |k: usize| CLAUSE_END.contains(&chars[k].1);
            let mut a = s;
            while a > 0 && !is_end(a - 1) {
                a -= 1;
            }
            let mut b = e;
            while b < n && !is_end(b) {
                b += 1;
            }
            let (left, right) = (slice(a, s), slice(e, b));
            if self.has("clause") {
                let clause = format!("{}{PLACEHOLDER}{}", fold_window(left), fold_window(right));
                grams(&clause, "clause", bits, &mut out);
            }
            if self.has("before") {
                let before = format!(
                    "{}{PLACEHOLDER}",
                    fold_window(slice(s.saturating_sub(WINDOW), s))
                );
                grams(&before, "before", bits, &mut out);
            }
            if self.has("after") {
                let after = format!(
                    "{PLACEHOLDER}{}",
                    fold_window(slice(e, (e + WINDOW).min(n)))
                );
                grams(&after, "after", bits, &mut out);
            }
            out.extend_from_slice(&view.message);
            if self.has("question") {
                if (b < n && matches!(chars[b].1, '？' | '?')) || ends_as_question(right) {
                    out.push(flag("q:clause", bits));
                }
                if ends_as_question(text) {
                    out.push(flag("q:message", bits));
                }
            }
            if self.has("dist") {
                let (l, r) = (s - a, b - e);
                out.push(flag(&format!("left:{}", length_class(l)), bits));
                out.push(flag(&format!("right:{}", length_class(r)), bits));
                if s == 0 {
                    out.push(flag("at_msg_start", bits));
                }
                if e == n {
                    out.push(flag("at_msg_end", bits));
                }
            }
        }
        if self.has("speaker") {
            let who = speaker.map_or("none", Speaker::as_str);
            out.push(flag(&format!("speaker:{who}"), bits));
        }
        if self.has("category") {
            out.push(flag(&format!("category:{category}"), bits));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// One message as the stance stage reads it (see [`Stance::message`]).
pub(crate) struct MessageView<'t> {
    text: &'t str,
    /// (byte offset, character) of every character.
    chars: Vec<(usize, char)>,
    /// Buckets of the whole message, for a rule's finding.
    message: Vec<usize>,
    /// Buckets of a scorer's finding, read as the whole message.
    whole: Vec<usize>,
}

/// A window of text folded as the detector folds a message, line breaks first made spaces.
fn fold_window(text: &str) -> String {
    thread_local! {
        // Folding buffers reused across windows: a finding folds several.
        static SCRATCH: RefCell<Folded> = RefCell::new(Folded::default());
    }
    let text = if text.contains(['\r', '\n']) {
        Cow::Owned(text.replace(['\r', '\n'], " "))
    } else {
        Cow::Borrowed(text)
    };
    SCRATCH.with_borrow_mut(|folded| {
        fold_into(&text, folded);
        if folded.text.contains('\n') {
            folded.text.replace('\n', " ")
        } else {
            folded.text.clone()
        }
    })
}

/// True when `text`, without trailing white space, ends with a question character.
fn ends_as_question(text: &str) -> bool {
    text.trim_end_matches(char::is_whitespace)
        .chars()
        .next_back()
        .is_some_and(|c| QUESTION_END.contains(&c))
}

fn length_class(n: usize) -> &'static str {
    match n {
        0 => "0",
        1..=2 => "1-2",
        3..=5 => "3-5",
        _ => "6+",
    }
}

/// Appends the buckets of every 1- to 3-gram of the non-space characters of `text` in
/// namespace `ns` (the scorer's gram hashing, the namespace's hash mixed in).
fn grams(text: &str, ns: &str, bits: u32, out: &mut Vec<usize>) {
    let space = fnv1a(FNV_OFFSET, ns.as_bytes());
    let hashes: Vec<u64> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| fnv1a(FNV_OFFSET, c.encode_utf8(&mut [0; 4]).as_bytes()))
        .collect();
    for i in 0..hashes.len() {
        let mut combined = 0u64;
        for n in 1..=3usize {
            if i + 1 < n {
                break;
            }
            combined ^= hashes[i + 1 - n].rotate_left(21 * (n as u32 - 1));
            out.push((fmix64(combined ^ GRAM_SEEDS[n] ^ space) >> (64 - bits)) as usize);
        }
    }
}

/// The bucket of a named flag.
fn flag(name: &str, bits: u32) -> usize {
    (fmix64(fnv1a(FNV_OFFSET, name.as_bytes())) >> (64 - bits)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors the training script writes: each finding's buckets and score, computed in
    /// Python; the port must agree exactly.
    #[test]
    fn the_port_agrees_with_the_training_script() {
        let stance = Stance::builtin().expect("the committed model parses");
        let vectors = include_str!("../tests/data/model-vectors/stance.jsonl");
        let mut n = 0;
        for line in vectors.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap();
            let span = (
                v["start"].as_u64().unwrap() as usize,
                v["end"].as_u64().unwrap() as usize,
            );
            let rule = v["rule"].as_str().unwrap();
            let category = v["category"].as_str().unwrap();
            let speaker = v["speaker"].as_str().and_then(|s| s.parse().ok());
            let want: Vec<usize> = v["buckets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_u64().unwrap() as usize)
                .collect();
            let view = stance.message(text, rule.starts_with(SCORER_RULE_PREFIX));
            assert_eq!(
                stance.buckets(&view, span, (rule, category), speaker),
                want,
                "{text}"
            );
            let z = stance.logit(&view, span, (rule, category), speaker);
            let want_z = v["z_int8"].as_f64().unwrap() as f32;
            assert!((z - want_z).abs() < 1e-3, "{text}: {z} vs {want_z}");
            n += 1;
        }
        assert!(n > 50, "only {n} vectors");
    }

    #[test]
    fn bad_models_are_errors() {
        assert!(Stance::parse(b"").is_err());
        assert!(Stance::parse(&STANCE_MODEL[..STANCE_MODEL.len() - 1]).is_err());
        let mut long = STANCE_MODEL.to_vec();
        long.push(0);
        assert!(Stance::parse(&long).is_err());
    }
}
