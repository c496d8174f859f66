//! The options several commands share: the detector's, and how input is read.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;

use scamscan::batch::{ScanOptions, DEFAULT_MAX_CONVERSATIONS};
use scamscan::io::{FieldMap, InputFormat, RecordReader};
use scamscan::{Detector, DetectorBuilder, DetectorConfig, Lang, DEFAULT_LARGE_AMOUNT};

/// Most worker threads a run may ask for.
const MAX_THREADS: usize = 256;

/// What the detector is built from.
#[derive(Args, Debug, Clone)]
pub struct LexiconArgs {
    /// A folder of user lexicon files (*.toml) to add on top; repeatable.
    #[arg(long = "lexicon", value_name = "DIR")]
    pub lexicons: Vec<PathBuf>,
    /// Leave the built-in lexicons out (use only --lexicon folders).
    #[arg(long)]
    pub no_builtin: bool,
    /// Rules only: leave out the n-gram scorer, which reports wording typical of a category
    /// where no rule fired (faster, less recall on unseen wording; see docs/quality.md).
    #[arg(long)]
    pub no_scorer: bool,
    /// Leave out the stance stage, which silences findings whose speaker refuses, warns
    /// against, asks about or retells the step instead of proposing it (docs/stance.md).
    #[arg(long)]
    pub no_stance: bool,
    /// Findings with a money amount of at least this many yuan are raised one severity
    /// step; `off` turns it off.
    #[arg(long, value_name = "YUAN|off", default_value_t = LargeAmount(Some(DEFAULT_LARGE_AMOUNT)), value_parser = parse_large_amount)]
    pub large_amount: LargeAmount,
}

/// The `--large-amount` threshold: yuan, or `None` for off.
#[derive(Clone, Copy, Debug)]
pub struct LargeAmount(pub Option<f64>);

impl std::fmt::Display for LargeAmount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(yuan) => write!(f, "{}", scamscan::amount::format_yuan(yuan)),
            None => f.write_str("off"),
        }
    }
}

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
    /// The detector configuration these options describe.
    pub fn config(&self) -> DetectorConfig {
        DetectorConfig {
            lexicon_dirs: self.lexicons.clone(),
            builtin: !self.no_builtin,
            scorer: !self.no_scorer,
            stance: !self.no_stance,
            large_amount: self.large_amount.0,
        }
    }

    /// Builds the detector.
    pub fn build(&self) -> Result<Detector> {
        self.builder()?.build().context("building the detector")
    }

    /// A builder with these options, for a command that sets more; its reports are written
    /// in the language asked for (English by default).
    pub fn builder(&self) -> Result<DetectorBuilder> {
        Ok(self
            .config()
            .builder()
            .context("loading the lexicon folders")?
            .language(crate::language(Lang::En)))
    }
}

/// How input records are read (shared by `scan` and `report`).
#[derive(Args, Debug)]
pub struct InputArgs {
    /// Input format; by default from the extension (.csv, .txt, otherwise JSON Lines).
    #[arg(long, value_name = "jsonl|csv|text")]
    pub input_format: Option<InputFormat>,
    /// The field holding the message text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// The field holding the message id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// The field holding the conversation id.
    #[arg(long, default_value = "conversation")]
    pub conversation_field: String,
    /// The field holding the speaker role.
    #[arg(long, default_value = "speaker")]
    pub speaker_field: String,
    /// Largest record in bytes; a longer one is reported as an error record.
    #[arg(long, default_value_t = 16 << 20)]
    pub max_record_bytes: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Conversations whose context is kept at once; least recently seen are forgotten past it.
    #[arg(long, default_value_t = DEFAULT_MAX_CONVERSATIONS)]
    pub max_conversations: usize,
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

    /// The batch scan's options.
    pub fn options(&self, strict: bool) -> ScanOptions {
        ScanOptions {
            strict,
            ..ScanOptions::default()
        }
    }

    /// A reader of input `name` (its format from the name unless given).
    pub fn reader(&self, name: &str, input: Box<dyn Read + Send>) -> RecordReader {
        let format = self
            .input_format
            .unwrap_or_else(|| InputFormat::from_path(name));
        RecordReader::new(input, format, &self.fields(), self.max_record_bytes)
    }

    /// The worker threads.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            if !(1..=MAX_THREADS).contains(&n) {
                bail!("--threads {n}: give 1 to {MAX_THREADS}");
            }
            pool = pool.num_threads(n);
        }
        pool.build().context("starting worker threads")
    }
}
