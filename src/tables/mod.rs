//! Generated lookup tables; see `scripts/` for how each is made.

pub(crate) mod t2s;
