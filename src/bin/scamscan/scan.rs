//! `scamscan scan`: chat logs in, one JSON line per message out, a summary on standard error.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;

use scamscan::batch::{self, ConversationMap, Outcome, Summary};
use scamscan::io::{ErrorLine, OutputLine};
use scamscan::redact::{RedactOptions, Redaction};
use scamscan::summary::{ConversationVerdict, ConversationVerdicts};
use scamscan::Severity;

use crate::args::{InputArgs, LexiconArgs};

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Input files; `-` or none reads standard input.
    files: Vec<String>,
    #[command(flatten)]
    input: InputArgs,
    /// Write every message, not only those with findings (output pairs one to one with input).
    #[arg(long)]
    all: bool,
    /// Lowest severity that counts as a detection for the exit status.
    #[arg(long, default_value = "medium")]
    min_severity: Severity,
    /// Stop at the first record that cannot be read.
    #[arg(long)]
    strict: bool,
    /// Print no summary on standard error.
    #[arg(long, short)]
    quiet: bool,
    /// Write one record per conversation instead of one per message: its severity,
    /// categories, chain of evidence and one line for a person (after the whole input).
    #[arg(long)]
    by_conversation: bool,
    /// Add `redacted`: the text with the contact tokens (phone and QQ numbers, account ids,
    /// links) of findings at or above --min-severity masked whole.
    #[arg(long)]
    redact: bool,
    /// With --redact, mask the evidence phrases too (whole words only).
    #[arg(long, requires = "redact")]
    redact_phrases: bool,
    /// The mask character of --redact.
    #[arg(long, default_value_t = '*', requires = "redact")]
    mask: char,
    /// With --redact, a masked run becomes three mask characters instead of one per character
    /// (the text no longer keeps its length).
    #[arg(long, requires = "redact")]
    short_mask: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

impl ScanArgs {
    /// How --redact masks, if it was given.
    fn redact_options(&self) -> Option<RedactOptions> {
        self.redact.then_some(RedactOptions {
            min_severity: self.min_severity,
            redaction: if self.redact_phrases {
                Redaction::Phrases
            } else {
                Redaction::Contacts
            },
            keep_length: !self.short_mask,
            mask: self.mask,
        })
    }
}

/// Opens a file, or standard input for `-`, with its size where known (for progress): the
/// size of a regular file only (a pipe or `/dev/stdin` says 0 and means nothing by it).
pub fn open_input(name: &str) -> Result<(Box<dyn Read + Send>, Option<u64>)> {
    if name == "-" {
        return Ok((Box::new(io::stdin()), None));
    }
    let path = Path::new(name);
    let meta = std::fs::metadata(path).with_context(|| format!("{name}: cannot open"))?;
    if meta.is_dir() {
        bail!("{name}: is a directory, not a file");
    }
    let file = File::open(path).with_context(|| format!("{name}: cannot open"))?;
    Ok((Box::new(file), meta.is_file().then_some(meta.len())))
}

/// What every file of a run adds up to.
#[derive(Default)]
struct Totals {
    summary: Summary,
    flagged: u64,
    unreadable: usize,
}

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    let detector = args.lexicon.build()?;
    let pool = args.input.pool()?;
    let files = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files.clone()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut totals = Totals::default();
    for name in &files {
        let label = (files.len() > 1).then(|| name.clone());
        let Some(summary) = scan_file(&args, &detector, &pool, name, label, &mut out, &mut totals)?
        else {
            continue;
        };
        totals.summary.add(&summary);
        if summary.stopped_early {
            eprintln!("scamscan: {name}: stopped at the first bad record (--strict)");
            break;
        }
    }
    out.flush().context("writing output")?;
    if !args.quiet {
        print_summary(&totals, args.min_severity);
    }
    if totals.summary.errors > 0 || totals.unreadable > 0 {
        return Ok(ExitCode::from(2));
    }
    crate::exit_for(totals.flagged > 0)
}

/// Scans one input into `out`; `Ok(None)` when it could not be opened (said on stderr).
fn scan_file(
    args: &ScanArgs,
    detector: &scamscan::Detector,
    pool: &rayon::ThreadPool,
    name: &str,
    label: Option<String>,
    out: &mut impl Write,
    totals: &mut Totals,
) -> Result<Option<Summary>> {
    let (input, size) = match open_input(name) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("scamscan: {e:#}");
            totals.unreadable += 1;
            return Ok(None);
        }
    };
    if size == Some(0) {
        eprintln!("scamscan: {name}: empty file, nothing to scan");
    }
    let reader = args.input.reader(name, input);
    let mut conversations = ConversationMap::new(args.input.max_conversations);
    let redact = args.redact_options();
    let show_progress = io::stderr().is_terminal() && !args.quiet;
    let mut progress = progress_printer(name, size.filter(|_| show_progress));
    let mut verdicts = args.by_conversation.then(ConversationVerdicts::default);
    let mut sink = |outcome: Outcome| -> io::Result<()> {
        match outcome {
            Outcome::Scanned { record, report } => {
                totals.flagged += u64::from(report.reaches(args.min_severity));
                if let Some(verdicts) = verdicts.as_mut() {
                    let (conversation, id) = (record.conversation.as_deref(), record.id.as_deref());
                    verdicts.add(conversation, id, record.line, &report);
                } else if args.all || !report.findings.is_empty() {
                    let redacted = redact
                        .as_ref()
                        .map(|options| detector.redact(&record.text, &report, options));
                    let line = OutputLine {
                        file: label.clone(),
                        redacted,
                        ..OutputLine::scanned(&record, report)
                    };
                    serde_json::to_writer(&mut *out, &line)?;
                    out.write_all(b"\n")?;
                }
            }
            Outcome::Failed(e) => {
                let line = ErrorLine {
                    file: label.clone(),
                    line: e.line,
                    error: e.message,
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")?;
            }
        }
        Ok(())
    };
    let summary = batch::scan_stream(
        detector,
        Some(pool),
        reader,
        &args.input.options(args.strict),
        &mut conversations,
        &mut sink,
        &mut progress,
    )
    .with_context(|| format!("{name}: reading"))?
    .with_context(|| "writing output".to_string())?;
    if let Some(verdicts) = verdicts {
        for verdict in verdicts.finish_in(detector.language()) {
            let line = VerdictLine {
                file: label.as_deref(),
                verdict: &verdict,
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
        }
    }
    if show_progress && size.is_some() {
        eprint!("\r\x1b[K");
    }
    Ok(Some(summary))
}

/// A conversation's verdict as `--by-conversation` writes it (with its file when a run reads
/// several).
#[derive(serde::Serialize)]
struct VerdictLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(flatten)]
    verdict: &'a ConversationVerdict,
}

/// Progress on standard error, at most five times a second, for an input of known size.
fn progress_printer(name: &str, size: Option<u64>) -> impl FnMut(&Summary) + '_ {
    let mut last = Instant::now();
    move |s: &Summary| {
        let Some(size) = size else { return };
        if last.elapsed() < Duration::from_millis(200) {
            return;
        }
        last = Instant::now();
        let secs = s.elapsed.as_secs_f64().max(1e-9);
        eprint!(
            "\r{name}: {:5.1}%  {:.1} MB/s  {:.0} messages/s   ",
            100.0 * s.bytes as f64 / size.max(1) as f64,
            s.bytes as f64 / secs / 1e6,
            s.read as f64 / secs
        );
    }
}

fn print_summary(totals: &Totals, min_severity: Severity) {
    let s = &totals.summary;
    eprintln!(
        "scamscan: {} records read, {} scanned, {} in error; {} at {} or above; {:.0} messages/s ({:.1} MB/s){}",
        s.read,
        s.scanned,
        s.errors,
        totals.flagged,
        min_severity,
        s.messages_per_second(),
        s.bytes as f64 / s.elapsed.as_secs_f64().max(1e-9) / 1e6,
        if totals.unreadable > 0 {
            format!("; {} input(s) could not be opened", totals.unreadable)
        } else {
            String::new()
        }
    );
}
