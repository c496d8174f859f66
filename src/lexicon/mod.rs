//! Lexicons: term classes, rules with examples, allow-lists and context cues, loaded from
//! TOML files and validated with file, line and rule id.
//!
//! The built-in lexicons (`lexicons/zh-CN/*.toml`) are compiled into the crate. Users add
//! folders on top: a user rule with the id of a built-in one replaces it, a user class with
//! the name of a built-in one adds its variants to it.

pub(crate) mod pattern;
mod rule;
pub(crate) mod schema;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::error::Error;
use crate::report::Category;
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

/// Everything all lexicon layers say, merged.
#[derive(Clone, Debug, Default)]
pub(crate) struct LexiconSet {
    pub classes: BTreeMap<String, Vec<String>>,
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
        self.add_classes(source, file.classes)?;
        for rule in file.rules {
            let line = line_of_rule(&source.text, &rule.id);
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
            let rule = Rule::from_schema(rule, file_category, &source.name, line, user)?;
            match self.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(existing) => *existing = rule,
                None => self.rules.push(rule),
            }
        }
        self.add_context(file.allow, file.context, file.platform_hosts);
        self.add_aliases(source, file.aliases)?;
        if let Some(mix) = file.pinyin_mix {
            self.add_pinyin_mix(source, mix)?;
        }
        Ok(())
    }

    fn add_classes(
        &mut self,
        source: &LexiconSource,
        classes: BTreeMap<String, Vec<String>>,
    ) -> Result<(), Error> {
        for (name, variants) in classes {
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
