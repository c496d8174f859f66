//! `Conversation`: a chat's messages scanned in order, each with the context of the earlier
//! ones; its state saved as bytes between messages.

use std::sync::Mutex;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyBytes;
use scamscan::Turn;

use crate::detector::parse_speaker;
use crate::report::Report;

/// A conversation: ``push`` its messages in order; a payment confirmed earlier turns a later
/// address change into ``address_change_after_payment``.
///
/// ``save()`` gives the state as bytes (a bot keeps them in Redis between messages);
/// ``Detector.conversation(state)`` goes on from them. Safe to share between threads: pushes
/// are applied one at a time.
#[pyclass(frozen, module = "scamscan")]
pub struct Conversation {
    inner: Mutex<scamscan::Conversation>,
}

impl Conversation {
    pub fn new(inner: scamscan::Conversation) -> Conversation {
        Conversation {
            inner: Mutex::new(inner),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut scamscan::Conversation) -> T) -> PyResult<T> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("conversation poisoned by an earlier panic"))?;
        Ok(f(&mut guard))
    }
}

#[pymethods]
impl Conversation {
    /// push(text, speaker=None, id=None) -> Report
    ///
    /// Scans the conversation's next message. ``id`` names it in later findings' ``context``
    /// (messages without one are numbered from 1).
    #[pyo3(signature = (text, speaker = None, id = None))]
    fn push(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        speaker: Option<PyBackedStr>,
        id: Option<PyBackedStr>,
    ) -> PyResult<Report> {
        let speaker = parse_speaker(speaker.as_deref())?;
        // The lock is taken with the GIL released, so a thread waiting for it never holds
        // the GIL the pushing thread needs to return.
        let report = py.detach(|| {
            self.with(|chat| {
                chat.push(Turn {
                    id: id.as_deref(),
                    speaker,
                    text: &text,
                })
            })
        })?;
        Report::new(py, report, id.map(|s| s.to_string()), None)
    }

    /// save() -> bytes
    ///
    /// The state carried so far, for ``Detector.conversation(state)``. Valid across lexicon
    /// changes and later versions of the package.
    fn save<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| self.with(|chat| chat.state().to_bytes()))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Number of messages pushed so far (including those before a save).
    #[getter]
    fn messages(&self, py: Python<'_>) -> PyResult<u64> {
        py.detach(|| self.with(|chat| chat.state().messages()))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Conversation(messages={})", self.messages(py)?))
    }
}
