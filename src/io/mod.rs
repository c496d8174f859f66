//! Input and output formats of `IO.md`: records read from JSON Lines, CSV and text, and the
//! JSON Lines record written for each.
//!
//! | module | what |
//! |---|---|
//! | `record` | [`Record`], the one shape of an input message, and [`RecordError`] |
//! | `reader` | [`RecordReader`]: any format, in blocks, one outcome per record |
//! | `lines`, `json`, `csv` | the formats: line splitting, a JSON object, CSV rows |
//! | `write` | [`OutputLine`] and [`ErrorLine`], the records `scamscan scan` writes |

mod csv;
mod json;
mod lines;
mod reader;
mod record;
mod write;

pub use json::parse_record;
pub use reader::RecordReader;
pub(crate) use reader::{Block, BlockItem, BlockRead};
pub use record::{Record, RecordError};
pub use write::{ErrorLine, OutputLine};

/// Which input format to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object a line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// One message a line; its id is its line number.
    Text,
}

impl InputFormat {
    /// The format a file name implies: `.csv`, `.txt`, otherwise JSON Lines.
    pub fn from_path(path: &str) -> InputFormat {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            InputFormat::Csv
        } else if lower.ends_with(".txt") {
            InputFormat::Text
        } else {
            InputFormat::Jsonl
        }
    }
}

impl std::str::FromStr for InputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "jsonl" | "json" | "ndjson" => Ok(InputFormat::Jsonl),
            "csv" => Ok(InputFormat::Csv),
            "text" | "txt" => Ok(InputFormat::Text),
            _ => Err(format!(
                "unknown input format {s:?} (expected jsonl, csv or text)"
            )),
        }
    }
}

/// Which input fields hold the message's parts (a chat export may call its text `content`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMap {
    /// The message text (required).
    pub text: String,
    /// The message id.
    pub id: String,
    /// The conversation id.
    pub conversation: String,
    /// The speaker role.
    pub speaker: String,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            text: "text".into(),
            id: "id".into(),
            conversation: "conversation".into(),
            speaker: "speaker".into(),
        }
    }
}
