//! The bounded map of conversation states, for the batch scan and the HTTP service.
//!
//! A log of billions of messages can hold millions of conversations, and the map must stay
//! small and flat however long the log is. So an entry is 32 bytes with no allocation of its
//! own for the usual state: a 96-bit digest of the conversation id instead of the id, a
//! 32-bit last-use stamp, and the state packed in place in 16 bytes ([`PackedState`]). Entries sit in one
//! vector; an index of `u32` slots (open addressing, linear probing, at most three quarters
//! full, sized to the entries rather than to a power of two) finds them. Eviction compacts the vector and rebuilds the index, so no tombstone is ever
//! left behind and nothing is copied into a second table.
//!
//! The service's map ([`ConversationMap::for_service`]) differs in two ways: it keeps quiet
//! conversations too, because it numbers a conversation's messages, and it forgets a
//! conversation unused for a time-to-live, keeping a last-use second per entry beside them.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, Instant};

use crate::conversation::{ConversationState, PackedState};

/// How many conversations the batch scan and the service keep by default.
pub const DEFAULT_MAX_CONVERSATIONS: usize = 100_000;

/// Conversations a map can be asked to keep: entry numbers must fit the `u32` index, and
/// last-use ages the `u32` stamps.
const MAX_CAPACITY: usize = 1 << 30;

/// Entries reserved by the first insert (10 MiB of address space at most).
const RESERVE_AT_ONCE: usize = 1 << 18;

/// The state of recently active conversations, by conversation id, bounded in size.
///
/// A conversation that never raised a signal is not kept at all, so quiet conversations
/// cost nothing. When the map grows past its capacity it forgets, in one sweep, every
/// conversation but the most recently used 90%: eviction is least-recently-used in
/// batches, which needs no ordering structure beside the map and keeps the per-message
/// cost at a hash lookup. About 40 bytes a kept conversation (BENCHMARKS.md).
#[derive(Debug, Default)]
pub struct ConversationMap {
    entries: Vec<Entry>,
    /// Per entry, the second (since `Expiry::born`) of its last `put`; empty without expiry.
    used_at: Vec<u32>,
    expiry: Option<Expiry>,
    /// Slot -> entry number + 1; 0 is an empty slot. At most three quarters full, so a
    /// probe always reaches an empty slot.
    index: Vec<u32>,
    keys: DigestKeys,
    /// Counts `put`s; wraps, and ages are taken with wrapping subtraction.
    clock: u32,
    capacity: usize,
    evicted: u64,
    /// Heap bytes of the states kept out of place (long message ids, many signals).
    boxed_bytes: usize,
    /// Most bytes the map may hold (entries, index and boxed states); `None`: no bound but
    /// the capacity.
    max_bytes: Option<usize>,
}

/// The service map's time-to-live.
#[derive(Debug)]
struct Expiry {
    born: Instant,
    ttl_secs: u64,
}

#[derive(Debug)]
struct Entry {
    /// The [`Digest`], its fields laid out beside the stamp so that the entry has no padding.
    high: u64,
    low: u32,
    /// `clock` at the last `put`.
    stamp: u32,
    state: PackedState,
}

impl Entry {
    fn digest(&self) -> Digest {
        Digest {
            high: self.high,
            low: self.low,
        }
    }
}

/// A conversation id reduced to 96 bits. Storing the id itself would cost more than the
/// state; two live ids share a digest with probability about n * 2^-96 per lookup, and
/// since the hash keys are drawn per map, whoever writes the ids cannot steer two together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Digest {
    /// Also the index's hash.
    high: u64,
    low: u32,
}

/// Two independently keyed SipHash instances, one per part of the digest.
#[derive(Debug, Default)]
struct DigestKeys(RandomState, RandomState);

impl DigestKeys {
    fn digest(&self, key: &str) -> Digest {
        Digest {
            high: self.0.hash_one(key),
            low: self.1.hash_one(key) as u32,
        }
    }
}

impl ConversationMap {
    /// A map that keeps at most `capacity` conversations (at most 2^30); 0 keeps none, so
    /// that no message has context.
    pub fn new(capacity: usize) -> ConversationMap {
        ConversationMap {
            capacity: capacity.min(MAX_CAPACITY),
            ..ConversationMap::default()
        }
    }

    /// The HTTP service's map: it keeps every conversation, quiet ones too (their message
    /// count numbers the next message), up to `capacity` conversations and `max_bytes` bytes,
    /// and forgets one unused for `ttl` (to the second).
    pub fn for_service(capacity: usize, max_bytes: usize, ttl: Duration) -> ConversationMap {
        ConversationMap {
            expiry: Some(Expiry {
                born: Instant::now(),
                ttl_secs: ttl.as_secs(),
            }),
            max_bytes: Some(max_bytes),
            ..ConversationMap::new(capacity)
        }
    }

    /// Bytes the map holds: per entry, the entry, its last-use second and its share of the
    /// index; and the states kept out of place.
    pub fn bytes(&self) -> usize {
        const PER_ENTRY: usize = std::mem::size_of::<Entry>() + 4 + 6;
        self.entries.len() * PER_ENTRY + self.boxed_bytes
    }

    /// A conversation's state (a new one if unknown, evicted or expired), to be handed back
    /// with [`ConversationMap::put`].
    pub fn take(&self, key: &str) -> ConversationState {
        self.take_at(key, self.now())
    }

    /// Puts a state back as the most recently used, evicting past capacity. The batch map
    /// does not keep a state with no signal: it carries nothing the next message needs.
    pub fn put(&mut self, key: &str, state: ConversationState) {
        self.put_at(key, state, self.now());
    }

    /// Seconds since the service map was made; 0 for the batch map, which has no clock.
    fn now(&self) -> u32 {
        self.expiry.as_ref().map_or(0, |e| {
            u32::try_from(e.born.elapsed().as_secs()).unwrap_or(u32::MAX)
        })
    }

    /// Whether an entry last used at second `used` has outlived the time-to-live at `now`.
    fn expired(&self, used: u32, now: u32) -> bool {
        self.expiry
            .as_ref()
            .is_some_and(|e| u64::from(now.saturating_sub(used)) > e.ttl_secs)
    }

    fn take_at(&self, key: &str, now: u32) -> ConversationState {
        match self.find(self.keys.digest(key)) {
            Ok(at) if !self.expired(self.used_at.get(at).copied().unwrap_or(now), now) => {
                ConversationState::unpack(self.entries[at].state.as_bytes(), key)
            }
            _ => ConversationState::new(),
        }
    }

    fn put_at(&mut self, key: &str, state: ConversationState, now: u32) {
        if self.capacity == 0 || (self.expiry.is_none() && !state.has_signals()) {
            return;
        }
        self.clock = self.clock.wrapping_add(1);
        let digest = self.keys.digest(key);
        let state = state.pack(key);
        self.boxed_bytes += state.heap_bytes();
        match self.find(digest) {
            Ok(at) => {
                let entry = &mut self.entries[at];
                entry.stamp = self.clock;
                self.boxed_bytes -= entry.state.heap_bytes();
                entry.state = state;
                if let Some(used) = self.used_at.get_mut(at) {
                    *used = now;
                }
                return;
            }
            Err(slot) if (self.entries.len() + 1) * 4 <= self.index.len() * 3 => {
                self.push(slot, digest, state, now);
            }
            Err(_) => {
                self.push_unindexed(digest, state, now);
                self.reindex();
            }
        }
        if self.entries.len() > self.capacity || self.over_bytes() {
            self.evict(now);
        }
    }

    fn over_bytes(&self) -> bool {
        self.max_bytes.is_some_and(|max| self.bytes() > max)
    }

    /// Whether the state of conversation `key` is held.
    pub fn contains(&self, key: &str) -> bool {
        self.find(self.keys.digest(key)).is_ok()
    }

    /// Conversations held now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no conversation is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Conversations forgotten so far because the map was full.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The entry holding `digest`, or the empty slot where it would go.
    fn find(&self, digest: Digest) -> Result<usize, usize> {
        if self.index.is_empty() {
            return Err(0);
        }
        let slot = probe(&self.index, digest.high, |n| {
            self.entries[n as usize - 1].digest() == digest
        });
        match self.index[slot] {
            0 => Err(slot),
            n => Ok(n as usize - 1),
        }
    }

    fn push(&mut self, slot: usize, digest: Digest, state: PackedState, now: u32) {
        self.push_unindexed(digest, state, now);
        // Entry numbers stay below MAX_CAPACITY + 1, far below u32::MAX.
        self.index[slot] = self.entries.len() as u32;
    }

    /// Appends an entry. The first one reserves room for the whole capacity (up to
    /// [`RESERVE_AT_ONCE`] entries): the vector then never grows by copying, which would
    /// hold the old and the new copy at once, and pages not yet written cost no memory.
    /// Past that it grows by at most what the capacity allows.
    fn push_unindexed(&mut self, digest: Digest, state: PackedState, now: u32) {
        if self.expiry.is_some() {
            self.used_at.push(now);
        }
        if self.entries.len() == self.entries.capacity() {
            let room = self.capacity + 1 - self.entries.len().min(self.capacity);
            let step = match self.entries.len() {
                0 => RESERVE_AT_ONCE,
                len => len,
            };
            self.entries.reserve_exact(step.min(room.max(1)));
        }
        self.entries.push(Entry {
            high: digest.high,
            low: digest.low,
            stamp: self.clock,
            state,
        });
    }

    /// Rebuilds the index for the current entries, two thirds full: room for half as many
    /// again before the next rebuild.
    fn reindex(&mut self) {
        let slots = (self.entries.len() * 3 / 2).max(32);
        // Freed before the new one is made: no moment holds both.
        self.index = Vec::new();
        let mut index = vec![0; slots];
        for (n, entry) in self.entries.iter().enumerate() {
            // Digests are distinct, so only an empty slot stops the probe.
            let slot = probe(&index, entry.high, |_| false);
            // n < entries.len() <= MAX_CAPACITY + 1: fits u32.
            index[slot] = n as u32 + 1;
        }
        self.index = index;
    }

    /// Forgets the expired conversations; if that is not enough, every conversation but the
    /// most recently used 90% of the capacity.
    fn evict(&mut self, now: u32) {
        if self.expiry.is_some() {
            self.retain(|map, _, used| !map.expired(used, now));
        }
        if self.entries.len() > self.capacity {
            let keep = (self.capacity - self.capacity.div_ceil(10)) as u32;
            let clock = self.clock;
            // Stamps are distinct and every live one is younger than capacity + 1 puts
            // (older ones were evicted by an earlier sweep), so wrapping ages are exact.
            self.retain(|_, e, _| clock.wrapping_sub(e.stamp) < keep);
        }
        // Over the byte bound: forget the least recently used tenth, again until under it.
        while self.over_bytes() && !self.entries.is_empty() {
            let keep = self.entries.len() - self.entries.len().div_ceil(10);
            let clock = self.clock;
            let mut ages: Vec<u32> = self
                .entries
                .iter()
                .map(|e| clock.wrapping_sub(e.stamp))
                .collect();
            // Ages are distinct (so are stamps): those below the keep-th are the youngest.
            let limit = *ages.select_nth_unstable(keep).1;
            self.retain(|_, e, _| clock.wrapping_sub(e.stamp) < limit);
        }
        self.reindex();
    }

    /// Keeps the entries for which `keep(map, entry, last-use second)` holds, in order,
    /// compacting in place (with their last-use seconds).
    fn retain(&mut self, keep: impl Fn(&ConversationMap, &Entry, u32) -> bool) {
        let before = self.entries.len();
        let mut kept = 0;
        for n in 0..before {
            if keep(
                self,
                &self.entries[n],
                self.used_at.get(n).copied().unwrap_or(0),
            ) {
                self.entries.swap(kept, n);
                if !self.used_at.is_empty() {
                    self.used_at.swap(kept, n);
                }
                kept += 1;
            }
        }
        self.boxed_bytes -= self.entries[kept..]
            .iter()
            .map(|e| e.state.heap_bytes())
            .sum::<usize>();
        self.entries.truncate(kept);
        self.used_at.truncate(kept);
        self.evicted += (before - kept) as u64;
    }
}

/// Linear probing from `hash`'s home slot in a non-empty `index`: the first slot that is empty
/// or whose entry number `is_it` accepts. The index is at most three quarters full, so the
/// probe always meets an empty slot.
fn probe(index: &[u32], hash: u64, mut is_it: impl FnMut(u32) -> bool) -> usize {
    let mut slot = home_slot(hash, index.len());
    loop {
        match index[slot] {
            0 => return slot,
            n if is_it(n) => return slot,
            _ => slot = next_slot(slot, index.len()),
        }
    }
}

/// Where a probe for `hash` starts in an index of `slots` slots: the high bits of
/// `hash * slots`, which spreads a uniform hash over any length, not only powers of two.
fn home_slot(hash: u64, slots: usize) -> usize {
    ((u128::from(hash) * slots as u128) >> 64) as usize
}

fn next_slot(slot: usize, slots: usize) -> usize {
    if slot + 1 == slots {
        0
    } else {
        slot + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::SignalKey;

    fn marked() -> ConversationState {
        let mut s = ConversationState::new();
        s.raise(SignalKey::of("m"), "m");
        s
    }

    #[test]
    fn evicts_least_recently_used() {
        let mut m = ConversationMap::new(10);
        for k in 0..10 {
            m.put(&format!("k{k}"), marked());
        }
        let k0 = m.take("k0");
        m.put("k0", k0);
        m.put("quiet", ConversationState::new());
        assert_eq!(m.len(), 10);
        m.put("new", marked());
        // Over capacity: everything but the 9 most recently used is forgotten.
        assert_eq!(m.len(), 9);
        assert_eq!(m.evicted(), 2);
        assert!(m.contains("k0") && m.contains("new"));
        assert!(!m.contains("k1") && !m.contains("k2"));
    }

    #[test]
    fn keeps_states_through_growth_and_sweeps() {
        let mut m = ConversationMap::new(1000);
        for k in 0..5000u32 {
            let mut s = m.take(&format!("c{}", k % 1500));
            s.raise(
                SignalKey::of(&(k % 7).to_string()),
                &format!("c{}-m{k}", k % 1500),
            );
            m.put(&format!("c{}", k % 1500), s);
            assert!(m.len() <= 1000);
            // The index stays at most three quarters full.
            assert!(m.len() * 4 <= m.index.len() * 3);
        }
        // The last 900 distinct conversations put are all still there, with their states.
        for k in 4100..5000u32 {
            let s = m.take(&format!("c{}", k % 1500));
            assert!(
                s.signal(SignalKey::of(&(k % 7).to_string())).is_some(),
                "c{} lost",
                k % 1500
            );
        }
        assert_eq!(std::mem::size_of::<Entry>(), 32);
    }

    #[test]
    fn service_map_keeps_quiet_conversations_and_forgets_expired_ones() {
        let mut m = ConversationMap::for_service(4, 1 << 20, Duration::from_secs(10));
        let mut quiet = ConversationState::new();
        quiet.seen = 3;
        m.put_at("quiet", quiet, 0);
        assert_eq!(m.take_at("quiet", 10).messages(), 3);
        // Unused for more than the time-to-live: a new conversation, though still held.
        assert_eq!(m.take_at("quiet", 11).messages(), 0);
        m.put_at("a", marked(), 5);
        m.put_at("b", marked(), 12);
        m.put_at("c", marked(), 13);
        assert_eq!(m.len(), 4);
        // Over capacity: the expired one goes first, and that is enough.
        m.put_at("d", marked(), 14);
        assert_eq!(m.len(), 4);
        assert_eq!(m.evicted(), 1);
        assert!(!m.contains("quiet"));
        for k in ["a", "b", "c", "d"] {
            assert!(m.take_at(k, 14).has_signals(), "{k} lost");
        }
        // Nothing expired: the least recently used go, as in the batch map.
        m.put_at("e", marked(), 15);
        assert_eq!(m.len(), 3);
        assert!(m.contains("d") && m.contains("e") && !m.contains("a"));
        assert_eq!(m.used_at.len(), m.len());
    }

    /// Long message ids make states that live out of place; the map counts their bytes and
    /// forgets the least recently used conversations past its byte bound, whatever the count.
    #[test]
    fn the_service_map_is_bounded_in_bytes() {
        let long_id = "x".repeat(4000);
        let mut m = ConversationMap::for_service(100_000, 64 << 10, Duration::from_secs(100));
        for i in 0..200 {
            let mut state = ConversationState::new();
            state.raise(SignalKey::of("paid"), &format!("{long_id}{i}"));
            m.put_at(&format!("c{i}"), state, 1);
            assert!(m.bytes() <= 64 << 10, "{} bytes after {i}", m.bytes());
        }
        assert!(m.len() < 200 && m.evicted() > 0);
        assert!(m.contains("c199"), "the latest conversation is kept");
        assert_eq!(
            m.boxed_bytes,
            m.entries
                .iter()
                .map(|e| e.state.heap_bytes())
                .sum::<usize>()
        );
    }

    /// A capacity of 0 keeps nothing: every message stands alone.
    #[test]
    fn capacity_zero_keeps_no_context() {
        for mut m in [
            ConversationMap::new(0),
            ConversationMap::for_service(0, 1 << 20, Duration::from_secs(10)),
        ] {
            m.put_at("c", marked(), 1);
            assert!(m.is_empty() && !m.take_at("c", 1).has_signals());
        }
    }
}
