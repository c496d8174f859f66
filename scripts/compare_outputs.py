#!/usr/bin/env python3
"""Checks that two scamscan binaries give the same findings on everything we can read:
`examples/*.jsonl`, `../shared/eval/dev.jsonl`, every labeled file under `tests/data`, and every
corpus in `../shared/corpora` (written in the input shape by scripts/corpus_jsonl.py), each with
the default detector and with `--no-scorer`.

    python3 scripts/compare_outputs.py --before OLD_BINARY --after NEW_BINARY [--renamed]

`--renamed` maps the old binary's rule ids through the table of renamed rules in
docs/lexicons.md before comparing, so that a change which only renames rules compares equal.
Every record of `scan --all` is compared field by field; the first differences are printed.
Exits 1 when anything differs, 0 when every record is identical.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
WORK = os.path.join(ROOT, "target", "compare")
CONFIGS = [[], ["--no-scorer"]]


def renamed_rules():
    """old id -> new id, from the table under "## Renamed rules" in docs/lexicons.md."""
    table = {}
    with open(os.path.join(ROOT, "docs", "lexicons.md"), encoding="utf-8") as f:
        text = f.read()
    _, _, section = text.partition("## Renamed rules")
    for line in section.splitlines():
        if line.startswith("## "):
            break
        m = re.match(r"\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|", line)
        if m:
            table[m.group(1)] = m.group(2)
    if not table:
        sys.exit("docs/lexicons.md has no table of renamed rules")
    return table


def inputs():
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "*.jsonl")))
    dev = os.path.join(SHARED, "eval", "dev.jsonl")
    if os.path.exists(dev):
        files.append(dev)
    files += sorted(glob.glob(os.path.join(ROOT, "tests", "data", "**", "*.jsonl"), recursive=True))
    if os.path.isdir(os.path.join(SHARED, "corpora")):
        out = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "corpus_jsonl.py"),
                              os.path.join(WORK, "corpora")], check=True, capture_output=True, text=True)
        files += out.stdout.split()
    return files


def scan(binary, path, args):
    run = subprocess.run([binary, "scan", "--all", "--quiet", "--input-format", "jsonl", path] + args,
                         capture_output=True)
    if run.returncode not in (0, 1, 2):
        sys.exit(f"{binary} failed on {path}: {run.stderr.decode(errors='replace')}")
    return [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--renamed", action="store_true", help="map old rule ids through docs/lexicons.md")
    ap.add_argument("--show", type=int, default=5, help="differences to print per file")
    opts = ap.parse_args()
    table = renamed_rules() if opts.renamed else {}
    differing = 0
    total = 0
    for path in inputs():
        for args in CONFIGS:
            old = scan(opts.before, path, args)
            new = scan(opts.after, path, args)
            for record in old:
                for finding in record.get("findings", []):
                    finding["rule"] = table.get(finding["rule"], finding["rule"])
            diffs = [(a, b) for a, b in zip(old, new) if a != b]
            if len(old) != len(new):
                diffs.append(({"records": len(old)}, {"records": len(new)}))
            total += len(old)
            differing += len(diffs)
            name = os.path.relpath(path, ROOT)
            flags = " ".join(args) or "default"
            print(f"{name} [{flags}]: {len(old)} records, {len(diffs)} differ", flush=True)
            for a, b in diffs[:opts.show]:
                print("  before:", json.dumps(a, ensure_ascii=False))
                print("  after: ", json.dumps(b, ensure_ascii=False))
    print(f"\n{total} records compared, {differing} differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
