//! The `scamscan._scamscan` extension module: the library's detector, reports and
//! conversations as Python classes. The pure-Python package around it (`python/scamscan`)
//! re-exports them and adds the Spark integration.
//!
//! | module | what |
//! |---|---|
//! | `detector` | `Detector`: building, `scan`, `scan_many`, `conversation` |
//! | `report` | `Report` and `Finding`, and the dicts the CLI's JSON reads as |
//! | `conversation` | `Conversation`: context from message to message, saved as bytes |
//! | `records` | Python records (dicts or strings) read as the CLI reads JSON Lines |
//! | `columns` | column batches for DataFrames (Spark's Arrow batches) |
//! | `errors` | the exceptions, and the library's errors turned into them |

use pyo3::prelude::*;

mod columns;
mod conversation;
mod detector;
mod errors;
mod records;
mod report;

#[pymodule]
fn _scamscan(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<detector::Detector>()?;
    m.add_class::<report::Report>()?;
    m.add_class::<report::Finding>()?;
    m.add_class::<conversation::Conversation>()?;
    m.add_class::<columns::ColumnScanner>()?;
    m.add("ScamscanError", m.py().get_type::<errors::ScamscanError>())?;
    m.add("LexiconError", m.py().get_type::<errors::LexiconError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
