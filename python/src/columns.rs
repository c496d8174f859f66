//! Column batches, as a DataFrame holds them (Spark's Arrow batches): texts, speakers, ids
//! and conversations in, severities and findings out as flat columns that become Arrow
//! arrays without a Python object per finding field.
//!
//! Rows of a conversation are expected together and in order (the Spark integration sorts
//! them so); the state of a batch's last conversation is carried to the next batch, every
//! other one is dropped with its batch.

use std::borrow::Cow;
use std::sync::Mutex;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyDict;
use scamscan::batch::{scan_records, ConversationMap, DEFAULT_MAX_CONVERSATIONS};
use scamscan::io::Record;
use scamscan::{ConversationState, Report};

/// Scans column batches one after another (see the module's documentation).
#[pyclass(frozen, module = "scamscan")]
pub struct ColumnScanner {
    detector: scamscan::Detector,
    pool: Option<rayon::ThreadPool>,
    carried: Mutex<Carried>,
}

/// What one batch leaves to the next.
#[derive(Default)]
struct Carried {
    /// Rows scanned so far: numbers the rows that have no id.
    rows: u64,
    /// The last conversation of the previous batch and its state.
    conversation: Option<(String, ConversationState)>,
}

impl ColumnScanner {
    pub fn new(detector: scamscan::Detector, pool: Option<rayon::ThreadPool>) -> ColumnScanner {
        ColumnScanner {
            detector,
            pool,
            carried: Mutex::default(),
        }
    }
}

type Column = Option<Vec<Option<PyBackedStr>>>;

#[pymethods]
impl ColumnScanner {
    /// scan(texts, speakers=None, ids=None, conversations=None) -> dict
    ///
    /// One batch: equal-length lists (``None`` for a null cell). Returns ``severity`` (one
    /// per row, ``None`` where the text is null), ``offsets`` (row i's findings are
    /// ``offsets[i]:offsets[i+1]``, ``None`` where the text is null) and one list per
    /// finding field.
    #[pyo3(signature = (texts, speakers = None, ids = None, conversations = None))]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Option<PyBackedStr>>,
        speakers: Column,
        ids: Column,
        conversations: Column,
    ) -> PyResult<Bound<'py, PyDict>> {
        let n = texts.len();
        for (name, column) in [
            ("speakers", &speakers),
            ("ids", &ids),
            ("conversations", &conversations),
        ] {
            if let Some(column) = column {
                if column.len() != n {
                    return Err(PyValueError::new_err(format!(
                        "{name} has {} rows, texts has {n}",
                        column.len()
                    )));
                }
            }
        }
        let reports = py.detach(|| -> PyResult<Vec<Option<Report>>> {
            let mut carried = self
                .carried
                .lock()
                .map_err(|_| PyRuntimeError::new_err("scanner poisoned by an earlier panic"))?;
            let first_row = carried.rows;
            carried.rows += n as u64;
            let records: Vec<Record<'_>> = texts
                .iter()
                .enumerate()
                .filter_map(|(i, text)| {
                    Some(Record {
                        line: first_row + i as u64 + 1,
                        id: cell(&ids, i),
                        conversation: cell(&conversations, i),
                        speaker: cell(&speakers, i),
                        text: Cow::Borrowed(text.as_deref()?),
                        ..Record::default()
                    })
                })
                .collect();
            let mut map = ConversationMap::new(DEFAULT_MAX_CONVERSATIONS);
            if let Some((key, state)) = carried.conversation.take() {
                map.put(&key, state);
            }
            let mut scanned = match &self.pool {
                Some(pool) => pool.install(|| scan_records(&self.detector, &records, &mut map)),
                None => scan_records(&self.detector, &records, &mut map),
            }
            .into_iter();
            if let Some(key) = records.last().and_then(|r| r.conversation.as_deref()) {
                carried.conversation = Some((key.to_string(), map.take(key)));
            }
            Ok(texts
                .iter()
                .map(|t| t.as_ref().and_then(|_| scanned.next()))
                .collect())
        })?;
        columns(py, &reports)
    }
}

/// Row `i` of an optional column.
fn cell(column: &Column, i: usize) -> Option<Cow<'_, str>> {
    column
        .as_ref()
        .and_then(|c| c.get(i))
        .and_then(|cell| cell.as_deref())
        .map(Cow::Borrowed)
}

/// The reports as flat columns (see `ColumnScanner::scan`).
fn columns<'py>(py: Python<'py>, reports: &[Option<Report>]) -> PyResult<Bound<'py, PyDict>> {
    let mut severity = Vec::with_capacity(reports.len());
    let mut offsets: Vec<Option<usize>> = Vec::with_capacity(reports.len() + 1);
    let mut total = 0usize;
    let findings: Vec<&scamscan::Finding> =
        reports.iter().flatten().flat_map(|r| &r.findings).collect();
    for report in reports {
        severity.push(report.as_ref().map(|r| r.severity.as_str()));
        offsets.push(report.as_ref().map(|_| total));
        total += report.as_ref().map_or(0, |r| r.findings.len());
    }
    offsets.push(Some(total));
    let d = PyDict::new(py);
    d.set_item("severity", severity)?;
    d.set_item("offsets", offsets)?;
    macro_rules! field {
        ($name:literal, $f:expr) => {
            d.set_item($name, findings.iter().map($f).collect::<Vec<_>>())?
        };
    }
    field!("category", |f| f.category.as_str());
    field!("category_name", |f| f.category_name.as_ref());
    field!("finding_severity", |f| f.severity.as_str());
    field!("rule", |f| f.rule.as_str());
    field!("start", |f| f.start);
    field!("end", |f| f.end);
    field!("char_start", |f| f.char_start);
    field!("char_end", |f| f.char_end);
    field!("matched", |f| f.matched.as_str());
    field!("explanation", |f| f.explanation.as_str());
    field!("amount", |f| f.amount);
    field!("confidence", |f| crate::report::confidence(f));
    field!("context", |f| f.context.clone());
    field!("normalized", |f| f.normalized.clone());
    Ok(d)
}
