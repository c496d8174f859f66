//! `scamscan check`: one message, explained for a person.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use scamscan::highlight::{mark, visible};
use scamscan::io::OutputLine;
use scamscan::{ConversationState, Report, Severity, Speaker, Turn};

use crate::args::LexiconArgs;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The message text.
    text: String,
    /// Who wrote it: buyer, seller, agent or system.
    #[arg(long)]
    speaker: Option<Speaker>,
    /// Print the JSON record `scan` writes instead of text for a person.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let detector = args.lexicon.build()?;
    let report = detector.scan_turn(
        Turn {
            id: None,
            speaker: args.speaker,
            text: &args.text,
        },
        &mut ConversationState::new(),
    );
    let mut out = io::stdout().lock();
    if args.json {
        let line = OutputLine {
            file: None,
            id: None,
            line: 1,
            conversation: None,
            severity: report.severity,
            findings: report.findings.clone(),
        };
        serde_json::to_writer(&mut out, &line)?;
        writeln!(out)?;
    } else {
        print_for_person(&mut out, &args.text, &report, io::stdout().is_terminal())?;
    }
    crate::exit_for(report.reaches(Severity::Medium))
}

/// The message with its evidence marked (in colour on a terminal), then each finding.
fn print_for_person(out: &mut impl Write, text: &str, report: &Report, color: bool) -> Result<()> {
    if report.findings.is_empty() {
        writeln!(out, "no findings")?;
        return Ok(());
    }
    let (on, off) = if color {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    writeln!(out, "{}", mark(text, &report.findings, on, off))?;
    writeln!(out, "severity: {}", report.severity)?;
    for f in &report.findings {
        write!(
            out,
            "  {} ({}) \"{}\" at bytes {}..{}: {} [{}]",
            f.category,
            f.severity,
            visible(&f.matched),
            f.start,
            f.end,
            visible(&f.explanation),
            visible(&f.rule)
        )?;
        if !f.normalized.is_empty() {
            write!(out, " (seen through: {})", f.normalized.join(", "))?;
        }
        if let Some(yuan) = f.amount {
            write!(
                out,
                " (amount: {} yuan)",
                scamscan::amount::format_yuan(yuan)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
