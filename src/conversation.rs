//! State carried across the messages of one conversation: signals, not histories.
//!
//! A signal rule (payment confirmed, contact moved off the platform) marks the conversation;
//! a later rule that `requires` the signal can then fire, and its finding names the message
//! that raised the signal in `context`. A counted signal rule (`report_from`) reports from the
//! n-th message that raises its signal on, naming the earlier ones. The state holds one entry
//! per signal name with at most eight message ids, so its size is bounded by the lexicon,
//! never by the conversation's length.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Detector, Report};

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    /// The buying side.
    Buyer,
    /// The selling side (a shop owner, a private seller, a landlord).
    Seller,
    /// Platform or shop customer service, or someone posing as one.
    Agent,
    /// Notices from the platform itself.
    System,
}

impl Speaker {
    /// The lower-case name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Buyer => "buyer",
            Speaker::Seller => "seller",
            Speaker::Agent => "agent",
            Speaker::System => "system",
        }
    }
}

impl fmt::Display for Speaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Speaker {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "buyer" | "customer" => Speaker::Buyer,
            "seller" => Speaker::Seller,
            "agent" => Speaker::Agent,
            "system" => Speaker::System,
            _ => {
                return Err(format!(
                    "unknown speaker {s:?} (expected buyer, seller, agent or system)"
                ))
            }
        })
    }
}

/// One message as the detector sees it inside a conversation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Turn<'a> {
    /// The message id, named in later findings' `context`.
    pub id: Option<&'a str>,
    /// Who wrote it, where known.
    pub speaker: Option<Speaker>,
    /// The text exactly as typed.
    pub text: &'a str,
}

impl<'a> Turn<'a> {
    /// A turn with just a text.
    pub fn new(text: &'a str) -> Turn<'a> {
        Turn {
            id: None,
            speaker: None,
            text,
        }
    }
}

/// A conversation signal, by a hash of its name (FNV-1a, 32 bits): what a
/// [`ConversationState`] keeps, so that a state stays right when the lexicon is reloaded
/// with its rules in another order, and a state saved by one process reads the same in the
/// next. The engine refuses a lexicon whose signal names hash alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct SignalKey(u32);

impl SignalKey {
    /// The key of signal `name`.
    pub(crate) fn of(name: &str) -> SignalKey {
        SignalKey(fnv1a32(name.as_bytes()))
    }
}

/// Signals named `found.<category>` are raised by the detector, not by a rule: by every
/// message with a finding of that category at `medium` or above, kept per speaker, so that a
/// rule requiring one fires only on a later message of the same speaker (who keeps pushing
/// the step they were found taking).
pub(crate) const FOUND_PREFIX: &str = "found.";

/// The key of `found.<category>` as raised by `speaker`: the key of [`found_name`], hashed
/// piece by piece (it is asked for every message a rule requiring it matched).
pub(crate) fn found_signal(category: crate::Category, speaker: Option<Speaker>) -> SignalKey {
    let speaker = speaker.map_or("unknown", Speaker::as_str);
    let parts = [FOUND_PREFIX, category.as_str(), ".", speaker];
    SignalKey(parts.iter().fold(FNV32_OFFSET, |hash, part| {
        fnv1a32_from(hash, part.as_bytes())
    }))
}

/// The name [`found_signal`] hashes.
pub(crate) fn found_name(category: crate::Category, speaker: Option<Speaker>) -> String {
    let speaker = speaker.map_or("unknown", Speaker::as_str);
    format!("{FOUND_PREFIX}{}.{speaker}", category.as_str())
}

/// First bytes of [`ConversationState::to_bytes`]: a tag and the format's version.
const STATE_MAGIC: &[u8] = b"SCS\x01";

/// How many message ids a counted signal remembers for `context` (the latest ones).
const MAX_SIGNAL_IDS: usize = 8;

/// The signals a conversation has raised so far, with the messages that raised each.
///
/// Plain data: it can be stored in a map keyed by conversation id (as the batch scan and the
/// HTTP service do) and handed to [`Detector::scan_turn`] with each new message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationState {
    /// One entry per signal raised.
    pub(crate) signals: Vec<Raised>,
    /// Messages seen, for ids of messages that had none.
    pub(crate) seen: u64,
}

/// One signal of a conversation: how many messages raised it, and the latest of their ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Raised {
    pub signal: SignalKey,
    pub count: u32,
    /// Ids of the messages that raised it, oldest first, at most [`MAX_SIGNAL_IDS`].
    pub ids: Vec<Box<str>>,
}

impl ConversationState {
    /// A conversation with nothing said yet.
    pub fn new() -> ConversationState {
        ConversationState::default()
    }

    /// Number of messages scanned in this conversation.
    pub fn messages(&self) -> u64 {
        self.seen
    }

    /// True once any signal has been raised.
    pub fn has_signals(&self) -> bool {
        !self.signals.is_empty()
    }

    fn entry(&self, signal: SignalKey) -> Option<&Raised> {
        self.signals.iter().find(|r| r.signal == signal)
    }

    /// The id of the latest message that raised `signal`.
    pub(crate) fn signal(&self, signal: SignalKey) -> Option<&str> {
        self.entry(signal)
            .and_then(|r| r.ids.last())
            .map(|id| &**id)
    }

    /// How many messages raised `signal`, and the latest of their ids.
    pub(crate) fn raised(&self, signal: SignalKey) -> (u32, &[Box<str>]) {
        self.entry(signal)
            .map_or((0, &[][..]), |r| (r.count, &r.ids[..]))
    }

    pub(crate) fn raise(&mut self, signal: SignalKey, id: &str) {
        match self.signals.iter_mut().find(|r| r.signal == signal) {
            Some(entry) => {
                entry.count = entry.count.saturating_add(1);
                if entry.ids.len() == MAX_SIGNAL_IDS {
                    entry.ids.remove(0);
                }
                entry.ids.push(id.into());
            }
            None => self.signals.push(Raised {
                signal,
                count: 1,
                ids: vec![id.into()],
            }),
        }
    }

    /// The state packed for maps that hold many conversations: signal keys as four bytes,
    /// other numbers as varints, and
    /// each message id front-coded (the bytes it shares with the previous id, or with the
    /// conversation id `key` for the first, are not repeated), so the usual state takes
    /// 10 to 20 bytes and is kept in place, with no allocation. Ids that share nothing
    /// (random ones) cost one byte more. [`ConversationState::unpack`] with the same `key`
    /// reverses it.
    pub(crate) fn pack(&self, key: &str) -> PackedState {
        let mut out = Vec::with_capacity(32);
        put_varint(&mut out, self.seen);
        let mut previous = key.as_bytes();
        for r in &self.signals {
            out.extend_from_slice(&r.signal.0.to_le_bytes());
            put_varint(&mut out, u64::from(r.count));
            // At most MAX_SIGNAL_IDS ids: the count fits a byte.
            out.push(r.ids.len() as u8);
            for id in &r.ids {
                // Ids longer than 64 KiB are cut (on a character boundary).
                let mut end = id.len().min(u16::MAX as usize);
                while !id.is_char_boundary(end) {
                    end -= 1;
                }
                let id = &id.as_bytes()[..end];
                let shared = previous.iter().zip(id).take_while(|(a, b)| a == b).count();
                put_varint(&mut out, shared as u64);
                put_varint(&mut out, (id.len() - shared) as u64);
                out.extend_from_slice(&id[shared..]);
                previous = id;
            }
        }
        PackedState::new(out)
    }

    /// The state as bytes a program can keep between messages (in Redis or any key-value store)
    /// and give back to [`ConversationState::from_bytes`], in this or a later version of the
    /// library. Signals are kept by a hash of their name, so the bytes stay valid across a
    /// lexicon reload.
    ///
    /// ```
    /// use scamscan::{ConversationState, Detector, Turn};
    ///
    /// let detector = Detector::new()?;
    /// let mut state = ConversationState::new();
    /// detector.scan_turn(Turn::new("买家已付款"), &mut state);
    /// let saved = state.to_bytes();
    /// assert_eq!(ConversationState::from_bytes(&saved)?, state);
    /// # Ok::<(), scamscan::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = STATE_MAGIC.to_vec();
        out.extend_from_slice(self.pack("").as_bytes());
        let check = checksum(&out);
        out.extend_from_slice(&check.to_le_bytes());
        out
    }

    /// Reads what [`ConversationState::to_bytes`] wrote. Bytes that were not written by it
    /// (another format, a newer version, cut or altered) are an error, never a state that
    /// silently forgot part of the conversation.
    pub fn from_bytes(bytes: &[u8]) -> Result<ConversationState, crate::Error> {
        let body = bytes.strip_prefix(STATE_MAGIC).ok_or_else(|| {
            crate::Error::input(match bytes.get(..3) {
                Some(b"SCS") => "conversation state of an unknown version",
                _ => "not a saved conversation state",
            })
        })?;
        let damaged = || crate::Error::input("conversation state is cut or damaged");
        let (body, check) = body.split_last_chunk::<4>().ok_or_else(damaged)?;
        if checksum(&bytes[..bytes.len() - 4]) != u32::from_le_bytes(*check) {
            return Err(damaged());
        }
        let mut state = ConversationState::new();
        match Self::unpack_into(body, "", &mut state) {
            Some(()) => Ok(state),
            None => Err(crate::Error::input("conversation state is cut or damaged")),
        }
    }

    /// Unpacks what [`ConversationState::pack`] made with the same `key`; anything
    /// malformed ends the list.
    pub(crate) fn unpack(bytes: &[u8], key: &str) -> ConversationState {
        let mut state = ConversationState::new();
        let _ = Self::unpack_into(bytes, key, &mut state);
        state
    }

    /// Unpacks into `state`; `None` at the first malformed byte (what was read stays).
    fn unpack_into(bytes: &[u8], key: &str, state: &mut ConversationState) -> Option<()> {
        let mut rest = bytes;
        let mut read = || -> Option<()> {
            state.seen = take_varint(&mut rest)?;
            let mut previous = key.as_bytes().to_vec();
            while !rest.is_empty() {
                let (key, tail) = rest.split_first_chunk::<4>()?;
                rest = tail;
                let signal = SignalKey(u32::from_le_bytes(*key));
                let count = u32::try_from(take_varint(&mut rest)?).ok()?;
                let (&n, tail) = rest.split_first()?;
                rest = tail;
                if usize::from(n) > MAX_SIGNAL_IDS {
                    return None;
                }
                let mut ids = Vec::with_capacity(usize::from(n).min(MAX_SIGNAL_IDS));
                for _ in 0..n {
                    let shared = usize::try_from(take_varint(&mut rest)?).ok()?;
                    let len = usize::try_from(take_varint(&mut rest)?).ok()?;
                    let suffix = rest.get(..len)?;
                    rest = &rest[len..];
                    previous.truncate(shared);
                    if previous.len() < shared {
                        return None;
                    }
                    previous.extend_from_slice(suffix);
                    ids.push(std::str::from_utf8(&previous).ok()?.into());
                }
                state.signals.push(Raised { signal, count, ids });
            }
            Some(())
        };
        read()
    }

    /// Approximate heap bytes held, for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.signals.capacity() * std::mem::size_of::<Raised>()
            + self
                .signals
                .iter()
                .map(|r| {
                    r.ids.capacity() * std::mem::size_of::<Box<str>>()
                        + r.ids.iter().map(|id| id.len()).sum::<usize>()
                })
                .sum::<usize>()
    }
}

/// Bytes a [`PackedState`] keeps in place before it needs an allocation: 88% of the states
/// of a generated 1 GB log take 8 to 11 bytes, 98% at most 15.
const PACKED_INLINE: usize = 14;

/// A packed [`ConversationState`]: 16 bytes in place for the usual state, a pointer to the
/// bytes for the rest (a thin one, so that the enum stays 16 bytes). A map of 100,000
/// conversations then holds an allocation for only a few of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PackedState {
    Inline {
        len: u8,
        bytes: [u8; PACKED_INLINE],
    },
    // Boxed on purpose: a `Vec` or `Box<[u8]>` is two or three words and would make every
    // entry 8 bytes larger, for the 5% of states that need this variant.
    #[allow(clippy::box_collection)]
    Boxed(Box<Vec<u8>>),
}

impl PackedState {
    /// Keeps `packed` in place when it fits, else keeps the vector itself (no second copy).
    fn new(packed: Vec<u8>) -> PackedState {
        match u8::try_from(packed.len()) {
            Ok(len) if packed.len() <= PACKED_INLINE => {
                let mut bytes = [0; PACKED_INLINE];
                bytes[..packed.len()].copy_from_slice(&packed);
                PackedState::Inline { len, bytes }
            }
            _ => PackedState::Boxed(Box::new(packed)),
        }
    }

    /// Heap bytes held beside the 16 in place.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            PackedState::Inline { .. } => 0,
            PackedState::Boxed(bytes) => bytes.capacity() + std::mem::size_of::<Vec<u8>>(),
        }
    }

    /// What [`ConversationState::unpack`] reads.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            // `len` is at most PACKED_INLINE (set only by `new`); `get` keeps it panic-free.
            PackedState::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or(&[]),
            PackedState::Boxed(bytes) => bytes,
        }
    }
}

/// The check at the end of saved state bytes: a cut or altered state is refused, not half
/// read.
fn checksum(bytes: &[u8]) -> u32 {
    fnv1a32(bytes)
}

/// FNV-1a, 32 bits.
fn fnv1a32(bytes: &[u8]) -> u32 {
    fnv1a32_from(FNV32_OFFSET, bytes)
}

const FNV32_OFFSET: u32 = 0x811c_9dc5;

/// FNV-1a over `bytes`, continuing from `hash`.
fn fnv1a32_from(mut hash: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Appends `x` as an LEB128 varint (seven bits a byte, low first).
fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// Reads an LEB128 varint off the front of `bytes`; `None` if it is cut or overlong.
fn take_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut x = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        x |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            *bytes = &bytes[i + 1..];
            return Some(x);
        }
    }
    None
}

/// A conversation bound to a detector: push messages in order, get each one's report with
/// the context of the earlier ones applied.
///
/// ```
/// use scamscan::{Detector, Speaker, Turn, Category};
///
/// let detector = Detector::new()?;
/// let mut chat = detector.conversation();
/// chat.push(Turn { id: Some("m1"), speaker: Some(Speaker::System), text: "买家已付款" });
/// let report = chat.push(Turn { id: Some("m2"), speaker: Some(Speaker::Buyer), text: "收件人改成我表姐吧" });
/// let finding = &report.findings[0];
/// assert_eq!(finding.category, Category::AddressChangeAfterPayment);
/// assert_eq!(finding.context, vec!["m1".to_string()]);
/// # Ok::<(), scamscan::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Conversation {
    detector: Detector,
    state: ConversationState,
}

impl Conversation {
    pub(crate) fn new(detector: Detector, state: ConversationState) -> Conversation {
        Conversation { detector, state }
    }

    /// Scans the next message of the conversation.
    pub fn push(&mut self, turn: Turn<'_>) -> Report {
        self.detector.scan_turn(turn, &mut self.state)
    }

    /// The state carried so far.
    pub fn state(&self) -> &ConversationState {
        &self.state
    }

    /// The state, giving the conversation up (to keep it between messages).
    pub fn into_state(self) -> ConversationState {
        self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_signal_is_the_key_of_its_name() {
        for category in crate::Category::ALL {
            for speaker in [None, Some(Speaker::Buyer), Some(Speaker::System)] {
                assert_eq!(
                    found_signal(category, speaker),
                    SignalKey::of(&found_name(category, speaker))
                );
            }
        }
    }

    #[test]
    fn packing_keeps_everything() {
        let mut state = ConversationState::new();
        assert_eq!(
            ConversationState::unpack(state.pack("c").as_bytes(), "c"),
            state
        );
        state.seen = 41;
        for i in 0..11 {
            state.raise(SignalKey(3), &format!("m{i}-会话"));
        }
        state.raise(SignalKey(0), "");
        let packed = state.pack("会话");
        assert!(matches!(packed, PackedState::Boxed(_)));
        let packed = packed.as_bytes();
        assert_eq!(ConversationState::unpack(packed, "会话"), state);
        // Saved bytes come back whole, and any cut or changed byte is refused.
        let saved = state.to_bytes();
        assert_eq!(ConversationState::from_bytes(&saved).unwrap(), state);
        for cut in 0..saved.len() {
            assert!(
                ConversationState::from_bytes(&saved[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        for i in 0..saved.len() {
            let mut changed = saved.clone();
            changed[i] ^= 0x20;
            assert!(
                ConversationState::from_bytes(&changed).is_err(),
                "byte {i} changed"
            );
        }
        // Truncated or garbled bytes give a partial state, never a panic.
        for cut in 0..packed.len() {
            let _ = ConversationState::unpack(&packed[..cut], "会话");
        }
        let _ = ConversationState::unpack(&[0xff; 40], "");
        // A shared prefix longer than what came before is malformed, not a panic.
        assert_eq!(
            ConversationState::unpack(&[0, 1, 0, 0, 0, 1, 1, 9, 0], "c").signals,
            []
        );
        // The usual state, one signal raised once by a short id, packs small.
        let mut usual = ConversationState::new();
        usual.seen = 5;
        usual.raise(SignalKey(2), "c1-m4");
        // The id shares "c1" with its conversation: 4 bytes of signal key, 3 of other
        // numbers, 2 of front coding, 3 of suffix.
        assert_eq!(usual.pack("c1").as_bytes().len(), 12);
        assert!(matches!(usual.pack("c1"), PackedState::Inline { .. }));
        // Ids that share nothing with the key or each other still round-trip.
        usual.raise(SignalKey(2), "9f3e");
        usual.raise(SignalKey(5), "0a7b");
        let packed = usual.pack("x");
        assert_eq!(ConversationState::unpack(packed.as_bytes(), "x"), usual);
        assert_eq!(std::mem::size_of::<PackedState>(), 16);
        for x in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut bytes = Vec::new();
            put_varint(&mut bytes, x);
            let mut rest = &bytes[..];
            assert_eq!(take_varint(&mut rest), Some(x));
            assert!(rest.is_empty());
        }
    }
}
