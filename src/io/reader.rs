//! [`RecordReader`]: records from a stream in any input format, read in blocks that share one
//! buffer, never losing one.
//!
//! Every record of the input yields exactly one item, in order: a [`Record`] or a
//! [`RecordError`] naming its line. Blank lines are skipped and not counted. JSON Lines and
//! text are split into lines here and parsed later (the batch scan parses in parallel, each
//! record borrowing from its block); CSV, whose quoted fields may span lines, is parsed as
//! it is read.

use std::borrow::Cow;
use std::io::{self, Read};

use super::csv::CsvSource;
use super::json::parse_record;
use super::lines::{read_record_line, LineRead};
use super::{FieldMap, InputFormat, Record, RecordError};

/// A block stops taking lines past this many bytes (a few thousand chat messages).
const BLOCK_BYTES: usize = 1 << 20;
/// Records per block when reading one record at a time.
const RECORDS_PER_BLOCK: usize = 256;

/// Reads records from a stream in one input format.
pub struct RecordReader {
    source: Source,
    fields: FieldMap,
    max_record_bytes: usize,
    /// The buffer and records of the block [`RecordReader::next_record`] is handing out.
    pending: Option<(Vec<u8>, std::vec::IntoIter<BlockItem>)>,
    /// What ended the stream, once it has: handed out after the last record.
    ended: Option<io::Result<()>>,
}

enum Source {
    Lines {
        reader: Box<dyn io::BufRead + Send>,
        text: bool,
        line: u64,
        done: bool,
    },
    Csv(Box<CsvSource>),
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
        let source = match format {
            InputFormat::Csv => {
                Source::Csv(Box::new(CsvSource::new(input, fields, max_record_bytes)))
            }
            InputFormat::Jsonl | InputFormat::Text => Source::Lines {
                reader: Box::new(io::BufReader::with_capacity(256 * 1024, input)),
                text: format == InputFormat::Text,
                line: 0,
                done: false,
            },
        };
        RecordReader {
            source,
            fields: fields.clone(),
            max_record_bytes,
            pending: None,
            ended: None,
        }
    }

    /// The field names records are read with.
    pub fn fields(&self) -> &FieldMap {
        &self.fields
    }

    /// The next record, owned; `Ok(None)` at the end. An I/O error ends the stream, after the
    /// records read before it.
    pub fn next_record(&mut self) -> io::Result<Option<Result<Record<'static>, RecordError>>> {
        loop {
            if let Some((buf, items)) = &mut self.pending {
                if let Some(item) = items.next() {
                    let parsed = item.parse(buf, &self.fields);
                    return Ok(Some(parsed.map(Record::into_owned)));
                }
                self.pending = None;
            }
            if let Some(ended) = self.ended.take() {
                self.ended = Some(Ok(()));
                return ended.map(|()| None);
            }
            let BlockRead { block, error, done } = self.next_block(RECORDS_PER_BLOCK);
            if let Some(e) = error {
                self.ended = Some(Err(e));
            } else if done {
                self.ended = Some(Ok(()));
            }
            self.pending = Some((block.buf, block.items.into_iter()));
        }
    }

    /// Up to `max_records` records read into one shared buffer (JSON Lines and text: no
    /// allocation or copy per record), for the batch scan. An I/O error ends the stream
    /// after the records read before it.
    pub(crate) fn next_block(&mut self, max_records: usize) -> BlockRead {
        let limit = self.max_record_bytes;
        let mut block = Block {
            buf: Vec::new(),
            items: Vec::with_capacity(max_records.min(1 << 16)),
        };
        match &mut self.source {
            Source::Lines {
                reader,
                text,
                line,
                done,
            } => {
                block.buf.reserve(BLOCK_BYTES);
                while block.items.len() < max_records && block.buf.len() < BLOCK_BYTES {
                    match read_record_line(reader.as_mut(), line, done, &mut block.buf, limit) {
                        Ok(LineRead::Record { line, start }) => block.items.push(BlockItem::Line {
                            line,
                            start,
                            end: block.buf.len(),
                            text: *text,
                        }),
                        Ok(LineRead::Error(e)) => block.items.push(BlockItem::Ready(Err(e))),
                        Ok(LineRead::End) => return BlockRead::done(block, None),
                        Err(e) => return BlockRead::done(block, Some(e)),
                    }
                }
            }
            Source::Csv(csv) => {
                while block.items.len() < max_records {
                    match csv.next_record() {
                        Ok(Some(record)) => block.items.push(BlockItem::Ready(record)),
                        Ok(None) => return BlockRead::done(block, None),
                        Err(e) => return BlockRead::done(block, Some(e)),
                    }
                }
            }
        }
        BlockRead {
            block,
            error: None,
            done: false,
        }
    }
}

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
    /// A record read on its own (CSV), or one already in error.
    Ready(Result<Record<'static>, RecordError>),
}

impl BlockItem {
    /// Size of the record in bytes (for throughput accounting).
    pub(crate) fn len(&self) -> usize {
        match self {
            BlockItem::Line { start, end, .. } => end - start,
            BlockItem::Ready(Ok(r)) => r.text.len(),
            BlockItem::Ready(Err(_)) => 0,
        }
    }

    /// Parses the record, borrowing its strings from `buf` where it can.
    pub(crate) fn parse<'a>(
        self,
        buf: &'a [u8],
        fields: &FieldMap,
    ) -> Result<Record<'a>, RecordError> {
        let (line, start, end, text) = match self {
            BlockItem::Ready(record) => return record,
            BlockItem::Line {
                line,
                start,
                end,
                text,
            } => (line, start, end, text),
        };
        let bytes = buf.get(start..end).unwrap_or_default();
        let err = |message: String| RecordError { line, message };
        if !text {
            return parse_record(bytes, line, fields).map_err(err);
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|e| err(format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
        Ok(Record {
            line,
            id: Some(Cow::Owned(line.to_string())),
            text: Cow::Borrowed(text),
            ..Record::default()
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(
        input: &str,
        format: InputFormat,
        limit: usize,
    ) -> Vec<Result<Record<'static>, RecordError>> {
        let mut r = RecordReader::new(
            Box::new(std::io::Cursor::new(input.as_bytes().to_vec())),
            format,
            &FieldMap::default(),
            limit,
        );
        let mut out = Vec::new();
        while let Some(record) = r.next_record().unwrap() {
            out.push(record);
        }
        out
    }

    /// Blocks of every small size give exactly what reading one record at a time gives,
    /// over inputs with a BOM, CRLF, blank and over-long lines, escapes, bad UTF-8 and JSON.
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
                while let Some(record) = r.next_record().unwrap() {
                    one_by_one.push(record);
                }
                let mut blocks = Vec::new();
                let mut r = open();
                let size = 1 + round % 5;
                loop {
                    let BlockRead { block, error, done } = r.next_block(size);
                    assert!(error.is_none());
                    assert!(block.items.len() <= size);
                    for item in block.items {
                        blocks.push(item.parse(&block.buf, &fields).map(Record::into_owned));
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
