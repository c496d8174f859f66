//! CSV input: a header row names the fields; quoted fields may span lines, so CSV is parsed
//! record by record here rather than split into lines first.

use std::borrow::Cow;
use std::io::{self, Read};

use super::{FieldMap, Record, RecordError};

/// Reads records from CSV with a header row.
pub(super) struct CsvSource {
    reader: csv::Reader<Box<dyn Read + Send>>,
    columns: Result<Columns, String>,
    record: csv::ByteRecord,
    done: bool,
    limit: usize,
}

/// Where the mapped fields are in a row.
struct Columns {
    text: usize,
    id: Option<usize>,
    conversation: Option<usize>,
    speaker: Option<usize>,
    labels: Option<usize>,
}

impl CsvSource {
    /// A source over `input`, whose first row names the fields; a record over `limit` bytes
    /// becomes an error record.
    pub(super) fn new(input: Box<dyn Read + Send>, fields: &FieldMap, limit: usize) -> CsvSource {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(input);
        let columns = match reader.byte_headers() {
            Ok(h) => {
                let find = |name: &str| {
                    h.iter().position(|c| {
                        let c = c.strip_prefix(b"\xef\xbb\xbf").unwrap_or(c);
                        c == name.as_bytes()
                    })
                };
                match find(&fields.text) {
                    Some(text) => Ok(Columns {
                        text,
                        id: find(&fields.id),
                        conversation: find(&fields.conversation),
                        speaker: find(&fields.speaker),
                        labels: find("labels"),
                    }),
                    None => Err(format!("the CSV header has no `{}` column", fields.text)),
                }
            }
            Err(e) => Err(format!("cannot read the CSV header: {e}")),
        };
        CsvSource {
            reader,
            columns,
            record: csv::ByteRecord::new(),
            done: false,
            limit,
        }
    }

    /// The next record, `Ok(None)` at the end. An I/O error ends the stream.
    pub(super) fn next_record(
        &mut self,
    ) -> io::Result<Option<Result<Record<'static>, RecordError>>> {
        if self.done {
            return Ok(None);
        }
        let cols = match &self.columns {
            Ok(c) => c,
            Err(e) => {
                self.done = true;
                return Ok(Some(Err(RecordError {
                    line: 1,
                    message: e.clone(),
                })));
            }
        };
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return Ok(None);
                }
                Ok(true) => {
                    let line = self.record.position().map_or(0, |p| p.line());
                    if self.record.iter().all(|f| f.is_empty()) {
                        continue;
                    }
                    let size: usize = self.record.iter().map(<[u8]>::len).sum();
                    let limit = self.limit;
                    let parsed = if size > limit {
                        Err(format!(
                            "record is {size} bytes, over the limit of {limit} (--max-record-bytes)"
                        ))
                    } else {
                        row(&self.record, cols, line)
                    };
                    return Ok(Some(
                        parsed.map_err(|message| RecordError { line, message }),
                    ));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    if let csv::ErrorKind::Io(_) = e.kind() {
                        return Err(io::Error::other(e.to_string()));
                    }
                    return Ok(Some(Err(RecordError {
                        line,
                        message: format!("malformed CSV: {e}"),
                    })));
                }
            }
        }
    }
}

/// The record of one row.
fn row(record: &csv::ByteRecord, cols: &Columns, line: u64) -> Result<Record<'static>, String> {
    let field = |i: Option<usize>, name: &str| -> Result<Option<String>, String> {
        match i.and_then(|i| record.get(i)) {
            None => Ok(None),
            Some(b) => String::from_utf8(b.to_vec())
                .map(|s| if s.is_empty() { None } else { Some(s) })
                .map_err(|e| {
                    format!(
                        "field `{name}`: invalid UTF-8 at byte {}",
                        e.utf8_error().valid_up_to()
                    )
                }),
        }
    };
    let text = match record.get(cols.text) {
        None => return Err("missing field `text` (row shorter than the header)".into()),
        Some(b) => String::from_utf8(b.to_vec()).map_err(|e| {
            format!(
                "field `text`: invalid UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            )
        })?,
    };
    let labels = field(cols.labels, "labels")?.map(|l| {
        l.split([',', ';', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    });
    Ok(Record {
        line,
        id: field(cols.id, "id")?.map(Cow::Owned),
        conversation: field(cols.conversation, "conversation")?.map(Cow::Owned),
        speaker: field(cols.speaker, "speaker")?.map(Cow::Owned),
        text: Cow::Owned(text),
        labels,
        note: None,
    })
}
