//! Prints the folded form of each input line (stdin to stdout), for tools that train on
//! exactly what the detector matches against (`scripts/train_scorer.py`).
//!
//! `cargo run --release --example fold_texts < texts.txt > folded.txt`; a line's newline
//! escapes (`\n` inside JSON strings) are the caller's business: one line in, one line out.

use std::io::{BufRead, BufWriter, Write};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let folded = scamscan::fold(&line?);
        writeln!(out, "{}", folded.replace('\n', " "))?;
    }
    out.flush()
}
