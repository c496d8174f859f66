//! Parallel, ordered, streaming scan of large inputs.
//!
//! Records are read in chunks by a reader thread while the previous chunk is scanned. Within
//! a chunk, every record is parsed and scanned in parallel on its own; a scan reports what
//! depends on the conversation (signals raised, findings that require a signal) as
//! conditions, which a short sequential pass then resolves in input order against the
//! conversation's state. Outcomes reach the sink in input order. Conversation state lives in
//! a map bounded by [`ConversationMap::new`]'s capacity: past it the least recently used
//! conversation is forgotten, and a conversation that never raised a signal is not kept at
//! all, so memory stays flat however many conversations a log holds. The result is the same
//! as scanning the records one by one.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use crate::conversation_map::{ConversationMap, DEFAULT_MAX_CONVERSATIONS};
use crate::io::{Block, BlockItem, BlockRead, FieldMap, Record, RecordError, RecordReader};
use crate::{Detector, Error, Report};

/// How a batch scan runs. The input's field names come with its [`RecordReader`], the bound
/// on conversations with its [`ConversationMap`].
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Records per chunk (each chunk is scanned in parallel).
    pub chunk_records: usize,
    /// Stop at the first record that cannot be read.
    pub strict: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            chunk_records: 4096,
            strict: false,
        }
    }
}

/// One input record's outcome, handed to the sink in input order. The record borrows from
/// the block of input it was read in (no copy per message); a sink that keeps it calls
/// [`Record::into_owned`].
#[derive(Debug)]
pub enum Outcome<'a> {
    /// A message that was scanned.
    Scanned {
        /// The record as read.
        record: Record<'a>,
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
    let fields = reader.fields().clone();
    let (tx, rx) = mpsc::sync_channel::<std::io::Result<Block>>(2);
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
            let Block { buf, items } = block;
            let outcomes = match pool {
                Some(pool) => {
                    pool.install(|| scan_chunk(detector, &buf, items, &fields, conversations))
                }
                None => scan_chunk(detector, &buf, items, &fields, conversations),
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

/// Scans records already in memory, in parallel on the current rayon pool, and returns one
/// report per record, in order. Records of the same conversation have it applied in input
/// order, exactly as [`scan_stream`] and scanning them one by one do; a record without an id
/// is known to its conversation by its `line`.
pub fn scan_records(
    detector: &Detector,
    records: &[Record<'_>],
    conversations: &mut ConversationMap,
) -> Vec<Report> {
    let staged: Vec<Staged> = records
        .par_iter()
        .map(|record| stage(detector, record))
        .collect();
    records
        .iter()
        .zip(staged)
        .map(|(record, staged)| resolve(detector, record, staged, conversations))
        .collect()
}

/// A record scanned on its own: its report, or what still needs its conversation.
enum Staged {
    Done(Report),
    Pending(crate::engine::Outcome),
}

/// Scans a record without its conversation; only records that raised a signal or matched a
/// rule that requires one are left pending.
fn stage(detector: &Detector, record: &Record<'_>) -> Staged {
    let outcome = detector.scan_alone(record.turn());
    if record.conversation.is_some() && outcome.depends_on_conversation() {
        Staged::Pending(outcome)
    } else {
        Staged::Done(detector.finish(outcome, None, None))
    }
}

/// Applies a record's conversation to its staged scan; called in input order.
fn resolve(
    detector: &Detector,
    record: &Record<'_>,
    staged: Staged,
    conversations: &mut ConversationMap,
) -> Report {
    match staged {
        Staged::Done(report) => report,
        Staged::Pending(outcome) => {
            let key = record.conversation.as_deref().unwrap_or_default();
            let line = record.line.to_string();
            let id = record.id.as_deref().unwrap_or(&line);
            let mut state = conversations.take(key);
            let report = detector.finish(outcome, Some(id), Some(&mut state));
            conversations.put(key, state);
            report
        }
    }
}

/// Scans one block: records are parsed and staged in parallel, each on its own, then
/// resolved in input order. The result equals scanning the records one by one in order.
fn scan_chunk<'a>(
    detector: &Detector,
    buf: &'a [u8],
    items: Vec<BlockItem>,
    fields: &FieldMap,
    conversations: &mut ConversationMap,
) -> Vec<Outcome<'a>> {
    let staged: Vec<Result<(Record<'a>, Staged), RecordError>> = items
        .into_par_iter()
        .map(|item| {
            let record = item.parse(buf, fields)?;
            let staged = stage(detector, &record);
            Ok((record, staged))
        })
        .collect();
    staged
        .into_iter()
        .map(|r| match r {
            Err(e) => Outcome::Failed(e),
            Ok((record, staged)) => {
                let report = resolve(detector, &record, staged, conversations);
                Outcome::Scanned { record, report }
            }
        })
        .collect()
}
