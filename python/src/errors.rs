//! The package's exceptions, and the library's errors as Python exceptions.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyOSError, PyValueError};
use pyo3::PyErr;

create_exception!(
    scamscan,
    ScamscanError,
    PyException,
    "Base class of the errors scamscan raises (besides TypeError and OSError)."
);
create_exception!(
    scamscan,
    LexiconError,
    ScamscanError,
    "A lexicon that cannot be loaded; the message names its file, line and rule."
);

/// The library's error as the Python exception that fits: a lexicon's as `LexiconError`, a
/// file that cannot be read as `OSError` (with its errno), bad input as `ValueError`.
pub fn to_py(error: scamscan::Error) -> PyErr {
    let message = error.to_string();
    if error.is_lexicon() {
        LexiconError::new_err(message)
    } else if let Some(io) = error.io_error() {
        match io.raw_os_error() {
            Some(errno) => PyOSError::new_err((errno, message)),
            None => PyOSError::new_err(message),
        }
    } else {
        PyValueError::new_err(message)
    }
}
