//! Files and output under attack: every row of a broken CSV accounted for, escapes in
//! messages never reaching a terminal or a report, and the smaller edges of the command line.

use std::process::Stdio;

use crate::cli::{bin, parse_lines, run_with_stdin, temp_dir};

fn scan_all(path: &std::path::Path) -> (Option<i32>, Vec<Result<u64, u64>>, String) {
    let out = bin().args(["scan", "--all"]).arg(path).output().unwrap();
    let lines = parse_lines(&out.stdout)
        .into_iter()
        .map(|l| l.map(|o| o.line).map_err(|e| e.line))
        .collect();
    (
        out.status.code(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn csv_rows_are_all_accounted_for() {
    let dir = temp_dir("hostile-csv");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    // Another delimiter: read from the header.
    let (_, lines, _) = scan_all(&write("semi.csv", "id;text\n1;加我微信\n2;在吗\n3;好的\n"));
    assert_eq!(lines, [Ok(2), Ok(3), Ok(4)]);
    // No header: one error per row, none lost.
    let (code, lines, err) = scan_all(&write("bare.csv", "1,加我微信\n2,在吗\n3,好的\n4,谢谢\n"));
    assert_eq!(lines, [Err(1), Err(2), Err(3), Err(4)]);
    assert_eq!(code, Some(2));
    assert!(err.contains("4 records read"), "{err}");
    // Empty: nothing read, nothing wrong.
    let (code, lines, err) = scan_all(&write("empty.csv", ""));
    assert!(lines.is_empty());
    assert_eq!(code, Some(1), "{err}");
    // An unterminated quote: its line is an error, the rows after it are read.
    let (_, lines, _) = scan_all(&write(
        "quote.csv",
        "id,text\n1,\"加我微信\n2,在吗\n3,好的\n",
    ));
    assert_eq!(lines, [Err(2), Ok(3), Ok(4)]);
    // Blank lines: every row keeps its own line number.
    let (_, lines, _) = scan_all(&write("blank.csv", "id,text\n1,a\n\n2,b\n\n\n3,c\n"));
    assert_eq!(lines, [Ok(2), Ok(4), Ok(7)]);
}

#[test]
fn escapes_in_messages_never_reach_a_terminal_or_a_report() {
    let nasty = "\u{1b}]0;pwned\u{7}\u{1b}[2J加我微信\u{202e}好的";
    let out = bin().args(["check", nasty]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(
        text.contains("<U+001B>") && text.contains("<U+202E>"),
        "{text:?}"
    );

    let dir = temp_dir("hostile-escapes");
    let log = dir.join("log.jsonl");
    let record = serde_json::json!({"id": "x\u{1b}[2J", "text": nasty, "labels": []});
    std::fs::write(&log, format!("{record}\n")).unwrap();
    let out = bin().arg("eval").arg(&log).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    for (name, format) in [("r.html", "html"), ("r.md", "md")] {
        let report = dir.join(name);
        let out = bin()
            .args(["report", "--format", format, "-o"])
            .arg(&report)
            .arg(&log)
            .output()
            .unwrap();
        assert!(out.status.success() || out.status.code() == Some(1));
        let page = std::fs::read_to_string(&report).unwrap();
        assert!(
            !page.contains('\u{1b}') && !page.contains('\u{202e}'),
            "{name}"
        );
    }
}

#[test]
fn the_smaller_edges() {
    // A pipe has no size: it is not called empty.
    let mut scan = bin();
    scan.args(["scan", "/dev/stdin"]);
    let out = run_with_stdin(&mut scan, "{\"text\":\"加我微信\"}\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("empty file"), "{err}");
    assert_eq!(parse_lines(&out.stdout).len(), 1);
    // Threads are bounded.
    let out = bin()
        .args(["scan", "--threads", "100000", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
}
