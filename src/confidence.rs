//! A finding's `confidence`: the share of findings like it that were right on the labeled
//! files, by category for a rule's finding and by probability for the scorer's (fitted by
//! `scripts/calibrate.py` into `lexicons/calibration/zh-CN.toml`). A platform picks its own
//! trade-off by the confidence it acts on; docs/quality.md shows what each choice catches and
//! flags on the sealed halves.

use std::collections::HashMap;

use serde::Deserialize;

use crate::report::{Category, Finding};

/// Where the built-in table comes from, for errors.
pub(crate) const CALIBRATION_FILE: &str = "lexicons/calibration/zh-CN.toml";

const CALIBRATION: &str = include_str!("../lexicons/calibration/zh-CN.toml");

#[derive(Debug, Deserialize)]
struct File {
    rules: HashMap<String, f32>,
    scorer: Scorer,
}

#[derive(Debug, Deserialize)]
struct Scorer {
    bins: Vec<(f32, f32)>,
}

/// The confidence table.
#[derive(Debug)]
pub(crate) struct Calibration {
    default: f32,
    rules: HashMap<Category, f32>,
    /// (lowest probability, confidence), ascending.
    bins: Vec<(f32, f32)>,
}

impl Calibration {
    /// The built-in table.
    pub(crate) fn builtin() -> Result<Calibration, String> {
        let file: File = toml::from_str(CALIBRATION).map_err(|e| e.to_string())?;
        let default = *file
            .rules
            .get("default")
            .ok_or("no default confidence for rules")?;
        let mut rules = HashMap::new();
        for (name, value) in &file.rules {
            if name != "default" {
                rules.insert(name.parse::<Category>()?, *value);
            }
        }
        let mut bins = file.scorer.bins;
        bins.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(Calibration {
            default,
            rules,
            bins,
        })
    }

    /// The confidence of `finding`.
    pub(crate) fn of(&self, finding: &Finding) -> f32 {
        match finding.why.scorer_probability() {
            Some(p) => self
                .bins
                .iter()
                .rev()
                .find(|(low, _)| p >= *low)
                .or(self.bins.first())
                .map_or(self.default, |&(_, c)| c),
            None => self
                .rules
                .get(&finding.category)
                .copied()
                .unwrap_or(self.default),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_covers_every_category_with_probabilities() {
        let c = Calibration::builtin().expect("the committed table parses");
        for category in Category::ALL {
            assert!(c.rules.contains_key(&category), "{category}");
        }
        for v in c.rules.values().chain(c.bins.iter().map(|(_, v)| v)) {
            assert!((0.0..=1.0).contains(v));
        }
    }
}
