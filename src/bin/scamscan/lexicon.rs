//! `scamscan lexicon`: validate lexicons, list rules and terms.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;

use crate::args::LexiconArgs;

#[derive(Subcommand, Debug)]
pub enum LexiconCommand {
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

pub fn run(command: LexiconCommand) -> Result<ExitCode> {
    match command {
        LexiconCommand::Check { dir, mut lexicon } => {
            lexicon.lexicons.extend(dir);
            check(&lexicon)
        }
        LexiconCommand::List { lexicon } => {
            let detector = lexicon.build()?;
            let lang = detector.language();
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
                    r.id,
                    category,
                    r.severity,
                    r.explanation_in(lang)
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

/// Builds without refusing bad examples, then lists every failing one.
fn check(lexicon: &LexiconArgs) -> Result<ExitCode> {
    let detector = lexicon
        .builder()?
        .verify_examples(false)
        .build()
        .context("building the detector")?;
    let failures = detector.check_examples();
    let stats = detector.stats();
    let (examples, counter) = detector.example_counts();
    for f in &failures {
        eprintln!("{f}");
    }
    // Built-in rules speak both languages; a user rule may be English only (with a warning).
    let mut missing_zh = 0;
    for r in detector
        .rules()
        .iter()
        .filter(|r| r.category.is_some() && r.explanation_zh.is_none())
    {
        if r.is_user() {
            eprintln!(
                "warning: {}: rule {}: no explanation_zh; its findings are explained in English in Chinese output",
                r.location(),
                r.id
            );
        } else {
            eprintln!(
                "{}: rule {}: no explanation_zh (built-in rules are explained in Chinese too)",
                r.location(),
                r.id
            );
            missing_zh += 1;
        }
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
    Ok(if failures.is_empty() && missing_zh == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
