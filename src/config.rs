//! [`DetectorConfig`]: what a detector is built from, written once for every front end (the
//! command line, the HTTP service, the Python package).

use std::path::PathBuf;

use crate::engine::DEFAULT_LARGE_AMOUNT;
use crate::{Detector, DetectorBuilder, Error};

/// The settings a detector is built from.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectorConfig {
    /// User lexicon folders, each added on top of what comes before it.
    pub lexicon_dirs: Vec<PathBuf>,
    /// Whether the built-in lexicons (and the scorer shipped with them) are loaded.
    pub builtin: bool,
    /// Whether the n-gram scorer adds findings where the rules found nothing of a category.
    pub scorer: bool,
    /// Whether the stance stage silences findings the speaker does not propose.
    pub stance: bool,
    /// Findings with a money amount of at least this many yuan are raised one severity step
    /// (`None`: off).
    pub large_amount: Option<f64>,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            lexicon_dirs: Vec::new(),
            builtin: true,
            scorer: true,
            stance: true,
            large_amount: Some(DEFAULT_LARGE_AMOUNT),
        }
    }
}

impl DetectorConfig {
    /// A builder with these settings, for callers that set more (preloading the segmenter).
    pub fn builder(&self) -> Result<DetectorBuilder, Error> {
        let mut builder = DetectorBuilder::new()
            .large_amount(self.large_amount)
            .scorer(self.scorer)
            .stance(self.stance);
        if !self.builtin {
            builder = builder.without_builtin();
        }
        for dir in &self.lexicon_dirs {
            builder = builder.lexicon_dir(dir)?;
        }
        Ok(builder)
    }

    /// Builds the detector.
    pub fn build(&self) -> Result<Detector, Error> {
        self.builder()?.build()
    }
}
