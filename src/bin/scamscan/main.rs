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
use std::sync::OnceLock;

use anyhow::Result;
use clap::{Parser, Subcommand};
use scamscan::Lang;

/// Finds scam patterns in Chinese customer-service chat messages.
#[derive(Parser, Debug)]
#[command(name = "scamscan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Language of explanations, category names and reports: zh-CN or en (default: from
    /// LC_ALL, LC_MESSAGES or LANG; else Chinese for reports, English for the rest).
    #[arg(long, global = true, value_name = "zh-CN|en")]
    lang: Option<Lang>,
}

/// The language asked for with `--lang`, if any.
static LANG: OnceLock<Option<Lang>> = OnceLock::new();

/// The language to write in: `--lang`, else the environment's, else `fallback` (the
/// command's own default: Chinese for the evidence report, English for the rest).
fn language(fallback: Lang) -> Lang {
    LANG.get()
        .copied()
        .flatten()
        .or_else(Lang::from_env)
        .unwrap_or(fallback)
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
    let _ = LANG.set(cli.lang);
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
