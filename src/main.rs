//! The `scamscan` command line: check one message, scan chat logs, score labeled files, and
//! inspect lexicons.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};

use scamscan::batch::{self, ConversationMap, Outcome, ScanOptions, Summary};
use scamscan::io::{ErrorLine, FieldMap, InputFormat, OutputLine, RecordReader};
use scamscan::{
    Category, ConversationState, Detector, DetectorBuilder, Report, Severity, Speaker, Turn,
};

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
    Check(CheckArgs),
    /// Scan chat logs (JSON Lines, CSV or text) and write one JSON line per message.
    Scan(ScanArgs),
    /// Score the detector on a labeled JSON Lines file (EVAL-FORMAT.md).
    Eval(EvalArgs),
    /// Write an evidence report (HTML or Markdown) of the flagged conversations in chat logs.
    Report(ReportArgs),
    /// Validate and inspect lexicons.
    Lexicon {
        #[command(subcommand)]
        command: LexiconCommand,
    },
    /// Serve the HTTP API for bots (see docs/openapi.json).
    #[cfg(feature = "server")]
    Serve(ServeArgs),
}

#[cfg(feature = "server")]
#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to bind; anything but loopback needs --token or --no-auth.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port to bind (0 picks a free one and prints it).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Bearer token clients must send (`Authorization: Bearer TOKEN`); also SCAMSCAN_TOKEN.
    #[arg(long, env = "SCAMSCAN_TOKEN")]
    token: Option<String>,
    /// Serve a non-loopback address without a token.
    #[arg(long)]
    no_auth: bool,
    /// Largest request body in bytes (answered 413 past it).
    #[arg(long, default_value_t = 1 << 20)]
    max_body_bytes: usize,
    /// Most messages in one request.
    #[arg(long, default_value_t = 1000)]
    max_messages: usize,
    /// Longest message text in bytes.
    #[arg(long, default_value_t = 64 << 10)]
    max_message_bytes: usize,
    /// Longest a request may take, in milliseconds (answered 408 past it).
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// Conversations the server keeps; past it the least recently used 10% are forgotten.
    #[arg(long, default_value_t = 100_000)]
    max_conversations: usize,
    /// Seconds after which an unused conversation is forgotten.
    #[arg(long, default_value_t = 86_400)]
    conversation_ttl_secs: u64,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

#[derive(Args, Debug, Clone)]
struct LexiconArgs {
    /// A folder of user lexicon files (*.toml) to add on top; repeatable.
    #[arg(long = "lexicon", value_name = "DIR")]
    lexicons: Vec<PathBuf>,
    /// Leave the built-in lexicons out (use only --lexicon folders).
    #[arg(long)]
    no_builtin: bool,
    /// Rules only: leave out the n-gram scorer, which reports wording typical of a category
    /// where no rule fired (a fifth faster, less recall on unseen wording; see the README).
    #[arg(long)]
    no_scorer: bool,
    /// Findings with a money amount of at least this many yuan are raised one severity
    /// step; `off` turns it off.
    #[arg(long, value_name = "YUAN|off", default_value = "1000", value_parser = parse_large_amount)]
    large_amount: LargeAmount,
}

/// The `--large-amount` threshold: yuan, or `None` for off.
#[derive(Clone, Copy, Debug)]
struct LargeAmount(Option<f64>);

fn parse_large_amount(s: &str) -> Result<LargeAmount, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(LargeAmount(None));
    }
    match s.parse::<f64>() {
        Ok(yuan) if yuan.is_finite() && yuan > 0.0 => Ok(LargeAmount(Some(yuan))),
        _ => Err(format!(
            "{s:?} is not an amount: give a positive number of yuan, or off"
        )),
    }
}

impl LexiconArgs {
    fn build(&self) -> Result<Detector> {
        self.build_with(DetectorBuilder::new())
    }

    fn build_with(&self, mut builder: DetectorBuilder) -> Result<Detector> {
        builder = builder
            .large_amount(self.large_amount.0)
            .scorer(!self.no_scorer);
        if self.no_builtin {
            builder = builder.without_builtin();
        }
        for dir in &self.lexicons {
            builder = builder
                .lexicon_dir(dir)
                .with_context(|| format!("loading lexicon folder {}", dir.display()))?;
        }
        builder.build().context("building the detector")
    }
}

#[derive(Args, Debug)]
struct CheckArgs {
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

/// How input records are read (shared by `scan` and `report`).
#[derive(Args, Debug)]
struct InputArgs {
    /// Input format; by default from the extension (.csv, .txt, otherwise JSON Lines).
    #[arg(long, value_name = "jsonl|csv|text")]
    input_format: Option<InputFormat>,
    /// The field holding the message text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// The field holding the message id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// The field holding the conversation id.
    #[arg(long, default_value = "conversation")]
    conversation_field: String,
    /// The field holding the speaker role.
    #[arg(long, default_value = "speaker")]
    speaker_field: String,
    /// Largest record in bytes; a longer one is reported as an error record.
    #[arg(long, default_value_t = 16 << 20)]
    max_record_bytes: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Conversations whose context is kept at once; least recently seen are forgotten past it.
    #[arg(long, default_value_t = 100_000)]
    max_conversations: usize,
}

impl InputArgs {
    fn fields(&self) -> FieldMap {
        FieldMap {
            text: self.text_field.clone(),
            id: self.id_field.clone(),
            conversation: self.conversation_field.clone(),
            speaker: self.speaker_field.clone(),
        }
    }

    fn options(&self, strict: bool) -> ScanOptions {
        ScanOptions {
            fields: self.fields(),
            max_conversations: self.max_conversations,
            strict,
            ..ScanOptions::default()
        }
    }

    fn reader(&self, name: &str, input: Box<dyn Read + Send>) -> RecordReader {
        let format = self
            .input_format
            .unwrap_or_else(|| InputFormat::from_path(name));
        RecordReader::new(input, format, &self.fields(), self.max_record_bytes)
    }

    fn pool(&self) -> Result<rayon::ThreadPool> {
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            if n == 0 {
                bail!("--threads must be at least 1");
            }
            pool = pool.num_threads(n);
        }
        pool.build().context("starting worker threads")
    }
}

#[derive(Args, Debug)]
struct ScanArgs {
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
    #[command(flatten)]
    lexicon: LexiconArgs,
}

#[derive(Args, Debug)]
struct ReportArgs {
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

#[derive(Args, Debug)]
struct EvalArgs {
    /// A labeled JSON Lines file.
    file: PathBuf,
    /// How many misses and false positives to list.
    #[arg(long, default_value_t = 50)]
    show: usize,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

#[derive(Subcommand, Debug)]
enum LexiconCommand {
    /// Validate lexicons and run every rule's examples and counter-examples.
    Check {
        /// A folder to check on top of the built-in lexicons (same as --lexicon DIR).
        dir: Option<PathBuf>,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
    /// Print every rule with its category and severity.
    List {
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
    /// Print every literal the automaton is built from, one a line.
    Terms {
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Scan(args) => scan(args),
        Command::Eval(args) => eval(args),
        Command::Report(args) => report(args),
        Command::Lexicon { command } => lexicon(command),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve(args),
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

fn check(args: CheckArgs) -> Result<ExitCode> {
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
    Ok(exit_for(report.reaches(Severity::Medium)))
}

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
    let mut highlighted = String::new();
    let mut at = 0;
    for f in &report.findings {
        if f.start < at {
            continue;
        }
        highlighted.push_str(&text[at..f.start]);
        highlighted.push_str(on);
        highlighted.push_str(&text[f.start..f.end]);
        highlighted.push_str(off);
        at = f.end;
    }
    highlighted.push_str(&text[at..]);
    writeln!(out, "{highlighted}")?;
    writeln!(out, "severity: {}", report.severity)?;
    for f in &report.findings {
        write!(
            out,
            "  {} ({}) {:?} at bytes {}..{}: {} [{}]",
            f.category, f.severity, f.matched, f.start, f.end, f.explanation, f.rule
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

fn exit_for(found: bool) -> ExitCode {
    if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn open_input(name: &str) -> Result<(Box<dyn Read + Send>, Option<u64>)> {
    if name == "-" {
        return Ok((Box::new(io::stdin()), None));
    }
    let path = Path::new(name);
    let meta = std::fs::metadata(path).with_context(|| format!("{name}: cannot open"))?;
    if meta.is_dir() {
        bail!("{name}: is a directory, not a file");
    }
    let file = File::open(path).with_context(|| format!("{name}: cannot open"))?;
    Ok((Box::new(file), Some(meta.len())))
}

fn scan(args: ScanArgs) -> Result<ExitCode> {
    let detector = args.lexicon.build()?;
    let options = args.input.options(args.strict);
    let pool = args.input.pool()?;
    let files = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files.clone()
    };
    let many = files.len() > 1;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut total = Summary::default();
    let mut flagged = 0u64;
    let mut unreadable = 0usize;
    let show_progress = io::stderr().is_terminal() && !args.quiet;
    for name in &files {
        let (input, size) = match open_input(name) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("scamscan: {e:#}");
                unreadable += 1;
                continue;
            }
        };
        if size == Some(0) {
            eprintln!("scamscan: {name}: empty file, nothing to scan");
        }
        let reader = args.input.reader(name, input);
        let file_label = many.then(|| name.clone());
        let mut conversations = ConversationMap::new(args.input.max_conversations);
        let mut last_progress = Instant::now();
        let mut progress = |s: &Summary| {
            if let (true, Some(size)) = (show_progress, size) {
                if last_progress.elapsed() >= Duration::from_millis(200) {
                    last_progress = Instant::now();
                    let secs = s.elapsed.as_secs_f64().max(1e-9);
                    eprint!(
                        "\r{name}: {:5.1}%  {:.1} MB/s  {:.0} messages/s   ",
                        100.0 * s.bytes as f64 / size.max(1) as f64,
                        s.bytes as f64 / secs / 1e6,
                        s.read as f64 / secs
                    );
                }
            }
        };
        let mut sink = |outcome: Outcome| -> io::Result<()> {
            match outcome {
                Outcome::Scanned { record, report } => {
                    let hit = report.reaches(args.min_severity);
                    flagged += u64::from(hit);
                    if args.all || !report.findings.is_empty() {
                        let line = OutputLine {
                            file: file_label.clone(),
                            ..OutputLine::scanned(&record, report)
                        };
                        serde_json::to_writer(&mut out, &line)?;
                        out.write_all(b"\n")?;
                    }
                }
                Outcome::Failed(e) => {
                    let line = ErrorLine {
                        file: file_label.clone(),
                        line: e.line,
                        error: e.message,
                    };
                    serde_json::to_writer(&mut out, &line)?;
                    out.write_all(b"\n")?;
                }
            }
            Ok(())
        };
        let summary = batch::scan_stream(
            &detector,
            Some(&pool),
            reader,
            &options,
            &mut conversations,
            &mut sink,
            &mut progress,
        )
        .with_context(|| format!("{name}: reading"))?
        .with_context(|| "writing output".to_string())?;
        if show_progress && size.is_some() {
            eprint!("\r\x1b[K");
        }
        total.add(&summary);
        if summary.stopped_early {
            eprintln!("scamscan: {name}: stopped at the first bad record (--strict)");
            break;
        }
    }
    out.flush().context("writing output")?;
    if !args.quiet {
        eprintln!(
            "scamscan: {} records read, {} scanned, {} in error; {} at {} or above; {:.0} messages/s ({:.1} MB/s){}",
            total.read,
            total.scanned,
            total.errors,
            flagged,
            args.min_severity,
            total.messages_per_second(),
            total.bytes as f64 / total.elapsed.as_secs_f64().max(1e-9) / 1e6,
            if unreadable > 0 {
                format!("; {unreadable} input(s) could not be opened")
            } else {
                String::new()
            }
        );
    }
    if total.errors > 0 || unreadable > 0 {
        return Ok(ExitCode::from(2));
    }
    Ok(exit_for(flagged > 0))
}

/// `scamscan report`: scan, then read the logs again for the flagged conversations' messages.
fn report(args: ReportArgs) -> Result<ExitCode> {
    use scamscan::evidence::{render_html, render_markdown, EvidenceCollector};
    let format =
        args.format
            .unwrap_or_else(|| match args.output.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown") => {
                    ReportFormat::Md
                }
                _ => ReportFormat::Html,
            });
    let detector = args.lexicon.build()?;
    let options = args.input.options(false);
    let pool = args.input.pool()?;
    // Standard input cannot be read twice: hold it in memory, shared by both passes.
    let stdin_bytes: Option<std::sync::Arc<[u8]>> = if args.files.iter().any(|f| f == "-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        Some(bytes.into())
    } else {
        None
    };
    let open = |name: &str| -> Result<Box<dyn Read + Send>> {
        match (&stdin_bytes, name) {
            (Some(bytes), "-") => Ok(Box::new(io::Cursor::new(bytes.clone()))),
            _ => open_input(name).map(|(input, _)| input),
        }
    };
    let mut collector = EvidenceCollector::new(args.files.clone());
    collector.detector_facts(detector.lexicon_version(), args.lexicon.large_amount.0);
    let mut total = Summary::default();
    for (index, name) in args.files.iter().enumerate() {
        let reader = args.input.reader(name, open(name)?);
        let mut conversations = ConversationMap::new(args.input.max_conversations);
        let mut sink = |outcome: Outcome| -> Result<(), std::convert::Infallible> {
            match outcome {
                Outcome::Scanned { record, report } => collector.scanned(index, &record, report),
                Outcome::Failed(e) => collector.failed(index, &e),
            }
            Ok(())
        };
        let summary = batch::scan_stream(
            &detector,
            Some(&pool),
            reader,
            &options,
            &mut conversations,
            &mut sink,
            &mut |_| {},
        )
        .with_context(|| format!("{name}: reading"))?;
        let Ok(summary) = summary;
        total.add(&summary);
    }
    if !collector.nothing_flagged() {
        for (index, name) in args.files.iter().enumerate() {
            let mut reader = args.input.reader(name, open(name)?);
            let fields = args.input.fields();
            while let Some(raw) = reader
                .next_raw()
                .with_context(|| format!("{name}: reading again"))?
            {
                if let Ok(record) = raw.parse(&fields) {
                    collector.reread(index, record);
                }
            }
        }
    }
    let evidence = collector.finish();
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
    Ok(exit_for(!evidence.flagged.is_empty()))
}

fn eval(args: EvalArgs) -> Result<ExitCode> {
    let detector = args.lexicon.build()?;
    let ev = scamscan::eval::evaluate_file(&detector, &args.file)
        .with_context(|| format!("evaluating {}", args.file.display()))?;
    let mut out = io::stdout().lock();
    let mut misses = ev
        .messages
        .iter()
        .filter(|m| !m.labels.is_empty() && !m.caught())
        .peekable();
    if misses.peek().is_some() {
        writeln!(out, "misses:")?;
    }
    for m in misses.take(args.show) {
        let got: Vec<&str> = m.report.findings.iter().map(|f| f.rule.as_str()).collect();
        writeln!(
            out,
            "  line {} {}: {} want {:?} got {:?}",
            m.record.line,
            m.record.id.as_deref().unwrap_or("-"),
            m.record.text,
            m.labels.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            got
        )?;
    }
    let mut fps = ev.messages.iter().filter(|m| m.false_positive()).peekable();
    if fps.peek().is_some() {
        writeln!(out, "false positives:")?;
    }
    for m in fps.take(args.show) {
        let got: Vec<String> = m
            .report
            .findings
            .iter()
            .map(|f| format!("{} {:?}", f.rule, f.matched))
            .collect();
        writeln!(
            out,
            "  line {} {}: {} got {:?}",
            m.record.line,
            m.record.id.as_deref().unwrap_or("-"),
            m.record.text,
            got
        )?;
    }
    for (line, e) in &ev.errors {
        writeln!(out, "error: line {line}: {e}")?;
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

fn lexicon(command: LexiconCommand) -> Result<ExitCode> {
    match command {
        LexiconCommand::Check { dir, mut lexicon } => {
            lexicon.lexicons.extend(dir);
            let detector = lexicon.build_with(DetectorBuilder::new().verify_examples(false))?;
            let failures = detector.check_examples();
            let stats = detector.stats();
            let (examples, counter) = detector.example_counts();
            for f in &failures {
                eprintln!("{f}");
            }
            println!(
                "{} rules, {} signal rules, {} terms; {} examples and {} counter-examples, {} failing; built in {:.1} ms, automaton {} KiB",
                stats.rules,
                stats.signal_rules,
                stats.terms,
                examples,
                counter,
                failures.len(),
                stats.build_time.as_secs_f64() * 1e3,
                stats.automaton_bytes / 1024
            );
            Ok(if failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        LexiconCommand::List { lexicon } => {
            let detector = lexicon.build()?;
            let mut out = io::stdout().lock();
            for r in detector.rules() {
                let category = match (&r.category, &r.signal) {
                    (Some(c), _) => c.as_str().to_string(),
                    (None, Some(s)) => format!("signal:{s}"),
                    (None, None) => "-".to_string(),
                };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    r.id, category, r.severity, r.explanation
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        LexiconCommand::Terms { lexicon } => {
            let detector = lexicon.build()?;
            let mut out = BufWriter::new(io::stdout().lock());
            for t in detector.terms() {
                writeln!(out, "{t}")?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(feature = "server")]
fn serve(args: ServeArgs) -> Result<ExitCode> {
    use scamscan::server::{self, ServerConfig};
    if !args.host.is_loopback() && args.token.is_none() && !args.no_auth {
        bail!(
            "binding {} exposes the service beyond this machine: give --token TOKEN (or SCAMSCAN_TOKEN), or --no-auth",
            args.host
        );
    }
    let config = ServerConfig {
        addr: std::net::SocketAddr::new(args.host, args.port),
        token: args.token,
        lexicons: args.lexicon.lexicons.clone(),
        no_builtin: args.lexicon.no_builtin,
        scorer: !args.lexicon.no_scorer,
        large_amount: args.lexicon.large_amount.0,
        max_body_bytes: args.max_body_bytes,
        max_messages: args.max_messages,
        max_message_bytes: args.max_message_bytes,
        request_timeout: Duration::from_millis(args.timeout_ms.max(1)),
        max_conversations: args.max_conversations,
        conversation_ttl: Duration::from_secs(args.conversation_ttl_secs),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(server::serve(config, |addr| {
            eprintln!("scamscan: listening on http://{addr}");
        }))
        .context("serving")?;
    eprintln!("scamscan: shut down");
    Ok(ExitCode::SUCCESS)
}
