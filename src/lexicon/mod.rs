//! Lexicons: term classes, rules with examples, allow-lists and context cues, loaded from
//! TOML files and validated with file, line and rule id (the language: `docs/lexicons.md`).
//!
//! The built-in lexicons are every `*.toml` under `lexicons/zh-CN/` (found at build time):
//! one folder per category, files named by the scam step they describe, and `common/` for
//! shared terms, cues, aliases, signals and hosts. Users add folders on top: a user rule with
//! the id of a built-in one replaces it, a user class with the name of a built-in one adds
//! its variants to it.

mod classes;
pub(crate) mod pattern;
mod rule;
pub(crate) mod schema;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::error::Error;
use crate::report::Category;
pub(crate) use classes::Classes;
use classes::COMMON;
pub use rule::Rule;
use schema::{ContextSchema, FileSchema, PinyinMixSchema};

/// A lexicon file's name and text.
#[derive(Clone, Debug)]
pub struct LexiconSource {
    /// Where the text came from (a path, or `builtin:lexicons/zh-CN/x.toml`).
    pub name: String,
    /// The TOML text.
    pub text: String,
}

include!(concat!(env!("OUT_DIR"), "/builtin_lexicons.rs"));

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

/// Everything all lexicon layers say, merged.
#[derive(Clone, Debug, Default)]
pub(crate) struct LexiconSet {
    pub classes: Classes,
    pub rules: Vec<Rule>,
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
        let mut index: HashMap<String, usize> = HashMap::new();
        for (sources, user) in layers {
            let mut seen_in_layer: HashSet<String> = HashSet::new();
            for source in sources {
                set.add_file(source, *user, &mut seen_in_layer, &mut index)?;
            }
        }
        set.classes.check()?;
        Ok(set)
    }

    fn add_file(
        &mut self,
        source: &LexiconSource,
        user: bool,
        seen_in_layer: &mut HashSet<String>,
        index: &mut HashMap<String, usize>,
    ) -> Result<(), Error> {
        let file: FileSchema = toml::from_str(&source.text).map_err(|e| {
            let offset = e.span().map(|s| s.start);
            let line = offset.map(|o| line_of_offset(&source.text, o));
            let rule = offset.and_then(|o| rule_id_around(&source.text, o));
            Error::lexicon(&source.name, line, rule, e.message().trim().to_string())
        })?;
        let file_category = match &file.category {
            Some(c) => Some(c.parse::<Category>().map_err(|e| {
                Error::lexicon(&source.name, line_of(&source.text, "category"), None, e)
            })?),
            None => None,
        };
        let scope = file.category.as_deref().unwrap_or(COMMON);
        for (name, variants) in file.classes {
            let line = line_of(&source.text, &name);
            self.classes
                .extend(scope, &name, variants, &source.name, line)?;
        }
        let lines = rule_lines(&source.text);
        for rule in file.rules {
            let line = lines.get(rule.id.as_str()).copied();
            if rule.id.trim().is_empty() {
                return Err(Error::lexicon(
                    &source.name,
                    line,
                    None,
                    "rule with an empty id",
                ));
            }
            if !seen_in_layer.insert(rule.id.clone()) {
                return Err(Error::lexicon(
                    &source.name,
                    line,
                    Some(&rule.id),
                    "duplicate rule id",
                ));
            }
            let rule = Rule::from_schema(rule, file_category, scope, &source.name, line, user)?;
            match index.get(&rule.id) {
                Some(&i) => self.rules[i] = rule,
                None => {
                    index.insert(rule.id.clone(), self.rules.len());
                    self.rules.push(rule);
                }
            }
        }
        self.add_context(file.allow, file.context, file.platform_hosts);
        self.add_aliases(source, file.aliases)?;
        if let Some(mix) = file.pinyin_mix {
            self.add_pinyin_mix(source, mix)?;
        }
        Ok(())
    }

    fn add_context(&mut self, allow: Vec<String>, context: ContextSchema, hosts: Vec<String>) {
        self.allow.extend(allow);
        let ContextSchema {
            warning,
            negation_before,
            negation_after,
            question,
            not_negation,
            not_warning,
        } = context;
        self.context.warning.extend(warning);
        self.context.negation_before.extend(negation_before);
        self.context.negation_after.extend(negation_after);
        self.context.question.extend(question);
        self.context.not_negation.extend(not_negation);
        self.context.not_warning.extend(not_warning);
        self.platform_hosts.extend(hosts);
    }

    fn add_aliases(
        &mut self,
        source: &LexiconSource,
        aliases: BTreeMap<String, BTreeMap<String, String>>,
    ) -> Result<(), Error> {
        for (kind, map) in aliases {
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
        Ok(())
    }

    /// Every mix of Chinese and pinyin of each `[pinyin_mix]` term, as `pinyin` aliases.
    fn add_pinyin_mix(
        &mut self,
        source: &LexiconSource,
        mix: PinyinMixSchema,
    ) -> Result<(), Error> {
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
        Ok(())
    }
}

/// Longest term `[pinyin_mix]` expands (2^n - 1 aliases each).
const MAX_PINYIN_MIX_CHARS: usize = 5;

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

/// The line of each rule's `id = "ID"`, by id, read in one pass.
fn rule_lines(text: &str) -> HashMap<&str, usize> {
    let mut lines = HashMap::new();
    for (i, l) in text.lines().enumerate() {
        if let Some(id) = id_value(l) {
            lines.entry(id).or_insert(i + 1);
        }
    }
    lines
}

/// The value of an `id = "..."` line.
fn id_value(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("id")?.trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    rest.strip_prefix('"')?.strip_suffix('"')
}

/// The id of the `[[rules]]` entry that byte `offset` of `text` falls in, where there is one:
/// an error in a rule's keys then names the rule.
fn rule_id_around(text: &str, offset: usize) -> Option<&str> {
    let upto = text.get(..offset.min(text.len()))?;
    let start = upto.rfind("[[rules]]")?;
    let block = &text[start..];
    let end = block[9..].find("\n[").map_or(block.len(), |e| e + 9);
    block[..end].lines().find_map(id_value)
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
    fn every_category_has_a_folder_of_builtin_files() {
        let folders: HashSet<&str> = BUILTIN
            .iter()
            .filter_map(|(path, _)| path.strip_prefix("lexicons/zh-CN/")?.split_once('/'))
            .map(|(folder, _)| folder)
            .collect();
        for category in Category::ALL {
            assert!(
                folders.contains(category.as_str()),
                "no folder for {category}"
            );
        }
        assert!(folders.contains(COMMON));
        assert_eq!(folders.len(), Category::ALL.len() + 1, "{folders:?}");
    }

    #[test]
    fn an_unknown_key_in_a_rule_names_the_rule() {
        let text = "category = \"deposit_first\"\n[[rules]]\nid = \"a/one\"\nexplanation = \"e\"\npattern = \"x\"\n[[rules]]\nid = \"a/two\"\nexplanation = \"e\"\npattern = \"x\"\nbogus = 1\n";
        let e = one(text).unwrap_err();
        assert_eq!(e.rule(), Some("a/two"), "{e}");
        assert_eq!(e.line(), Some(10), "{e}");
    }
}
