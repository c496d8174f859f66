//! Input and output formats of `IO.md`: readers for JSON Lines, CSV and text, and the
//! JSON Lines record writer.

pub(crate) mod read;
mod write;

pub use read::{
    parse_json_borrowed, parse_json_record, FieldMap, InputFormat, RawRecord, Record, RecordError,
    RecordReader, RecordRef,
};
pub(crate) use read::{BlockItem, BlockRead};
pub use write::{ErrorLine, OutputLine};
