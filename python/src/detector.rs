//! `Detector`: built once, shared by every thread; scans one message, many records, or the
//! messages of a conversation.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyList, PyTuple};
use scamscan::batch::{scan_records, ConversationMap, DEFAULT_MAX_CONVERSATIONS};
use scamscan::io::{FieldMap, Record, RecordError};
use scamscan::redact::{RedactOptions, Redaction};
use scamscan::summary::ConversationVerdicts;
use scamscan::{ConversationState, Lang, Severity, Speaker, Turn};

use crate::columns::ColumnScanner;
use crate::conversation::Conversation;
use crate::errors;
use crate::records;
use crate::report::{error_dict, output_dict, Report};

/// Records converted, scanned and turned into dicts at a time by `scan_many`: the GIL is
/// released for each chunk's scan, so other Python threads run between chunks too.
const CHUNK: usize = 4096;

/// Most threads `scan_many` starts (as the CLI's `--threads`).
const MAX_THREADS: usize = 256;

/// Finds scam patterns in Chinese customer-service chat messages.
///
/// Build one and share it: building loads and compiles the lexicons (tens of milliseconds);
/// scanning is thread-safe and releases the GIL.
///
/// lexicons: folders of ``*.toml`` lexicon files added on top of the built-in ones.
/// builtin: whether the built-in lexicons are loaded (``False``: only ``lexicons``).
/// scorer: whether the n-gram scorer adds findings where no rule fired (built-in only).
/// large_amount: findings with an amount of at least this many yuan are raised one
///     severity step (``None`` turns it off).
/// lang: ``"en"`` (default) or ``"zh-CN"``: the language of explanations and category names.
/// stance: whether findings whose speaker refuses, warns against, asks about or retells the
///     step (rather than proposing it) are silenced.
///
/// Raises ``LexiconError`` (naming file, line and rule) for a lexicon that cannot be loaded.
#[pyclass(frozen, module = "scamscan")]
pub struct Detector {
    pub(crate) inner: scamscan::Detector,
    lexicons: Vec<PathBuf>,
    builtin: bool,
    scorer: bool,
    large_amount: Option<f64>,
    stance: bool,
}

#[pymethods]
impl Detector {
    #[new]
    #[pyo3(
        signature = (lexicons = Vec::new(), builtin = true, scorer = true, large_amount = Some(1000.0), lang = None, stance = true),
        text_signature = "(lexicons=(), builtin=True, scorer=True, large_amount=1000, lang='en', stance=True)"
    )]
    fn new(
        py: Python<'_>,
        lexicons: Vec<PathBuf>,
        builtin: bool,
        scorer: bool,
        large_amount: Option<f64>,
        lang: Option<PyBackedStr>,
        stance: bool,
    ) -> PyResult<Detector> {
        let language = match lang.as_deref() {
            Some(tag) => tag.parse::<Lang>().map_err(PyValueError::new_err)?,
            None => Lang::En,
        };
        if let Some(yuan) = large_amount {
            if !(yuan.is_finite() && yuan > 0.0) {
                return Err(PyValueError::new_err(format!(
                    "large_amount must be a positive number of yuan or None, got {yuan}"
                )));
            }
        }
        let folders = lexicons.clone();
        let inner = py
            .detach(move || {
                let mut builder = scamscan::Detector::builder()
                    .scorer(scorer)
                    .large_amount(large_amount)
                    .stance(stance)
                    .language(language);
                if !builtin {
                    builder = builder.without_builtin();
                }
                for folder in &folders {
                    builder = builder.lexicon_dir(folder)?;
                }
                builder.build()
            })
            .map_err(errors::to_py)?;
        Ok(Detector {
            inner,
            lexicons,
            builtin,
            scorer,
            large_amount,
            stance,
        })
    }

    /// scan(text, speaker=None) -> Report
    ///
    /// Scans one message on its own. ``speaker`` is ``"buyer"``, ``"seller"``, ``"agent"``
    /// or ``"system"`` when known (some rules weigh who speaks).
    #[pyo3(signature = (text, speaker = None))]
    fn scan(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        speaker: Option<PyBackedStr>,
    ) -> PyResult<Report> {
        let speaker = parse_speaker(speaker.as_deref())?;
        let report = py.detach(|| {
            self.inner.scan_message(Turn {
                id: None,
                speaker,
                text: &text,
            })
        });
        Report::new(py, report, None, None)
    }

    /// scan_many(records, threads=None) -> list[dict]
    ///
    /// Scans records in parallel and returns one dict per record, in order: exactly what
    /// ``scamscan scan --all`` writes for the same records as JSON Lines, conversation context
    /// included. A record is a dict with ``text`` and optionally ``id``, ``conversation`` and
    /// ``speaker`` (other keys are ignored), or a plain string. A dict the CLI could not read
    /// (no ``text``, say) gives ``{"line": n, "error": "..."}`` in its place. ``threads``
    /// defaults to one per core. The GIL is released while records are scanned.
    #[pyo3(signature = (records, threads = None))]
    fn scan_many<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        self.scan_each(py, records, threads, |scanned| match scanned {
            Ok((record, report)) => out.append(output_dict(
                py,
                record.id.as_deref(),
                Some(record.line),
                record.conversation.as_deref(),
                report,
            )?),
            Err(e) => out.append(error_dict(py, e.line, &e.message)?),
        })?;
        Ok(out)
    }

    /// verdicts(records, threads=None) -> list[dict]
    ///
    /// One dict per conversation, in the order conversations first appear: exactly what
    /// ``scamscan scan --by-conversation`` writes for the same records (``conversation``,
    /// ``severity``, ``messages``, ``flagged``, ``categories`` in the order they appeared, the
    /// ``evidence`` chain of message ids and spans, and a one-line ``explanation`` in the
    /// detector's language). Records are read as by ``scan_many``; a record without a
    /// conversation is a conversation of its own. A record that cannot be read gives
    /// ``{"line": n, "error": "..."}`` after the verdicts.
    #[pyo3(signature = (records, threads = None))]
    fn verdicts<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let mut verdicts = ConversationVerdicts::default();
        let mut failed = Vec::new();
        self.scan_each(py, records, threads, |scanned| {
            match scanned {
                Ok((record, report)) => verdicts.add(
                    record.conversation.as_deref(),
                    record.id.as_deref(),
                    record.line,
                    report,
                ),
                Err(e) => failed.push((e.line, e.message.clone())),
            }
            Ok(())
        })?;
        let out = PyList::empty(py);
        let loads = py.import("json")?.getattr("loads")?;
        for verdict in verdicts.finish_in(self.inner.language()) {
            let json = serde_json::to_string(&verdict)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            out.append(loads.call1((json,))?)?;
        }
        for (line, message) in failed {
            out.append(error_dict(py, line, &message)?)?;
        }
        Ok(out)
    }

    /// conversation(state=None) -> Conversation
    ///
    /// A conversation: push its messages in order and each report has the context of the
    /// earlier ones. ``state`` is what ``Conversation.save()`` returned, to go on from there.
    #[pyo3(signature = (state = None))]
    fn conversation(&self, state: Option<&Bound<'_, PyBytes>>) -> PyResult<Conversation> {
        let state = match state {
            Some(bytes) => {
                ConversationState::from_bytes(bytes.as_bytes()).map_err(errors::to_py)?
            }
            None => ConversationState::new(),
        };
        Ok(Conversation::new(self.inner.resume(state)))
    }

    /// redact(text, report=None, min_severity="medium", phrases=False, keep_length=True, mask="*") -> str
    ///
    /// ``text`` with what was found masked: contact tokens (phone and QQ numbers, account ids,
    /// links) of findings at or above ``min_severity`` whole, and with ``phrases`` the evidence
    /// phrases too (whole words only). ``report`` is this text's report (scanned here when
    /// not given). ``keep_length=False`` turns each masked run into three mask characters.
    #[pyo3(signature = (text, report = None, min_severity = None, phrases = false, keep_length = true, mask = '*'))]
    // The Python signature is the API: keyword arguments, not an options object.
    #[allow(clippy::too_many_arguments)]
    fn redact(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        report: Option<PyRef<'_, Report>>,
        min_severity: Option<PyBackedStr>,
        phrases: bool,
        keep_length: bool,
        mask: char,
    ) -> PyResult<String> {
        let min_severity = match min_severity.as_deref() {
            Some(s) => s.parse::<Severity>().map_err(PyValueError::new_err)?,
            None => Severity::Medium,
        };
        let options = RedactOptions {
            min_severity,
            redaction: if phrases {
                Redaction::Phrases
            } else {
                Redaction::Contacts
            },
            keep_length,
            mask,
        };
        let given = report.as_ref().map(|r| r.inner().clone());
        Ok(py.detach(|| {
            let report = given.unwrap_or_else(|| self.inner.scan(&text));
            self.inner.redact(&text, &report, &options)
        }))
    }

    /// A scanner of column batches (the Spark integration's): keeps the state of the last
    /// conversation of a batch for the next one; `threads` as in `scan_many`.
    #[pyo3(signature = (threads = None))]
    fn _column_scanner(&self, threads: Option<usize>) -> PyResult<ColumnScanner> {
        Ok(ColumnScanner::new(
            self.inner.clone(),
            thread_pool(threads)?,
        ))
    }

    /// Version of the loaded lexicons and model (a hash): reports of the same text with the
    /// same version are the same.
    #[getter]
    fn lexicon_version(&self) -> &str {
        self.inner.lexicon_version()
    }

    /// Number of rules loaded (signal rules included).
    #[getter]
    fn rule_count(&self) -> usize {
        self.inner.rules().len()
    }

    /// Rebuilt from its arguments when unpickled (Spark ships it to workers this way); the
    /// lexicon folders must exist where it is unpickled.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let this = slf.get();
        let args = (
            this.lexicons.clone(),
            this.builtin,
            this.scorer,
            this.large_amount,
            this.inner.language().as_str(),
            this.stance,
        );
        (slf.get_type(), args).into_pyobject(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "Detector(rules={}, lexicon_version={:?})",
            self.inner.rules().len(),
            self.inner.lexicon_version()
        )
    }
}

impl Detector {
    /// Scans a chunk of read records (with the GIL released) and appends their dicts to
    /// `out`; the chunk is left empty.
    /// Reads `records` a chunk at a time, scans each chunk in parallel with the GIL released
    /// (conversations carried across chunks), and hands every record's report, or the reason
    /// it could not be read, to `sink` in input order.
    fn scan_each<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
        threads: Option<usize>,
        mut sink: impl FnMut(
            Result<(&Record<'static>, &scamscan::Report), &RecordError>,
        ) -> PyResult<()>,
    ) -> PyResult<()> {
        let pool = thread_pool(threads)?;
        let fields = FieldMap::default();
        let mut conversations = ConversationMap::new(DEFAULT_MAX_CONVERSATIONS);
        let mut chunk: Vec<Result<Record<'static>, RecordError>> = Vec::with_capacity(CHUNK);
        let mut items = records.try_iter()?.enumerate().peekable();
        while let Some((index, item)) = items.next() {
            chunk.push(records::read(&item?, index, &fields)?);
            if chunk.len() < CHUNK && items.peek().is_some() {
                continue;
            }
            let (good, failed): (Vec<_>, Vec<_>) = chunk.drain(..).partition(Result::is_ok);
            let good: Vec<Record<'static>> = good.into_iter().flatten().collect();
            let reports = py.detach(|| match pool.as_ref() {
                Some(pool) => pool.install(|| scan_records(&self.inner, &good, &mut conversations)),
                None => scan_records(&self.inner, &good, &mut conversations),
            });
            // Both lists are in input order: merged by line, each record comes in its place.
            let mut failed = failed.iter().filter_map(|r| r.as_ref().err()).peekable();
            for (record, report) in good.iter().zip(&reports) {
                while let Some(e) = failed.next_if(|e| e.line < record.line) {
                    sink(Err(e))?;
                }
                sink(Ok((record, report)))?;
            }
            for e in failed {
                sink(Err(e))?;
            }
        }
        Ok(())
    }
}

/// A speaker role from Python; unknown roles are a `ValueError` naming the known ones.
pub fn parse_speaker(speaker: Option<&str>) -> PyResult<Option<Speaker>> {
    speaker
        .map(|s| s.parse::<Speaker>().map_err(PyValueError::new_err))
        .transpose()
}

/// A pool of `threads` threads, or none (rayon's global pool, one thread per core).
pub fn thread_pool(threads: Option<usize>) -> PyResult<Option<rayon::ThreadPool>> {
    let Some(n) = threads else {
        return Ok(None);
    };
    if !(1..=MAX_THREADS).contains(&n) {
        return Err(PyValueError::new_err(format!(
            "threads must be between 1 and {MAX_THREADS}, got {n}"
        )));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("scamscan-{i}"))
        .build()
        .map(Some)
        .map_err(|e| PyValueError::new_err(format!("cannot start {n} threads: {e}")))
}
