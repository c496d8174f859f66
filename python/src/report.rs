//! `Report` and `Finding`, and the dicts that equal `json.loads` of the CLI's records.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// What the detector found in one message.
///
/// ``severity`` is ``"none"``, ``"low"``, ``"medium"``, ``"high"`` or ``"critical"``;
/// ``findings`` lists one
/// :class:`Finding` per category found, in order of position.
#[pyclass(frozen, module = "scamscan")]
pub struct Report {
    report: scamscan::Report,
    id: Option<String>,
    conversation: Option<String>,
    findings: Py<PyList>,
}

impl Report {
    /// Wraps a library report, with the id and conversation its record carried (if any).
    pub fn new(
        py: Python<'_>,
        report: scamscan::Report,
        id: Option<String>,
        conversation: Option<String>,
    ) -> PyResult<Report> {
        let findings = PyList::empty(py);
        for finding in &report.findings {
            findings.append(Finding {
                finding: finding.clone(),
            })?;
        }
        Ok(Report {
            report,
            id,
            conversation,
            findings: findings.unbind(),
        })
    }

    /// The library report inside (for masking).
    pub fn inner(&self) -> &scamscan::Report {
        &self.report
    }
}

#[pymethods]
impl Report {
    /// The message's severity: ``"none"`` when nothing was found.
    #[getter]
    fn severity(&self) -> &'static str {
        self.report.severity.as_str()
    }

    /// The findings (a list of :class:`Finding`), in order of position.
    #[getter]
    fn findings(&self, py: Python<'_>) -> Py<PyList> {
        self.findings.clone_ref(py)
    }

    /// The categories found, in order of position.
    #[getter]
    fn categories(&self) -> Vec<&'static str> {
        self.report
            .findings
            .iter()
            .map(|f| f.category.as_str())
            .collect()
    }

    /// The record ``scamscan scan`` writes for this message, as ``json.loads`` reads it
    /// (``id`` and ``conversation`` when the message had them; no ``line``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        output_dict(
            py,
            self.id.as_deref(),
            None,
            self.conversation.as_deref(),
            &self.report,
        )
    }

    fn __len__(&self) -> usize {
        self.report.findings.len()
    }

    fn __repr__(&self) -> String {
        let categories: Vec<&str> = self.categories();
        format!(
            "Report(severity={:?}, categories={:?})",
            self.report.severity.as_str(),
            categories
        )
    }
}

/// One scam pattern found in a message, and the exact text that gave it away.
///
/// ``start``/``end`` are UTF-8 byte offsets (as in the JSON output); ``char_start``/``char_end``
/// index the Python string: ``text[f.char_start:f.char_end] == f.matched``.
#[pyclass(frozen, module = "scamscan")]
pub struct Finding {
    finding: scamscan::Finding,
}

#[pymethods]
impl Finding {
    /// The category id (``"off_platform_payment"``, ``"deposit_first"``, ...).
    #[getter]
    fn category(&self) -> &'static str {
        self.finding.category.as_str()
    }

    /// The category's name for a person, in the detector's language (``"先付定金"``).
    #[getter]
    fn category_name(&self) -> &str {
        &self.finding.category_name
    }

    /// This finding's severity: ``"low"``, ``"medium"``, ``"high"`` or ``"critical"``.
    #[getter]
    fn severity(&self) -> &'static str {
        self.finding.severity.as_str()
    }

    /// The id of the lexicon rule (or scorer) that fired.
    #[getter]
    fn rule(&self) -> &str {
        &self.finding.rule
    }

    /// UTF-8 byte offset of the evidence's start.
    #[getter]
    fn start(&self) -> usize {
        self.finding.start
    }

    /// UTF-8 byte offset one past the evidence's end.
    #[getter]
    fn end(&self) -> usize {
        self.finding.end
    }

    /// Character offset of the evidence's start (indexes the Python string).
    #[getter]
    fn char_start(&self) -> usize {
        self.finding.char_start
    }

    /// Character offset one past the evidence's end.
    #[getter]
    fn char_end(&self) -> usize {
        self.finding.char_end
    }

    /// The evidence as typed.
    #[getter]
    fn matched(&self) -> &str {
        &self.finding.matched
    }

    /// What the rule means, for a person.
    #[getter]
    fn explanation(&self) -> &str {
        &self.finding.explanation
    }

    /// The money amount near the evidence, in yuan, or ``None``.
    #[getter]
    fn amount(&self) -> Option<f64> {
        self.finding.amount
    }

    /// How often findings like this one were right on the labeled files (0 to 1), or
    /// ``None`` without the built-in lexicons.
    #[getter]
    fn confidence(&self) -> Option<f64> {
        confidence(&self.finding)
    }

    /// Ids of earlier messages of the conversation this finding rests on.
    #[getter]
    fn context(&self) -> Vec<String> {
        self.finding.context.clone()
    }

    /// Foldings needed to see the evidence (``"traditional"``, ``"width"``, ...).
    #[getter]
    fn normalized(&self) -> Vec<String> {
        self.finding.normalized.clone()
    }

    /// The finding as in the CLI's JSON (absent fields left out, as there).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        finding_dict(py, &self.finding)
    }

    fn __repr__(&self) -> String {
        format!(
            "Finding(category={:?}, severity={:?}, matched={:?}, start={}, end={})",
            self.finding.category.as_str(),
            self.finding.severity.as_str(),
            self.finding.matched,
            self.finding.start,
            self.finding.end
        )
    }
}

/// A finding as `json.loads` reads it from the CLI's output: the same keys in the same
/// order, `normalized`, `context` and `amount` only when present.
pub fn finding_dict<'py>(py: Python<'py>, f: &scamscan::Finding) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "category"), f.category.as_str())?;
    d.set_item(intern!(py, "category_name"), f.category_name.as_ref())?;
    d.set_item(intern!(py, "severity"), f.severity.as_str())?;
    d.set_item(intern!(py, "rule"), &f.rule)?;
    d.set_item(intern!(py, "start"), f.start)?;
    d.set_item(intern!(py, "end"), f.end)?;
    d.set_item(intern!(py, "char_start"), f.char_start)?;
    d.set_item(intern!(py, "char_end"), f.char_end)?;
    d.set_item(intern!(py, "matched"), &f.matched)?;
    d.set_item(intern!(py, "explanation"), &f.explanation)?;
    if !f.normalized.is_empty() {
        d.set_item(intern!(py, "normalized"), &f.normalized)?;
    }
    if !f.context.is_empty() {
        d.set_item(intern!(py, "context"), &f.context)?;
    }
    if let Some(amount) = f.amount {
        d.set_item(intern!(py, "amount"), amount)?;
    }
    if let Some(confidence) = confidence(f) {
        d.set_item(intern!(py, "confidence"), confidence)?;
    }
    Ok(d)
}

/// The confidence as JSON writes it and `json.loads` reads it back: the shortest decimal of
/// the `f32`, not its exact binary value.
pub fn confidence(f: &scamscan::Finding) -> Option<f64> {
    f.confidence
        .map(|c| c.to_string().parse::<f64>().unwrap_or(f64::from(c)))
}

/// A scanned record as the CLI writes it (`scamscan::io::OutputLine`), read back.
pub fn output_dict<'py>(
    py: Python<'py>,
    id: Option<&str>,
    line: Option<u64>,
    conversation: Option<&str>,
    report: &scamscan::Report,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    if let Some(id) = id {
        d.set_item(intern!(py, "id"), id)?;
    }
    if let Some(line) = line {
        d.set_item(intern!(py, "line"), line)?;
    }
    if let Some(conversation) = conversation {
        d.set_item(intern!(py, "conversation"), conversation)?;
    }
    d.set_item(intern!(py, "severity"), severity(py, report.severity))?;
    let findings = PyList::empty(py);
    for f in &report.findings {
        findings.append(finding_dict(py, f)?)?;
    }
    d.set_item(intern!(py, "findings"), findings)?;
    Ok(d)
}

/// A severity's id as a Python string made once.
fn severity<'py>(py: Python<'py>, severity: scamscan::Severity) -> &'py Bound<'py, PyString> {
    match severity {
        scamscan::Severity::None => intern!(py, "none"),
        scamscan::Severity::Low => intern!(py, "low"),
        scamscan::Severity::Medium => intern!(py, "medium"),
        scamscan::Severity::High => intern!(py, "high"),
        scamscan::Severity::Critical => intern!(py, "critical"),
    }
}

/// A record that could not be read, as the CLI writes it in its place.
pub fn error_dict<'py>(py: Python<'py>, line: u64, error: &str) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "line"), line)?;
    d.set_item(intern!(py, "error"), error)?;
    Ok(d)
}
