//! The `scamscan` command line: check one message, scan chat logs, write an evidence report,
//! score labeled files, inspect lexicons, serve bots over HTTP. Each command is a module; the
//! library does the work.

mod args;
mod check;
mod eval;
mod lexicon;
mod report;
mod scan;
#[cfg(feature = "server")]
mod serve;

use std::io;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Finds scam patterns in Chinese customer-service chat messages.
#[derive(Parser, Debug)]
#[command(name = "scamscan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check one message and explain the findings.
    Check(check::CheckArgs),
    /// Scan chat logs (JSON Lines, CSV or text) and write one JSON line per message.
    Scan(scan::ScanArgs),
    /// Score the detector on a labeled JSON Lines file (EVAL-FORMAT.md).
    Eval(eval::EvalArgs),
    /// Write an evidence report (HTML or Markdown) of the flagged conversations in chat logs.
    Report(report::ReportArgs),
    /// Validate and inspect lexicons.
    Lexicon {
        #[command(subcommand)]
        command: lexicon::LexiconCommand,
    },
    /// Serve the HTTP API for bots (see docs/openapi.json).
    #[cfg(feature = "server")]
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Report(args) => report::run(args),
        Command::Lexicon { command } => lexicon::run(command),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("scamscan: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// grep's exit status: 0 when something was found, 1 when nothing was.
fn exit_for(found: bool) -> Result<ExitCode> {
    Ok(if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
