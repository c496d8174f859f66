//! Precision and recall on labeled files (`EVAL-FORMAT.md`).
//!
//! A scam message (non-empty `labels`) is caught when the detector reports a finding of
//! severity `medium` or above whose category is among its labels. A message with `labels: []`
//! is a false positive when any finding reaches `medium`. Messages that share a
//! `conversation` are scanned in file order with their context.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::Path;

use crate::conversation::ConversationState;
use crate::io::{FieldMap, InputFormat, Record, RecordReader};
use crate::{Category, Detector, Error, Report, Severity};

/// One message that was scored.
#[derive(Clone, Debug)]
pub struct Scored {
    /// The labeled record.
    pub record: Record<'static>,
    /// The expected categories.
    pub labels: Vec<Category>,
    /// What the detector said.
    pub report: Report,
    /// Categories reported at `medium` or above.
    pub reported: Vec<Category>,
}

impl Scored {
    /// A scam message with a reported category among its labels.
    pub fn caught(&self) -> bool {
        self.reported.iter().any(|c| self.labels.contains(c))
    }

    /// A benign message with any finding at `medium` or above.
    pub fn false_positive(&self) -> bool {
        self.labels.is_empty() && !self.reported.is_empty()
    }

    fn note_starts(&self, prefix: &str) -> bool {
        self.record
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with(prefix))
    }
}

/// Recall over some scam messages and false-positive rate over some benign ones.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    /// Scam messages caught.
    pub caught: usize,
    /// Scam messages.
    pub scams: usize,
    /// Benign messages flagged at `medium` or above.
    pub false_positives: usize,
    /// Benign messages.
    pub benign: usize,
}

impl Rates {
    /// caught / scams (1 when there are none).
    pub fn recall(&self) -> f64 {
        if self.scams == 0 {
            1.0
        } else {
            self.caught as f64 / self.scams as f64
        }
    }

    /// false positives / benign (0 when there are none).
    pub fn false_positive_rate(&self) -> f64 {
        if self.benign == 0 {
            0.0
        } else {
            self.false_positives as f64 / self.benign as f64
        }
    }

    fn add(&mut self, s: &Scored) {
        if s.labels.is_empty() {
            self.benign += 1;
            self.false_positives += usize::from(s.false_positive());
        } else {
            self.scams += 1;
            self.caught += usize::from(s.caught());
        }
    }
}

/// Counts of several files (or parts) summed.
impl std::ops::AddAssign for Rates {
    fn add_assign(&mut self, other: Rates) {
        self.caught += other.caught;
        self.scams += other.scams;
        self.false_positives += other.false_positives;
        self.benign += other.benign;
    }
}

/// `recall 0.900 (9/10)   false-positive rate 0.050 (1/20)`, as `scamscan eval` prints it.
impl std::fmt::Display for Rates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "recall {:.3} ({}/{})   false-positive rate {:.3} ({}/{})",
            self.recall(),
            self.caught,
            self.scams,
            self.false_positive_rate(),
            self.false_positives,
            self.benign
        )
    }
}

/// The scores of a labeled file.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// Every message, in file order.
    pub messages: Vec<Scored>,
    /// Over all messages.
    pub overall: Rates,
    /// Per category: recall over the messages carrying that label, caught as
    /// `EVAL-FORMAT.md` defines it (any of the message's labels reported).
    pub per_category: BTreeMap<Category, Rates>,
    /// Per category, stricter: that very category reported.
    pub per_category_exact: BTreeMap<Category, Rates>,
    /// Messages whose note starts with `evasion:`.
    pub evasions: Rates,
    /// Messages whose note starts with `hard-negative:`.
    pub hard_negatives: Rates,
    /// Messages that belong to a conversation.
    pub conversations: Rates,
    /// Records that could not be read or carry unknown labels: (line, message).
    pub errors: Vec<(u64, String)>,
}

/// Scores a labeled JSON Lines file.
pub fn evaluate_file(detector: &Detector, path: &Path) -> Result<Evaluation, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let fields = FieldMap::default();
    let mut reader = RecordReader::new(Box::new(file), InputFormat::Jsonl, &fields, 16 << 20);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    while let Some(record) = reader.next_record().map_err(|e| Error::io(path, e))? {
        match record {
            Ok(r) => records.push(r),
            Err(e) => errors.push((e.line, e.message)),
        }
    }
    let mut evaluation = evaluate(detector, records);
    evaluation.errors.extend(errors);
    evaluation.errors.sort();
    Ok(evaluation)
}

/// Scores labeled records (in conversation order).
pub fn evaluate(detector: &Detector, records: Vec<Record<'static>>) -> Evaluation {
    let mut eval = Evaluation::default();
    let mut states: HashMap<String, ConversationState> = HashMap::new();
    for record in records {
        let mut labels = Vec::new();
        for label in record.labels.iter().flatten() {
            match label.parse::<Category>() {
                Ok(c) => labels.push(c),
                Err(e) => eval
                    .errors
                    .push((record.line, format!("field `labels`: {e}"))),
            }
        }
        let turn = record.turn();
        let report = match &record.conversation {
            Some(c) => detector.scan_turn(turn, states.entry(c.to_string()).or_default()),
            None => detector.scan(&record.text),
        };
        let reported = report.categories_at(Severity::Medium);
        let scored = Scored {
            record,
            labels,
            report,
            reported,
        };
        eval.overall.add(&scored);
        for c in &scored.labels {
            let rates = eval.per_category.entry(*c).or_default();
            rates.scams += 1;
            rates.caught += usize::from(scored.caught());
            let exact = eval.per_category_exact.entry(*c).or_default();
            exact.scams += 1;
            exact.caught += usize::from(scored.reported.contains(c));
        }
        if scored.note_starts("evasion:") {
            eval.evasions.add(&scored);
        }
        if scored.note_starts("hard-negative:") {
            eval.hard_negatives.add(&scored);
        }
        if scored.record.conversation.is_some() {
            eval.conversations.add(&scored);
        }
        eval.messages.push(scored);
    }
    eval
}
