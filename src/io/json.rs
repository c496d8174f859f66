//! JSON Lines records: one JSON object, the mapped fields picked, strings borrowed from the
//! input where they need no unescaping. The service parses each message of a request with the
//! same function.

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{FieldMap, Record};

/// Parses one JSON object into a record that borrows its strings from `bytes`.
pub fn parse_record<'a>(
    bytes: &'a [u8],
    line: u64,
    fields: &FieldMap,
) -> Result<Record<'a>, String> {
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
