#!/usr/bin/env python3
"""Draws BENCHMARKS.md's chart from criterion's results (target/criterion/*/*/new/).

Writes docs/throughput.svg: MB/s of the scamscan pipeline against the raw Aho-Corasick
ceiling and jieba baseline, and on 1 and 2 threads. Plain SVG, no plotting library needed.

    python3 scripts/bench_chart.py [--python-mbps X]   # X: the Python baseline, run by hand
"""
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..")
CRIT = os.path.join(ROOT, "target", "criterion")


def mbps(group, bench):
    d = os.path.join(CRIT, group, bench, "new")
    est = json.load(open(os.path.join(d, "estimates.json")))
    meta = json.load(open(os.path.join(d, "benchmark.json")))
    nanos = est["median"]["point_estimate"]
    size = meta["throughput"]["Bytes"]
    return size / (nanos / 1e9) / 1e6


bars = [
    ("scamscan scan, 1 thread", mbps("pipeline", "scamscan-scan-1-thread"), "#1f6feb"),
    ("scamscan scan, 2 threads", mbps("threads", "2"), "#1f6feb"),
    ("(a) raw Aho-Corasick per line", mbps("pipeline", "a-ceiling-raw-aho-corasick-per-line"), "#8b949e"),
    ("(b) parse + jieba cut + lookup", mbps("pipeline", "b-parse-then-jieba-cut-every-message-then-lookup"), "#d29922"),
]
if "--python-mbps" in sys.argv:
    bars.append(("(c) Python jieba + pyahocorasick", float(sys.argv[sys.argv.index("--python-mbps") + 1]), "#cf222e"))

width, bar_h, gap, left = 760, 26, 12, 250
top = 40
height = top + len(bars) * (bar_h + gap) + 30
scale = (width - left - 80) / max(v for _, v, _ in bars)
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
       f'<text x="10" y="22" font-size="15" font-weight="bold">Throughput on the generated chat corpus (MB/s of JSON Lines, median)</text>']
for i, (name, value, color) in enumerate(bars):
    y = top + i * (bar_h + gap)
    w = max(1.0, value * scale)
    out.append(f'<text x="{left - 8}" y="{y + bar_h * 0.7}" text-anchor="end">{name}</text>')
    out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"/>')
    out.append(f'<text x="{left + w + 6:.1f}" y="{y + bar_h * 0.7}">{value:.1f}</text>')
out.append("</svg>")
os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
path = os.path.join(ROOT, "docs", "throughput.svg")
open(path, "w").write("\n".join(out) + "\n")
for name, value, _ in bars:
    print(f"{name:40} {value:8.1f} MB/s")
print("wrote", path)
