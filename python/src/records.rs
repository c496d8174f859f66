//! Python records read as the CLI reads a line of JSON Lines: a dict in the input shape of
//! `IO.md` (`id`, `conversation`, `speaker`, `text`) or a plain string. A dict goes through
//! the library's own record parser, so a missing or mistyped field gives the CLI's error, in
//! the output record's place, and the rest are scanned.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use scamscan::io::{FieldMap, Record, RecordError};
use serde_json::{Map, Number, Value};

/// The fields a scan reads; everything else in a dict is ignored, as in JSON Lines.
const FIELDS: [&str; 4] = ["id", "conversation", "speaker", "text"];

/// Reads the record at 0-based `index` (its `line` is `index + 1`). Only an item that is
/// neither a string nor a dict, or a field value that JSON cannot hold, is a `TypeError`.
pub fn read(
    item: &Bound<'_, PyAny>,
    index: usize,
    fields: &FieldMap,
) -> PyResult<Result<Record<'static>, RecordError>> {
    let line = index as u64 + 1;
    if let Ok(text) = item.cast::<PyString>() {
        return Ok(Ok(Record {
            line,
            text: Cow::Owned(text.to_cow()?.into_owned()),
            ..Record::default()
        }));
    }
    let Ok(dict) = item.cast::<PyDict>() else {
        return Err(PyTypeError::new_err(format!(
            "record {index}: expected a dict or a str, got {}",
            item.get_type().name()?
        )));
    };
    if let Some(record) = plain(dict, line)? {
        return Ok(Ok(record));
    }
    let mut object = Map::new();
    for key in FIELDS {
        if let Some(value) = dict.get_item(key)? {
            let value = json_value(&value).map_err(|kind| {
                PyTypeError::new_err(format!(
                    "record {index}: field `{key}` holds a {kind}, which JSON cannot hold"
                ))
            })?;
            object.insert(key.to_string(), value);
        }
    }
    let bytes = serde_json::to_vec(&Value::Object(object))
        .map_err(|e| PyTypeError::new_err(format!("record {index}: {e}")))?;
    Ok(scamscan::io::parse_record(&bytes, line, fields)
        .map(Record::into_owned)
        .map_err(|message| RecordError {
            line,
            message: without_position(message),
        }))
}

/// The record of a dict whose fields are all strings (or absent), read directly: what the
/// parser would make of it, without the round trip through JSON. `None` for anything else
/// (a missing text, a number, a null), which the parser then reads and words the error of.
fn plain(dict: &Bound<'_, PyDict>, line: u64) -> PyResult<Option<Record<'static>>> {
    let py = dict.py();
    let mut fields: [Option<String>; 4] = Default::default();
    let keys = [
        intern!(py, "id"),
        intern!(py, "conversation"),
        intern!(py, "speaker"),
        intern!(py, "text"),
    ];
    for (slot, key) in fields.iter_mut().zip(keys) {
        if let Some(value) = dict.get_item(key)? {
            let Ok(s) = value.cast::<PyString>() else {
                return Ok(None);
            };
            let Ok(s) = s.to_cow() else {
                return Ok(None);
            };
            *slot = Some(s.into_owned());
        }
    }
    let [id, conversation, speaker, text] = fields;
    let Some(text) = text else {
        return Ok(None);
    };
    Ok(Some(Record {
        line,
        id: id.map(Cow::Owned),
        conversation: conversation.map(Cow::Owned),
        speaker: speaker.map(Cow::Owned),
        text: Cow::Owned(text),
        ..Record::default()
    }))
}

/// The parser's message without its " at line 1 column N": that position is in the JSON
/// made of the dict here, not in anything the caller wrote.
fn without_position(mut message: String) -> String {
    if let Some(at) = message.rfind(" at line ") {
        let tail = &message[at + " at line ".len()..];
        let mut parts = tail.split(" column ");
        let numeric = |p: Option<&str>| {
            p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        };
        if numeric(parts.next()) && numeric(parts.next()) && parts.next().is_none() {
            message.truncate(at);
        }
    }
    message
}

/// A Python value as JSON, or the name of its type when JSON has no such value. A list or a
/// dict is passed on empty: no field takes one, and the parser's error names only its kind.
fn json_value(value: &Bound<'_, PyAny>) -> Result<Value, String> {
    let type_name = || {
        value
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "value".into())
    };
    if value.is_none() {
        Ok(Value::Null)
    } else if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|_| "str that is not valid Unicode".into())
    } else if let Ok(b) = value.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if value.cast::<PyInt>().is_ok() {
        if let Ok(i) = value.extract::<i64>() {
            Ok(Value::Number(i.into()))
        } else if let Ok(u) = value.extract::<u64>() {
            Ok(Value::Number(u.into()))
        } else {
            // Beyond 64 bits: JSON Lines would carry the digits; so does this.
            value
                .str()
                .map(|s| Value::String(s.to_string()))
                .map_err(|_| type_name())
        }
    } else if let Ok(f) = value.cast::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| "float that is not finite".into())
    } else if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
        Ok(Value::Array(Vec::new()))
    } else if value.cast::<PyDict>().is_ok() {
        Ok(Value::Object(Map::new()))
    } else {
        Err(type_name())
    }
}
