#!/usr/bin/env python3
"""Times two scamscan binaries side by side: whole-process start-up and throughput.

usage: scripts/compare_builds.py NEW_BINARY OLD_BINARY CORPUS.jsonl [--runs N]

Runs alternate (new, old, new, old, ...) so that a machine whose speed drifts moves both
alike; each figure is the median of N runs, and the ratio new/old is taken pair by pair.
Measured:
  - start-up: `scan` of a one-line file whose message needs no word-boundary check, and of one
    whose message does (jieba's dictionary is then built);
  - throughput: `scan --threads 1` and `--threads 2` over CORPUS (MB/s);
  - peak resident memory of each (the child's maxrss).
Only public tools: Python's clock and getrusage. Compare outputs with compare_outputs.py.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# A message no rule's pattern completes (so no word boundary is asked for), and one where a
# rule whose items must sit on jieba's word boundaries is checked (参加微信公众号活动 holds 加微信).
NO_BOUNDARY = "亲 在吗 今天能发货吗"
BOUNDARY = "参加微信公众号活动可以领优惠券吗"


def run(cmd):
    """Wall seconds and peak RSS (MiB) of one run of cmd."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code > 1:
        sys.exit(f"{' '.join(cmd)} ended with status {code}")
    return wall, usage.ru_maxrss / 1024


def pair(new, old, args, runs):
    """Medians of alternating runs: (new wall, old wall, ratio, new MiB, old MiB)."""
    run([new, *args])
    run([old, *args])
    a, b = [], []
    for _ in range(runs):
        a.append(run([new, *args]))
        b.append(run([old, *args]))
    med = statistics.median
    return (
        med(x[0] for x in a),
        med(x[0] for x in b),
        med(x[0] / y[0] for x, y in zip(a, b)),
        med(x[1] for x in a),
        med(x[1] for x in b),
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("new")
    p.add_argument("old")
    p.add_argument("corpus")
    p.add_argument("--runs", type=int, default=9)
    a = p.parse_args()
    size_mb = os.path.getsize(a.corpus) / 1e6
    print(f"{'':<34} {'new':>10} {'old':>10} {'new/old':>8} {'new MiB':>8} {'old MiB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in [("start-up, no word boundary", NO_BOUNDARY), ("start-up, word boundary", BOUNDARY)]:
            path = os.path.join(tmp, "one.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                f.write(json.dumps({"id": "1", "text": text}, ensure_ascii=False) + "\n")
            n, o, r, nm, om = pair(a.new, a.old, ["scan", path], a.runs * 2)
            print(f"{name:<34} {n * 1e3:>8.1f}ms {o * 1e3:>8.1f}ms {r:>8.2f} {nm:>8.1f} {om:>8.1f}")
    for threads in (1, 2):
        n, o, r, nm, om = pair(a.new, a.old, ["scan", "--threads", str(threads), a.corpus], a.runs)
        name = f"scan, {threads} thread{'s' if threads > 1 else ''} ({size_mb:.0f} MB)"
        print(
            f"{name:<34} {size_mb / n:>6.1f}MB/s {size_mb / o:>6.1f}MB/s {1 / r:>8.2f} {nm:>8.1f} {om:>8.1f}"
        )
    print("(new/old: time ratio for start-up, speed ratio for throughput; medians of pairs)")


if __name__ == "__main__":
    main()
