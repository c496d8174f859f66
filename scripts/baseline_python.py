#!/usr/bin/env python3
"""Baseline (c) of BENCHMARKS.md: what a Python bot typically does, timed on the same input.

For every JSON line: parse it, segment the text with jieba, look the words up in the lexicon's
term set, and run pyahocorasick over the text for the multi-word terms. Prints MB/s of input.

    pip install jieba pyahocorasick
    target/release/scamscan lexicon terms > /tmp/terms.txt
    python3 scripts/baseline_python.py /tmp/terms.txt /tmp/chat.jsonl
"""
import json
import sys
import time

import ahocorasick
import jieba

terms_path, corpus_path = sys.argv[1], sys.argv[2]
terms = [t.rstrip("\n") for t in open(terms_path, encoding="utf-8") if t.strip()]
term_set = set(terms)
automaton = ahocorasick.Automaton()
for i, t in enumerate(terms):
    automaton.add_word(t, i)
automaton.make_automaton()
jieba.initialize()

data = open(corpus_path, "rb").read()
lines = data.splitlines()
start = time.perf_counter()
hits = 0
for line in lines:
    if not line.strip():
        continue
    text = json.loads(line).get("text", "")
    hits += sum(1 for w in jieba.lcut(text, HMM=False) if w in term_set)
    hits += sum(1 for _ in automaton.iter(text))
elapsed = time.perf_counter() - start
print(f"{len(lines)} lines, {len(data) / 1e6:.1f} MB in {elapsed:.2f} s: "
      f"{len(data) / 1e6 / elapsed:.2f} MB/s ({hits} hits)")
