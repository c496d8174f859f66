//! Readers: JSON Lines, CSV and plain text, one record at a time, never losing one.
//!
//! Every record of the input yields exactly one item, in order: a parsed [`Record`] or a
//! [`RecordError`] naming its line. Blank lines are skipped and not counted. JSON Lines and
//! text are split into raw lines here and parsed by [`RawRecord::parse`], so that a batch
//! scan can parse in parallel; CSV, whose quoted fields may span lines, is parsed here.

use std::io::{self, BufRead, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

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

/// One input message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// 1-based line (row) of the record in its input.
    pub line: u64,
    /// Its id, if the input gives one.
    pub id: Option<String>,
    /// Its conversation, if any.
    pub conversation: Option<String>,
    /// Its speaker role as written (unknown roles are kept but carry no meaning).
    pub speaker: Option<String>,
    /// The message text.
    pub text: String,
    /// Category ids, in labeled files (`EVAL-FORMAT.md`).
    pub labels: Option<Vec<String>>,
    /// A note, in labeled files.
    pub note: Option<String>,
}

impl Record {
    /// The record as the detector sees it (an unknown speaker role counts as none).
    pub fn turn(&self) -> crate::Turn<'_> {
        crate::Turn {
            id: self.id.as_deref(),
            speaker: self.speaker.as_deref().and_then(|s| s.parse().ok()),
            text: &self.text,
        }
    }
}

/// A record that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// 1-based line of the record.
    pub line: u64,
    /// What was wrong, naming the field where one was.
    pub message: String,
}

/// A record read but not yet parsed.
#[derive(Clone, Debug)]
pub struct RawRecord {
    /// 1-based line.
    pub line: u64,
    body: RawBody,
}

#[derive(Clone, Debug)]
enum RawBody {
    Json(Vec<u8>),
    Text(Vec<u8>),
    Parsed(Result<Record, String>),
}

impl RawRecord {
    /// Size of the raw record in bytes (for throughput accounting).
    pub fn len(&self) -> usize {
        match &self.body {
            RawBody::Json(b) | RawBody::Text(b) => b.len(),
            RawBody::Parsed(Ok(r)) => r.text.len(),
            RawBody::Parsed(Err(_)) => 0,
        }
    }

    /// True for an empty record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Parses the record with the field names given.
    pub fn parse(self, fields: &FieldMap) -> Result<Record, RecordError> {
        let line = self.line;
        let err = |message: String| RecordError { line, message };
        match self.body {
            RawBody::Parsed(r) => r.map_err(err),
            RawBody::Text(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    err(format!(
                        "invalid UTF-8 at byte {}",
                        e.utf8_error().valid_up_to()
                    ))
                })?;
                Ok(Record {
                    line,
                    id: Some(line.to_string()),
                    text,
                    ..Record::default()
                })
            }
            RawBody::Json(bytes) => parse_json_record(&bytes, line, fields).map_err(err),
        }
    }
}

/// Parses one JSON object into a record, picking the mapped fields.
pub fn parse_json_record(bytes: &[u8], line: u64, fields: &FieldMap) -> Result<Record, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let picked = RecordSeed { fields }
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|_| r))
        .map_err(|e| {
            // serde_json validates strings; name invalid UTF-8 plainly wherever it is.
            if let Err(u) = std::str::from_utf8(bytes) {
                return format!("invalid UTF-8 at byte {}", u.valid_up_to());
            }
            let msg = e.to_string();
            if e.is_data() {
                msg
            } else {
                format!("malformed JSON: {msg}")
            }
        })?;
    let text = picked
        .text
        .ok_or_else(|| format!("missing field `{}`", fields.text))?;
    Ok(Record {
        line,
        id: picked.id,
        conversation: picked.conversation,
        speaker: picked.speaker,
        text,
        labels: picked.labels,
        note: picked.note,
    })
}

#[derive(Default)]
struct Picked {
    text: Option<String>,
    id: Option<String>,
    conversation: Option<String>,
    speaker: Option<String>,
    labels: Option<Vec<String>>,
    note: Option<String>,
}

struct RecordSeed<'a> {
    fields: &'a FieldMap,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Picked;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Picked, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Picked;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Picked, A::Error> {
        let mut p = Picked::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let key = key.as_ref();
            if key == self.fields.text {
                let v: serde_json::Value = map.next_value()?;
                match v {
                    serde_json::Value::String(s) => p.text = Some(s),
                    other => {
                        return Err(de::Error::custom(format!(
                            "field `{key}` is {}, not a string",
                            json_kind(&other)
                        )))
                    }
                }
            } else if key == self.fields.id {
                p.id = scalar_string(map.next_value()?);
            } else if key == self.fields.conversation {
                p.conversation = scalar_string(map.next_value()?);
            } else if key == self.fields.speaker {
                p.speaker = scalar_string(map.next_value()?);
            } else if key == "labels" {
                let v: serde_json::Value = map.next_value()?;
                p.labels = match v {
                    serde_json::Value::Array(items) => Some(
                        items
                            .into_iter()
                            .map(|i| match i {
                                serde_json::Value::String(s) => Ok(s),
                                other => Err(de::Error::custom(format!(
                                    "field `labels` holds {}, not a string",
                                    json_kind(&other)
                                ))),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    serde_json::Value::Null => None,
                    other => {
                        return Err(de::Error::custom(format!(
                            "field `labels` is {}, not an array",
                            json_kind(&other)
                        )))
                    }
                };
            } else if key == "note" {
                p.note = scalar_string(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(p)
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn scalar_string(v: serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads raw records from a stream in the given format.
pub struct RecordReader {
    inner: Inner,
    max_record_bytes: usize,
}

enum Inner {
    Lines {
        reader: Box<dyn BufRead + Send>,
        format: InputFormat,
        line: u64,
        buf: Vec<u8>,
        done: bool,
    },
    Csv {
        reader: Box<csv::Reader<Box<dyn Read + Send>>>,
        columns: Result<Columns, String>,
        record: csv::ByteRecord,
        done: bool,
    },
}

struct Columns {
    text: usize,
    id: Option<usize>,
    conversation: Option<usize>,
    speaker: Option<usize>,
    labels: Option<usize>,
}

impl RecordReader {
    /// A reader over `input`. `max_record_bytes` bounds one record; a longer one becomes an
    /// error record and reading goes on after it.
    pub fn new(
        input: Box<dyn Read + Send>,
        format: InputFormat,
        fields: &FieldMap,
        max_record_bytes: usize,
    ) -> RecordReader {
        let inner = match format {
            InputFormat::Csv => {
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
                Inner::Csv {
                    reader: Box::new(reader),
                    columns,
                    record: csv::ByteRecord::new(),
                    done: false,
                }
            }
            _ => Inner::Lines {
                reader: Box::new(io::BufReader::with_capacity(256 * 1024, input)),
                format,
                line: 0,
                buf: Vec::new(),
                done: false,
            },
        };
        RecordReader {
            inner,
            max_record_bytes,
        }
    }

    /// The next raw record, `Ok(None)` at the end. An I/O error ends the stream.
    pub fn next_raw(&mut self) -> io::Result<Option<RawRecord>> {
        let limit = self.max_record_bytes;
        match &mut self.inner {
            Inner::Lines {
                reader,
                format,
                line,
                buf,
                done,
            } => loop {
                if *done {
                    return Ok(None);
                }
                buf.clear();
                let (total, had_newline) = read_line_limited(reader.as_mut(), buf, limit)?;
                if total == 0 && !had_newline {
                    *done = true;
                    return Ok(None);
                }
                *line += 1;
                if *line == 1 && buf.starts_with(b"\xef\xbb\xbf") {
                    buf.drain(..3);
                }
                if total > limit {
                    return Ok(Some(RawRecord {
                        line: *line,
                        body: RawBody::Parsed(Err(format!(
                            "record is {total} bytes, over the limit of {limit} (--max-record-bytes)"
                        ))),
                    }));
                }
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                if buf.iter().all(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                // A copy of exactly the line; `buf` keeps its capacity for the next one.
                let bytes = buf.clone();
                let body = match format {
                    InputFormat::Text => RawBody::Text(bytes),
                    _ => RawBody::Json(bytes),
                };
                return Ok(Some(RawRecord { line: *line, body }));
            },
            Inner::Csv {
                reader,
                columns,
                record,
                done,
            } => {
                if *done {
                    return Ok(None);
                }
                let cols = match columns {
                    Ok(c) => c,
                    Err(e) => {
                        *done = true;
                        return Ok(Some(RawRecord {
                            line: 1,
                            body: RawBody::Parsed(Err(e.clone())),
                        }));
                    }
                };
                loop {
                    match reader.read_byte_record(record) {
                        Ok(false) => {
                            *done = true;
                            return Ok(None);
                        }
                        Ok(true) => {
                            let line = record.position().map_or(0, |p| p.line());
                            if record.iter().all(|f| f.is_empty()) {
                                continue;
                            }
                            let size: usize = record.iter().map(<[u8]>::len).sum();
                            let parsed = if size > limit {
                                Err(format!(
                                    "record is {size} bytes, over the limit of {limit} (--max-record-bytes)"
                                ))
                            } else {
                                csv_record(record, cols, line)
                            };
                            return Ok(Some(RawRecord {
                                line,
                                body: RawBody::Parsed(parsed),
                            }));
                        }
                        Err(e) => {
                            let line = e.position().map_or(0, |p| p.line());
                            if let csv::ErrorKind::Io(_) = e.kind() {
                                return Err(io::Error::other(e.to_string()));
                            }
                            return Ok(Some(RawRecord {
                                line,
                                body: RawBody::Parsed(Err(format!("malformed CSV: {e}"))),
                            }));
                        }
                    }
                }
            }
        }
    }
}

fn csv_record(record: &csv::ByteRecord, cols: &Columns, line: u64) -> Result<Record, String> {
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
        id: field(cols.id, "id")?,
        conversation: field(cols.conversation, "conversation")?,
        speaker: field(cols.speaker, "speaker")?,
        text,
        labels,
        note: None,
    })
}

/// Reads one line into `buf`, keeping at most `limit + 1` bytes of it; returns the line's
/// full length (without the newline) and whether a newline ended it.
fn read_line_limited(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<(usize, bool)> {
    let mut total = 0usize;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((total, false));
        }
        let (chunk, found) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        let room = (limit + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len();
        let consumed = chunk.len() + usize::from(found);
        reader.consume(consumed);
        if found {
            return Ok((total, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(
        input: &str,
        format: InputFormat,
        limit: usize,
    ) -> Vec<Result<Record, RecordError>> {
        let mut r = RecordReader::new(
            Box::new(std::io::Cursor::new(input.as_bytes().to_vec())),
            format,
            &FieldMap::default(),
            limit,
        );
        let mut out = Vec::new();
        while let Some(raw) = r.next_raw().unwrap() {
            out.push(raw.parse(&FieldMap::default()));
        }
        out
    }

    #[test]
    fn jsonl_keeps_every_record_in_order() {
        let input = "\u{feff}{\"id\":\"a\",\"text\":\"hi\"}\r\n\n{\"text\":5}\n{bad\n{\"id\":1}\n{\"text\":\"ok\",\"x\":[1]}";
        let out = read_all(input, InputFormat::Jsonl, 1 << 20);
        assert_eq!(out.len(), 5);
        assert_eq!(out[0].as_ref().unwrap().id.as_deref(), Some("a"));
        assert_eq!(out[1].as_ref().unwrap_err().line, 3);
        assert!(out[1].as_ref().unwrap_err().message.contains("`text`"));
        assert!(out[2]
            .as_ref()
            .unwrap_err()
            .message
            .contains("malformed JSON"));
        assert!(out[3]
            .as_ref()
            .unwrap_err()
            .message
            .contains("missing field `text`"));
        assert_eq!(out[4].as_ref().unwrap().line, 6);
    }

    #[test]
    fn long_records_become_errors_and_reading_goes_on() {
        let input = format!(
            "{{\"text\":\"{}\"}}\n{{\"text\":\"ok\"}}\n",
            "x".repeat(100)
        );
        let out = read_all(&input, InputFormat::Jsonl, 50);
        assert!(out[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("over the limit"));
        assert_eq!(out[1].as_ref().unwrap().text, "ok");
    }

    #[test]
    fn csv_with_quotes_and_newlines() {
        let input = "id,text\n1,\"加我微信,\n好吗\"\n2,普通\n";
        let out = read_all(input, InputFormat::Csv, 1 << 20);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].as_ref().unwrap().text, "加我微信,\n好吗");
        assert_eq!(out[1].as_ref().unwrap().line, 4);
    }

    #[test]
    fn text_lines_get_their_line_number_as_id() {
        let out = read_all("a\n\nb\n", InputFormat::Text, 1 << 20);
        assert_eq!(out[1].as_ref().unwrap().id.as_deref(), Some("3"));
    }
}
