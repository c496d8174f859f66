//! `scamscan report`: an evidence report of the flagged conversations, as one HTML page or
//! Markdown.

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;

use scamscan::evidence::{collect, render_html, render_markdown, Source};
use scamscan::Lang;

use crate::args::{InputArgs, LexiconArgs};
use crate::scan::open_input;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Chat logs to report on (`-` reads standard input, held in memory for the second pass).
    #[arg(required = true)]
    files: Vec<String>,
    /// Where to write the report.
    #[arg(long, short)]
    output: PathBuf,
    /// html (one self-contained page) or md; by default from the output's extension.
    #[arg(long, value_name = "html|md")]
    format: Option<ReportFormat>,
    #[command(flatten)]
    input: InputArgs,
    /// Print nothing on standard error but errors.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Html,
    Md,
}

/// When the report is made, in Unix seconds: `SOURCE_DATE_EPOCH` when set (reproducible
/// reports, tests), else now.
fn report_time() -> Result<u64> {
    if let Ok(value) = std::env::var("SOURCE_DATE_EPOCH") {
        return value
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH={value:?} is not a number of seconds"));
    }
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()))
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let format =
        args.format
            .unwrap_or_else(|| match args.output.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown") => {
                    ReportFormat::Md
                }
                _ => ReportFormat::Html,
            });
    // People read the report: in Chinese unless asked otherwise.
    let lang = crate::language(Lang::ZhCn);
    let detector = args
        .lexicon
        .builder()?
        .language(lang)
        .build()
        .context("building the detector")?;
    let pool = args.input.pool()?;
    // Standard input cannot be read twice: hold it in memory, shared by both passes.
    let stdin_bytes: Option<Arc<[u8]>> = if args.files.iter().any(|f| f == "-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        Some(bytes.into())
    } else {
        None
    };
    let sources: Vec<Source> = args
        .files
        .iter()
        .map(|name| Source {
            name: name.clone(),
            open: Box::new({
                let (input, stdin) = (&args.input, stdin_bytes.clone());
                move || {
                    let read: Box<dyn Read + Send> = match (&stdin, name.as_str()) {
                        (Some(bytes), "-") => Box::new(io::Cursor::new(bytes.clone())),
                        _ => open_input(name)
                            .map(|(input, _)| input)
                            .map_err(|e| io::Error::other(format!("{e:#}")))?,
                    };
                    Ok(input.reader(name, read))
                }
            }),
        })
        .collect();
    let collected = collect(
        &detector,
        Some(&pool),
        &sources,
        &args.input.options(false),
        args.input.max_conversations,
    )?;
    let (mut evidence, total) = (collected.evidence, collected.summary);
    evidence.lang = lang;
    evidence.generated = Some(report_time()?);
    let page = match format {
        ReportFormat::Html => render_html(&evidence),
        ReportFormat::Md => render_markdown(&evidence),
    };
    std::fs::write(&args.output, page)
        .with_context(|| format!("{}: cannot write the report", args.output.display()))?;
    if !args.quiet {
        eprintln!(
            "scamscan: {} records read, {} in error; {} messages in {} conversations with findings; report written to {}",
            total.read,
            total.errors,
            evidence.flagged_messages,
            evidence.flagged.len(),
            args.output.display()
        );
    }
    if total.errors > 0 {
        return Ok(ExitCode::from(2));
    }
    crate::exit_for(!evidence.flagged.is_empty())
}
