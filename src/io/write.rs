//! The JSON Lines records `scamscan scan` writes, one per input message.
//!
//! A scanned message:
//!
//! ```json
//! {"id":"c12-m3","line":3,"conversation":"c12","severity":"high",
//!  "findings":[{"category":"deposit_first","severity":"high","rule":"deposit_first/pay-first",
//!               "start":9,"end":24,"char_start":3,"char_end":8,"matched":"先付个定金",
//!               "explanation":"asks for a deposit before the deal goes through"}]}
//! ```
//!
//! A record that could not be read: `{"line":7,"error":"malformed JSON: ..."}`. With several
//! input files, each line also carries `"file"`.

use serde::{Deserialize, Serialize};

use crate::io::Record;
use crate::report::{Finding, Report, Severity};

/// One scanned message, as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputLine {
    /// The input file, when a run reads several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The message id from the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 1-based line (row) of the record in its input.
    pub line: u64,
    /// The conversation id from the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    /// The message's severity.
    pub severity: Severity,
    /// The findings.
    pub findings: Vec<Finding>,
    /// The text with what was found masked (`scan --redact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<String>,
}

impl OutputLine {
    /// The line written for a scanned record (`file` is left for the caller to set).
    pub fn scanned(record: &Record<'_>, report: Report) -> OutputLine {
        OutputLine {
            file: None,
            id: record.id.as_deref().map(str::to_string),
            line: record.line,
            conversation: record.conversation.as_deref().map(str::to_string),
            severity: report.severity,
            findings: report.findings,
            redacted: None,
        }
    }
}

/// A record that could not be read, as written in its place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorLine {
    /// The input file, when a run reads several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line of the record.
    pub line: u64,
    /// What was wrong.
    pub error: String,
}
