//! One input message, as every reader, the batch scan and the service see it.

use std::borrow::Cow;

/// One input message. Its strings borrow from the input where they need no unescaping, so a
/// batch scan parses a message without allocating; [`Record::into_owned`] keeps one past its
/// input (`Record<'static>`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record<'a> {
    /// 1-based line (row) of the record in its input.
    pub line: u64,
    /// Its id, if the input gives one.
    pub id: Option<Cow<'a, str>>,
    /// Its conversation, if any.
    pub conversation: Option<Cow<'a, str>>,
    /// Its speaker role as written (unknown roles are kept but carry no meaning).
    pub speaker: Option<Cow<'a, str>>,
    /// The message text.
    pub text: Cow<'a, str>,
    /// Category ids, in labeled files (`EVAL-FORMAT.md`).
    pub labels: Option<Vec<String>>,
    /// A note, in labeled files.
    pub note: Option<Cow<'a, str>>,
}

impl Record<'_> {
    /// The record with every string owned.
    pub fn into_owned(self) -> Record<'static> {
        Record {
            line: self.line,
            id: self.id.map(|s| Cow::Owned(s.into_owned())),
            conversation: self.conversation.map(|s| Cow::Owned(s.into_owned())),
            speaker: self.speaker.map(|s| Cow::Owned(s.into_owned())),
            text: Cow::Owned(self.text.into_owned()),
            labels: self.labels,
            note: self.note.map(|s| Cow::Owned(s.into_owned())),
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

/// A record that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// 1-based line of the record.
    pub line: u64,
    /// What was wrong, naming the field where one was.
    pub message: String,
}
