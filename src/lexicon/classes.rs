//! Term classes, scoped: a class belongs to one category (the folder, or the `category` of a
//! user file) or to `common`. In a pattern, `{name}` is the file's own scope's class `name`, or
//! else `common`'s; `{scope.name}` names one explicitly (`{common.pay}`). A variant written
//! `{name}` includes another class, so a concept is written once and extended where needed.

use std::collections::BTreeMap;

use crate::error::Error;

/// The scope of files and classes that belong to no category.
pub(crate) const COMMON: &str = "common";

/// Most classes one class may include through nesting before it is called a cycle.
const MAX_DEPTH: usize = 16;
/// Most literals one class may expand to (inclusions can multiply).
const MAX_VARIANTS: usize = 1 << 16;

/// One class, as merged from every file that defines or extends it.
#[derive(Clone, Debug, Default)]
struct ClassDef {
    /// Literals and `{references}`, in file order.
    variants: Vec<String>,
    /// Where it was first defined, for errors.
    file: String,
    line: Option<usize>,
}

/// Every class of every layer, by `scope.name`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Classes {
    defs: BTreeMap<String, ClassDef>,
}

impl Classes {
    /// Adds `variants` to class `key` (a name in `scope`, or `other.name`), defined in `file`.
    pub(crate) fn extend(
        &mut self,
        scope: &str,
        key: &str,
        variants: Vec<String>,
        file: &str,
        line: Option<usize>,
    ) -> Result<(), Error> {
        let err = |msg: String| Error::lexicon(file, line, None, msg);
        let qualified = qualify(scope, key).map_err(err)?;
        for v in &variants {
            if v.trim().is_empty() {
                return Err(err(format!("class {key} has an empty variant")));
            }
            if v.contains(['{', '}']) && reference(v).is_none() {
                return Err(err(format!(
                    "class {key}: variant {v:?} mixes a class reference with text; write {{name}} alone to include a class"
                )));
            }
        }
        let def = self.defs.entry(qualified).or_insert_with(|| ClassDef {
            variants: Vec::new(),
            file: file.to_string(),
            line,
        });
        def.variants.extend(variants);
        Ok(())
    }

    /// The literals of class `name` as written in a pattern of scope `scope`, with included
    /// classes expanded.
    pub(crate) fn variants(&self, scope: &str, name: &str) -> Result<Vec<String>, String> {
        let key = self.find(scope, name)?;
        let mut out = Vec::new();
        self.expand(&key, 0, &mut out)?;
        Ok(out)
    }

    /// Checks every class's references; the first bad one is an error with its file and line.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (key, def) in &self.defs {
            let mut out = Vec::new();
            self.expand(key, 0, &mut out).map_err(|e| {
                Error::lexicon(&def.file, def.line, None, format!("class {key}: {e}"))
            })?;
        }
        Ok(())
    }

    /// The qualified key `{name}` refers to from `scope`.
    fn find(&self, scope: &str, name: &str) -> Result<String, String> {
        if name.contains('.') {
            return match self.defs.contains_key(name) {
                true => Ok(name.to_string()),
                false => Err(format!("unknown class {{{name}}}")),
            };
        }
        for s in [scope, COMMON] {
            let key = format!("{s}.{name}");
            if self.defs.contains_key(&key) {
                return Ok(key);
            }
        }
        Err(match scope {
            COMMON => format!("unknown class {{{name}}} (not in common)"),
            _ => format!("unknown class {{{name}}} (neither in {scope} nor in common)"),
        })
    }

    fn expand(&self, key: &str, depth: usize, out: &mut Vec<String>) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "classes include each other more than {MAX_DEPTH} deep (a cycle through {key}?)"
            ));
        }
        let def = &self.defs[key];
        let scope = key.split_once('.').map_or(COMMON, |(s, _)| s);
        for v in &def.variants {
            match reference(v) {
                Some(name) => {
                    let inner = self.find(scope, name)?;
                    self.expand(&inner, depth + 1, out)?;
                }
                None => out.push(v.clone()),
            }
            if out.len() > MAX_VARIANTS {
                return Err(format!("expands to more than {MAX_VARIANTS} variants"));
            }
        }
        Ok(())
    }
}

/// `scope.name` for a class key written in a file of `scope` (a key may name another scope).
fn qualify(scope: &str, key: &str) -> Result<String, String> {
    let valid = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match key.split_once('.') {
        Some((s, n)) if valid(s) && valid(n) => Ok(key.to_string()),
        None if valid(key) => Ok(format!("{scope}.{key}")),
        _ => Err(format!(
            "bad class name {key:?}: letters, digits and _, with an optional scope (common.pay)"
        )),
    }
}

/// The class a variant written `{name}` includes.
fn reference(variant: &str) -> Option<&str> {
    let name = variant.strip_prefix('{')?.strip_suffix('}')?;
    qualify(COMMON, name).is_ok().then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(defs: &[(&str, &str, &[&str])]) -> Result<Classes, Error> {
        let mut c = Classes::default();
        for (scope, key, variants) in defs {
            let variants = variants.iter().map(|v| v.to_string()).collect();
            c.extend(scope, key, variants, "t.toml", Some(1))?;
        }
        c.check()?;
        Ok(c)
    }

    #[test]
    fn names_resolve_in_the_scope_then_common() {
        let c = classes(&[
            ("common", "pay", &["付", "交"]),
            ("deposit_first", "pay", &["{common.pay}", "垫"]),
            ("deposit_first", "fee", &["押金"]),
            ("order_tampering", "mine", &["{pay}", "{deposit_first.fee}"]),
        ])
        .unwrap();
        assert_eq!(
            c.variants("deposit_first", "pay").unwrap(),
            ["付", "交", "垫"]
        );
        assert_eq!(c.variants("fake_refund", "pay").unwrap(), ["付", "交"]);
        assert_eq!(
            c.variants("order_tampering", "mine").unwrap(),
            ["付", "交", "押金"]
        );
        assert!(c.variants("fake_refund", "fee").is_err());
    }

    #[test]
    fn bad_references_and_cycles_are_errors() {
        let e = classes(&[("common", "a", &["{nope}"])]).unwrap_err();
        assert!(e.to_string().contains("unknown class {nope}"), "{e}");
        let e = classes(&[("common", "a", &["{b}"]), ("common", "b", &["{a}"])]).unwrap_err();
        assert!(e.to_string().contains("cycle"), "{e}");
        let e = classes(&[("common", "a", &["x{b}"])]).unwrap_err();
        assert!(e.to_string().contains("write {name} alone"), "{e}");
        assert!(classes(&[("common", "a.b.c", &["x"])]).is_err());
    }
}
