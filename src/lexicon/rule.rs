//! A rule as the user wrote it, validated: the one model of a rule outside the engine.

use std::sync::Arc;

use super::pattern::{self, RawPattern};
use super::schema::{ExampleSchema, RuleSchema};
use crate::error::Error;
use crate::explain::RuleWords;
use crate::report::{Category, Severity};
use crate::Speaker;

/// A lexicon rule: what it reports, when, and where it was written.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule id (`category/step`, or `signal/name` for a signal rule).
    pub id: String,
    /// Its category; `None` for a signal rule that reports nothing.
    pub category: Option<Category>,
    /// Its severity (`none` for a signal rule).
    pub severity: Severity,
    /// What a finding of this rule means, for a person.
    pub explanation: String,
    /// The same in Chinese; a user rule without one is explained in English.
    pub explanation_zh: Option<String>,
    /// Both, shared by the rule's findings.
    pub(crate) words: Arc<RuleWords>,
    /// The signal it raises in a conversation, for a signal rule.
    pub signal: Option<String>,
    /// The file it comes from (`builtin:lexicons/...` for a built-in one).
    pub file: String,
    /// The line of its `id`, where known.
    pub line: Option<usize>,
    /// The scope its `{class}` names are looked up in (its file's category, or `common`).
    pub(crate) scope: String,
    pub(crate) patterns: Vec<RawPattern>,
    pub(crate) unless: Vec<RawPattern>,
    pub(crate) speakers: Vec<Option<Speaker>>,
    pub(crate) not_speakers: Vec<Option<Speaker>>,
    pub(crate) speaker_severity: Vec<(Option<Speaker>, Severity)>,
    pub(crate) requires: Vec<String>,
    /// For a counted signal rule that reports: (report from the n-th, escalate from the m-th).
    pub(crate) repeat: Option<(u32, Option<u32>)>,
    pub(crate) not_after: Vec<String>,
    pub(crate) negatable: bool,
    pub(crate) examples: Vec<ExampleSchema>,
    pub(crate) counter_examples: Vec<ExampleSchema>,
    /// True for rules from a user folder (their examples are checked at build).
    pub(crate) user: bool,
}

impl Rule {
    /// How many examples the rule carries (messages it must fire on).
    pub fn examples(&self) -> usize {
        self.examples.len()
    }

    /// How many counter-examples the rule carries (messages it must not fire on).
    pub fn counter_examples(&self) -> usize {
        self.counter_examples.len()
    }

    /// True for a rule from a user folder, false for a built-in one.
    pub fn is_user(&self) -> bool {
        self.user
    }

    /// The explanation in `lang` (English where a user rule has no Chinese one).
    pub fn explanation_in(&self, lang: crate::Lang) -> &str {
        match (lang, &self.explanation_zh) {
            (crate::Lang::ZhCn, Some(zh)) => zh,
            _ => &self.explanation,
        }
    }

    /// `file:line`, or the file alone.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }

    /// Validates one rule of a file whose default category is `file_category`.
    pub(super) fn from_schema(
        rule: RuleSchema,
        file_category: Option<Category>,
        scope: &str,
        file: &str,
        line: Option<usize>,
        user: bool,
    ) -> Result<Rule, Error> {
        let err = |msg: String| Error::lexicon(file, line, Some(&rule.id), msg);
        if rule.id.trim().is_empty() {
            return Err(Error::lexicon(file, line, None, "rule with an empty id"));
        }
        let reports = rule.signal.is_none() || rule.report_from.is_some();
        let category = match &rule.category {
            Some(c) => Some(c.parse::<Category>().map_err(err)?),
            None if !reports => None,
            None => file_category,
        };
        let repeat = repeat(&rule).map_err(err)?;
        if category.is_none() && reports {
            return Err(err(
                "no category: set `category` on the rule or at the top of the file".into(),
            ));
        }
        if category.is_some() && !reports {
            return Err(err(
                "a signal rule reports nothing (unless it sets report_from), so it takes no category"
                    .into(),
            ));
        }
        let severity = match &rule.severity {
            Some(s) => s.parse::<Severity>().map_err(err)?,
            None => category.map_or(Severity::None, Category::default_severity),
        };
        if category.is_some() && severity == Severity::None {
            return Err(err(
                "severity none would hide every finding of this rule".into()
            ));
        }
        let mut sources: Vec<&String> = rule.pattern.iter().collect();
        sources.extend(rule.patterns.iter());
        if sources.is_empty() {
            return Err(err("no pattern: give `pattern` or `patterns`".into()));
        }
        let parse_all = |list: Vec<&String>| {
            list.into_iter()
                .map(|p| pattern::parse(p).map_err(err))
                .collect::<Result<Vec<_>, _>>()
        };
        let patterns = parse_all(sources)?;
        let unless = parse_all(rule.unless.iter().collect())?;
        let mut speaker_severity = Vec::new();
        for (who, sev) in &rule.speaker_severity {
            let who = parse_speaker(who).map_err(err)?;
            speaker_severity.push((who, sev.parse::<Severity>().map_err(err)?));
        }
        let explanation = rule
            .explanation
            .clone()
            .unwrap_or_else(|| rule.signal.clone().unwrap_or_default());
        if category.is_some() && explanation.trim().is_empty() {
            return Err(err("no explanation".into()));
        }
        let explanation_zh = rule.explanation_zh.clone().filter(|e| !e.trim().is_empty());
        Ok(Rule {
            speakers: parse_speakers(&rule.speakers).map_err(err)?,
            not_speakers: parse_speakers(&rule.not_speakers).map_err(err)?,
            id: rule.id,
            category,
            severity,
            words: Arc::new(RuleWords {
                en: explanation.clone(),
                zh: explanation_zh.clone(),
            }),
            explanation,
            explanation_zh,
            signal: rule.signal,
            file: file.to_string(),
            line,
            scope: scope.to_string(),
            patterns,
            unless,
            speaker_severity,
            requires: rule.requires,
            repeat,
            not_after: rule.not_after,
            negatable: rule.negatable.unwrap_or(true),
            examples: rule.examples,
            counter_examples: rule.counter_examples,
            user,
        })
    }
}

/// `report_from` and `escalate_from`, checked against each other and `signal`.
fn repeat(rule: &RuleSchema) -> Result<Option<(u32, Option<u32>)>, String> {
    match (rule.report_from, rule.escalate_from, &rule.signal) {
        (None, None, _) => Ok(None),
        (None, Some(_), _) => Err("escalate_from needs report_from".into()),
        (Some(_), _, None) => Err("report_from counts a signal: set `signal` on the rule".into()),
        (Some(0), _, _) => Err("report_from starts at 1".into()),
        (Some(from), Some(up), _) if up < from => {
            Err(format!("escalate_from {up} is before report_from {from}"))
        }
        (Some(from), up, Some(_)) => Ok(Some((from, up))),
    }
}

fn parse_speakers(names: &[String]) -> Result<Vec<Option<Speaker>>, String> {
    names.iter().map(|n| parse_speaker(n)).collect()
}

/// A speaker role, or `unknown` for messages with none.
fn parse_speaker(name: &str) -> Result<Option<Speaker>, String> {
    match name {
        "unknown" => Ok(None),
        other => other.parse::<Speaker>().map(Some),
    }
}
