//! `scamscan check`: one message, explained for a person.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use scamscan::amount::format_yuan;
use scamscan::highlight::{mark, visible};
use scamscan::io::OutputLine;
use scamscan::lang::folding_list;
use scamscan::{ConversationState, Finding, Lang, Report, Severity, Speaker, Turn};

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
            redacted: None,
        };
        serde_json::to_writer(&mut out, &line)?;
        writeln!(out)?;
    } else {
        let color = io::stdout().is_terminal();
        print_for_person(&mut out, &args.text, &report, color, detector.language())?;
    }
    crate::exit_for(report.reaches(Severity::Medium))
}

/// The message with its evidence marked (in colour on a terminal), then each finding, in
/// the detector's language.
fn print_for_person(
    out: &mut impl Write,
    text: &str,
    report: &Report,
    color: bool,
    lang: Lang,
) -> Result<()> {
    if report.findings.is_empty() {
        let none = match lang {
            Lang::ZhCn => "未发现诈骗特征",
            Lang::En => "no findings",
        };
        writeln!(out, "{none}")?;
        return write_silenced(out, report, lang);
    }
    let (on, off) = if color {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    writeln!(out, "{}", mark(text, &report.findings, on, off))?;
    match lang {
        Lang::ZhCn => writeln!(out, "风险等级：{}", report.severity.name(lang))?,
        Lang::En => writeln!(out, "severity: {}", report.severity)?,
    }
    for f in &report.findings {
        match lang {
            Lang::ZhCn => write_finding_zh(out, f)?,
            Lang::En => write_finding_en(out, f)?,
        }
    }
    write_silenced(out, report, lang)
}

/// What the stance stage silenced, and why.
fn write_silenced(out: &mut impl Write, report: &Report, lang: Lang) -> Result<()> {
    for f in &report.silenced {
        let p = f.proposed().unwrap_or_default();
        match lang {
            Lang::ZhCn => writeln!(
                out,
                "  已排除【{}】“{}”：说话人并非在提出这一步，而是在拒绝、提醒、询问或转述（提出的概率 {p:.2}）。［规则 {}］",
                f.category.name(lang),
                visible(&f.matched),
                visible(&f.rule)
            )?,
            Lang::En => writeln!(
                out,
                "  silenced: {} \"{}\": the speaker does not propose it but refuses, warns against, asks about or retells it (p(proposed) = {p:.2}) [{}]",
                f.category,
                visible(&f.matched),
                visible(&f.rule)
            )?,
        }
    }
    Ok(())
}

fn write_finding_en(out: &mut impl Write, f: &Finding) -> Result<()> {
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
        write!(
            out,
            " (seen through: {})",
            folding_list(&f.normalized, Lang::En)
        )?;
    }
    if !f.context.is_empty() {
        write!(out, " (after message {})", visible(&f.context.join(", ")))?;
    }
    if let Some(yuan) = f.amount.filter(|_| !f.raised_for_amount()) {
        write!(out, " (amount: {} yuan)", format_yuan(yuan))?;
    }
    writeln!(out)?;
    Ok(())
}

/// A finding as a Chinese sentence: category and severity, the evidence and where it is,
/// what it means, then what was seen through, what it rests on and the amount.
fn write_finding_zh(out: &mut impl Write, f: &Finding) -> Result<()> {
    let lang = Lang::ZhCn;
    write!(
        out,
        "  【{}·{}】“{}”（第 {}–{} 字）：{}",
        f.category.name(lang),
        f.severity.name(lang),
        visible(&f.matched),
        f.char_start + 1,
        f.char_end,
        visible(&f.explanation),
    )?;
    if !f.normalized.is_empty() {
        write!(out, "；识别时还原了{}", folding_list(&f.normalized, lang))?;
    }
    if !f.context.is_empty() {
        write!(out, "；依据此前的消息 {}", visible(&f.context.join("、")))?;
    }
    if let Some(yuan) = f.amount.filter(|_| !f.raised_for_amount()) {
        write!(out, "；金额 {} 元", format_yuan(yuan))?;
    }
    writeln!(out, "。［规则 {}］", visible(&f.rule))?;
    Ok(())
}
