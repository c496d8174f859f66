//! The library's one error type.

use std::fmt;
use std::path::PathBuf;

/// An error from building a detector or reading input.
///
/// Lexicon errors name the file, the line and the rule id, so that a user can fix them without
/// guessing; nothing ever runs on a half-loaded lexicon.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    Lexicon {
        file: String,
        line: Option<usize>,
        rule: Option<String>,
        message: String,
    },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Input(String),
}

impl Error {
    pub(crate) fn lexicon(
        file: impl Into<String>,
        line: Option<usize>,
        rule: Option<&str>,
        message: impl Into<String>,
    ) -> Error {
        Error {
            kind: ErrorKind::Lexicon {
                file: file.into(),
                line,
                rule: rule.map(str::to_string),
                message: message.into(),
            },
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io {
                path: path.into(),
                source,
            },
        }
    }

    pub(crate) fn input(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Input(message.into()),
        }
    }

    /// True for an error in a lexicon (syntax, schema, pattern or a failing example).
    pub fn is_lexicon(&self) -> bool {
        matches!(self.kind, ErrorKind::Lexicon { .. })
    }

    /// The rule id the error is about, where there is one.
    pub fn rule(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Lexicon { rule, .. } => rule.as_deref(),
            _ => None,
        }
    }

    /// The lexicon file the error is about, where there is one.
    pub fn file(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Lexicon { file, .. } => Some(file),
            _ => None,
        }
    }

    /// The I/O error behind a file that could not be read, where that was the trouble.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match &self.kind {
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The 1-based line of the lexicon file the error is about, where known.
    pub fn line(&self) -> Option<usize> {
        match &self.kind {
            ErrorKind::Lexicon { line, .. } => *line,
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Lexicon {
                file,
                line,
                rule,
                message,
            } => {
                write!(f, "{file}")?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                if let Some(rule) = rule {
                    write!(f, ": rule {rule}")?;
                }
                write!(f, ": {message}")
            }
            ErrorKind::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ErrorKind::Input(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
