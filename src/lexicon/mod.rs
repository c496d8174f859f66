//! Lexicons: term classes, rules with examples, allow-lists and context cues, loaded from
//! TOML files and validated with file, line and rule id.
//!
//! The built-in lexicons (`lexicons/zh-CN/*.toml`) are compiled into the crate. Users add
//! folders on top: a user rule with the id of a built-in one replaces it, a user class with
//! the name of a built-in one adds its variants to it.

pub(crate) mod pattern;
pub(crate) mod schema;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::error::Error;
use crate::report::{Category, Severity};
use crate::Speaker;
use pattern::RawPattern;
use schema::{ContextSchema, ExampleSchema, FileSchema};

/// A lexicon file's name and text.
#[derive(Clone, Debug)]
pub struct LexiconSource {
    /// Where the text came from (a path, or `builtin:lexicons/zh-CN/x.toml`).
    pub name: String,
    /// The TOML text.
    pub text: String,
}

macro_rules! builtin {
    ($($file:literal),* $(,)?) => {
        &[$((concat!("lexicons/zh-CN/", $file), include_str!(concat!("../../lexicons/zh-CN/", $file)))),*]
    };
}

/// The built-in lexicon files, compiled in. A test checks that every file of
/// `lexicons/zh-CN/` is listed here.
pub(crate) const BUILTIN: &[(&str, &str)] = builtin!(
    "common.toml",
    "off_platform_payment.toml",
    "off_platform_contact.toml",
    "deposit_first.toml",
    "address_change_after_payment.toml",
    "order_tampering.toml",
    "fake_refund.toml",
    "credential_request.toml",
    "phishing_link.toml",
    "fake_payment_proof.toml",
    "platform_impersonation.toml",
    // Per category, the scam step written as a small grammar (actor verbs x objects x
    // channels x pressure cues) for wording no example sentence covers.
    "off_platform_payment_grammar.toml",
    "off_platform_contact_grammar.toml",
    "deposit_first_grammar.toml",
    "address_change_after_payment_grammar.toml",
    "order_tampering_grammar.toml",
    "fake_refund_grammar.toml",
    "credential_request_grammar.toml",
    "phishing_link_grammar.toml",
    "fake_payment_proof_grammar.toml",
    "platform_impersonation_grammar.toml",
    // A second round: regional and slang words, new settings (second-hand, rentals,
    // tickets, game accounts, pets), indirect shapes.
    "off_platform_payment_grammar2.toml",
    "off_platform_contact_grammar2.toml",
    "deposit_first_grammar2.toml",
    "address_change_after_payment_grammar2.toml",
    "order_tampering_grammar2.toml",
    "fake_refund_grammar2.toml",
    "credential_request_grammar2.toml",
    "phishing_link_grammar2.toml",
    "fake_payment_proof_grammar2.toml",
    "platform_impersonation_grammar2.toml",
    // A third round for the weakest categories: indirect, routine-sounding steps.
    "off_platform_payment_grammar3.toml",
    "order_tampering_grammar3.toml",
    "credential_request_grammar3.toml",
    "phishing_link_grammar3.toml",
    "fake_payment_proof_grammar3.toml",
    "platform_impersonation_grammar3.toml",
    // A fourth round, from the kinds of miss in the fifth blind set's tune half: payment
    // claims with screenshots and delays, scheduled transfers, placeholder tracking numbers,
    // "the platform blocks words", group entry fees, passwords typed into a sent form.
    "off_platform_payment_grammar4.toml",
    "off_platform_contact_grammar4.toml",
    "deposit_first_grammar4.toml",
    "address_change_after_payment_grammar4.toml",
    "order_tampering_grammar4.toml",
    "credential_request_grammar4.toml",
    "phishing_link_grammar4.toml",
    "fake_payment_proof_grammar4.toml",
    "platform_impersonation_grammar4.toml",
    "off_platform_payment_grammar5.toml",
    "off_platform_contact_grammar5.toml",
    "deposit_first_grammar5.toml",
    "order_tampering_grammar5.toml",
    "phishing_link_grammar5.toml",
    "fake_payment_proof_grammar5.toml",
    "platform_impersonation_grammar5.toml",
);

/// The built-in lexicon files.
pub fn builtin_sources() -> Vec<LexiconSource> {
    BUILTIN
        .iter()
        .map(|(name, text)| LexiconSource {
            name: format!("builtin:{name}"),
            text: (*text).to_string(),
        })
        .collect()
}

/// Reads every `*.toml` file of a folder, sorted by name.
pub fn read_dir_sources(dir: &Path) -> Result<Vec<LexiconSource>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(Error::lexicon(
            dir.display().to_string(),
            None,
            None,
            "no .toml lexicon files in this folder",
        ));
    }
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            Ok(LexiconSource {
                name: path.display().to_string(),
                text,
            })
        })
        .collect()
}

/// One rule, parsed and checked, with where it was written.
#[derive(Clone, Debug)]
pub(crate) struct RuleDef {
    pub id: String,
    /// `None` for a signal rule.
    pub category: Option<Category>,
    pub severity: Severity,
    pub explanation: String,
    pub patterns: Vec<RawPattern>,
    pub unless: Vec<RawPattern>,
    pub speakers: Vec<Option<Speaker>>,
    pub not_speakers: Vec<Option<Speaker>>,
    pub speaker_severity: Vec<(Option<Speaker>, Severity)>,
    pub signal: Option<String>,
    pub requires: Vec<String>,
    /// For a counted signal rule that reports: (report from the n-th, escalate from the m-th).
    pub repeat: Option<(u32, Option<u32>)>,
    pub not_after: Vec<String>,
    pub negatable: bool,
    pub examples: Vec<ExampleSchema>,
    pub counter_examples: Vec<ExampleSchema>,
    pub file: String,
    pub line: Option<usize>,
    /// True for rules from a user folder (their examples are checked at build).
    pub user: bool,
}

/// Everything all lexicon layers say, merged.
#[derive(Clone, Debug, Default)]
pub(crate) struct LexiconSet {
    pub classes: BTreeMap<String, Vec<String>>,
    pub rules: Vec<RuleDef>,
    pub allow: Vec<String>,
    pub context: ContextSchema,
    pub platform_hosts: Vec<String>,
    /// (kind, alias, canonical), in file order.
    pub aliases: Vec<(String, String, String)>,
}

impl LexiconSet {
    /// Merges layers, the built-in one first. Within one layer a rule id may appear once;
    /// a later layer's rule replaces an earlier one with the same id.
    pub(crate) fn from_layers(layers: &[(Vec<LexiconSource>, bool)]) -> Result<LexiconSet, Error> {
        let mut set = LexiconSet::default();
        for (sources, user) in layers {
            let mut seen_in_layer: HashSet<String> = HashSet::new();
            for source in sources {
                set.add_file(source, *user, &mut seen_in_layer)?;
            }
        }
        Ok(set)
    }

    fn add_file(
        &mut self,
        source: &LexiconSource,
        user: bool,
        seen_in_layer: &mut HashSet<String>,
    ) -> Result<(), Error> {
        let file: FileSchema = toml::from_str(&source.text).map_err(|e| {
            let line = e.span().map(|s| line_of_offset(&source.text, s.start));
            Error::lexicon(&source.name, line, None, e.message().trim().to_string())
        })?;
        let file_category = match &file.category {
            Some(c) => Some(c.parse::<Category>().map_err(|e| {
                Error::lexicon(&source.name, line_of(&source.text, "category"), None, e)
            })?),
            None => None,
        };
        for (name, variants) in file.classes {
            if variants.iter().any(|v| v.trim().is_empty()) {
                return Err(Error::lexicon(
                    &source.name,
                    line_of(&source.text, &name),
                    None,
                    format!("class {name} has an empty variant"),
                ));
            }
            self.classes.entry(name).or_default().extend(variants);
        }
        for rule in file.rules {
            let line = line_of_rule(&source.text, &rule.id);
            let err = |msg: String| Error::lexicon(&source.name, line, Some(&rule.id), msg);
            if rule.id.trim().is_empty() {
                return Err(Error::lexicon(
                    &source.name,
                    line,
                    None,
                    "rule with an empty id",
                ));
            }
            if !seen_in_layer.insert(rule.id.clone()) {
                return Err(err("duplicate rule id".to_string()));
            }
            let reports = rule.signal.is_none() || rule.report_from.is_some();
            let category = match &rule.category {
                Some(c) => Some(c.parse::<Category>().map_err(err)?),
                None if !reports => None,
                None => file_category,
            };
            let repeat = match (rule.report_from, rule.escalate_from, &rule.signal) {
                (None, None, _) => None,
                (None, Some(_), _) => return Err(err("escalate_from needs report_from".into())),
                (Some(_), _, None) => {
                    return Err(err(
                        "report_from counts a signal: set `signal` on the rule".into()
                    ))
                }
                (Some(0), _, _) => return Err(err("report_from starts at 1".into())),
                (Some(from), Some(up), _) if up < from => {
                    return Err(err(format!(
                        "escalate_from {up} is before report_from {from}"
                    )))
                }
                (Some(from), up, Some(_)) => Some((from, up)),
            };
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
            let patterns = sources
                .into_iter()
                .map(|p| pattern::parse(p).map_err(err))
                .collect::<Result<Vec<_>, _>>()?;
            let unless = rule
                .unless
                .iter()
                .map(|p| pattern::parse(p).map_err(err))
                .collect::<Result<Vec<_>, _>>()?;
            let speakers = parse_speakers(&rule.speakers).map_err(err)?;
            let not_speakers = parse_speakers(&rule.not_speakers).map_err(err)?;
            let mut speaker_severity = Vec::new();
            for (who, sev) in &rule.speaker_severity {
                let who = parse_speaker(who).map_err(err)?;
                let sev = sev.parse::<Severity>().map_err(err)?;
                speaker_severity.push((who, sev));
            }
            let def = RuleDef {
                explanation: rule
                    .explanation
                    .clone()
                    .unwrap_or_else(|| rule.signal.clone().unwrap_or_default()),
                id: rule.id.clone(),
                category,
                severity,
                patterns,
                unless,
                speakers,
                not_speakers,
                speaker_severity,
                signal: rule.signal.clone(),
                requires: rule.requires.clone(),
                repeat,
                not_after: rule.not_after.clone(),
                negatable: rule.negatable.unwrap_or(true),
                examples: rule.examples.clone(),
                counter_examples: rule.counter_examples.clone(),
                file: source.name.clone(),
                line,
                user,
            };
            if category.is_some() && def.explanation.trim().is_empty() {
                return Err(err("no explanation".into()));
            }
            match self.rules.iter_mut().find(|r| r.id == def.id) {
                Some(existing) => *existing = def,
                None => self.rules.push(def),
            }
        }
        self.allow.extend(file.allow);
        self.context.warning.extend(file.context.warning);
        self.context
            .negation_before
            .extend(file.context.negation_before);
        self.context
            .negation_after
            .extend(file.context.negation_after);
        self.context.question.extend(file.context.question);
        self.context.not_negation.extend(file.context.not_negation);
        self.context.not_warning.extend(file.context.not_warning);
        self.platform_hosts.extend(file.platform_hosts);
        for (kind, map) in file.aliases {
            for (alias, canonical) in map {
                if alias.trim().is_empty() || canonical.trim().is_empty() {
                    return Err(Error::lexicon(
                        &source.name,
                        line_of(&source.text, &format!("\"{alias}\"")),
                        None,
                        format!("empty alias or canonical term in aliases.{kind}"),
                    ));
                }
                self.aliases.push((kind.clone(), alias, canonical));
            }
        }
        if let Some(mix) = file.pinyin_mix {
            let err = |msg: String| {
                Error::lexicon(
                    &source.name,
                    line_of(&source.text, "[pinyin_mix]"),
                    None,
                    msg,
                )
            };
            for term in &mix.terms {
                let chars: Vec<char> = term.chars().collect();
                if chars.is_empty() || chars.len() > MAX_PINYIN_MIX_CHARS {
                    return Err(err(format!(
                        "pinyin_mix term {term:?} must have 1 to {MAX_PINYIN_MIX_CHARS} characters"
                    )));
                }
                let mut syllables = Vec::with_capacity(chars.len());
                for c in &chars {
                    match mix.syllables.get(&c.to_string()) {
                        Some(py) if !py.trim().is_empty() => syllables.push(py.trim()),
                        _ => {
                            return Err(err(format!(
                                "pinyin_mix term {term:?}: no syllable for {c:?}"
                            )))
                        }
                    }
                }
                // Every mix but the all-Chinese one: bit i set writes character i in pinyin
                // (the separators between a Chinese character and a syllable fold away).
                for mask in 1u32..(1 << chars.len()) {
                    let alias: String = chars
                        .iter()
                        .zip(&syllables)
                        .enumerate()
                        .map(|(i, (c, py))| {
                            if mask & (1 << i) != 0 {
                                (*py).to_string()
                            } else {
                                c.to_string()
                            }
                        })
                        .collect();
                    self.aliases
                        .push(("pinyin".to_string(), alias, term.clone()));
                }
                // All pinyin, a space between syllables (wei xin); Latin letters keep spaces
                // between them, so this form needs its own alias.
                if chars.len() > 1 {
                    self.aliases
                        .push(("pinyin".to_string(), syllables.join(" "), term.clone()));
                }
            }
        }
        Ok(())
    }
}

/// Longest term `[pinyin_mix]` expands (2^n - 1 aliases each).
const MAX_PINYIN_MIX_CHARS: usize = 5;

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

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The first line that starts with `key` (a TOML key).
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1)
}

/// The line of `id = "ID"` for a rule.
fn line_of_rule(text: &str, id: &str) -> Option<usize> {
    let quoted = format!("\"{id}\"");
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with("id") && l.contains(&quoted)
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Result<LexiconSet, Error> {
        LexiconSet::from_layers(&[(
            vec![LexiconSource {
                name: "t.toml".into(),
                text: text.into(),
            }],
            true,
        )])
    }

    #[test]
    fn errors_name_file_line_and_rule() {
        let text = "category = \"deposit_first\"\n\n[[rules]]\nid = \"x/a\"\nexplanation = \"e\"\npattern = \"a ~5..1 b\"\n";
        let e = one(text).unwrap_err();
        assert_eq!(e.line(), Some(4));
        assert_eq!(e.rule(), Some("x/a"));
        assert!(e.to_string().starts_with("t.toml:4: rule x/a: "), "{e}");
    }

    #[test]
    fn rejects_unknown_fields_categories_and_duplicates() {
        let bad = [
            "categry = \"deposit_first\"\n",
            "category = \"nope\"\n",
            "[[rules]]\nid = \"a\"\ncategory = \"deposit_first\"\nexplanation = \"e\"\npattern = \"x\"\nbogus = 1\n",
            "category = \"deposit_first\"\n[[rules]]\nid = \"a\"\nexplanation = \"e\"\npattern = \"x\"\n[[rules]]\nid = \"a\"\nexplanation = \"e\"\npattern = \"y\"\n",
            "category = \"deposit_first\"\n[[rules]]\nid = \"a\"\nexplanation = \"e\"\npattern = \"\"\n",
            "category = \"deposit_first\"\n[[rules]]\nid = \"a\"\nexplanation = \"e\"\n",
            "[[rules]]\nid = \"a\"\nexplanation = \"e\"\npattern = \"x\"\n",
        ];
        for text in bad {
            assert!(one(text).is_err(), "{text:?} should be refused");
        }
    }

    #[test]
    fn pinyin_mix_expands_every_mix_and_checks_syllables() {
        let set = one("[pinyin_mix]\nterms = [\"转账\"]\n[pinyin_mix.syllables]\n\"转\" = \"zhuan\"\n\"账\" = \"zhang\"\n").unwrap();
        let mut aliases: Vec<&str> = set.aliases.iter().map(|(_, a, _)| a.as_str()).collect();
        aliases.sort();
        assert_eq!(aliases, ["zhuan zhang", "zhuanzhang", "zhuan账", "转zhang"]);
        assert!(set
            .aliases
            .iter()
            .all(|(k, _, c)| k == "pinyin" && c == "转账"));
        let e =
            one("[pinyin_mix]\nterms = [\"转账\"]\n[pinyin_mix.syllables]\n\"转\" = \"zhuan\"\n")
                .unwrap_err();
        assert!(e.to_string().contains("no syllable for '账'"), "{e}");
        assert!(one("[pinyin_mix]\nterms = [\"一二三四五六\"]\nsyllables = {}\n").is_err());
    }

    #[test]
    fn every_builtin_file_is_compiled_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons/zh-CN");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = BUILTIN
            .iter()
            .map(|(n, _)| n.trim_start_matches("lexicons/zh-CN/").to_string())
            .collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }
}
