#!/usr/bin/env python3
"""The quality tables of docs/quality.md and the README, measured now.

    python3 scripts/quality.py [--binary target/release/scamscan] [-- EXTRA SCAMSCAN ARGS]

For every held-out set of tests/data/sets.toml: the tune half's recall, false-positive rate,
hard negatives flagged and conversation turns caught, and the sealed half's overall line only
(a sealed half is never read closer than that). Then the totals over all sealed halves, the
dev set, and the same files scored by the keyword baseline (scripts/keyword_baseline.py).
Builds nothing: run `cargo build --release` first.
"""
import argparse
import os
import re
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
DEV = os.path.join(ROOT, "..", "shared", "eval", "dev.jsonl")
RATES = re.compile(r"recall [\d.]+ \((\d+)/(\d+)\),?\s+false-positive rate [\d.]+ \((\d+)/(\d+)\)")


def evaluate(binary, path, extra):
    """{"overall": (caught, scams, fp, benign), "hard negatives": ..., ...} of one file."""
    out = subprocess.run([binary, "eval", path, "--show", "0"] + extra,
                         capture_output=True, text=True)
    if out.returncode not in (0, 2):
        sys.exit(f"{binary} eval {path}: {out.stderr}")
    lines = {}
    for line in out.stdout.splitlines():
        m = RATES.search(line)
        if m:
            name = line[:m.start()].strip()
            lines[name] = tuple(int(x) for x in m.groups())
    return lines


def pct(a, b):
    return f"{a / b:.3f} ({a}/{b})" if b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "scamscan"))
    ap.add_argument("--curve", action="store_true",
                    help="the precision-recall curve of `confidence` over all sealed halves together")
    ap.add_argument("--tune-only", action="store_true",
                    help="the tune halves only, with their total: what changes are judged by")
    ap.add_argument("extra", nargs="*", help="arguments for `scamscan eval` (after --)")
    opts = ap.parse_args()
    with open(os.path.join(DATA, "sets.toml"), "rb") as f:
        sets = [s for s in tomllib.load(f)["set"] if s["kind"] == "heldout"]
    if opts.curve:
        return curve(opts.binary, [os.path.join(DATA, s["files"][1]) for s in sets], opts.extra)
    print("| set | tune recall | tune false positives | tune hard negatives flagged "
          "| tune conversation turns | sealed recall | sealed false positives |")
    print("|---|---|---|---|---|---|---|")
    total = [0, 0, 0, 0]
    tune_total = [0, 0, 0, 0, 0, 0, 0, 0]
    for s in sets:
        tune, sealed = (os.path.join(DATA, f) for f in s["files"])
        t = evaluate(opts.binary, tune, opts.extra)
        hn = t.get("hard negatives", (0, 0, 0, 0))
        conv = t.get("conversations", (0, 0, 0, 0))
        tune_total = [a + b for a, b in zip(tune_total, t["overall"] + hn[2:] + conv[:2])]
        if opts.tune_only:
            print(f"| {s['name']} | {pct(*t['overall'][:2])} | {pct(*t['overall'][2:])} "
                  f"| {pct(*hn[2:])} | {pct(*conv[:2])} | | |")
            continue
        o = evaluate(opts.binary, sealed, opts.extra)["overall"]
        total = [a + b for a, b in zip(total, o)]
        print(f"| {s['name']} | {pct(*t['overall'][:2])} | {pct(*t['overall'][2:])} "
              f"| {pct(*hn[2:])} | {pct(*conv[:2])} | {pct(*o[:2])} | {pct(*o[2:])} |")
    t = tune_total
    print(f"| **all tune halves** | **{pct(*t[:2])}** | **{pct(*t[2:4])}** | {pct(*t[4:6])} "
          f"| {pct(*t[6:8])} | | |")
    if opts.tune_only:
        return
    print(f"| **all sealed halves** | | | | | **{pct(*total[:2])}** | **{pct(*total[2:])}** |")
    if os.path.exists(DEV):
        d = evaluate(opts.binary, DEV, opts.extra)["overall"]
        print(f"\ndev set: recall {pct(*d[:2])}, false-positive rate {pct(*d[2:])}")
    sealed = [os.path.join(DATA, s["files"][1]) for s in sets]
    base = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "keyword_baseline.py")] + sealed,
                          capture_output=True, text=True, check=True).stdout
    kw = [0, 0, 0, 0]
    for line in base.splitlines():
        m = RATES.search(line)
        if m:
            kw = [a + int(b) for a, b in zip(kw, m.groups())]
    print(f"keyword baseline on all sealed halves: recall {pct(*kw[:2])}, "
          f"false-positive rate {pct(*kw[2:])}")


def curve(binary, sealed, extra):
    """Recall and false-positive rate over all sealed halves when only findings with at least a
    given confidence count, and how well confidence matched the share of findings that were
    right (overall lines only: no half is read closer)."""
    import json
    msgs = []  # (is scam, [(confidence, right)])
    for path in sealed:
        with open(path, encoding="utf-8") as f:
            records = [json.loads(l) for l in f if l.strip()]
        out = subprocess.run([binary, "scan", "--all", "-q", *extra, path],
                             capture_output=True, text=True).stdout.splitlines()
        for r, line in zip(records, out):
            labels = set(r.get("labels") or [])
            found = [(f.get("confidence", 0.0), f["category"] in labels)
                     for f in json.loads(line).get("findings", [])
                     if f["severity"] in ("medium", "high", "critical")]
            msgs.append((bool(labels), found))
    scams = sum(1 for s, _ in msgs if s)
    benign = len(msgs) - scams
    print("| confidence at least | recall | false positives |")
    print("|---|---|---|")
    for t in [0.0, 0.8, 0.85, 0.9, 0.95, 0.98]:
        caught = sum(1 for s, f in msgs if s and any(c >= t for c, _ in f))
        fp = sum(1 for s, f in msgs if not s and any(c >= t for c, _ in f))
        print(f"| {t:.2f} | {pct(caught, scams)} | {pct(fp, benign)} |")
    found = [x for _, f in msgs for x in f]
    if found:
        mean = sum(c for c, _ in found) / len(found)
        right = sum(1 for _, r in found if r)
        print(f"\nfindings at medium or above: {len(found)}; mean confidence {mean:.3f}, "
              f"right {pct(right, len(found))}")


if __name__ == "__main__":
    main()
