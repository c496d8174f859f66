//! Parallel, ordered, streaming scan of large inputs.
//!
//! Records are read in chunks by a reader thread while the previous chunk is scanned. Within
//! a chunk, every record is parsed and scanned in parallel on its own; a scan reports what
//! depends on the conversation (signals raised, findings that require a signal) as
//! conditions, which a short sequential pass then resolves in input order against the
//! conversation's state. Outcomes reach the sink in input order. Conversation state lives in
//! a map bounded by [`ScanOptions::max_conversations`]: past it the least recently used
//! conversation is forgotten, and a conversation that never raised a signal is not kept at
//! all, so memory stays flat however many conversations a log holds. The result is the same
//! as scanning the records one by one.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::conversation::ConversationState;
use crate::io::{BlockItem, BlockRead, FieldMap, RecordError, RecordReader, RecordRef};
use crate::{Detector, Error, Report};

/// How a batch scan runs.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Field names of the input.
    pub fields: FieldMap,
    /// Records per chunk (each chunk is scanned in parallel).
    pub chunk_records: usize,
    /// Conversations whose state is kept; past this the least recently seen is evicted.
    pub max_conversations: usize,
    /// Stop at the first record that cannot be read.
    pub strict: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            fields: FieldMap::default(),
            chunk_records: 4096,
            max_conversations: 100_000,
            strict: false,
        }
    }
}

/// One input record's outcome, handed to the sink in input order. The record borrows from
/// the block of input it was read in (no copy per message); a sink that keeps it calls
/// [`RecordRef::into_owned`].
#[derive(Debug)]
pub enum Outcome<'a> {
    /// A message that was scanned.
    Scanned {
        /// The record as read.
        record: RecordRef<'a>,
        /// What the detector found.
        report: Report,
    },
    /// A record that could not be read.
    Failed(RecordError),
}

/// Counts of one scan. `read == scanned + errors`, always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read (blank lines are not records).
    pub read: u64,
    /// Records scanned.
    pub scanned: u64,
    /// Records in error.
    pub errors: u64,
    /// Bytes of input records.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// True when `strict` stopped the scan early.
    pub stopped_early: bool,
}

impl Summary {
    /// Adds another input's counts to this one.
    pub fn add(&mut self, other: &Summary) {
        self.read += other.read;
        self.scanned += other.scanned;
        self.errors += other.errors;
        self.bytes += other.bytes;
        self.elapsed += other.elapsed;
        self.stopped_early |= other.stopped_early;
    }

    /// Messages per second over the whole scan.
    pub fn messages_per_second(&self) -> f64 {
        self.read as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Conversation states with least-recently-used eviction.
///
/// An entry is the conversation id's 128-bit digest, the state packed into one allocation
/// (varints: about 16 bytes plus its message ids) and a last-use stamp: about 100 bytes a
/// conversation with the table's slack and the allocator's share (BENCHMARKS.md). When the map
/// grows past its capacity it forgets, in one sweep, every conversation but the most recently
/// used 90%: eviction is least-recently-used in batches, which needs no ordering structure
/// beside the map and keeps the per-message cost at a hash lookup.
#[derive(Debug, Default)]
pub struct ConversationMap {
    /// Conversation id digest -> (packed state, last use).
    map: HashMap<Digest, (Box<[u8]>, u64), BuildHasherDefault<DigestHasher>>,
    keys: DigestKeys,
    clock: u64,
    capacity: usize,
    evicted: u64,
}

/// A conversation id reduced to 128 bits. Storing the id itself would cost as much as the
/// state; two ids share a digest with probability 2^-128 per pair, and since the hash keys
/// are drawn per map, whoever writes the ids cannot steer two of them together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Digest(u64, u64);

impl Hash for Digest {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Already uniformly distributed: half of it is the table's hash.
        state.write_u64(self.0);
    }
}

/// Passes a [`Digest`]'s first half through as the table's hash.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only reached if something other than a Digest is hashed: still a valid hash.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

/// Two independently keyed SipHash instances, one per digest half.
#[derive(Debug, Default)]
struct DigestKeys(RandomState, RandomState);

impl DigestKeys {
    fn digest(&self, key: &str) -> Digest {
        Digest(self.0.hash_one(key), self.1.hash_one(key))
    }
}

impl ConversationMap {
    /// A map that keeps at most `capacity` conversations (at least one).
    pub fn new(capacity: usize) -> ConversationMap {
        ConversationMap {
            capacity: capacity.max(1),
            ..ConversationMap::default()
        }
    }

    /// A conversation's state (a new one if unknown or evicted), to be handed back with
    /// [`ConversationMap::put`]. The entry stays in place meanwhile: removing it and inserting
    /// it again would leave a tombstone per message, and tombstones made the table grow to
    /// 2.6 times its entries.
    pub fn take(&mut self, key: &str) -> ConversationState {
        self.map
            .get(&self.keys.digest(key))
            .map(|(s, _)| ConversationState::unpack(s))
            .unwrap_or_default()
    }

    /// Puts a state back as the most recently used, evicting past capacity. A state with no
    /// signal carries nothing and is not kept, so quiet conversations cost no memory.
    pub fn put(&mut self, key: &str, state: ConversationState) {
        if !state.has_signals() {
            return;
        }
        self.clock += 1;
        self.map
            .insert(self.keys.digest(key), (state.pack(), self.clock));
        if self.map.len() > self.capacity {
            let keep = (self.capacity - self.capacity.div_ceil(10)) as u64;
            let oldest_kept = self.clock.saturating_sub(keep);
            let before = self.map.len();
            // Drained and filled again rather than `retain`ed: erasing in a full table
            // leaves tombstones, and over many sweeps they made the table double (2.6 slots
            // per entry). Draining keeps the allocation and leaves no tombstone.
            let mut kept = Vec::with_capacity(keep as usize);
            kept.extend(
                self.map
                    .drain()
                    .filter(|(_, (_, stamp))| *stamp > oldest_kept),
            );
            self.map.extend(kept);
            self.evicted += (before - self.map.len()) as u64;
        }
    }

    /// Whether the state of conversation `key` is held.
    pub fn contains(&self, key: &str) -> bool {
        self.map.contains_key(&self.keys.digest(key))
    }

    /// Conversations held now.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no conversation is held.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Conversations forgotten so far because the map was full.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }
}

/// Scans a record stream and hands every outcome to `sink`, in input order.
///
/// Parallel work runs on `pool`, or on rayon's global pool when it is `None`.
/// `progress` is called after each chunk with the counts so far. An error from `sink` stops
/// the scan and is returned.
pub fn scan_stream<E>(
    detector: &Detector,
    pool: Option<&rayon::ThreadPool>,
    reader: RecordReader,
    options: &ScanOptions,
    conversations: &mut ConversationMap,
    sink: &mut dyn FnMut(Outcome<'_>) -> Result<(), E>,
    progress: &mut dyn FnMut(&Summary),
) -> Result<Result<Summary, E>, Error> {
    let started = Instant::now();
    let chunk_records = options.chunk_records.max(1);
    let (tx, rx) = mpsc::sync_channel::<std::io::Result<crate::io::read::Block>>(2);
    let mut summary = Summary::default();
    let result = std::thread::scope(|scope| {
        let mut reader = reader;
        scope.spawn(move || loop {
            let BlockRead { block, error, done } = reader.next_block(chunk_records);
            if !block.items.is_empty() && tx.send(Ok(block)).is_err() {
                return;
            }
            if let Some(e) = error {
                let _ = tx.send(Err(e));
                return;
            }
            if done {
                return;
            }
        });
        for block in rx {
            let block = block.map_err(|e| Error::input(format!("read error: {e}")))?;
            summary.bytes += block.items.iter().map(|r| r.len() as u64).sum::<u64>();
            let crate::io::read::Block { buf, items } = block;
            let outcomes = match pool {
                Some(pool) => {
                    pool.install(|| scan_chunk(detector, &buf, items, options, conversations))
                }
                None => scan_chunk(detector, &buf, items, options, conversations),
            };
            for outcome in outcomes {
                summary.read += 1;
                let failed = matches!(outcome, Outcome::Failed(_));
                if failed {
                    summary.errors += 1;
                } else {
                    summary.scanned += 1;
                }
                if let Err(e) = sink(outcome) {
                    return Ok(Err(e));
                }
                if failed && options.strict {
                    summary.stopped_early = true;
                    summary.elapsed = started.elapsed();
                    return Ok(Ok(summary.clone()));
                }
            }
            summary.elapsed = started.elapsed();
            progress(&summary);
        }
        summary.elapsed = started.elapsed();
        Ok(Ok(summary.clone()))
    });
    result
}

/// Scans one block. Records are parsed and scanned in parallel, each on its own; then, in
/// input order, the few whose outcome depends on their conversation (they raised a signal or
/// matched a rule that requires one) have their conversation applied. The result equals
/// scanning the records one by one in order.
fn scan_chunk<'a>(
    detector: &Detector,
    buf: &'a [u8],
    items: Vec<BlockItem>,
    options: &ScanOptions,
    conversations: &mut ConversationMap,
) -> Vec<Outcome<'a>> {
    enum Staged {
        Done(Report),
        Pending(crate::rules::Outcome),
    }
    let staged: Vec<Result<(RecordRef<'a>, Staged), RecordError>> = items
        .into_par_iter()
        .map(|item| {
            let record = item.parse(buf, &options.fields)?;
            let outcome = detector.scan_alone(record.turn());
            let staged = if record.conversation.is_some() && outcome.depends_on_conversation() {
                Staged::Pending(outcome)
            } else {
                Staged::Done(detector.finish(outcome, None, None))
            };
            Ok((record, staged))
        })
        .collect();
    staged
        .into_iter()
        .map(|r| match r {
            Err(e) => Outcome::Failed(e),
            Ok((record, Staged::Done(report))) => Outcome::Scanned { record, report },
            Ok((record, Staged::Pending(outcome))) => {
                let key = record.conversation.as_deref().unwrap_or_default();
                let line = record.line.to_string();
                let id = record.id.as_deref().unwrap_or(&line);
                let mut state = conversations.take(key);
                let report = detector.finish(outcome, Some(id), Some(&mut state));
                conversations.put(key, state);
                Outcome::Scanned { record, report }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_map_evicts_least_recently_used() {
        let marked = || {
            let mut s = ConversationState::new();
            s.raise(0, "m");
            s
        };
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
}
