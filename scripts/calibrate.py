#!/usr/bin/env python3
"""Fits the `confidence` of findings and writes lexicons/calibration/zh-CN.toml.

A finding's confidence is the share of findings like it that were right: for a rule's finding,
by category; for the scorer's, by its probability (in bins of 0.1). "Right" means its category
is among the message's labels. Counted over the findings the detector (as built) makes at medium
or above on the tune halves and probe files (never a sealed half), smoothed towards a prior of
two right in three (add-two, add-one), so that a category seen rarely is not called certain.

    cargo build --release && python3 scripts/calibrate.py

These files are also what the rules, the scorer and the stance stage were built on, so the
figures lean optimistic; docs/quality.md measures them on the sealed halves.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
OUT = os.path.join(ROOT, "lexicons", "calibration", "zh-CN.toml")
BIN = os.path.join(ROOT, "target", "release", "scamscan")
SEVERE = {"medium", "high", "critical"}
PROB = re.compile(r"p = ([0-9.]+)")
BINS = [0.5, 0.6, 0.7, 0.8, 0.9]


def findings(path):
    """(finding, labels) of every finding at medium or above in one labeled file."""
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    out = subprocess.run([BIN, "--lang", "en", "scan", "--all", "-q", path],
                         capture_output=True, text=True).stdout.splitlines()
    assert len(out) == len(records), path
    for record, line in zip(records, out):
        for finding in json.loads(line).get("findings", []):
            if finding["severity"] in SEVERE:
                yield finding, set(record.get("labels") or [])


def smoothed(right, total):
    return round((right + 2) / (total + 3), 3)


def main():
    files = sorted(glob.glob(os.path.join(DATA, "heldout", "*", "tune.jsonl"))
                   + glob.glob(os.path.join(DATA, "probes", "*.jsonl")))
    rules, scorer = {}, {b: [0, 0] for b in BINS}
    for path in files:
        for f, labels in findings(path):
            right = f["category"] in labels
            if f["rule"].startswith("scorer/"):
                p = float(PROB.search(f["explanation"]).group(1))
                b = max(x for x in BINS if x <= p) if p >= BINS[0] else BINS[0]
                scorer[b][0] += right
                scorer[b][1] += 1
            else:
                counts = rules.setdefault(f["category"], [0, 0])
                counts[0] += right
                counts[1] += 1
    all_right = sum(r for r, _ in rules.values())
    all_total = sum(t for _, t in rules.values())
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# The confidence of findings: written by scripts/calibrate.py, do not edit.\n")
        out.write(f"# From {len(files)} labeled files (tune halves and probes).\n\n")
        out.write("[rules]\n")
        out.write(f"# Any category not listed (right/total over all rules: {all_right}/{all_total}).\n")
        out.write(f"default = {smoothed(all_right, all_total)}\n")
        for category in sorted(rules):
            right, total = rules[category]
            out.write(f"{category} = {smoothed(right, total)}  # {right}/{total}\n")
        out.write("\n[scorer]\n# [lowest probability of the bin, confidence]\nbins = [\n")
        for b in BINS:
            right, total = scorer[b]
            out.write(f"    [{b}, {smoothed(right, total)}],  # {right}/{total}\n")
        out.write("]\n")
    print(open(OUT, encoding="utf-8").read())


if __name__ == "__main__":
    sys.exit(main())
