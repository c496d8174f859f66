//! Word-boundary checks with jieba, done only for hits that ask for them.
//!
//! Substring matching alone reads 加微信 in 参加微信公众号活动 and 定金 in 确定金额. A pattern
//! item written `^...` must start and end where jieba puts word boundaries. Segmentation costs
//! far more than matching, so a message is segmented only when a candidate match needs it.

use std::sync::OnceLock;

use jieba_rs::Jieba;

/// Frequency given to lexicon terms jieba does not know. Low on purpose: it makes a term
/// one word where nothing better covers it (诚意金), without beating common words that
/// straddle it (确定 + 金额 over 定金).
const LEXICON_TERM_FREQ: usize = 20;

/// jieba with the lexicon's terms added, loaded on first use.
#[derive(Debug)]
pub(crate) struct Segmenter {
    extra: Vec<String>,
    jieba: OnceLock<Jieba>,
}

impl Segmenter {
    /// A segmenter that will add `extra` words (the lexicon's Han terms) to jieba's dictionary.
    pub(crate) fn new(extra: Vec<String>) -> Segmenter {
        Segmenter {
            extra,
            jieba: OnceLock::new(),
        }
    }

    /// Loads the dictionary now rather than on the first message that needs it.
    pub(crate) fn warm_up(&self) {
        self.jieba();
    }

    fn jieba(&self) -> &Jieba {
        self.jieba.get_or_init(|| {
            let mut jieba = Jieba::new();
            for word in &self.extra {
                if !jieba.has_word(word) {
                    jieba.add_word(word, Some(LEXICON_TERM_FREQ), None);
                }
            }
            jieba
        })
    }

    /// Appends the byte offsets where words start in `text`, each plus `offset`.
    pub(crate) fn extend_boundaries(&self, text: &str, offset: u32, out: &mut Vec<u32>) {
        for token in self.jieba().cut(text, false) {
            out.push(token.byte_start as u32 + offset);
        }
    }
}

/// Longest stretch of text segmented at once: a phrase longer than this is cut into pieces
/// of about this many bytes, each segmented on its own (chat phrases are far shorter; an
/// adversarial message of one endless phrase then costs jieba's memory for one piece, not for
/// the whole message).
const MAX_PIECE: usize = 8 << 10;

/// The word boundaries of one message, segmented piece by piece as candidates ask for them.
///
/// A piece is a phrase of the folded text, or a [`MAX_PIECE`] slice of a longer one. Each is
/// segmented on its own, at most once per message: no word reaches across a space or clause
/// punctuation, and a message no candidate asks about is never segmented.
#[derive(Debug, Default)]
pub(crate) struct WordBoundaries {
    /// Word starts of every piece segmented so far, piece after piece.
    starts: Vec<u32>,
    /// Piece start -> its range in `starts`.
    pieces: std::collections::HashMap<u32, (u32, u32)>,
}

impl WordBoundaries {
    /// Forgets the previous message.
    pub(crate) fn clear(&mut self) {
        self.starts.clear();
        self.pieces.clear();
    }

    /// Gives back memory past `keep` boundaries.
    pub(crate) fn release(&mut self, keep: usize) {
        self.starts.shrink_to(keep);
        self.pieces.shrink_to(keep);
    }

    /// Whether byte `at` of `text` starts a word (or ends the text). `phrase_starts` are the
    /// byte offsets where phrases of `text` start, the first 0.
    pub(crate) fn is_boundary(
        &mut self,
        segmenter: &Segmenter,
        text: &str,
        phrase_starts: &[u32],
        at: usize,
    ) -> bool {
        if at >= text.len() {
            return at == text.len();
        }
        let phrase = phrase_starts.partition_point(|&s| s as usize <= at) - 1;
        let from = phrase_starts[phrase] as usize;
        let to = phrase_starts
            .get(phrase + 1)
            .map_or(text.len(), |&t| t as usize);
        // The piece of the phrase that holds `at`: whole, or a MAX_PIECE slice of it, each
        // slice starting at the first character boundary at or after a multiple of MAX_PIECE.
        let piece_start = |k: usize| {
            let mut b = (from + k * MAX_PIECE).min(to);
            while !text.is_char_boundary(b) {
                b += 1;
            }
            b
        };
        let mut k = (at - from) / MAX_PIECE;
        if piece_start(k) > at {
            k -= 1;
        }
        let (start, end) = (piece_start(k), piece_start(k + 1));
        let (lo, hi) = *self.pieces.entry(start as u32).or_insert_with(|| {
            let lo = self.starts.len() as u32;
            segmenter.extend_boundaries(&text[start..end], start as u32, &mut self.starts);
            (lo, self.starts.len() as u32)
        });
        self.starts[lo as usize..hi as usize]
            .binary_search(&(at as u32))
            .is_ok()
    }
}
