//! What the service counts, served at `GET /metrics` in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::report::{Category, Report, Severity};

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The service's counters.
#[derive(Debug, Default)]
pub(super) struct Metrics {
    /// (route, status) -> requests.
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    /// Per bucket, requests that took at most its bound; then the total count and seconds.
    latency: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_micros: AtomicU64,
    /// Findings by category and severity (low to critical).
    findings: [[AtomicU64; 4]; Category::ALL.len()],
    messages: AtomicU64,
    /// Requests refused before the application saw them, by reason.
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    timed_out: AtomicU64,
    reloads: AtomicU64,
    reloads_failed: AtomicU64,
}

/// What the conversation store holds when the metrics are read.
pub(super) struct StoreFacts {
    pub kept: usize,
    pub bytes: usize,
    pub evicted: u64,
}

impl Metrics {
    /// One request answered.
    pub(super) fn request(&self, route: &'static str, status: u16, took: Duration) {
        if let Ok(mut map) = self.requests.lock() {
            *map.entry((route, status)).or_default() += 1;
        }
        let secs = took.as_secs_f64();
        for (bucket, bound) in self.latency.iter().zip(BUCKETS) {
            if secs <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// One message scanned.
    pub(super) fn scanned(&self, report: &Report) {
        self.messages.fetch_add(1, Ordering::Relaxed);
        for f in &report.findings {
            let c = Category::ALL.iter().position(|&c| c == f.category);
            let s = (f.severity as usize).checked_sub(Severity::Low as usize);
            if let (Some(c), Some(s)) = (c, s) {
                if let Some(counter) = self.findings[c].get(s) {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// A request refused before the application saw it.
    pub(super) fn rejected(&self, reason: &'static str) {
        if let Ok(mut map) = self.rejected.lock() {
            *map.entry(reason).or_default() += 1;
        }
    }

    /// A request that ran past the timeout.
    pub(super) fn timed_out(&self) {
        self.timed_out.fetch_add(1, Ordering::Relaxed);
    }

    /// A lexicon reload, done or refused.
    pub(super) fn reloaded(&self, ok: bool) {
        let counter = if ok {
            &self.reloads
        } else {
            &self.reloads_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of everything counted.
    pub(super) fn render(&self, store: &StoreFacts) -> String {
        let mut out = String::new();
        family(
            &mut out,
            "scamscan_requests_total",
            "counter",
            "Requests answered, by route and status.",
        );
        if let Ok(map) = self.requests.lock() {
            for ((route, status), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "scamscan_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        self.render_latency(&mut out);
        self.render_findings(&mut out);
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let single = [
            (
                "scamscan_messages_total",
                "counter",
                "Messages scanned.",
                load(&self.messages),
            ),
            (
                "scamscan_timed_out_total",
                "counter",
                "Requests that ran past the timeout (408).",
                load(&self.timed_out),
            ),
            (
                "scamscan_reloads_total",
                "counter",
                "Lexicon reloads swapped in.",
                load(&self.reloads),
            ),
            (
                "scamscan_reloads_failed_total",
                "counter",
                "Lexicon reloads refused.",
                load(&self.reloads_failed),
            ),
            (
                "scamscan_conversations_kept",
                "gauge",
                "Conversations the service holds.",
                store.kept as u64,
            ),
            (
                "scamscan_conversations_bytes",
                "gauge",
                "Bytes the conversation store holds.",
                store.bytes as u64,
            ),
            (
                "scamscan_conversations_evicted_total",
                "counter",
                "Conversations forgotten because the store was full.",
                store.evicted,
            ),
        ];
        for (name, kind, help, value) in single {
            family(&mut out, name, kind, help);
            let _ = writeln!(out, "{name} {value}");
        }
        family(
            &mut out,
            "scamscan_rejected_total",
            "counter",
            "Requests refused before the application saw them, by reason.",
        );
        if let Ok(map) = self.rejected.lock() {
            for (reason, n) in map.iter() {
                let _ = writeln!(out, "scamscan_rejected_total{{reason=\"{reason}\"}} {n}");
            }
        }
        out
    }

    fn render_latency(&self, out: &mut String) {
        family(
            out,
            "scamscan_request_seconds",
            "histogram",
            "Time from request to answer.",
        );
        for (bucket, bound) in self.latency.iter().zip(BUCKETS) {
            let n = bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "scamscan_request_seconds_bucket{{le=\"{bound}\"}} {n}");
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let secs = self.latency_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(
            out,
            "scamscan_request_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(out, "scamscan_request_seconds_sum {secs}");
        let _ = writeln!(out, "scamscan_request_seconds_count {count}");
    }

    fn render_findings(&self, out: &mut String) {
        family(
            out,
            "scamscan_findings_total",
            "counter",
            "Findings reported, by category and severity.",
        );
        let severities = [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ];
        for (category, counters) in Category::ALL.iter().zip(&self.findings) {
            for (severity, counter) in severities.iter().zip(counters) {
                let n = counter.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "scamscan_findings_total{{category=\"{category}\",severity=\"{severity}\"}} {n}"
                );
            }
        }
    }
}

/// A metric family's `# HELP` and `# TYPE` lines.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}
