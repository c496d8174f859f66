//! Readers: JSON Lines, CSV and plain text, one record at a time, never losing one.
//!
//! Every record of the input yields exactly one item, in order: a parsed [`Record`] or a
//! [`RecordError`] naming its line. Blank lines are skipped and not counted. JSON Lines and
//! text are split into raw lines here and parsed by [`RawRecord::parse`], so that a batch
//! scan can parse in parallel; CSV, whose quoted fields may span lines, is parsed here.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

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

/// One input message, its strings borrowed from the input where they need no unescaping.
///
/// The batch scan parses every record into this form, so a message that turns out to have
/// no finding costs no allocation; [`RecordRef::into_owned`] makes a [`Record`] of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// 1-based line (row) of the record in its input.
    pub line: u64,
    /// Its id, if the input gives one.
    pub id: Option<Cow<'a, str>>,
    /// Its conversation, if any.
    pub conversation: Option<Cow<'a, str>>,
    /// Its speaker role as written.
    pub speaker: Option<Cow<'a, str>>,
    /// The message text.
    pub text: Cow<'a, str>,
    /// Category ids, in labeled files.
    pub labels: Option<Vec<String>>,
    /// A note, in labeled files.
    pub note: Option<Cow<'a, str>>,
}

impl RecordRef<'_> {
    /// The record with every string owned.
    pub fn into_owned(self) -> Record {
        Record {
            line: self.line,
            id: self.id.map(Cow::into_owned),
            conversation: self.conversation.map(Cow::into_owned),
            speaker: self.speaker.map(Cow::into_owned),
            text: self.text.into_owned(),
            labels: self.labels,
            note: self.note.map(Cow::into_owned),
        }
    }

    /// The record as the detector sees it (an unknown speaker role counts as none).
    pub fn turn(&self) -> crate::Turn<'_> {
        crate::Turn {
            id: self.id.as_deref(),
            speaker: self.speaker.as_deref().and_then(|s| s.parse().ok()),
            text: &self.text,
        }
    }
}

impl From<Record> for RecordRef<'static> {
    fn from(r: Record) -> Self {
        RecordRef {
            line: r.line,
            id: r.id.map(Cow::Owned),
            conversation: r.conversation.map(Cow::Owned),
            speaker: r.speaker.map(Cow::Owned),
            text: Cow::Owned(r.text),
            labels: r.labels,
            note: r.note.map(Cow::Owned),
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
    parse_json_borrowed(bytes, line, fields).map(RecordRef::into_owned)
}

/// Parses one JSON object into a record that borrows its strings from `bytes`.
pub fn parse_json_borrowed<'a>(
    bytes: &'a [u8],
    line: u64,
    fields: &FieldMap,
) -> Result<RecordRef<'a>, String> {
    // Validated once up front (fast), so the parser need not check every string again.
    let Ok(json) = simdutf8::basic::from_utf8(bytes) else {
        let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
        return Err(format!("invalid UTF-8 at byte {valid}"));
    };
    let mut de = serde_json::Deserializer::from_str(json);
    let picked = RecordSeed { fields }
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|_| r))
        .map_err(|e| {
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
    Ok(RecordRef {
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
struct Picked<'de> {
    text: Option<Cow<'de, str>>,
    id: Option<Cow<'de, str>>,
    conversation: Option<Cow<'de, str>>,
    speaker: Option<Cow<'de, str>>,
    labels: Option<Vec<String>>,
    note: Option<Cow<'de, str>>,
}

/// A JSON value as far as a record field cares: a string (borrowed when it has no
/// escapes), a scalar written as a string, or the kind of anything else for the error.
enum Field<'de> {
    Str(Cow<'de, str>),
    Scalar(String),
    Null,
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Field<'de>, E> {
        Ok(Field::Scalar(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Field<'de>, E> {
        Ok(Field::Scalar(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Field<'de>, E> {
        Ok(Field::Scalar(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Field<'de>, E> {
        Ok(Field::Scalar(
            serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string()),
        ))
    }
    fn visit_unit<E>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_none<E>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other("an object"))
    }
}

impl<'de> Field<'de> {
    fn kind(&self) -> &'static str {
        match self {
            Field::Str(_) => "a string",
            Field::Scalar(s) if s == "true" || s == "false" => "a boolean",
            Field::Scalar(_) => "a number",
            Field::Null => "null",
            Field::Other(kind) => kind,
        }
    }

    /// Ids and roles may be written as numbers; anything else but a string is absent.
    fn scalar_string(self) -> Option<Cow<'de, str>> {
        match self {
            Field::Str(s) => Some(s),
            Field::Scalar(s) => Some(Cow::Owned(s)),
            Field::Null | Field::Other(_) => None,
        }
    }
}

struct RecordSeed<'a> {
    fields: &'a FieldMap,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Picked<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Picked<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Picked<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Picked<'de>, A::Error> {
        let mut p = Picked::default();
        while let Some(key) = map.next_key::<Field<'de>>()? {
            let Field::Str(key) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let key = key.as_ref();
            if key == self.fields.text {
                match map.next_value::<Field<'de>>()? {
                    Field::Str(s) => p.text = Some(s),
                    other => {
                        return Err(de::Error::custom(format!(
                            "field `{key}` is {}, not a string",
                            other.kind()
                        )))
                    }
                }
            } else if key == self.fields.id {
                p.id = map.next_value::<Field<'de>>()?.scalar_string();
            } else if key == self.fields.conversation {
                p.conversation = map.next_value::<Field<'de>>()?.scalar_string();
            } else if key == self.fields.speaker {
                p.speaker = map.next_value::<Field<'de>>()?.scalar_string();
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
                p.note = map.next_value::<Field<'de>>()?.scalar_string();
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
            } => {
                buf.clear();
                match read_record_line(reader.as_mut(), line, done, buf, limit)? {
                    LineRead::End => Ok(None),
                    LineRead::Error(raw) => Ok(Some(raw)),
                    LineRead::Record { line, start } => {
                        // A copy of exactly the line; `buf` keeps its capacity.
                        let bytes = buf[start..].to_vec();
                        let body = match format {
                            InputFormat::Text => RawBody::Text(bytes),
                            _ => RawBody::Json(bytes),
                        };
                        Ok(Some(RawRecord { line, body }))
                    }
                }
            }
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

impl RecordReader {
    /// Up to `max_records` records read into one shared buffer (JSON Lines and text: no
    /// allocation or copy per record), for the batch scan. An I/O error ends the stream
    /// after the records read before it.
    pub(crate) fn next_block(&mut self, max_records: usize) -> BlockRead {
        let limit = self.max_record_bytes;
        let mut block = Block {
            buf: Vec::new(),
            items: Vec::with_capacity(max_records.min(1 << 16)),
        };
        if let Inner::Lines {
            reader,
            format,
            line,
            done,
            ..
        } = &mut self.inner
        {
            block.buf.reserve(BLOCK_BYTES);
            let text = *format == InputFormat::Text;
            while block.items.len() < max_records && block.buf.len() < BLOCK_BYTES {
                match read_record_line(reader.as_mut(), line, done, &mut block.buf, limit) {
                    Ok(LineRead::Record { line, start }) => block.items.push(BlockItem::Line {
                        line,
                        start,
                        end: block.buf.len(),
                        text,
                    }),
                    Ok(LineRead::Error(raw)) => block.items.push(BlockItem::Raw(raw)),
                    Ok(LineRead::End) => return BlockRead::done(block, None),
                    Err(e) => return BlockRead::done(block, Some(e)),
                }
            }
            return BlockRead {
                block,
                error: None,
                done: false,
            };
        }
        while block.items.len() < max_records {
            match self.next_raw() {
                Ok(Some(raw)) => block.items.push(BlockItem::Raw(raw)),
                Ok(None) => return BlockRead::done(block, None),
                Err(e) => return BlockRead::done(block, Some(e)),
            }
        }
        BlockRead {
            block,
            error: None,
            done: false,
        }
    }
}

/// A block stops taking lines past this many bytes (a few thousand chat messages).
const BLOCK_BYTES: usize = 1 << 20;

/// Records sharing one buffer.
#[derive(Debug, Default)]
pub(crate) struct Block {
    pub buf: Vec<u8>,
    pub items: Vec<BlockItem>,
}

/// One record of a [`Block`].
#[derive(Debug)]
pub(crate) enum BlockItem {
    /// A line of JSON Lines or text input: `buf[start..end]`.
    Line {
        line: u64,
        start: usize,
        end: usize,
        text: bool,
    },
    /// A record read on its own (CSV) or one already in error.
    Raw(RawRecord),
}

impl BlockItem {
    /// Size of the record in bytes (for throughput accounting).
    pub(crate) fn len(&self) -> usize {
        match self {
            BlockItem::Line { start, end, .. } => end - start,
            BlockItem::Raw(raw) => raw.len(),
        }
    }

    /// Parses the record, borrowing its strings from `buf` where it can.
    pub(crate) fn parse<'a>(
        self,
        buf: &'a [u8],
        fields: &FieldMap,
    ) -> Result<RecordRef<'a>, RecordError> {
        match self {
            BlockItem::Line {
                line,
                start,
                end,
                text,
            } => {
                let bytes = buf.get(start..end).unwrap_or_default();
                let err = |message: String| RecordError { line, message };
                if text {
                    let text = std::str::from_utf8(bytes)
                        .map_err(|e| err(format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
                    Ok(RecordRef {
                        line,
                        id: Some(Cow::Owned(line.to_string())),
                        text: Cow::Borrowed(text),
                        ..RecordRef::default()
                    })
                } else {
                    parse_json_borrowed(bytes, line, fields).map_err(err)
                }
            }
            BlockItem::Raw(raw) => raw.parse(fields).map(RecordRef::from),
        }
    }
}

/// What [`RecordReader::next_block`] read.
#[derive(Debug)]
pub(crate) struct BlockRead {
    pub block: Block,
    /// The I/O error that ended the stream, after the block's records.
    pub error: Option<io::Error>,
    /// True once the stream has ended.
    pub done: bool,
}

impl BlockRead {
    fn done(block: Block, error: Option<io::Error>) -> BlockRead {
        BlockRead {
            block,
            error,
            done: true,
        }
    }
}

/// What reading lines up to the next record gave.
enum LineRead {
    /// A record: its bytes are `buf[start..]`.
    Record { line: u64, start: usize },
    /// A line that is a record in error (too long).
    Error(RawRecord),
    /// The end of the input.
    End,
}

/// Reads lines, appending to `buf`, until one holds a record (blank lines are skipped and
/// leave nothing behind): strips a leading byte-order mark and a trailing CR, and turns a
/// line over `limit` bytes into an error record.
fn read_record_line(
    reader: &mut dyn BufRead,
    line: &mut u64,
    done: &mut bool,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<LineRead> {
    loop {
        if *done {
            return Ok(LineRead::End);
        }
        let start = buf.len();
        let (total, had_newline) = read_line_limited(reader, buf, limit)?;
        if total == 0 && !had_newline {
            *done = true;
            return Ok(LineRead::End);
        }
        *line += 1;
        if *line == 1 && buf[start..].starts_with(b"\xef\xbb\xbf") {
            buf.drain(start..start + 3);
        }
        if total > limit {
            buf.truncate(start);
            return Ok(LineRead::Error(RawRecord {
                line: *line,
                body: RawBody::Parsed(Err(format!(
                    "record is {total} bytes, over the limit of {limit} (--max-record-bytes)"
                ))),
            }));
        }
        if buf.len() > start && buf.last() == Some(&b'\r') {
            buf.pop();
        }
        if buf[start..].iter().all(|b| b.is_ascii_whitespace()) {
            buf.truncate(start);
            continue;
        }
        return Ok(LineRead::Record { line: *line, start });
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
    let from = buf.len();
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
        let (chunk, found) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        let room = (limit + 1).saturating_sub(buf.len() - from);
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

    /// Blocks (the batch scan's reader) give exactly what record-by-record reading gives,
    /// over inputs with a BOM, CRLF, blank and over-long lines, escapes, bad UTF-8 and JSON,
    /// and blocks of every small size.
    #[test]
    fn blocks_equal_records_one_by_one() {
        let pieces: [&[u8]; 12] = [
            b"\xef\xbb\xbf{\"id\":\"a\",\"text\":\"hi\"}",
            b"{\"text\":\"\\u52a0 \\\"q\\\"\",\"id\":7,\"speaker\":\"buyer\"}",
            b"\r",
            b"",
            b"   ",
            b"{\"text\":5}",
            b"{bad",
            b"{\"text\":\"\xff\"}",
            b"{\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
            b"{\"conversation\":\"c\",\"text\":\"\xe5\x8a\xa0\xe5\xbe\xae\xe4\xbf\xa1\"}",
            b"plain text line",
            b"{\"text\":\"ok\",\"labels\":[\"deposit_first\"],\"note\":\"n\"}",
        ];
        let mut seed: u64 = 11;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let fields = FieldMap::default();
        for round in 0..300 {
            let mut input = Vec::new();
            for _ in 0..next() % 12 {
                input.extend_from_slice(pieces[next() % pieces.len()]);
                input.extend_from_slice(if next() % 3 == 0 { b"\r\n" } else { b"\n" });
            }
            if next() % 2 == 0 {
                input.pop();
            }
            for format in [InputFormat::Jsonl, InputFormat::Text] {
                let open = || {
                    RecordReader::new(
                        Box::new(std::io::Cursor::new(input.clone())),
                        format,
                        &fields,
                        60,
                    )
                };
                let mut one_by_one = Vec::new();
                let mut r = open();
                while let Some(raw) = r.next_raw().unwrap() {
                    one_by_one.push(raw.parse(&fields));
                }
                let mut blocks = Vec::new();
                let mut r = open();
                let size = 1 + round % 5;
                loop {
                    let BlockRead { block, error, done } = r.next_block(size);
                    assert!(error.is_none());
                    assert!(block.items.len() <= size);
                    for item in block.items {
                        blocks.push(item.parse(&block.buf, &fields).map(RecordRef::into_owned));
                    }
                    if done {
                        break;
                    }
                }
                assert_eq!(blocks, one_by_one, "{:?}", String::from_utf8_lossy(&input));
            }
        }
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
