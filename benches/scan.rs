//! Throughput and cost benchmarks (criterion). Fixtures are built once, outside the timing.
//!
//! Inputs: the seeded generated corpus (`examples/gen_corpus.rs`, built in memory here) and,
//! where `../shared/corpora` is present, real shop reviews. Every throughput is in bytes of
//! input per second, so groups compare side by side:
//!
//! * `build`: detector build (lexicons compiled, automaton built; jieba loaded separately).
//! * `message`: one message at three lengths through the library.
//! * `normalize`: folding alone.
//! * `pipeline`: JSON Lines in, findings out, single thread — against (a) the ceiling, a raw
//!   Aho-Corasick pass per line over exactly the literals of `scamscan lexicon terms`, and
//!   (b) what most users write, jieba `cut` on every message then a set lookup.
//! * `threads`: the pipeline on 1 and 2 threads.
//! * `lexicon_size`: scan throughput with the built-in lexicons and x10, x100 synthetic rules.

use std::collections::HashSet;
use std::hint::black_box;
use std::process::Command;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use scamscan::batch::{scan_stream, ConversationMap, Outcome, ScanOptions};
use scamscan::io::{FieldMap, InputFormat, OutputLine, RecordReader};
use scamscan::{Detector, DetectorBuilder};

/// The generated corpus: `lines` JSON Lines from gen_corpus with seed 7.
fn corpus(lines: usize) -> Vec<u8> {
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "--release",
            "--quiet",
            "--example",
            "gen_corpus",
            "--",
            "--seed",
            "7",
            "--lines",
        ])
        .arg(lines.to_string())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs the corpus generator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn texts(jsonl: &[u8]) -> Vec<String> {
    jsonl
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect()
}

/// JSON Lines in, one serialized output line per flagged message out.
fn pipeline(detector: &Detector, pool: &rayon::ThreadPool, jsonl: &[u8]) -> usize {
    let reader = RecordReader::new(
        Box::new(std::io::Cursor::new(jsonl.to_vec())),
        InputFormat::Jsonl,
        &FieldMap::default(),
        16 << 20,
    );
    let mut out = Vec::with_capacity(1 << 20);
    let mut convs = ConversationMap::new(100_000);
    scan_stream(
        detector,
        Some(pool),
        reader,
        &ScanOptions::default(),
        &mut convs,
        &mut |o| -> Result<(), std::io::Error> {
            if let Outcome::Scanned { record, report } = o {
                if !report.findings.is_empty() {
                    let line = OutputLine::scanned(&record, report);
                    serde_json::to_writer(&mut out, &line)?;
                    out.push(b'\n');
                }
            }
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap()
    .unwrap();
    out.len()
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn bench_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("build");
    g.sample_size(20);
    g.bench_function("detector", |b| {
        b.iter(|| black_box(Detector::new().unwrap()))
    });
    g.bench_function("detector+jieba", |b| {
        b.iter(|| {
            black_box(
                DetectorBuilder::new()
                    .preload_segmenter(true)
                    .build()
                    .unwrap(),
            )
        })
    });
    g.finish();
}

fn bench_message(c: &mut Criterion) {
    let d = DetectorBuilder::new()
        .preload_segmenter(true)
        .build()
        .unwrap();
    let short = "亲 在吗 今天能发货吗";
    let medium = "亲，这款连衣裙还有M码吗？我身高165体重110，平时穿M，你先付个定金我再发货可以吗";
    let long = "收到了，质量不错，物流也很快，包装完好，客服态度很好，下次还会再来，推荐给朋友了。"
        .repeat(12);
    let mut g = c.benchmark_group("message");
    for (name, text) in [
        ("short", short),
        ("medium", medium),
        ("long", long.as_str()),
    ] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{name}-{}B", text.len())),
            text,
            |b, t| b.iter(|| black_box(d.scan(t))),
        );
    }
    g.finish();
}

fn bench_normalize(c: &mut Criterion) {
    let texts = texts(&corpus(20_000));
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("fold", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(scamscan::fold(t));
            }
        })
    });
    g.finish();
}

/// Real text (the first 20,000 reviews of `../shared/corpora`, plus every Taobao
/// customer-service turn): the cost of normalization before and after. "Before" matches the
/// raw text (what a word filter does, blind to every evasion); "after" folds first and
/// matches the folded text; the full scan adds the rule stage. Skipped without ../shared.
fn bench_normalize_real(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let Ok(reviews) = std::fs::read(root.join("sophonplus_reviews/online_shopping_10_cats.jsonl"))
    else {
        eprintln!("../shared/corpora is not there; skipping normalize_real");
        return;
    };
    let mut texts: Vec<String> = texts(&reviews).into_iter().take(20_000).collect();
    if let Ok(ecd) = std::fs::read(root.join("ecd_taobao_sample/sessions.jsonl")) {
        for line in ecd.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line).unwrap();
            for turn in v["turns"].as_array().into_iter().flatten() {
                texts.push(turn["text_desegmented"].as_str().unwrap_or("").to_string());
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let d = DetectorBuilder::new()
        .preload_segmenter(true)
        .build()
        .unwrap();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(d.terms())
        .unwrap();
    let mut g = c.benchmark_group("normalize_real");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("before-match-raw-text", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &texts {
                n += ac.find_overlapping_iter(t.as_str()).count();
            }
            black_box(n)
        })
    });
    g.bench_function("after-fold-then-match", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &texts {
                n += ac.find_overlapping_iter(scamscan::fold(t).as_str()).count();
            }
            black_box(n)
        })
    });
    g.bench_function("fold-alone", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(scamscan::fold(t));
            }
        })
    });
    g.bench_function("full-scan", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(d.scan(t));
            }
        })
    });
    g.finish();
}

fn bench_pipeline(c: &mut Criterion) {
    let jsonl = corpus(50_000);
    let d = DetectorBuilder::new()
        .preload_segmenter(true)
        .build()
        .unwrap();
    let one = pool(1);
    let terms: Vec<String> = d.terms().to_vec();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&terms)
        .unwrap();
    let term_set: HashSet<&str> = terms.iter().map(String::as_str).collect();
    let jieba = jieba_rs::Jieba::new();
    let lines: Vec<&[u8]> = jsonl
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(jsonl.len() as u64));
    g.sample_size(10);
    g.bench_function("scamscan-scan-1-thread", |b| {
        b.iter(|| black_box(pipeline(&d, &one, &jsonl)))
    });
    g.bench_function("a-ceiling-raw-aho-corasick-per-line", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for l in &lines {
                n += ac.find_overlapping_iter(*l).count();
            }
            black_box(n)
        })
    });
    g.bench_function("b-parse-then-jieba-cut-every-message-then-lookup", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for l in &lines {
                let v: serde_json::Value = serde_json::from_slice(l).unwrap();
                let m = v["text"].as_str().unwrap_or("");
                n += jieba
                    .cut(m, false)
                    .iter()
                    .filter(|w| term_set.contains(w.word))
                    .count();
            }
            black_box(n)
        })
    });
    g.finish();

    let two = pool(2);
    let mut g = c.benchmark_group("threads");
    g.throughput(Throughput::Bytes(jsonl.len() as u64));
    g.sample_size(10);
    g.bench_function("1", |b| b.iter(|| black_box(pipeline(&d, &one, &jsonl))));
    g.bench_function("2", |b| b.iter(|| black_box(pipeline(&d, &two, &jsonl))));
    g.finish();
}

/// A lexicon of `n` synthetic rules over random three-character Han terms.
fn synthetic_lexicon(n: usize) -> String {
    let mut s = String::from("category = \"off_platform_contact\"\n");
    let mut x = 12345u32;
    let mut han = || {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        char::from_u32(0x4e00 + (x >> 8) % 0x5000).unwrap_or('一')
    };
    for i in 0..n {
        let a: String = (0..3).map(|_| han()).collect();
        let b: String = (0..2).map(|_| han()).collect();
        s.push_str(&format!(
            "[[rules]]\nid = \"synthetic/{i}\"\nexplanation = \"synthetic\"\npatterns = [\"{a} ~0..3 {b}\"]\nexamples = [\"{a}{b}\"]\ncounter_examples = [\"{b}{a}\"]\n"
        ));
    }
    s
}

fn bench_lexicon_size(c: &mut Criterion) {
    let jsonl = corpus(20_000);
    let one = pool(1);
    let builtin_rules = Detector::new().unwrap().rules().len();
    let mut g = c.benchmark_group("lexicon_size");
    g.throughput(Throughput::Bytes(jsonl.len() as u64));
    g.sample_size(10);
    for factor in [1usize, 10, 100] {
        let mut builder = DetectorBuilder::new()
            .preload_segmenter(true)
            .verify_examples(false);
        if factor > 1 {
            builder = builder.lexicon_text(
                "synthetic.toml",
                &synthetic_lexicon(builtin_rules * (factor - 1)),
            );
        }
        let d = builder.build().unwrap();
        let name = format!(
            "x{factor}-{}rules-{}terms",
            d.rules().len(),
            d.terms().len()
        );
        g.bench_function(BenchmarkId::new("scan", &name), |b| {
            b.iter(|| black_box(pipeline(&d, &one, &jsonl)))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_build,
    bench_message,
    bench_normalize,
    bench_normalize_real,
    bench_pipeline,
    bench_lexicon_size
);
criterion_main!(benches);
