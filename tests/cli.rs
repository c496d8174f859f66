//! The real binary, run in a temp dir: exit status, stderr and stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use scamscan::io::{ErrorLine, OutputLine};
use std::io::Write;

/// The binary, with the locale variables removed so that it writes its default language
/// whatever the machine's locale.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scamscan"));
    for var in ["LANG", "LC_ALL", "LC_MESSAGES"] {
        cmd.env_remove(var);
    }
    cmd
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scamscan-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run_with_stdin(cmd: &mut Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Parses scan output strictly: every line is a scanned record or an error record.
pub fn parse_lines(stdout: &[u8]) -> Vec<Result<OutputLine, ErrorLine>> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| match serde_json::from_str::<OutputLine>(l) {
            Ok(o) => Ok(o),
            Err(_) => Err(serde_json::from_str::<ErrorLine>(l)
                .unwrap_or_else(|e| panic!("unparseable output line {l:?}: {e}"))),
        })
        .collect()
}

fn example_log() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chat.jsonl")
}

#[test]
fn scan_example_log_finds_scams_and_exits_zero() {
    let out = bin().arg("scan").arg(example_log()).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = parse_lines(&out.stdout);
    let ids: Vec<String> = lines
        .iter()
        .map(|l| l.as_ref().unwrap().id.clone().unwrap())
        .collect();
    for want in [
        "a4", "b2", "b4", "c1", "c3", "e1", "e4", "e7", "e8", "e9", "f3", "f4", "f5",
    ] {
        assert!(
            ids.contains(&want.to_string()),
            "{want} not flagged; got {ids:?}"
        );
    }
    for benign in [
        "a1", "a3", "c2", "d1", "d2", "e2", "e3", "e5", "e6", "e10", "f1", "f2",
    ] {
        assert!(!ids.contains(&benign.to_string()), "{benign} flagged");
    }
    let a4 = lines
        .iter()
        .flatten()
        .find(|l| l.id.as_deref() == Some("a4"))
        .unwrap();
    assert_eq!(a4.findings[0].context, vec!["a3".to_string()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("28 records read, 28 scanned, 0 in error"),
        "{stderr}"
    );
}

#[test]
fn all_pairs_output_with_input_and_spans_are_exact() {
    let out = bin()
        .args(["scan", "--all"])
        .arg(example_log())
        .output()
        .unwrap();
    let lines = parse_lines(&out.stdout);
    let input = std::fs::read_to_string(example_log()).unwrap();
    let texts: Vec<serde_json::Value> = input
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), texts.len());
    for (line, rec) in lines.iter().zip(&texts) {
        let line = line.as_ref().unwrap();
        let text = rec["text"].as_str().unwrap();
        assert_eq!(line.id.as_deref(), rec["id"].as_str());
        for f in &line.findings {
            assert_eq!(&text[f.start..f.end], f.matched);
            assert_eq!(text[..f.start].chars().count(), f.char_start);
        }
    }
}

#[test]
fn bad_records_are_reported_in_place_and_the_scan_goes_on() {
    let input = "{\"text\":\"你先付个定金我再发货\"}\n{broken\n\n{\"id\":\"x\"}\n{\"text\":42}\n{\"text\":\"在吗\"}\n";
    let out = run_with_stdin(bin().args(["scan", "--all", "-"]), input);
    assert_eq!(out.status.code(), Some(2));
    let lines = parse_lines(&out.stdout);
    assert_eq!(lines.len(), 5);
    assert!(lines[0].is_ok());
    assert_eq!(lines[1].as_ref().unwrap_err().line, 2);
    assert_eq!(lines[2].as_ref().unwrap_err().line, 4);
    assert!(lines[2]
        .as_ref()
        .unwrap_err()
        .error
        .contains("missing field `text`"));
    assert_eq!(lines[3].as_ref().unwrap_err().line, 5);
    assert_eq!(lines[4].as_ref().unwrap().line, 6);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("5 records read, 2 scanned, 3 in error"),
        "{stderr}"
    );
}

#[test]
fn no_finding_exits_one_and_text_and_csv_inputs_work() {
    let dir = temp_dir("formats");
    let txt = dir.join("chat.txt");
    std::fs::write(&txt, "在吗\n发什么快递\n").unwrap();
    let out = bin().arg("scan").arg(&txt).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    let csv = dir.join("chat.csv");
    std::fs::write(&csv, "id,content\n1,\"加我微信,\n私下转账\"\n2,好的\n").unwrap();
    let out = bin()
        .args(["scan", "--text-field", "content"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = parse_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].as_ref().unwrap().id.as_deref(), Some("1"));
}

#[test]
fn missing_file_is_named_and_other_files_still_scanned() {
    let out = bin()
        .args(["scan", "/nonexistent/chat.jsonl"])
        .arg(example_log())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nonexistent/chat.jsonl"), "{stderr}");
    assert!(!parse_lines(&out.stdout).is_empty());
}

#[test]
fn check_prints_json_record() {
    let out = bin()
        .args(["check", "--json", "你先付个定金我再发货"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let line: OutputLine = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line.findings[0].category, scamscan::Category::DepositFirst);
    let out = bin().args(["check", "请确定金额"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "no findings");
}

#[test]
fn broken_user_lexicon_is_refused_with_file_line_and_rule() {
    let dir = temp_dir("lexicon");
    std::fs::write(
        dir.join("mine.toml"),
        "category = \"deposit_first\"\n\n[[rules]]\nid = \"mine/fee\"\nexplanation = \"x\"\npatterns = [\"先 {nosuchclass}\"]\nexamples = [\"a\"]\ncounter_examples = [\"b\"]\n",
    )
    .unwrap();
    let out = bin().args(["lexicon", "check"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mine.toml:4: rule mine/fee: unknown class {nosuchclass}"),
        "{stderr}"
    );

    std::fs::write(
        dir.join("mine.toml"),
        "category = \"deposit_first\"\n\n[[rules]]\nid = \"mine/fee\"\nexplanation = \"x\"\npatterns = [\"先交 ~0..3 茶水费\"]\nexamples = [\"先交200茶水费\", \"先交茶费\"]\ncounter_examples = [\"b\"]\n",
    )
    .unwrap();
    let out = bin().args(["lexicon", "check"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mine.toml:4: rule mine/fee: example does not fire: \"先交茶费\""),
        "{stderr}"
    );
}

#[test]
fn user_lexicon_adds_rules() {
    let dir = temp_dir("user-rules");
    std::fs::write(
        dir.join("mine.toml"),
        "category = \"deposit_first\"\n[[rules]]\nid = \"mine/tea\"\nexplanation = \"tea fee first\"\npatterns = [\"先交 ~0..3 茶水费\"]\nexamples = [\"先交200茶水费\"]\ncounter_examples = [\"茶水费免了\"]\n",
    )
    .unwrap();
    let out = bin()
        .args(["check", "--json", "--lexicon"])
        .arg(&dir)
        .arg("先交50茶水费")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: OutputLine = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line.findings[0].rule, "mine/tea");
}

#[test]
fn lexicon_terms_and_list() {
    let out = bin().args(["lexicon", "terms"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let terms = String::from_utf8(out.stdout).unwrap();
    assert!(terms.lines().any(|t| t == "微信"));
    let out = bin().args(["lexicon", "list"]).output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.lines().any(|l| l.contains("\tdeposit_first\thigh\t")));
}

/// One file with every kind of bad record between good ones: one outcome per record, bad
/// ones at their own line numbers, every good one scanned.
#[test]
fn every_kind_of_bad_record_in_one_file() {
    let dir = temp_dir("bad-records");
    let path = dir.join("mixed.jsonl");
    let mut bytes: Vec<u8> = Vec::new();
    bytes.extend_from_slice(b"\xef\xbb\xbf{\"id\":\"g1\",\"text\":\"\xe4\xbd\xa0\xe5\x85\x88\xe4\xbb\x98\xe4\xb8\xaa\xe5\xae\x9a\xe9\x87\x91\xe6\x88\x91\xe5\x86\x8d\xe5\x8f\x91\xe8\xb4\xa7\"}\r\n"); // 1 BOM + CRLF
    bytes.extend_from_slice(b"{\"id\":\"b2\",\"text\":\"x\"\n"); // 2 malformed JSON
    bytes.extend_from_slice(b"\n"); // 3 blank, skipped
    bytes.extend_from_slice(b"{\"id\":\"b4\"}\n"); // 4 missing text
    bytes.extend_from_slice(b"{\"id\":\"b5\",\"text\":[1]}\n"); // 5 text not a string
    bytes.extend_from_slice(b"{\"id\":\"b6\",\"text\":\"\xff\xfe\"}\n"); // 6 invalid UTF-8
    bytes.extend_from_slice(
        format!("{{\"id\":\"b7\",\"text\":\"{}\"}}\n", "长".repeat(400)).as_bytes(),
    ); // 7 over the limit
    bytes.extend_from_slice(
        b"{\"id\":\"g8\",\"text\":\"nul\\u0000inside \xe5\x9c\xa8\xe5\x90\x97\"}\n",
    ); // 8 NUL escaped: fine
    bytes.extend_from_slice(
        b"{\"id\":\"g9\",\"text\":\"\xe5\x8a\xa0\xe6\x88\x91\xe5\xbe\xae\xe4\xbf\xa1\"}",
    ); // 9 no final newline
    std::fs::write(&path, &bytes).unwrap();
    let out = bin()
        .args(["scan", "--all", "--max-record-bytes", "1000"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let lines = parse_lines(&out.stdout);
    let summary: Vec<(u64, bool)> = lines
        .iter()
        .map(|l| match l {
            Ok(o) => (o.line, true),
            Err(e) => (e.line, false),
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, true),
            (2, false),
            (4, false),
            (5, false),
            (6, false),
            (7, false),
            (8, true),
            (9, true)
        ]
    );
    let errors: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.as_ref().err())
        .map(|e| e.error.as_str())
        .collect();
    assert!(errors[0].contains("malformed JSON"), "{errors:?}");
    assert!(errors[1].contains("missing field `text`"), "{errors:?}");
    assert!(
        errors[2].contains("`text`") && errors[2].contains("not a string"),
        "{errors:?}"
    );
    assert!(errors[3].contains("invalid UTF-8"), "{errors:?}");
    assert!(errors[4].contains("over the limit"), "{errors:?}");
    let first = lines[0].as_ref().unwrap();
    assert_eq!(first.findings[0].category, scamscan::Category::DepositFirst);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("8 records read, 3 scanned, 5 in error"),
        "{stderr}"
    );
}

#[test]
fn directory_and_empty_file_are_named() {
    let dir = temp_dir("paths");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let out = bin().arg("scan").arg(&dir).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is a directory"), "{stderr}");
    assert!(stderr.contains("empty.jsonl: empty file"), "{stderr}");
}

#[test]
fn closed_output_pipe_ends_quietly() {
    let line = "{\"text\":\"你先付个定金我再发货\"}\n".repeat(200_000);
    let mut child = bin()
        .args(["scan", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(line.as_bytes());
    });
    {
        use std::io::BufRead;
        let stdout = child.stdout.take().unwrap();
        let mut first = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("deposit_first"));
        // stdout is dropped here: the pipe closes under the running scan.
    }
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn report_writes_one_self_contained_page_with_every_finding_highlighted() {
    let dir = std::env::temp_dir().join(format!("scamscan-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let html = report_of_example_log(&dir.join("report.html"));
    // Every finding that `scan` reports is highlighted in the page: its evidence lies inside
    // one highlighted stretch (adjacent marks of overlapping findings joined).
    let highlighted = marked_stretches(&html);
    let scan = bin().arg("scan").arg(example_log()).output().unwrap();
    let lines = parse_lines(&scan.stdout);
    let mut findings = 0;
    for line in lines.iter().flatten() {
        for f in &line.findings {
            findings += 1;
            let evidence = f.matched.replace('&', "&amp;").replace('<', "&lt;");
            assert!(
                highlighted.iter().any(|h| h.contains(&evidence)),
                "{:?} not highlighted in {highlighted:?}",
                f.matched
            );
            assert!(html.contains(f.rule.as_str()), "{} not in the page", f.rule);
        }
    }
    assert!(findings >= 10);
    // Nothing is fetched from anywhere: no scripts, links, images or remote URLs.
    for external in [
        "http://", "https://", "<script", "<link", "src=", "url(", "@import",
    ] {
        let outside_text = html.matches(external).count();
        // The one phishing URL in the chat itself is text, escaped inside a message.
        let in_chat = if external == "http://" { 2 } else { 0 };
        assert!(
            outside_text <= in_chat,
            "{external} appears {outside_text} times"
        );
    }
    // Context links land on messages that exist.
    for anchor in html.match_indices("href=\"#").map(|(i, _)| {
        let rest = &html[i + 7..];
        rest[..rest.find('"').unwrap()].to_string()
    }) {
        assert!(
            html.contains(&format!("id=\"{anchor}\"")),
            "dangling link #{anchor}"
        );
    }
    // The amount and the repeated change requests are shown.
    assert!(html.contains("3000 yuan"));
    assert!(html.contains("order_tampering/repeated-change-request"));

    let md = report_of_example_log(&dir.join("report.md"));
    assert!(md.starts_with("# Evidence report"));
    assert!(md.contains("**先转3000定金**"), "{md}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs `scamscan report` on the example log into `path` (its format from the extension), in
/// English (the Chinese report has its own snapshot test);
/// the run must find something (exit 0). Returns what it wrote.
fn report_of_example_log(path: &Path) -> String {
    let out = bin()
        .args(["--lang", "en", "report", "-q", "-o"])
        .arg(path)
        .arg(example_log())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(path).unwrap()
}

/// The text inside `<mark>` elements, adjacent ones joined.
fn marked_stretches(html: &str) -> Vec<String> {
    let mut joined = html.to_string();
    while let Some(i) = joined.find("</mark><mark title=\"") {
        let close = joined[i + 7..].find('>').unwrap() + i + 7;
        joined.replace_range(i..=close, "");
    }
    joined
        .split("<mark title=\"")
        .skip(1)
        .map(|part| {
            let body = &part[part.find('>').unwrap() + 1..];
            body[..body.find("</mark>").unwrap()].to_string()
        })
        .collect()
}
