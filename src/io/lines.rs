//! Lines of JSON Lines and text input: one record a line, blank lines skipped, a byte-order
//! mark and a trailing CR stripped, and a line over the size limit turned into an error
//! without reading it into memory.

use std::io::{self, BufRead};

use super::RecordError;

/// What reading lines up to the next record gave.
pub(super) enum LineRead {
    /// A record: its bytes are `buf[start..]`.
    Record { line: u64, start: usize },
    /// A line that is a record in error (too long).
    Error(RecordError),
    /// The end of the input.
    End,
}

/// Reads lines, appending to `buf`, until one holds a record (blank lines are skipped and
/// leave nothing behind): strips a leading byte-order mark and a trailing CR, and turns a
/// line over `limit` bytes into an error record.
pub(super) fn read_record_line(
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
            return Ok(LineRead::Error(RecordError {
                line: *line,
                message: format!(
                    "record is {total} bytes, over the limit of {limit} (--max-record-bytes)"
                ),
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

/// Reads one line into `buf`, keeping at most `limit + 1` bytes of it; returns the line's
/// full length (without the newline) and whether a newline ended it.
pub(super) fn read_line_limited(
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
