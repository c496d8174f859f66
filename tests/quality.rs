//! Measured quality: every labeled set of `tests/data/sets.toml` holds its floor, and the
//! shared dev set and real text nobody here wrote stay where docs/quality.md says.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use scamscan::eval::Rates;
use scamscan::{Detector, Severity};
use serde::Deserialize;

use crate::util::{detector, rules_only, shared};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    set: Vec<Set>,
}

/// One labeled set, as `tests/data/sets.toml` describes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Set {
    name: String,
    kind: String,
    holds: String,
    written: String,
    files: Vec<String>,
    trains_scorer: bool,
    recall_at_least: Option<f64>,
    caught_at_least: Option<usize>,
    false_positive_rate_at_most: Option<f64>,
    false_positives_at_most: Option<usize>,
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(data().join("sets.toml")).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("tests/data/sets.toml: {e}"))
}

/// Rates over files of `tests/data`, summed; each file's own line is printed.
fn measure(detector: &Detector, files: &[String]) -> Rates {
    let mut sum = Rates::default();
    for file in files {
        let ev = scamscan::eval::evaluate_file(detector, &data().join(file)).unwrap();
        assert!(ev.errors.is_empty(), "{file}: {:?}", ev.errors);
        eprintln!("{file}: {}", ev.overall);
        sum += ev.overall;
    }
    sum
}

/// What falls short of the set's floors, or nothing.
fn shortfalls(set: &Set, r: &Rates) -> Vec<String> {
    let mut out = Vec::new();
    let name = &set.name;
    if let Some(at_least) = set.recall_at_least {
        if r.recall() < at_least {
            out.push(format!(
                "{name}: recall {:.3} ({}/{}), below {at_least}",
                r.recall(),
                r.caught,
                r.scams
            ));
        }
    }
    if let Some(at_least) = set.caught_at_least {
        if r.caught < at_least {
            out.push(format!(
                "{name}: caught {} of {}, below {at_least}",
                r.caught, r.scams
            ));
        }
    }
    if let Some(at_most) = set.false_positive_rate_at_most {
        if r.false_positive_rate() > at_most {
            out.push(format!(
                "{name}: false-positive rate {:.3} ({}/{}), above {at_most}",
                r.false_positive_rate(),
                r.false_positives,
                r.benign
            ));
        }
    }
    if let Some(at_most) = set.false_positives_at_most {
        if r.false_positives > at_most {
            out.push(format!(
                "{name}: {} false positives of {}, above {at_most}",
                r.false_positives, r.benign
            ));
        }
    }
    out
}

/// Every held-out and probe set holds the floor the manifest gives it.
#[test]
fn every_set_holds_its_floor() {
    let mut failures = Vec::new();
    for set in manifest().set.iter().filter(|s| s.kind != "stance") {
        let r = measure(detector(), &set.files);
        eprintln!("{}: {r}", set.name);
        failures.extend(shortfalls(set, &r));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The manifest and the folder agree: every labeled file is described once, every described
/// file exists, every set has a floor on both sides, and no sealed half trains anything.
#[test]
fn the_manifest_describes_every_labeled_file() {
    let sets = manifest().set;
    let mut listed = BTreeSet::new();
    let mut names = BTreeSet::new();
    for set in &sets {
        assert!(names.insert(set.name.clone()), "{} twice", set.name);
        assert!(
            !set.holds.is_empty() && !set.written.is_empty(),
            "{}",
            set.name
        );
        assert!(
            ["heldout", "probes", "stance"].contains(&set.kind.as_str()),
            "{}: kind {}",
            set.name,
            set.kind
        );
        if set.kind == "stance" {
            assert!(!set.trains_scorer, "{}: not a scorer's data", set.name);
        } else {
            let recall = set.recall_at_least.is_some() || set.caught_at_least.is_some();
            let fp =
                set.false_positive_rate_at_most.is_some() || set.false_positives_at_most.is_some();
            assert!(
                recall && fp,
                "{}: a floor for recall and for false positives",
                set.name
            );
        }
        if set.kind == "heldout" {
            let halves: Vec<&str> = set
                .files
                .iter()
                .map(|f| f.rsplit('/').next().unwrap())
                .collect();
            assert_eq!(halves, ["tune.jsonl", "sealed.jsonl"], "{}", set.name);
        }
        for file in &set.files {
            assert!(data().join(file).is_file(), "{file} is not there");
            assert!(listed.insert(file.clone()), "{file} listed twice");
        }
    }
    let mut on_disk = BTreeSet::new();
    for folder in ["heldout", "probes", "stance"] {
        collect_jsonl(&data().join(folder), &mut on_disk);
    }
    // A held-out set may keep its whole set as written beside the halves.
    on_disk.retain(|f: &String| !f.ends_with("/whole.jsonl"));
    assert_eq!(on_disk, listed, "tests/data and sets.toml differ");
}

/// Where a held-out set keeps its whole set as written, its halves are that set, split: every
/// line is in exactly one half, and a conversation is never cut in two.
#[test]
fn halves_are_the_whole_set_split() {
    for set in manifest().set.iter().filter(|s| s.kind == "heldout") {
        let folder = data().join(&set.files[0]).parent().unwrap().to_path_buf();
        let Ok(whole) = std::fs::read_to_string(folder.join("whole.jsonl")) else {
            continue;
        };
        let half = |name: &str| std::fs::read_to_string(folder.join(name)).unwrap();
        let (tune, sealed) = (half("tune.jsonl"), half("sealed.jsonl"));
        let mut split: Vec<&str> = tune.lines().chain(sealed.lines()).collect();
        let mut lines: Vec<&str> = whole.lines().filter(|l| !l.trim().is_empty()).collect();
        split.sort_unstable();
        lines.sort_unstable();
        assert_eq!(
            split, lines,
            "{}: the halves are not the whole set",
            set.name
        );
        let conversations = |text: &str| -> BTreeSet<String> {
            text.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["conversation"].as_str().map(str::to_string))
                .collect()
        };
        let shared: Vec<String> = conversations(&tune)
            .intersection(&conversations(&sealed))
            .cloned()
            .collect();
        assert!(
            shared.is_empty(),
            "{}: conversations in both halves: {shared:?}",
            set.name
        );
    }
}

/// Every writer's `build.py` (held-out sets, stance lines) rewrites the file kept beside it
/// byte for byte, so the data can be regenerated and reviewed from its source.
#[test]
fn generators_rewrite_their_files() {
    let mut scripts = Vec::new();
    for folder in ["heldout", "stance"] {
        files_under(&data().join(folder), &mut scripts);
    }
    scripts.retain(|p| p.file_name().is_some_and(|n| n == "build.py"));
    assert!(scripts.len() >= 6, "build.py scripts: {scripts:?}");
    for script in scripts {
        let work = std::env::temp_dir().join(format!(
            "scamscan-build-{}-{}",
            std::process::id(),
            script
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
        ));
        std::fs::create_dir_all(&work).unwrap();
        std::fs::copy(&script, work.join("build.py")).unwrap();
        let done = std::process::Command::new("python3")
            .arg("build.py")
            .current_dir(&work)
            .output()
            .expect("python3 runs");
        assert!(
            done.status.success(),
            "{}: {}",
            script.display(),
            String::from_utf8_lossy(&done.stderr)
        );
        let mut written = 0;
        for entry in std::fs::read_dir(&work).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "jsonl") {
                let kept = script.parent().unwrap().join(path.file_name().unwrap());
                assert!(
                    std::fs::read(&path).unwrap() == std::fs::read(&kept).unwrap(),
                    "{} does not rewrite {}",
                    script.display(),
                    kept.display()
                );
                written += 1;
            }
        }
        assert!(written > 0, "{} wrote no .jsonl", script.display());
        std::fs::remove_dir_all(&work).unwrap();
    }
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn collect_jsonl(dir: &Path, out: &mut BTreeSet<String>) {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    for path in files {
        if path.extension().is_some_and(|x| x == "jsonl") {
            let rel = path.strip_prefix(data()).unwrap();
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The n-gram scorer on the sealed halves of the seven oldest held-out sets (it never trains
/// on a sealed half): it must add recall over the rules alone, at no more than eight false
/// positives. Rules alone measured 359/469 caught, 8/432 false positives, when the scorer came
/// in; with it, 399/469 and 8/432. A guard at that level.
#[test]
fn the_scorer_adds_recall_on_sealed_halves() {
    let oldest = [
        "mixed-settings",
        "indirect-wording",
        "evasions",
        "repeated-changes",
        "all-categories-conversations",
        "beyond-the-shop",
        "varied-with-hard-negatives",
    ];
    let sealed: Vec<String> = manifest()
        .set
        .into_iter()
        .filter(|s| oldest.contains(&s.name.as_str()))
        .flat_map(|s| s.files.into_iter().filter(|f| f.ends_with("sealed.jsonl")))
        .collect();
    assert_eq!(sealed.len(), oldest.len());
    let with = measure(detector(), &sealed);
    let without = measure(rules_only(), &sealed);
    assert!(with.caught > without.caught, "the scorer adds nothing");
    assert!(
        with.caught >= 399,
        "caught {} of {}",
        with.caught,
        with.scams
    );
    assert!(
        with.false_positives <= 8,
        "{} false positives",
        with.false_positives
    );
}

/// The shared dev set: recall at least 0.90 overall and 0.80 per category, false-positive
/// rate at most 0.03.
#[test]
#[ignore = "needs ../shared/eval/dev.jsonl (.ci/run runs it)"]
fn dev_set_recall_and_false_positive_rate() {
    let ev = scamscan::eval::evaluate_file(detector(), &shared().join("eval/dev.jsonl")).unwrap();
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    let o = ev.overall;
    eprintln!("dev: {o}");
    assert!(o.recall() >= 0.90, "overall recall {:.3}", o.recall());
    assert!(
        o.false_positive_rate() <= 0.03,
        "false-positive rate {:.3}",
        o.false_positive_rate()
    );
    for (c, r) in &ev.per_category {
        assert!(
            r.recall() >= 0.80,
            "{c} recall {:.3} ({}/{})",
            r.recall(),
            r.caught,
            r.scams
        );
    }
}

/// Real shop reviews and real Taobao customer-service turns: flagged at medium or above in
/// at most 0.2% of messages.
#[test]
#[ignore = "needs ../shared/corpora (.ci/run runs it)"]
fn real_text_is_rarely_flagged() {
    let shared = shared();
    let d = detector();
    let mut messages = 0usize;
    let mut flagged = Vec::new();
    let mut scan = |text: &str| {
        messages += 1;
        if d.scan(text).reaches(Severity::Medium) {
            flagged.push(text.chars().take(60).collect::<String>());
        }
    };
    for file in ["online_shopping_10_cats.jsonl", "waimai_10k.jsonl"] {
        let f = std::fs::File::open(shared.join("corpora/sophonplus_reviews").join(file)).unwrap();
        for line in std::io::BufReader::new(f).lines() {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            scan(v["text"].as_str().unwrap_or(""));
        }
    }
    let f = std::fs::File::open(shared.join("corpora/ecd_taobao_sample/sessions.jsonl")).unwrap();
    for line in std::io::BufReader::new(f).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        for turn in v["turns"].as_array().unwrap() {
            scan(turn["text_desegmented"].as_str().unwrap_or(""));
        }
    }
    let rate = flagged.len() as f64 / messages as f64;
    eprintln!(
        "real text: {} of {messages} flagged ({:.3}%)",
        flagged.len(),
        rate * 100.0
    );
    assert!(
        rate <= 0.002,
        "{:.3}% flagged:\n{}",
        rate * 100.0,
        flagged.join("\n")
    );
}
