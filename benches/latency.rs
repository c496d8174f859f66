//! Per-message latency percentiles and detector build time, which criterion's means hide.
//!
//! `cargo bench --bench latency` prints p50/p99 of single-message scans through the library
//! (each timed alone, after a warm-up) and the median of repeated detector builds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use scamscan::{Detector, DetectorBuilder};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    // cargo passes --bench; any other argument is a filter we do not use.
    let mut builds: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            black_box(Detector::new().unwrap());
            t.elapsed()
        })
        .collect();
    builds.sort();
    let mut with_jieba: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            black_box(
                DetectorBuilder::new()
                    .preload_segmenter(true)
                    .build()
                    .unwrap(),
            );
            t.elapsed()
        })
        .collect();
    with_jieba.sort();
    println!(
        "detector build (built-in lexicons): median {:?}",
        percentile(&builds, 0.5)
    );
    println!(
        "detector build + jieba dictionary:  median {:?}",
        percentile(&with_jieba, 0.5)
    );

    let d = DetectorBuilder::new()
        .preload_segmenter(true)
        .build()
        .unwrap();
    let messages = [
        ("short 11 chars, benign", "亲 在吗 今天能发货吗"),
        ("50 chars, benign", "亲，这款连衣裙还有M码吗？我身高一米六五体重一百一十斤，平时穿M码，这款偏大还是偏小呀，谢谢"),
        ("50 chars, scam", "亲，这款连衣裙还有M码吗？有的话你先付个定金我再发货，不然不给你留，加我微信 shop_8823 细聊"),
        ("300 chars, benign", &"收到了，质量不错，物流也很快，包装完好，客服态度很好，下次还会再来。".repeat(9)),
    ];
    println!(
        "\n{:<24} {:>10} {:>10} {:>10}",
        "message", "p50", "p99", "max"
    );
    let without_stance = DetectorBuilder::new()
        .preload_segmenter(true)
        .stance(false)
        .build()
        .unwrap();
    let runs = messages
        .iter()
        .map(|&(name, text)| (name.to_string(), text, &d))
        .chain(std::iter::once((
            format!("{}, no stance", messages[2].0),
            messages[2].1,
            &without_stance,
        )));
    for (name, text, d) in runs {
        for _ in 0..2_000 {
            black_box(d.scan(text));
        }
        let mut times: Vec<Duration> = (0..100_000)
            .map(|_| {
                let t = Instant::now();
                black_box(d.scan(black_box(text)));
                t.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{name:<24} {:>10?} {:>10?} {:>10?}",
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            times[times.len() - 1]
        );
    }
}
