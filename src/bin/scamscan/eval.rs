//! `scamscan eval`: recall and false positives on a labeled file.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use scamscan::eval::Evaluation;
use scamscan::highlight::visible;
use scamscan::Category;

use crate::args::LexiconArgs;

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// A labeled JSON Lines file.
    file: PathBuf,
    /// How many misses and false positives to list.
    #[arg(long, default_value_t = 50)]
    show: usize,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let detector = args.lexicon.build()?;
    let ev = scamscan::eval::evaluate_file(&detector, &args.file)
        .with_context(|| format!("evaluating {}", args.file.display()))?;
    let mut out = io::stdout().lock();
    list_mistakes(&mut out, &ev, args.show)?;
    for (line, e) in &ev.errors {
        writeln!(out, "error: line {line}: {}", visible(e))?;
    }
    writeln!(
        out,
        "\n{:<30} {:>8} {:>8} {:>8} {:>8}",
        "category", "caught", "labeled", "recall", "exact"
    )?;
    for c in Category::ALL {
        let r = ev.per_category.get(&c).copied().unwrap_or_default();
        let x = ev.per_category_exact.get(&c).copied().unwrap_or_default();
        writeln!(
            out,
            "{:<30} {:>8} {:>8} {:>8.3} {:>8.3}",
            c.as_str(),
            r.caught,
            r.scams,
            r.recall(),
            x.recall()
        )?;
    }
    writeln!(out)?;
    for (name, rates) in [
        ("evasions", ev.evasions),
        ("hard negatives", ev.hard_negatives),
        ("conversations", ev.conversations),
        ("overall", ev.overall),
    ] {
        writeln!(out, "{name:<14} {rates}")?;
    }
    Ok(if ev.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// The first `show` misses and false positives, each with what the detector said.
fn list_mistakes(out: &mut impl Write, ev: &Evaluation, show: usize) -> Result<()> {
    let mut misses = ev
        .messages
        .iter()
        .filter(|m| !m.labels.is_empty() && !m.caught())
        .peekable();
    if misses.peek().is_some() {
        writeln!(out, "misses:")?;
    }
    for m in misses.take(show) {
        let got: Vec<&str> = m.report.findings.iter().map(|f| f.rule.as_str()).collect();
        writeln!(
            out,
            "  line {} {}: {} want {:?} got {:?}",
            m.record.line,
            visible(m.record.id.as_deref().unwrap_or("-")),
            visible(&m.record.text),
            m.labels.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            got
        )?;
    }
    let mut fps = ev.messages.iter().filter(|m| m.false_positive()).peekable();
    if fps.peek().is_some() {
        writeln!(out, "false positives:")?;
    }
    for m in fps.take(show) {
        let got: Vec<String> = m
            .report
            .findings
            .iter()
            .map(|f| format!("{} \"{}\"", f.rule, visible(&f.matched)))
            .collect();
        writeln!(
            out,
            "  line {} {}: {} got {:?}",
            m.record.line,
            visible(m.record.id.as_deref().unwrap_or("-")),
            visible(&m.record.text),
            got
        )?;
    }
    Ok(())
}
