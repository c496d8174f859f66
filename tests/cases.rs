//! Behavioural cases as data: `tests/cases/*.toml`, extendable without writing Rust.

use std::collections::HashSet;

use scamscan::{Category, ConversationState, Severity, Speaker, Turn};
use serde::Deserialize;

use crate::util::detector;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    text: String,
    #[serde(default)]
    speaker: Option<Speaker>,
    #[serde(default)]
    before: Vec<Before>,
    /// Exactly the categories reported at medium or above (empty: nothing at medium or above).
    expect: Vec<Category>,
    /// Text that one finding's evidence must be exactly.
    #[serde(default)]
    evidence: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Before {
    text: String,
    #[serde(default)]
    speaker: Option<Speaker>,
}

fn load() -> Vec<(String, Case)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: File =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        out.extend(file.case.into_iter().map(|c| (stem.clone(), c)));
    }
    out
}

#[test]
fn case_names_are_unique() {
    let mut seen = HashSet::new();
    for (file, case) in load() {
        assert!(
            seen.insert(case.name.clone()),
            "duplicate case name {} in {file}",
            case.name
        );
    }
}

#[test]
fn cases_behave() {
    let d = detector();
    let mut failures = Vec::new();
    let cases = load();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    for (file, case) in &cases {
        let mut state = ConversationState::new();
        for (i, b) in case.before.iter().enumerate() {
            let id = format!("b{}", i + 1);
            d.scan_turn(
                Turn {
                    id: Some(&id),
                    speaker: b.speaker,
                    text: &b.text,
                },
                &mut state,
            );
        }
        let report = d.scan_turn(
            Turn {
                id: Some("case"),
                speaker: case.speaker,
                text: &case.text,
            },
            &mut state,
        );
        for f in &report.findings {
            assert_eq!(&case.text[f.start..f.end], f.matched, "{}: span", case.name);
        }
        let got = report.categories_at(Severity::Medium);
        let mut want = case.expect.clone();
        want.sort();
        want.dedup();
        let ok = got == want;
        let evidence_ok = case
            .evidence
            .as_ref()
            .is_none_or(|e| report.findings.iter().any(|f| &f.matched == e));
        if !ok || !evidence_ok {
            let found: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{} {} {:?}", f.rule, f.severity, f.matched))
                .collect();
            failures.push(format!(
                "{file}/{}: {:?} expected {:?}{} got {found:?}",
                case.name,
                case.text,
                case.expect,
                case.evidence
                    .as_deref()
                    .map(|e| format!(" with evidence {e:?}"))
                    .unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The generated traditional-to-simplified table matches what its script makes from the
/// source file, OpenCC's TSCharacters.txt, which `.ci/run` fetches and names in
/// `SCAMSCAN_TSCHARACTERS`.
#[test]
#[ignore = "needs SCAMSCAN_TSCHARACTERS, OpenCC's TSCharacters.txt (.ci/run fetches it)"]
fn t2s_table_is_current() {
    let source = std::env::var("SCAMSCAN_TSCHARACTERS")
        .expect("SCAMSCAN_TSCHARACTERS names OpenCC's TSCharacters.txt");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3")
        .arg(root.join("scripts/gen_t2s.py"))
        .arg(&source)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::fs::read_to_string(root.join("src/tables/t2s.rs")).unwrap();
    assert!(
        String::from_utf8(out.stdout).unwrap() == committed,
        "src/tables/t2s.rs is stale: regenerate it with scripts/gen_t2s.py"
    );
}
