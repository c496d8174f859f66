//! Flag rates on the real corpora in `../shared/corpora` (see each folder's SOURCE.md).
//!
//! ```text
//! cargo run --release --example corpus_rates [-- --show 20]
//! ```
//!
//! Prints, per corpus, how many messages the built-in detector flags at medium or above:
//! on benign real text (shop reviews, Taobao customer-service turns) that is the
//! false-positive rate; on fraud SMS and synthetic fraud dialogues it is the share caught.
//! `--show N` lists up to N flagged benign messages per corpus with the rules that fired.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use scamscan::{Detector, Report, Severity};

struct Tally {
    messages: usize,
    flagged: usize,
    rules: BTreeMap<String, usize>,
    shown: Vec<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            messages: 0,
            flagged: 0,
            rules: BTreeMap::new(),
            shown: Vec::new(),
        }
    }

    fn add(&mut self, text: &str, report: &Report, show: usize) {
        self.messages += 1;
        if report.reaches(Severity::Medium) {
            self.flagged += 1;
            for f in &report.findings {
                *self.rules.entry(f.rule.clone()).or_default() += 1;
            }
            if self.shown.len() < show {
                let rules: Vec<String> = report
                    .findings
                    .iter()
                    .map(|f| format!("{} {:?}", f.rule, f.matched))
                    .collect();
                let short: String = text.chars().take(80).collect();
                self.shown
                    .push(format!("    {short}  <- {}", rules.join("; ")));
            }
        }
    }

    fn print(&self, name: &str, meaning: &str) {
        say(format_args!(
            "{name:<44} {:>7} messages {:>6} flagged {:>7.3}%  ({meaning})",
            self.messages,
            self.flagged,
            100.0 * self.flagged as f64 / self.messages.max(1) as f64
        ));
        for line in &self.shown {
            say(format_args!("{line}"));
        }
    }
}

fn lines(path: &Path) -> impl Iterator<Item = serde_json::Value> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| {
        eprintln!("{}: {e}", path.display());
        std::process::exit(2)
    });
    std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
}

/// Prints a line; a closed pipe (`| head`) ends the program quietly instead of panicking.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if writeln!(std::io::stdout().lock(), "{line}").is_err() {
        std::process::exit(0);
    }
}

fn main() {
    let mut show = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--show" {
            show = args.next().and_then(|v| v.parse().ok()).unwrap_or(20);
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if !root.is_dir() {
        eprintln!("../shared/corpora is not there; nothing to measure");
        std::process::exit(2);
    }
    let d = Detector::new().expect("built-in lexicons");
    let benign = benign_text(&d, &root, show);
    fraud_text(&d, &root);
    if show > 0 {
        say(format_args!("\nrules firing on benign real text:"));
        for (rule, n) in &benign.rules {
            say(format_args!("  {n:>5}  {rule}"));
        }
    }
}

/// Real reviews and real Taobao customer-service turns: every flag is a false positive.
fn benign_text(d: &Detector, root: &Path, show: usize) -> Tally {
    let mut benign_total = Tally::new();
    for file in ["online_shopping_10_cats.jsonl", "waimai_10k.jsonl"] {
        let mut t = Tally::new();
        for v in lines(&root.join("sophonplus_reviews").join(file)) {
            let text = v["text"].as_str().unwrap_or("");
            let r = d.scan(text);
            t.add(text, &r, show);
            benign_total.add(text, &r, 0);
        }
        t.print(
            &format!("sophonplus_reviews/{file}"),
            "real reviews: false positives",
        );
    }
    let mut t = Tally::new();
    for v in lines(&root.join("ecd_taobao_sample/sessions.jsonl")) {
        let mut chat = d.conversation();
        for turn in v["turns"].as_array().into_iter().flatten() {
            let text = turn["text_desegmented"].as_str().unwrap_or("");
            // The corpus infers who speaks: the customer is the buyer, the other side the
            // shop's customer service.
            let speaker = match turn["speaker_inferred"].as_str() {
                Some("customer") => Some(scamscan::Speaker::Buyer),
                Some("agent") => Some(scamscan::Speaker::Agent),
                _ => None,
            };
            let r = chat.push(scamscan::Turn {
                id: None,
                speaker,
                text,
            });
            t.add(text, &r, show);
            benign_total.add(text, &r, 0);
        }
    }
    t.print(
        "ecd_taobao_sample (turns, in conversation)",
        "real Taobao CS chat: false positives",
    );
    benign_total.print("reviews + Taobao CS turns", "false-positive rate");
    benign_total
}

/// Fraud SMS and synthetic phone-fraud dialogues: the share flagged, beside their benign
/// counterparts.
fn fraud_text(d: &Detector, root: &Path) {
    let (mut fraud, mut other) = (Tally::new(), Tally::new());
    for v in lines(&root.join("fbs_sms/fbs_sms.jsonl")) {
        let text = v["text_desegmented"].as_str().unwrap_or("");
        let r = d.scan(text);
        if v["is_fraud"].as_i64() == Some(1) {
            fraud.add(text, &r, 0);
        } else {
            other.add(text, &r, 0);
        }
    }
    fraud.print("fbs_sms is_fraud=1", "real fraud SMS: share flagged");
    other.print("fbs_sms is_fraud=0", "spam/ads, not chat: share flagged");

    let (mut fraud, mut normal) = (Tally::new(), Tally::new());
    for v in lines(&root.join("teleantifraud_dialogues/dialogues.jsonl")) {
        let mut chat = d.conversation();
        let mut any = Report::default();
        for turn in v["turns"].as_array().into_iter().flatten() {
            let r = chat.push(scamscan::Turn::new(turn["text"].as_str().unwrap_or("")));
            if r.severity > any.severity {
                any = r;
            }
        }
        if v["is_fraud"].as_i64() == Some(1) {
            fraud.add("", &any, 0);
        } else {
            normal.add("", &any, 0);
        }
    }
    fraud.print(
        "teleantifraud fraud dialogues (any turn)",
        "synthetic phone fraud: share flagged",
    );
    normal.print(
        "teleantifraud normal dialogues (any turn)",
        "synthetic service calls: false positives",
    );
}
