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
