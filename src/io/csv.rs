//! CSV input: a header row names the fields, quoted fields may span lines.
//!
//! Read here line by line rather than by a general CSV library, so that every row is
//! accounted for: each yields one record or one error naming its own line (blank lines
//! skipped, not counted); the delimiter is taken from the header (`,`, `;`, tab or `|`); a
//! file whose header has no text column gives one error per row; and a quote that never
//! closes is an error on the line that opened it, the lines after it read again as rows
//! instead of disappearing into one field.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};

use super::lines::read_line_limited;
use super::{FieldMap, Record, RecordError};

/// Delimiters a header may use, most usual first.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Most lines one quoted field may span before it counts as never closed.
const MAX_QUOTED_LINES: usize = 1000;

/// Reads records from CSV with a header row.
pub(super) struct CsvSource {
    reader: Box<dyn BufRead + Send>,
    /// Lines read ahead and not yet used: (line number, bytes).
    pending: VecDeque<(u64, Vec<u8>)>,
    line: u64,
    eof: bool,
    header: Option<Header>,
    fields: FieldMap,
    limit: usize,
}

/// What the header row says.
struct Header {
    delimiter: u8,
    columns: Result<Columns, String>,
}

/// Where the mapped fields are in a row.
struct Columns {
    text: usize,
    id: Option<usize>,
    conversation: Option<usize>,
    speaker: Option<usize>,
    labels: Option<usize>,
}

/// A row as read: its first line and its fields, or why it could not be read.
type Row = (u64, Result<Vec<Vec<u8>>, String>);

impl CsvSource {
    /// A source over `input`, whose first row names the fields; a record over `limit` bytes
    /// becomes an error record.
    pub(super) fn new(input: Box<dyn Read + Send>, fields: &FieldMap, limit: usize) -> CsvSource {
        CsvSource {
            reader: Box::new(BufReader::with_capacity(64 * 1024, input)),
            pending: VecDeque::new(),
            line: 0,
            eof: false,
            header: None,
            fields: fields.clone(),
            limit,
        }
    }

    /// The next record, `Ok(None)` at the end. An I/O error ends the stream.
    pub(super) fn next_record(
        &mut self,
    ) -> io::Result<Option<Result<Record<'static>, RecordError>>> {
        if self.header.is_none() {
            let Some((line, row)) = self.next_row(None)? else {
                return Ok(None);
            };
            let header = self.read_header(row);
            let refused = header.columns.as_ref().err().cloned();
            self.header = Some(header);
            if let Some(message) = refused {
                return Ok(Some(Err(RecordError { line, message })));
            }
        }
        let delimiter = self.header.as_ref().map(|h| h.delimiter);
        let Some((line, row)) = self.next_row(delimiter)? else {
            return Ok(None);
        };
        let columns = self.header.as_ref().map(|h| &h.columns);
        let record = match (row, columns) {
            (Err(message), _) => Err(message),
            (Ok(_), Some(Err(_))) => Err(format!(
                "the CSV header on line 1 has no `{}` column, so no row can be read",
                self.fields.text
            )),
            (Ok(cells), Some(Ok(cols))) => record(&cells, cols, line, &self.fields),
            (Ok(_), None) => Err("no CSV header".to_string()),
        };
        Ok(Some(
            record.map_err(|message| RecordError { line, message }),
        ))
    }

    /// The delimiter and columns of the header row (its cells split on every candidate
    /// delimiter, the one that yields the text field winning).
    fn read_header(&self, row: Result<Vec<Vec<u8>>, String>) -> Header {
        let raw = match row {
            Ok(cells) => cells.concat(),
            Err(e) => {
                return Header {
                    delimiter: b',',
                    columns: Err(format!("cannot read the CSV header: {e}")),
                }
            }
        };
        let name = |cell: &[u8]| {
            let cell = cell.strip_prefix(b"\xef\xbb\xbf").unwrap_or(cell);
            String::from_utf8_lossy(cell).trim().to_string()
        };
        for delimiter in DELIMITERS {
            let Ok(cells) = split_line(&raw, delimiter) else {
                continue;
            };
            let names: Vec<String> = cells.iter().map(|c| name(c)).collect();
            let find = |f: &str| names.iter().position(|n| n == f);
            if let Some(text) = find(&self.fields.text) {
                return Header {
                    delimiter,
                    columns: Ok(Columns {
                        text,
                        id: find(&self.fields.id),
                        conversation: find(&self.fields.conversation),
                        speaker: find(&self.fields.speaker),
                        labels: find("labels"),
                    }),
                };
            }
        }
        let shown: String = String::from_utf8_lossy(&raw).chars().take(80).collect();
        Header {
            delimiter: b',',
            columns: Err(format!(
                "the CSV header has no `{}` column (line 1 reads {shown:?}): a header row naming the fields is needed",
                self.fields.text
            )),
        }
    }

    /// The next physical line that is not blank, with its number; from what was read ahead
    /// first.
    fn next_line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        loop {
            let (line, bytes) = match self.pending.pop_front() {
                Some(p) => p,
                None => {
                    if self.eof {
                        return Ok(None);
                    }
                    let mut buf = Vec::new();
                    let (total, newline) =
                        read_line_limited(self.reader.as_mut(), &mut buf, self.limit)?;
                    if total == 0 && !newline {
                        self.eof = true;
                        return Ok(None);
                    }
                    self.line += 1;
                    if buf.last() == Some(&b'\r') {
                        buf.pop();
                    }
                    (self.line, buf)
                }
            };
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some((line, bytes)));
            }
        }
    }

    /// The next row: one line, or several where a quoted field holds line breaks. With no
    /// delimiter yet (the header), the row comes back as one cell holding its raw bytes.
    fn next_row(&mut self, delimiter: Option<u8>) -> io::Result<Option<Row>> {
        let Some((first, mut raw)) = self.next_line()? else {
            return Ok(None);
        };
        let mut taken: Vec<(u64, Vec<u8>)> = Vec::new();
        loop {
            if raw.len() > self.limit {
                let limit = self.limit;
                return Ok(Some((
                    first,
                    Err(format!(
                        "record is over the limit of {limit} bytes (--max-record-bytes)"
                    )),
                )));
            }
            // A quote opens a field only at its start; one that does not close there holds a
            // line break, and the row goes on on the next line.
            if let Ok(cells) = split_line(&raw, delimiter.unwrap_or(b',')) {
                let cells = if delimiter.is_some() {
                    cells
                } else {
                    vec![raw]
                };
                return Ok(Some((first, Ok(cells))));
            }
            let more = if taken.len() < MAX_QUOTED_LINES {
                self.next_physical()?
            } else {
                None
            };
            let Some((line, bytes)) = more else {
                // The quote never closes: the lines it swallowed are rows of their own.
                for (n, l) in taken.into_iter().rev() {
                    self.pending.push_front((n, l));
                }
                return Ok(Some((
                    first,
                    Err("a quoted field opened on this line never closes".to_string()),
                )));
            };
            raw.push(b'\n');
            raw.extend_from_slice(&bytes);
            taken.push((line, bytes));
        }
    }

    /// The next physical line, blank or not (inside a quoted field a blank line is text).
    fn next_physical(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        if let Some(p) = self.pending.pop_front() {
            return Ok(Some(p));
        }
        if self.eof {
            return Ok(None);
        }
        let mut buf = Vec::new();
        let (total, newline) = read_line_limited(self.reader.as_mut(), &mut buf, self.limit)?;
        if total == 0 && !newline {
            self.eof = true;
            return Ok(None);
        }
        self.line += 1;
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some((self.line, buf)))
    }
}

/// The cells of a complete row, quotes removed and `""` read as `"`; an error when the row
/// ends inside a quoted field. A quote that does not start a cell is a character like any
/// other (5" screen).
fn split_line(raw: &[u8], delimiter: u8) -> Result<Vec<Vec<u8>>, String> {
    let mut cells = Vec::new();
    let mut cell = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if quoted {
            if b == b'"' && raw.get(i + 1) == Some(&b'"') {
                cell.push(b'"');
                i += 1;
            } else if b == b'"' {
                quoted = false;
            } else {
                cell.push(b);
            }
        } else if b == b'"' && cell.is_empty() {
            quoted = true;
        } else if b == delimiter {
            cells.push(std::mem::take(&mut cell));
        } else {
            cell.push(b);
        }
        i += 1;
    }
    if quoted {
        return Err("a quoted field never closes".to_string());
    }
    cells.push(cell);
    Ok(cells)
}

/// The record of one row.
fn record(
    cells: &[Vec<u8>],
    cols: &Columns,
    line: u64,
    fields: &FieldMap,
) -> Result<Record<'static>, String> {
    let field = |i: Option<usize>, name: &str| -> Result<Option<String>, String> {
        match i.and_then(|i| cells.get(i)) {
            None => Ok(None),
            Some(b) => String::from_utf8(b.clone())
                .map(|s| if s.is_empty() { None } else { Some(s) })
                .map_err(|e| {
                    format!(
                        "field `{name}`: invalid UTF-8 at byte {}",
                        e.utf8_error().valid_up_to()
                    )
                }),
        }
    };
    let text_name = fields.text.as_str();
    let text = match cells.get(cols.text) {
        None => {
            return Err(format!(
                "missing field `{text_name}` (row shorter than the header)"
            ))
        }
        Some(b) => String::from_utf8(b.clone()).map_err(|e| {
            format!(
                "field `{text_name}`: invalid UTF-8 at byte {}",
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
        id: field(cols.id, &fields.id)?.map(Cow::Owned),
        conversation: field(cols.conversation, &fields.conversation)?.map(Cow::Owned),
        speaker: field(cols.speaker, &fields.speaker)?.map(Cow::Owned),
        text: Cow::Owned(text),
        labels,
        note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Vec<Result<(u64, String), (u64, String)>> {
        let mut source = CsvSource::new(
            Box::new(std::io::Cursor::new(input.as_bytes().to_vec())),
            &FieldMap::default(),
            1 << 20,
        );
        let mut out = Vec::new();
        while let Some(r) = source.next_record().unwrap() {
            out.push(
                r.map(|r| (r.line, r.text.into_owned()))
                    .map_err(|e| (e.line, e.message)),
            );
        }
        out
    }

    #[test]
    fn every_row_is_accounted_for_with_its_own_line() {
        let out = read("id,text\n1,a\n\n2,\"b,\nc\"\n\n3,d\n");
        assert_eq!(
            out,
            [
                Ok((2, "a".into())),
                Ok((4, "b,\nc".into())),
                Ok((7, "d".into()))
            ]
        );
    }

    #[test]
    fn the_delimiter_comes_from_the_header() {
        for d in [";", "\t", "|"] {
            let out = read(&format!("id{d}text\n1{d}a,b\n2{d}c\n"));
            assert_eq!(out, [Ok((2, "a,b".into())), Ok((3, "c".into()))], "{d:?}");
        }
    }

    #[test]
    fn a_file_without_a_header_gives_one_error_per_row() {
        let out = read("1,加我微信\n2,在吗\n3,好的\n4,谢谢\n");
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(Result::is_err));
        let lines: Vec<u64> = out.iter().map(|r| r.clone().unwrap_err().0).collect();
        assert_eq!(lines, [1, 2, 3, 4]);
    }

    #[test]
    fn an_empty_file_has_no_record() {
        assert!(read("").is_empty());
        assert!(read("\n\n").is_empty());
    }

    #[test]
    fn an_unterminated_quote_loses_no_row() {
        let out = read("id,text\n1,\"加我微信\n2,在吗\n3,好的\n");
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(matches!(&out[0], Err((2, m)) if m.contains("never closes")));
        assert_eq!(out[1], Ok((3, "在吗".into())));
        assert_eq!(out[2], Ok((4, "好的".into())));
    }
}
