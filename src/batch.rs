//! Parallel, ordered, streaming scan of large inputs.
//!
//! Records are read in chunks by a reader thread while the previous chunk is scanned. Within
//! a chunk, records are parsed in parallel, grouped by conversation (each conversation's
//! messages are scanned in order, different conversations in parallel), and handed to the
//! sink in input order. Conversation state lives in a map bounded by
//! [`ScanOptions::max_conversations`]: past it the least recently seen conversation is
//! forgotten, so memory stays flat however many conversations a log holds. The result is
//! the same as scanning the records one by one.

use std::collections::{HashMap, VecDeque};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::conversation::{ConversationState, Speaker, Turn};
use crate::io::{FieldMap, RawRecord, Record, RecordError, RecordReader};
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

/// One input record's outcome, handed to the sink in input order.
#[derive(Debug)]
pub enum Outcome {
    /// A message that was scanned.
    Scanned {
        /// The record as read.
        record: Record,
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
#[derive(Debug, Default)]
pub struct ConversationMap {
    map: HashMap<String, (ConversationState, u64)>,
    order: VecDeque<(String, u64)>,
    clock: u64,
    capacity: usize,
    evicted: u64,
}

impl ConversationMap {
    /// A map that keeps at most `capacity` conversations (at least one).
    pub fn new(capacity: usize) -> ConversationMap {
        ConversationMap {
            capacity: capacity.max(1),
            ..ConversationMap::default()
        }
    }

    /// Takes a conversation's state out (a new one if unknown or evicted).
    pub fn take(&mut self, key: &str) -> ConversationState {
        self.map.remove(key).map(|(s, _)| s).unwrap_or_default()
    }

    /// Puts a state back as the most recently used, evicting past capacity. A state with no
    /// signal carries nothing and is not kept, so quiet conversations cost no memory.
    pub fn put(&mut self, key: String, state: ConversationState) {
        if !state.has_signals() {
            return;
        }
        self.clock += 1;
        self.order.push_back((key.clone(), self.clock));
        self.map.insert(key, (state, self.clock));
        while self.map.len() > self.capacity {
            let Some((k, stamp)) = self.order.pop_front() else {
                break;
            };
            if self.map.get(&k).is_some_and(|(_, s)| *s == stamp) {
                self.map.remove(&k);
                self.evicted += 1;
            }
        }
        if self.order.len() > 2 * self.map.len() + 1024 {
            let map = &self.map;
            self.order
                .retain(|(k, stamp)| map.get(k).is_some_and(|(_, s)| s == stamp));
        }
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
    sink: &mut dyn FnMut(Outcome) -> Result<(), E>,
    progress: &mut dyn FnMut(&Summary),
) -> Result<Result<Summary, E>, Error> {
    let started = Instant::now();
    let chunk_records = options.chunk_records.max(1);
    let (tx, rx) = mpsc::sync_channel::<std::io::Result<Vec<RawRecord>>>(2);
    let mut summary = Summary::default();
    let result = std::thread::scope(|scope| {
        let mut reader = reader;
        scope.spawn(move || loop {
            let mut chunk = Vec::with_capacity(chunk_records);
            let mut failed = None;
            while chunk.len() < chunk_records {
                match reader.next_raw() {
                    Ok(Some(raw)) => chunk.push(raw),
                    Ok(None) => break,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            let last = chunk.len() < chunk_records || failed.is_some();
            if !chunk.is_empty() && tx.send(Ok(chunk)).is_err() {
                return;
            }
            if let Some(e) = failed {
                let _ = tx.send(Err(e));
                return;
            }
            if last {
                return;
            }
        });
        for chunk in rx {
            let chunk = chunk.map_err(|e| Error::input(format!("read error: {e}")))?;
            summary.bytes += chunk.iter().map(|r| r.len() as u64).sum::<u64>();
            let outcomes = match pool {
                Some(pool) => pool.install(|| scan_chunk(detector, chunk, options, conversations)),
                None => scan_chunk(detector, chunk, options, conversations),
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

/// Scans one chunk: parse in parallel, group by conversation, scan groups in parallel.
fn scan_chunk(
    detector: &Detector,
    chunk: Vec<RawRecord>,
    options: &ScanOptions,
    conversations: &mut ConversationMap,
) -> Vec<Outcome> {
    let parsed: Vec<Result<Record, RecordError>> = chunk
        .into_par_iter()
        .map(|raw| raw.parse(&options.fields))
        .collect();

    // Group record indexes by conversation, in order of first appearance.
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    for (i, r) in parsed.iter().enumerate() {
        let Ok(record) = r else { continue };
        match record.conversation.as_deref() {
            Some(key) => {
                let g = *group_of.entry(key).or_insert_with(|| {
                    groups.push((Some(key.to_string()), Vec::new()));
                    groups.len() - 1
                });
                groups[g].1.push(i);
            }
            None => groups.push((None, vec![i])),
        }
    }
    let mut work: Vec<(Option<String>, Option<ConversationState>, Vec<usize>)> = groups
        .into_iter()
        .map(|(key, idx)| {
            let state = key.as_deref().map(|k| conversations.take(k));
            (key, state, idx)
        })
        .collect();

    let results: Vec<Vec<(usize, Report)>> = work
        .par_iter_mut()
        .map(|(_, state, indexes)| {
            indexes
                .iter()
                .map(|&i| {
                    // Grouping only took records that parsed.
                    let Ok(record) = &parsed[i] else {
                        return (i, Report::default());
                    };
                    let fallback_id;
                    let id = match &record.id {
                        Some(id) => id.as_str(),
                        None => {
                            fallback_id = record.line.to_string();
                            fallback_id.as_str()
                        }
                    };
                    let turn = Turn {
                        id: Some(id),
                        speaker: record
                            .speaker
                            .as_deref()
                            .and_then(|s| s.parse::<Speaker>().ok()),
                        text: &record.text,
                    };
                    let report = match state {
                        Some(state) => detector.scan_turn(turn, state),
                        None => detector.scan_turn(turn, &mut ConversationState::new()),
                    };
                    (i, report)
                })
                .collect()
        })
        .collect();

    for (key, state, _) in work {
        if let (Some(key), Some(state)) = (key, state) {
            conversations.put(key, state);
        }
    }
    let mut reports: Vec<Option<Report>> = (0..parsed.len()).map(|_| None).collect();
    for (i, report) in results.into_iter().flatten() {
        reports[i] = Some(report);
    }
    parsed
        .into_iter()
        .zip(reports)
        .map(|(r, report)| match r {
            Ok(record) => Outcome::Scanned {
                record,
                report: report.unwrap_or_default(),
            },
            Err(e) => Outcome::Failed(e),
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
        let mut m = ConversationMap::new(2);
        m.put("a".into(), marked());
        m.put("b".into(), marked());
        let a = m.take("a");
        m.put("a".into(), a);
        m.put("c".into(), marked());
        m.put("quiet".into(), ConversationState::new());
        assert_eq!(m.len(), 2);
        assert_eq!(m.evicted(), 1);
        assert!(m.map.contains_key("a") && m.map.contains_key("c"));
    }
}
