//! Both languages: every built-in rule and category speaks Chinese and English; `check`, the
//! evidence report and the service answer in the language asked for; `--redact` masks.

use std::path::{Path, PathBuf};

use scamscan::{Category, Detector, Lang, Severity};

use crate::cli::{bin, temp_dir};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot(name: &str) -> PathBuf {
    repo().join("tests/data/snapshots").join(name)
}

/// Compares `got` with the snapshot file `name`; `UPDATE_SNAPSHOTS=1` rewrites it instead.
fn assert_snapshot(name: &str, got: &str) {
    let path = snapshot(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    if want != got {
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(got.lines().count()));
        panic!(
            "{name} differs from its snapshot at line {}:\n  want: {:?}\n  got:  {:?}\n(UPDATE_SNAPSHOTS=1 rewrites it after a deliberate change)",
            line + 1,
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
}

fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_builtin_rule_and_category_speaks_both_languages() {
    let detector = crate::util::detector();
    let mut missing = Vec::new();
    for rule in detector.rules().iter().filter(|r| r.category.is_some()) {
        match &rule.explanation_zh {
            Some(zh) if has_han(zh) && !zh.trim().is_empty() => {}
            _ => missing.push(rule.id.clone()),
        }
        // English, though it may quote the Chinese wording it is about (刷脸授权).
        assert!(
            rule.explanation
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .count()
                >= 8,
            "{}: the English explanation is not English",
            rule.id
        );
    }
    assert!(
        missing.is_empty(),
        "built-in rules without a Chinese explanation: {missing:?}"
    );
    let mut names = std::collections::HashSet::new();
    for c in Category::ALL {
        for lang in Lang::ALL {
            assert!(
                names.insert(c.name(lang)),
                "{c}: name {:?} repeats",
                c.name(lang)
            );
            assert!(!c.description(lang).is_empty());
        }
        assert!(has_han(c.name(Lang::ZhCn)) && has_han(c.description(Lang::ZhCn)));
        assert!(!has_han(c.name(Lang::En)) && !has_han(c.description(Lang::En)));
    }
    for s in [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ] {
        assert!(has_han(s.name(Lang::ZhCn)));
    }
}

#[test]
fn a_report_is_written_in_either_language_and_nothing_else_changes() {
    let en = crate::util::detector();
    let zh = Detector::builder().language(Lang::ZhCn).build().unwrap();
    for text in [
        "先转5000定金给我",
        "加我微信 abc_shop88 私下转账",
        "您好，我是淘宝客服，您的店铺违规了，请点击链接处理",
    ] {
        let a = en.scan(text);
        let b = zh.scan(text);
        assert!(!a.findings.is_empty(), "{text}");
        assert_eq!(a.severity, b.severity);
        for (f, g) in a.findings.iter().zip(&b.findings) {
            assert_eq!(
                (f.category, &f.rule, f.start, f.end, f.severity),
                (g.category, &g.rule, g.start, g.end, g.severity)
            );
            assert!(
                !has_han(&f.explanation) && has_han(&g.explanation),
                "{} / {}",
                f.explanation,
                g.explanation
            );
            assert_eq!(g.category_name, g.category.name(Lang::ZhCn));
        }
        assert_eq!(a.clone().localized(Lang::ZhCn), b);
        assert_eq!(b.localized(Lang::En), a);
    }
    // A composed explanation is one sentence of one language.
    let raised = &zh.scan("先转5000定金给我").findings[0];
    assert!(raised.raised_for_amount());
    assert!(
        raised.explanation.contains("达到 1000 元的大额标准"),
        "{}",
        raised.explanation
    );
    assert!(!raised.explanation.contains("yuan"));
}

#[test]
fn check_explains_itself_in_the_language_asked_for() {
    let text = "先转5000定金给我，加 微-信 abc88888";
    for (lang, env) in [("zh-CN", Some(("LANG", "zh_CN.UTF-8"))), ("en", None)] {
        let mut cmd = bin();
        cmd.args(["check", text]);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_snapshot(
            &format!("check.{lang}.txt"),
            &String::from_utf8(out.stdout).unwrap(),
        );
    }
    // --lang wins over the environment; LC_ALL over LANG; C means the default (English).
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.args(args).args(["check", "先付个定金"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    assert!(run(&["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]).contains("severity: high"));
    assert!(run(&[], &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")]).contains("severity:"));
    assert!(run(&[], &[("LANG", "C.UTF-8")]).contains("severity:"));
    assert!(run(&["--lang", "zh"], &[]).contains("风险等级：高"));
    let bad = bin().args(["--lang", "fr", "check", "x"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected zh-CN or en"));
}

#[test]
fn the_evidence_report_is_chinese_by_default_and_english_when_asked() {
    let dir = temp_dir("report-languages");
    // Relative to the checkout, so that the file named in the report is the same anywhere.
    let log = "examples/chat.jsonl";
    for (lang, ext) in [
        ("zh-CN", "html"),
        ("en", "html"),
        ("zh-CN", "md"),
        ("en", "md"),
    ] {
        let out_path = dir.join(format!("report.{lang}.{ext}"));
        let mut cmd = bin();
        cmd.current_dir(repo())
            .env("SOURCE_DATE_EPOCH", "1796658720");
        if lang == "en" {
            cmd.args(["--lang", "en"]);
        }
        let out = cmd
            .arg("report")
            .arg(log)
            .arg("-o")
            .arg(&out_path)
            .arg("-q")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let page = std::fs::read_to_string(&out_path).unwrap();
        // The lexicon version changes with every lexicon edit, and the style sheet is the
        // renderer's own constant; the rest must not move.
        let version = Detector::new().unwrap().lexicon_version().to_string();
        let mut page = page.replace(&version, "LEXICON");
        if let (Some(from), Some(to)) = (page.find("<style>"), page.find("</style>")) {
            page.replace_range(from + "<style>".len()..to, "…");
        }
        assert_snapshot(&format!("report.{lang}.{ext}"), &page);
    }
    let zh = std::fs::read_to_string(dir.join("report.zh-CN.html")).unwrap();
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("聊天诈骗证据报告"));
    assert!(zh.contains("2026年12月7日 15:52（UTC）"));
    let en = std::fs::read_to_string(dir.join("report.en.html")).unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Evidence report"));
}

#[test]
fn lexicon_check_wants_chinese_of_builtin_rules_only() {
    let out = bin().args(["lexicon", "check"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = temp_dir("lexicon-zh");
    std::fs::write(
        dir.join("mine.toml"),
        "category = \"deposit_first\"\n[[rules]]\nid = \"mine/tea\"\nexplanation = \"tea fee first\"\npatterns = [\"先交 ~0..3 茶水费\"]\nexamples = [\"先交200茶水费\"]\n",
    )
    .unwrap();
    let out = bin().args(["lexicon", "check"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("mine/tea") && stderr.contains("mine.toml:3"),
        "{stderr}"
    );
    // Its findings fall back to English in Chinese output.
    let out = bin()
        .args(["--lang", "zh-CN", "check", "先交200茶水费", "--lexicon"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("tea fee first") && stdout.contains("风险等级"),
        "{stdout}"
    );
}

#[test]
fn scan_redacts_contacts_whole_and_phrases_when_asked() {
    let input = "{\"id\":\"1\",\"text\":\"加我微信 abc_shop88 私下转账更便宜，电话138 1234 5678\"}\n{\"id\":\"2\",\"text\":\"这个耳机多少钱，订单号 202612070001\"}\n{\"id\":\"3\",\"text\":\"先转5000定金给我，定金额度可以商量\"}\n";
    let run = |args: &[&str]| -> Vec<String> {
        let out =
            crate::cli::run_with_stdin(bin().arg("scan").arg("--all").arg("-q").args(args), input);
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["redacted"]
                    .as_str()
                    .unwrap_or("-")
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        run(&["--redact"]),
        [
            "加我微信 ********** 私下转账更便宜，电话*************",
            "这个耳机多少钱，订单号 202612070001",
            "先转5000定金给我，定金额度可以商量"
        ]
    );
    let phrases = run(&[
        "--redact",
        "--redact-phrases",
        "--mask",
        "＊",
        "--short-mask",
    ]);
    assert!(phrases[0].starts_with("＊＊＊ ＊＊＊"), "{}", phrases[0]);
    // 定金 of 定金额度 shares characters with the evidence but is another word: untouched.
    assert!(
        phrases[2].ends_with("给我，定金额度可以商量") && !phrases[2].contains("先转"),
        "{}",
        phrases[2]
    );
    assert_eq!(run(&[]), ["-", "-", "-"]);
}
