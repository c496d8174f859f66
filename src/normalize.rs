//! Folding a message into the plain simplified text the automaton sees, with a map back.
//!
//! Scammers write 轉賬, ＶＸ, 加 微-信, 验🔑证码 and 一五九二… so that word filters miss them.
//! [`fold`] undoes those evasions: compatibility forms (NFKC: full-width letters, circled
//! digits, Kangxi radicals), ASCII case, traditional characters, invisible characters,
//! separators and emoji between the characters of a word, and Chinese, financial or circled
//! digits inside digit runs. Every folded character remembers the original bytes it came
//! from, so a match in the folded text maps back to the evidence exactly as typed.
//!
//! Clause punctuation (，。！？；、 and newlines) is never dropped: removing separators must
//! not join two clauses into one phrase (加，微信支付 is not 加微信).

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::tables::t2s::T2S;

/// Which foldings changed a character; a bit set, see [`Fold::names`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fold(u16);

impl Fold {
    pub(crate) const WIDTH: Fold = Fold(1);
    pub(crate) const CASE: Fold = Fold(1 << 1);
    pub(crate) const TRADITIONAL: Fold = Fold(1 << 2);
    pub(crate) const COMPAT: Fold = Fold(1 << 3);
    pub(crate) const DIGITS: Fold = Fold(1 << 4);
    pub(crate) const SEPARATOR: Fold = Fold(1 << 5);
    pub(crate) const INVISIBLE: Fold = Fold(1 << 6);
    pub(crate) const REPEAT: Fold = Fold(1 << 7);
    pub(crate) const SPELLED: Fold = Fold(1 << 8);
    pub(crate) const ACCENT: Fold = Fold(1 << 9);

    const NAMES: [(Fold, &'static str); 10] = [
        (Fold::WIDTH, "width"),
        (Fold::CASE, "case"),
        (Fold::TRADITIONAL, "traditional"),
        (Fold::COMPAT, "compatibility"),
        (Fold::DIGITS, "digits"),
        (Fold::SEPARATOR, "separator"),
        (Fold::INVISIBLE, "invisible"),
        (Fold::REPEAT, "repeated"),
        (Fold::SPELLED, "spelled-apart"),
        (Fold::ACCENT, "accent"),
    ];

    pub(crate) fn contains(self, other: Fold) -> bool {
        self.0 & other.0 == other.0
    }

    pub(crate) fn insert(&mut self, other: Fold) {
        self.0 |= other.0;
    }

    /// The names of the foldings in this set, in a fixed order.
    pub(crate) fn names(self) -> Vec<String> {
        Fold::NAMES
            .iter()
            .filter(|(f, _)| self.contains(*f))
            .map(|(_, n)| (*n).to_string())
            .collect()
    }
}

/// A folded message: the text the matcher sees plus the map back to the original.
///
/// Per folded character it keeps one `Unit` (the character, the original bytes it came
/// from, the foldings applied); the maps built on demand add four bytes per folded byte
/// (`char_of`) and one offset per clause and phrase, so a message costs a small fixed
/// multiple of its length.
#[derive(Debug, Default)]
pub(crate) struct Folded {
    pub text: String,
    /// For every byte of `text` (and one past the end), the index of its character.
    pub char_of: Vec<u32>,
    /// Byte offsets in `text` where a phrase starts (the first is 0). A phrase ends at clause
    /// punctuation and where chat used a space between two words as a break (先转个定金给我
    /// 不然…), unless the whole message is spaced out letter by letter (加 微 信 聊 吧).
    /// Negation scope and segmentation stop at its end.
    pub phrase_starts: Vec<u32>,
    /// Byte offsets in `text` where a clause starts (the first is 0): after every clause
    /// punctuation character.
    clause_starts: Vec<u32>,
    /// Whether `char_of`, `phrase_starts` and `clause_starts` describe `text` (see
    /// `build_maps`).
    maps_ready: bool,
    units: Vec<Unit>,
    pending: Vec<Unit>,
}

#[derive(Clone, Copy, Debug)]
struct Unit {
    ch: char,
    orig_start: u32,
    orig_end: u32,
    fold: Fold,
    /// Whitespace was dropped right before this character.
    space_before: bool,
}

impl Unit {
    /// Character `ch`, kept as typed, that starts at byte `start` of the original text.
    #[inline]
    fn as_typed(ch: char, start: u32) -> Unit {
        Unit {
            ch,
            orig_start: start,
            orig_end: start + ch.len_utf8() as u32,
            fold: Fold::default(),
            space_before: false,
        }
    }
}

impl Folded {
    /// The original byte range of the folded byte range `start..end` (`start < end`).
    pub(crate) fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.char_of[start] as usize;
        let last = self.char_of[end.saturating_sub(1).max(start)] as usize;
        (
            self.units[first].orig_start as usize,
            self.units[last].orig_end as usize,
        )
    }

    /// Foldings needed inside the folded byte range `start..end`.
    pub(crate) fn folds_in(&self, start: usize, end: usize) -> Fold {
        let first = self.char_of[start] as usize;
        let last = self.char_of[end.saturating_sub(1).max(start)] as usize;
        let mut all = Fold::default();
        for (i, c) in self.units[first..=last].iter().enumerate() {
            let mut f = c.fold;
            if i == 0 {
                // What was dropped before the first character is outside the evidence.
                f.0 &= !(Fold::SEPARATOR.0 | Fold::INVISIBLE.0);
            }
            all.insert(f);
        }
        all
    }

    /// Character index of folded byte `b` (`b <= text.len()`).
    pub(crate) fn char_index(&self, b: usize) -> usize {
        self.char_of[b] as usize
    }

    /// Clause number of the character at folded byte `b` (`b < text.len()`).
    pub(crate) fn clause_at(&self, b: usize) -> u32 {
        self.clause_starts.partition_point(|&s| s as usize <= b) as u32 - 1
    }

    /// Phrase number of the character at folded byte `b` (`b < text.len()`).
    pub(crate) fn phrase_at(&self, b: usize) -> u32 {
        self.phrase_starts.partition_point(|&s| s as usize <= b) as u32 - 1
    }

    /// Whether the sentence part that starts at folded byte `at` ends as a question (吗, 么,
    /// 呢, 嘛, ？): a buyer asking 需要先交定金吗 is the target asking. A sentence part ends at
    /// the next [`is_sentence_break`], a coarser cut than the clause: a question reaches over
    /// 、 and … (需要先交定金、运费吗).
    pub(crate) fn asks(&self, at: usize) -> bool {
        let rest = self.text.get(at..).unwrap_or_default();
        let end = rest.find(is_sentence_break).unwrap_or(rest.len());
        let part = rest[..end].trim_end();
        part.ends_with(['吗', '么', '？', '?', '呢', '嘛']) || rest[end..].starts_with(['？', '?'])
    }
}

/// A message longer than this many bytes has its buffers sized up front.
const LONG_TEXT: usize = 1 << 16;

/// Folds `text` into `out`, reusing its buffers.
pub(crate) fn fold_into(text: &str, out: &mut Folded) {
    out.text.clear();
    out.char_of.clear();
    out.phrase_starts.clear();
    out.clause_starts.clear();
    out.maps_ready = false;
    out.units.clear();
    out.pending.clear();
    let mut units = std::mem::take(&mut out.units);
    let mut pending = std::mem::take(&mut out.pending);
    if text.len() > LONG_TEXT {
        // Sized once: grown by doubling, a long message's buffers would peak at three times
        // their size while being copied.
        let chars = text.chars().count();
        units.reserve_exact(chars);
        out.text.reserve_exact(text.len());
    }
    // Fast path: no character can join its neighbour into one grapheme cluster, and a
    // plain character (one that folds to itself and separates nothing) with nothing held
    // back before it becomes a unit directly. At the first character that may join a
    // cluster, start over cluster by cluster.
    let mut simple = true;
    {
        let mut folder = Folder::new(&mut units, &mut pending);
        for (start, c) in text.char_indices() {
            if !is_own_cluster(c) {
                simple = false;
                break;
            }
            if fast_plain() && folder.pending.is_empty() && !folder.dropped_invisible && is_plain(c)
            {
                folder.units.push(Unit::as_typed(c, start as u32));
                folder.prev_word = Some(c);
            } else {
                folder.cluster(start, &text[start..start + c.len_utf8()]);
            }
        }
    }
    if !simple {
        units.clear();
        pending.clear();
        let mut folder = Folder::new(&mut units, &mut pending);
        for (start, grapheme) in text.grapheme_indices(true) {
            folder.cluster(start, grapheme);
        }
    }
    units.extend(pending.drain(..).map(as_kept_separator));
    spelled_apart_pass(&mut units);
    doubled_pass(&mut units);
    digits_pass(&mut units);

    for u in &units {
        out.text.push(u.ch);
    }
    out.units = units;
    out.pending = pending;
}

impl Folded {
    /// Builds the map back to the original text (characters, clauses, phrases). Matching
    /// needs only the folded text; most messages never get this far, so it is built on
    /// demand.
    pub(crate) fn build_maps(&mut self) {
        if self.maps_ready {
            return;
        }
        self.maps_ready = true;
        // A message spaced out letter by letter uses spaces as decoration, not as breaks.
        let (mut han_pairs, mut spaced_pairs) = (0usize, 0usize);
        for pair in self.units.windows(2) {
            if is_han(pair[0].ch) && is_han(pair[1].ch) {
                han_pairs += 1;
                spaced_pairs += usize::from(pair[1].space_before);
            }
        }
        let spaces_break = spaced_pairs * 3 <= han_pairs;
        self.char_of.reserve_exact(self.text.len() + 1);
        let mut byte = 0u32;
        self.phrase_starts.push(0);
        self.clause_starts.push(0);
        for (i, u) in self.units.iter().enumerate() {
            if u.space_before && spaces_break && byte > 0 {
                self.phrase_starts.push(byte);
            }
            for _ in 0..u.ch.len_utf8() {
                self.char_of.push(i as u32);
            }
            byte += u.ch.len_utf8() as u32;
            if is_clause_break(u.ch) {
                self.phrase_starts.push(byte);
                self.clause_starts.push(byte);
            }
        }
        self.char_of.push(self.units.len() as u32);
        // A space right after a clause break starts no second phrase.
        self.phrase_starts.dedup();
    }

    /// Gives back the memory of a long message's buffers, keeping what an ordinary chat
    /// message needs, so that one huge record does not hold its peak for the rest of a run.
    pub(crate) fn release(&mut self, keep: usize) {
        self.text.shrink_to(keep);
        self.char_of.shrink_to(keep);
        self.phrase_starts.shrink_to(keep);
        self.clause_starts.shrink_to(keep);
        self.units.shrink_to(keep);
        self.pending.shrink_to(keep);
    }
}

/// The state of one folding pass over a message.
struct Folder<'a> {
    units: &'a mut Vec<Unit>,
    pending: &'a mut Vec<Unit>,
    dropped_invisible: bool,
    prev_word: Option<char>,
}

impl<'a> Folder<'a> {
    fn new(units: &'a mut Vec<Unit>, pending: &'a mut Vec<Unit>) -> Folder<'a> {
        Folder {
            units,
            pending,
            dropped_invisible: false,
            prev_word: None,
        }
    }

    /// Folds one grapheme cluster starting at byte `start` of the original text.
    fn cluster(&mut self, start: usize, grapheme: &str) {
        let end = start + grapheme.len();
        let (os, oe) = (start as u32, end as u32);
        let mut cs = grapheme.chars();
        let first = cs.next().unwrap_or(' ');
        let multi = cs.next().is_some();
        if extends(first) {
            // A cluster that starts with a mark has no base (it followed a control or an
            // invisible character): noise. Kept, it would join whatever precedes it once
            // that character is gone, and folding would not be idempotent.
            self.dropped_invisible = true;
            return;
        }
        if multi && is_symbol(first) {
            // An emoji sequence (ZWJ, flag, skin tone) is held whole: dropped whole inside a
            // word, kept whole (and unfolded) elsewhere.
            for (offset, c) in grapheme.char_indices() {
                self.pending.push(Unit::as_typed(c, os + offset as u32));
            }
            return;
        }
        for (offset, c) in grapheme.char_indices() {
            let cos = os + offset as u32;
            let coe = if multi { cos + c.len_utf8() as u32 } else { oe };
            if is_invisible(c) {
                self.dropped_invisible = true;
                continue;
            }
            let before = self.units.len();
            fold_char(c, cos, coe, self.units);
            // Separators and symbols are held back until we know what follows them.
            let mut i = before;
            while i < self.units.len() {
                let mut u = self.units[i];
                if is_separator(u.ch) || is_symbol(u.ch) {
                    self.pending.push(u);
                    self.units.remove(i);
                    continue;
                }
                if !self.pending.is_empty() {
                    let joins = self.prev_word.is_some_and(|p| {
                        is_word(p) && is_word(u.ch) && (is_han(p) || is_han(u.ch))
                    });
                    if joins {
                        u.fold.insert(Fold::SEPARATOR);
                        u.space_before = self.pending.iter().any(|p| p.ch.is_whitespace());
                        self.pending.clear();
                    } else {
                        let flushed = self.pending.len();
                        self.units
                            .splice(i..i, self.pending.drain(..).map(as_kept_separator));
                        i += flushed;
                    }
                }
                if self.dropped_invisible {
                    u.fold.insert(Fold::INVISIBLE);
                    self.dropped_invisible = false;
                }
                self.units[i] = u;
                self.prev_word = Some(u.ch);
                i += 1;
            }
        }
    }
}

/// Whether [`fold_into`] takes plain characters directly: always, but for one test that
/// checks both ways give the same result.
#[cfg(not(test))]
#[inline(always)]
fn fast_plain() -> bool {
    true
}

#[cfg(test)]
thread_local! {
    static FAST_PLAIN: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

#[cfg(test)]
fn fast_plain() -> bool {
    FAST_PLAIN.with(|f| f.get())
}

/// A character that `fold_char` keeps as it is and that is neither a separator, a symbol
/// nor invisible: lower-case ASCII and ASCII punctuation that separates nothing, Han
/// characters with no simplified form, clause punctuation.
fn is_plain(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_uppercase() && !is_separator(c) && c != '\r';
    }
    // 丶 is a Han character and a separator: it takes the separator's path.
    (is_plain_han(c) && to_simplified(c).is_none() && !is_separator(c))
        || (is_clause_break(c) && !is_separator(c))
}

/// A character that never joins a neighbour into one grapheme cluster: ASCII (but CR),
/// CJK ideographs, CJK and general punctuation, full-width forms.
fn is_own_cluster(c: char) -> bool {
    matches!(c,
        ' '..='~' | '\n' | '\t' | '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff60}' | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205e}')
}

/// Folds `text` and returns just the folded string (for lexicon terms and tests).
pub fn fold(text: &str) -> String {
    let mut f = Folded::default();
    fold_into(text, &mut f);
    f.text
}

fn as_kept_separator(mut u: Unit) -> Unit {
    if u.ch.is_whitespace() {
        u.ch = ' ';
    }
    u
}

/// Folds one character into zero or more units.
fn fold_char(c: char, os: u32, oe: u32, out: &mut Vec<Unit>) {
    let push = |out: &mut Vec<Unit>, ch: char, fold: Fold| {
        out.push(Unit {
            ch,
            orig_start: os,
            orig_end: oe,
            fold,
            space_before: false,
        })
    };
    if c.is_ascii() {
        if c.is_ascii_uppercase() {
            push(out, c.to_ascii_lowercase(), Fold::CASE);
        } else {
            push(out, c, Fold::default());
        }
        return;
    }
    if let Some(n) = enclosed_number(c) {
        // ⑪..⑳ and friends: NFKC turns some into digits and leaves others alone.
        let mut buf = [0u8; 2];
        let digits = if n >= 10 {
            buf = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
            &buf[..]
        } else {
            buf[0] = b'0' + n as u8;
            &buf[..1]
        };
        for &d in digits {
            push(out, d as char, Fold::DIGITS);
        }
        return;
    }
    if let Some(letter) = enclosed_letter(c) {
        push(out, letter, Fold::COMPAT);
        return;
    }
    if let Some(letter) = unaccented(c) {
        // Pinyin with tone marks (fèi, zhuǎn) and other accented Latin letters.
        push(out, letter, Fold::ACCENT);
        return;
    }
    if let Some(s) = to_simplified(c) {
        push(out, s, Fold::TRADITIONAL);
        return;
    }
    if is_plain_han(c) || is_clause_break(c) || is_symbol(c) {
        // Symbols stay as they are (NFKC would turn some into text); folding drops them
        // where they stand inside a word.
        push(out, c, Fold::default());
        return;
    }
    // Compatibility forms: full-width ASCII, circled and parenthesized digits and letters,
    // mathematical letters, Kangxi radicals, ligatures.
    let fold = if ('\u{ff01}'..='\u{ff5e}').contains(&c) {
        Fold::WIDTH
    } else {
        Fold::COMPAT
    };
    let mut n = 0;
    let start = out.len();
    for d in std::iter::once(c).nfkc() {
        n += 1;
        if n > 4 {
            break;
        }
        let (d, mut extra) = if d.is_ascii_uppercase() {
            (d.to_ascii_lowercase(), Fold::CASE)
        } else {
            (d, Fold::default())
        };
        // What a compatibility form decomposes into is folded as typed text would be: the ž
        // of ǆ loses its accent.
        let d = match unaccented(d) {
            Some(plain) => {
                extra.insert(Fold::ACCENT);
                plain
            }
            None => d,
        };
        let d = to_simplified(d).unwrap_or(d);
        let mut f = extra;
        if d != c {
            f.insert(fold);
        }
        push(out, d, f);
    }
    if n > 4 || n == 0 {
        out.truncate(start);
        push(out, c, Fold::default());
    }
}

/// The simplified form of a traditional character, in constant time: a bit per code point
/// below U+30000 says whether it has one, and since `T2S` is sorted by code point, the bits
/// set before it (counted per 64 plus a popcount) are its index there.
fn to_simplified(c: char) -> Option<char> {
    static INDEX: std::sync::OnceLock<Vec<(u64, u32)>> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = vec![(0u64, 0u32); 0x30000 / 64];
        for &(t, _) in T2S.iter() {
            if let Some(slot) = index.get_mut(t as usize / 64) {
                slot.0 |= 1 << (t as usize % 64);
            }
        }
        let mut before = 0u32;
        for slot in &mut index {
            slot.1 = before;
            before += slot.0.count_ones();
        }
        index
    });
    let n = c as usize;
    let (bits, before) = *index.get(n / 64)?;
    let bit = 1u64 << (n % 64);
    if bits & bit == 0 {
        return None;
    }
    let rank = before as usize + (bits & (bit - 1)).count_ones() as usize;
    T2S.get(rank).map(|&(_, simplified)| simplified)
}

/// The plain lower-case ASCII letter under an accented Latin letter (è, ǎ, ü, Ḿ), if any.
fn unaccented(c: char) -> Option<char> {
    if !matches!(c, '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}') {
        return None;
    }
    let base = c.nfd().next()?;
    (base.is_ascii_alphabetic() && base != c).then(|| base.to_ascii_lowercase())
}

/// Enclosed numbers NFKC leaves alone (❶..❿, ➀..➉, ➊..➓, ⓫..⓴, ⓵..⓾, ⓿).
fn enclosed_number(c: char) -> Option<u32> {
    let c = c as u32;
    Some(match c {
        0x2776..=0x277f => c - 0x2776 + 1,
        0x2780..=0x2789 => c - 0x2780 + 1,
        0x278a..=0x2793 => c - 0x278a + 1,
        0x24eb..=0x24f4 => c - 0x24eb + 11,
        0x24f5..=0x24fe => c - 0x24f5 + 1,
        0x24ff => 0,
        _ => return None,
    })
}

/// Negative circled and squared letters (🅐..🅩, 🅰..🆉), which NFKC leaves alone.
fn enclosed_letter(c: char) -> Option<char> {
    let c = c as u32;
    let offset = match c {
        0x1f150..=0x1f169 => c - 0x1f150,
        0x1f170..=0x1f189 => c - 0x1f170,
        _ => return None,
    };
    char::from_u32('a' as u32 + offset)
}

/// Joins letters spelled apart (v x, w e i x i n): a run of at least two single ASCII
/// letters, each separated from the next by one separator.
fn spelled_apart_pass(units: &mut Vec<Unit>) {
    let single = |units: &[Unit], i: usize| {
        units[i].ch.is_ascii_alphabetic()
            && (i == 0 || !units[i - 1].ch.is_ascii_alphanumeric())
            && units
                .get(i + 1)
                .is_none_or(|u| !u.ch.is_ascii_alphanumeric())
    };
    let mut i = 0;
    while i < units.len() {
        if !single(units, i) {
            i += 1;
            continue;
        }
        // letters at i, i+2, i+4, ... with one separator between each
        let mut j = i;
        while j + 2 < units.len() && is_separator(units[j + 1].ch) && single(units, j + 2) {
            j += 2;
        }
        if j == i {
            i += 1;
            continue;
        }
        let mut k = i + 1;
        while k <= j {
            units.remove(k);
            units[k].fold.insert(Fold::SPELLED);
            k += 1;
            j -= 1;
        }
        i = j + 1;
    }
}

/// Collapses doubled characters (加加微微信信): at least three consecutive pairs of the same
/// Chinese character or letter become one character each. Digits, Chinese ones included
/// (捌捌柒柒 in a phone number), are left alone.
fn doubled_pass(units: &mut Vec<Unit>) {
    const MIN_PAIRS: usize = 3;
    let pair = |units: &[Unit], i: usize| {
        i + 1 < units.len()
            && units[i].ch == units[i + 1].ch
            && (is_han(units[i].ch) || units[i].ch.is_ascii_alphabetic())
            && digit_value(units[i].ch).is_none()
    };
    let mut i = 0;
    while i < units.len() {
        // Each pair must differ from the one before (加加微微信信, not aaaaaa), or runs of
        // one character would shrink again on every pass.
        let mut pairs = 0;
        while pair(units, i + 2 * pairs)
            && (pairs == 0 || units[i + 2 * pairs].ch != units[i + 2 * pairs - 2].ch)
        {
            pairs += 1;
        }
        // The run must not touch the same character on either side: collapsing it then
        // cannot make a new pair with its neighbours, so a second pass finds nothing to do.
        let end = i + 2 * pairs;
        let clean_edges = || {
            (i == 0 || units[i - 1].ch != units[i].ch)
                && (end == units.len() || units[end].ch != units[end - 1].ch)
        };
        // `pairs >= MIN_PAIRS` first: it makes `end - 1 >= i` and `units[i]` valid.
        if pairs < MIN_PAIRS || !clean_edges() {
            i += 1;
            continue;
        }
        for p in 0..pairs {
            let at = i + p;
            let second = units.remove(at + 1);
            units[at].orig_end = second.orig_end;
            units[at].fold.insert(Fold::REPEAT);
        }
        i += pairs;
    }
}

/// Chinese digits are converted only inside runs of at least this many digits, so that
/// 一下, 三倍 and 九五新 stay words while 一五九二六四一七七八三 becomes a phone number.
const MIN_DIGIT_RUN: usize = 4;

fn digit_value(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => c,
        '〇' | '零' => '0',
        '一' | '壹' | '幺' => '1',
        '二' | '贰' => '2',
        '三' | '叁' | '参' => '3',
        '四' | '肆' => '4',
        '五' | '伍' => '5',
        '六' | '陆' => '6',
        '七' | '柒' => '7',
        '八' | '捌' => '8',
        '九' | '玖' => '9',
        _ => return None,
    })
}

/// Rewrites Chinese and financial digits inside long digit runs as ASCII digits. A run may
/// hold single spaces or hyphens between digit groups (陆贰贰贰 捌肆零零).
fn digits_pass(units: &mut [Unit]) {
    let mut i = 0;
    while i < units.len() {
        if digit_value(units[i].ch).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = 0;
        let mut j = i;
        while j < units.len() {
            if digit_value(units[j].ch).is_some() {
                digits += 1;
                j += 1;
            } else if matches!(units[j].ch, ' ' | '-')
                && j + 1 < units.len()
                && digit_value(units[j + 1].ch).is_some()
            {
                j += 1;
            } else {
                break;
            }
        }
        if digits >= MIN_DIGIT_RUN {
            for u in &mut units[start..j] {
                if let Some(d) = digit_value(u.ch) {
                    if d != u.ch {
                        u.ch = d;
                        u.fold.insert(Fold::DIGITS);
                    }
                }
            }
        }
        i = j.max(i + 1);
    }
}

/// Characters that are never visible: zero-width, bidi controls, variation selectors.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{e0000}'..='\u{e0fff}' | '\u{1d173}'..='\u{1d17a}')
}

/// True for a character that extends the grapheme cluster before it (combining marks,
/// spacing marks, ZWJ, variation selectors).
fn extends(c: char) -> bool {
    if is_own_cluster(c) || is_han(c) {
        return false;
    }
    let mut buf = [0u8; 8];
    buf[0] = b'a';
    let len = 1 + c.encode_utf8(&mut buf[1..]).len();
    // `buf[..len]` is 'a' followed by one whole character: valid UTF-8 by construction.
    std::str::from_utf8(&buf[..len]).is_ok_and(|s| s.graphemes(true).nth(1).is_none())
}

/// Visible characters that separate letters of a word without meaning anything.
fn is_separator(c: char) -> bool {
    (c.is_whitespace() && c != '\n' && c != '\r')
        || matches!(
            c,
            '-' | '_'
                | '.'
                | '*'
                | '~'
                | '/'
                | '\\'
                | '|'
                | '+'
                | '='
                | '#'
                | '`'
                | '\''
                | '"'
                | '^'
                | '·'
                | '・'
                | '•'
                | '‧'
                | '∙'
                | '—'
                | '–'
                | '‐'
                | '〜'
                | '丶'
                | '“'
                | '”'
                | '‘'
                | '’'
        )
}

/// Emoji, dingbats, arrows, shapes and other pictographs. Circled digits and letters
/// (U+2460..U+24FF) and the enclosed alphanumerics NFKC maps to letters and digits
/// (U+1F100..U+1F14F) are not symbols: they fold to what they enclose.
fn is_symbol(c: char) -> bool {
    matches!(c,
        '\u{00a9}' | '\u{00ae}' | '\u{203c}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2190}'..='\u{21ff}' | '\u{2300}'..='\u{23ff}' | '\u{2500}'..='\u{27bf}'
        | '\u{2900}'..='\u{2bff}' | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}'
        | '\u{1f000}'..='\u{1f0ff}' | '\u{1f150}'..='\u{1faff}')
}

/// Punctuation that ends a clause; gaps in rules and negation scope stop here.
pub(crate) fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | '!'
            | '?'
            | '\n'
            | '\r'
            | '。'
            | '，'
            | '、'
            | '；'
            | '！'
            | '？'
            | '…'
            | '｡'
            | '､'
            | '【'
            | '】'
            | '「'
            | '」'
            | '『'
            | '』'
            | '('
            | ')'
            | '['
            | ']'
    )
}

/// Punctuation that ends a sentence part: the clause breaks that end a statement or a
/// question, not those inside a list (、) or a trailing-off (…), nor brackets or a question
/// mark, which a question's end is read from.
pub(crate) fn is_sentence_break(c: char) -> bool {
    matches!(c, '。' | '！' | '!' | '，' | ',' | '；' | ';' | '\n')
}

/// A Han character (CJK unified ideographs and their extensions).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{3134f}')
}

fn is_plain_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}')
}

/// A character of a word. 〇 counts: it is a Chinese digit the digit pass may rewrite.
fn is_word(c: char) -> bool {
    is_han(c) || c.is_ascii_alphanumeric() || c == '〇'
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_traditional_character_maps_and_no_other_does() {
        for &(t, simplified) in T2S.iter() {
            assert_eq!(to_simplified(t), Some(simplified), "{t}");
        }
        for n in 0..0x31000u32 {
            if let Some(c) = char::from_u32(n) {
                let want = T2S
                    .binary_search_by_key(&c, |&(t, _)| t)
                    .ok()
                    .map(|i| T2S[i].1);
                assert_eq!(to_simplified(c), want, "U+{n:04X}");
            }
        }
    }

    use super::*;

    #[test]
    fn tone_marks_fold_away() {
        assert_eq!(fold("手续fèi"), "手续fei");
        assert_eq!(fold("ZHUǍN zhàng"), "zhuan zhang");
        assert_eq!(fold("lǜ"), "lu");
        // Not every non-ASCII Latin character has a letter under it.
        assert_eq!(fold("×ß"), "×ß");
        let mut f = Folded::default();
        fold_into("fèi", &mut f);
        f.build_maps();
        assert!(f.folds_in(0, 3).contains(Fold::ACCENT));
    }

    /// The plain-character shortcut changes nothing: every string folds the same with and
    /// without it (text, origins, foldings), over a seeded stream of chat-like strings.
    #[test]
    fn plain_fast_path_equals_the_general_path() {
        let alphabet: Vec<char> = "加微信vxVX 1２三四五六七八九〇壹-.*~:，。！？、軟體臺灣转账定金加加微微信信一三八\t\n\r❤️😀\u{200b}\u{301}ｗ①🅥"
            .chars()
            .collect();
        let mut seed: u64 = 7;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let fold_both = |text: &str| {
            let run = |fast: bool| {
                FAST_PLAIN.with(|f| f.set(fast));
                let mut f = Folded::default();
                fold_into(text, &mut f);
                let units: Vec<(char, u32, u32, u16, bool)> = f
                    .units
                    .iter()
                    .map(|u| (u.ch, u.orig_start, u.orig_end, u.fold.0, u.space_before))
                    .collect();
                (f.text, units)
            };
            let general = run(false);
            let fast = run(true);
            assert_eq!(fast, general, "{text:?}");
        };
        for _ in 0..20_000 {
            let len = next() % 16;
            let text: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            fold_both(&text);
        }
        for text in [
            "亲 在吗 加 微-信",
            "加加微微信信",
            "一三八一二三四五六七八",
            "ab c d",
            "轉賬 给我",
        ] {
            fold_both(text);
        }
    }

    fn span_of(text: &str, needle: &str) -> Option<String> {
        let mut f = Folded::default();
        fold_into(text, &mut f);
        f.build_maps();
        let at = f.text.find(needle)?;
        let (s, e) = f.original_span(at, at + needle.len());
        Some(text[s..e].to_string())
    }

    #[test]
    fn folds_common_evasions() {
        let cases = [
            ("直接轉賬給我", "直接转账给我"),
            ("ＶＸ：ｔｂ８８６６", "vx:tb8866"),
            ("加 微-信 聊", "加微信聊"),
            ("验🔑证码", "验证码"),
            ("加微💬信", "加微信"),
            ("薇信同号 一五九二六四一七七八三", "薇信同号15926417783"),
            ("扣扣 ⑨⑧⑦⑥⑤④③②①", "扣扣987654321"),
            ("tb官⽅客服", "tb官方客服"),
            ("验\u{200b}证\u{200d}码", "验证码"),
            ("加，微信支付可以吗", "加，微信支付可以吗"),
            ("QQ 2738491056", "qq 2738491056"),
            ("陆贰贰贰 捌肆零零", "62228400"),
            ("九五新 一下", "九五新一下"),
            ("http://tb-refund.top/k3", "http://tb-refund.top/k3"),
            ("加加微微信信聊", "加微信聊"),
            ("哈哈 谢谢", "哈哈谢谢"),
            ("w e i x i n 号", "weixin号"),
            ("加 v x", "加vx"),
            ("🅥🅧 ⓫", "vx 11"),
            ("❿➓", "1010"),
            ("t.cn 和 m.tb.cn", "t.cn和m.tb.cn"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "folding {input:?}");
        }
    }

    #[test]
    fn spans_map_back_to_the_typed_evidence() {
        assert_eq!(
            span_of("把 验-证-码 报", "验证码").as_deref(),
            Some("验-证-码")
        );
        assert_eq!(span_of("付✅了", "付了").as_deref(), Some("付✅了"));
        assert_eq!(span_of("直接轉賬給我", "转账").as_deref(), Some("轉賬"));
        assert_eq!(span_of("ｖｘ：1", "vx").as_deref(), Some("ｖｘ"));
        assert_eq!(span_of("加加微微信信", "微信").as_deref(), Some("微微信信"));
        assert_eq!(
            span_of("加 w e i x i n", "weixin").as_deref(),
            Some("w e i x i n")
        );
    }

    #[test]
    fn folding_is_idempotent_on_samples() {
        // The last ones were found by the property test and the `scan` fuzz target.
        for s in [
            "加 微 信",
            "①②③ 壹參伍",
            "ＡＢＣ 轉賬 🍑",
            "a - b",
            "  ",
            "🉀\u{c46}",
            "🇨🇳🇨🇳",
            "扣扣💬\u{200b}\u{301}加",
            "\u{fe0f}\u{301}",
            "m222222一〇|出2",
            "AAAAAAAAAAA;A\u{19}k02",
            "加加加加微微信信信信",
            "aqqqqworkqqllqqqqqqqqqqqqtaobaoqqworkqqllqqqqqqqqqqqllCCCCCC笾aqqqqworkqqllqqqCCqqqq",
        ] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
    }
}
