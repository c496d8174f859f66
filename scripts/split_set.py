#!/usr/bin/env python3
"""Splits a labeled set into a tune half and a sealed half, by unit: a conversation stays
whole in one half, a single message is a unit of its own.

    python3 scripts/split_set.py WHOLE.jsonl OUT_DIR

Writes OUT_DIR/tune.jsonl and OUT_DIR/sealed.jsonl. Units are ordered by kind (conversation or
single message, scam or not) and, within a kind, by a hash of their id; then they alternate
between the halves, so that both get the same mix and the split is the same on every machine.
The tune half may be read and trained on; the sealed half is only ever measured, as one line.
"""
import hashlib
import json
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    whole, out_dir = sys.argv[1], sys.argv[2]
    units = {}
    order = []
    with open(whole, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            key = record.get("conversation") or "message:" + record["id"]
            if key not in units:
                units[key] = []
                order.append(key)
            units[key].append(line if line.endswith("\n") else line + "\n")

    def kind(key):
        records = [json.loads(line) for line in units[key]]
        return (key.startswith("message:"), any(r["labels"] for r in records))

    ranked = sorted(order, key=lambda k: (kind(k), hashlib.sha256(k.encode()).hexdigest()))
    halves = {"tune": set(ranked[0::2]), "sealed": set(ranked[1::2])}
    os.makedirs(out_dir, exist_ok=True)
    for name, keys in halves.items():
        with open(os.path.join(out_dir, name + ".jsonl"), "w", encoding="utf-8") as out:
            for key in order:
                if key in keys:
                    out.writelines(units[key])
        count = sum(len(units[k]) for k in keys)
        print(f"{name}: {len(keys)} units, {count} messages")


if __name__ == "__main__":
    main()
