//! The two passes over the logs that make an [`Evidence`].

use rayon::ThreadPool;

use super::{Evidence, EvidenceCollector};
use crate::batch::{self, ConversationMap, Outcome, ScanOptions, Summary};
use crate::io::RecordReader;
use crate::{Detector, Error};

/// One input of the report: its name, and how to read it from the start (it is read twice).
pub struct Source<'a> {
    /// The name shown in the report.
    pub name: String,
    /// Opens a fresh reader over the input.
    pub open: Box<dyn Fn() -> std::io::Result<RecordReader> + 'a>,
}

/// What [`collect`] made: the evidence, and the first pass's counts.
#[derive(Debug)]
pub struct Collected {
    /// Everything the report shows.
    pub evidence: Evidence,
    /// Records read, scanned and in error over all inputs.
    pub summary: Summary,
}

/// Scans every input (in parallel on `pool`, or rayon's global pool) keeping only the
/// findings and which conversations have one, then reads the inputs again for those
/// conversations' messages. Each input's conversations are kept, `max_conversations` at a
/// time, as `scamscan scan` keeps them.
pub fn collect(
    detector: &Detector,
    pool: Option<&ThreadPool>,
    sources: &[Source<'_>],
    options: &ScanOptions,
    max_conversations: usize,
) -> Result<Collected, Error> {
    let names = sources.iter().map(|s| s.name.clone()).collect();
    let mut collector = EvidenceCollector::new(names);
    collector.detector_facts(detector.lexicon_version(), detector.large_amount());
    let mut summary = Summary::default();
    for (index, source) in sources.iter().enumerate() {
        let mut conversations = ConversationMap::new(max_conversations);
        let mut sink = |outcome: Outcome| -> Result<(), std::convert::Infallible> {
            match outcome {
                Outcome::Scanned { record, report } => collector.scanned(index, &record, report),
                Outcome::Failed(e) => collector.failed(index, &e),
            }
            Ok(())
        };
        let reader = open(source)?;
        let Ok(counts) = batch::scan_stream(
            detector,
            pool,
            reader,
            options,
            &mut conversations,
            &mut sink,
            &mut |_| {},
        )
        .map_err(|e| Error::input(format!("{}: {e}", source.name)))?;
        summary.add(&counts);
    }
    if !collector.nothing_flagged() {
        for (index, source) in sources.iter().enumerate() {
            let mut reader = open(source)?;
            while let Some(record) = reader
                .next_record()
                .map_err(|e| Error::input(format!("{}: reading again: {e}", source.name)))?
            {
                if let Ok(record) = record {
                    collector.reread(index, record);
                }
            }
        }
    }
    Ok(Collected {
        evidence: collector.finish(),
        summary,
    })
}

fn open(source: &Source<'_>) -> Result<RecordReader, Error> {
    (source.open)().map_err(|e| Error::input(format!("{}: {e}", source.name)))
}
