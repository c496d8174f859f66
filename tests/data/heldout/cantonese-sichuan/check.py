#!/usr/bin/env python3
"""Sanity checks for cantonese-sichuan.jsonl."""
import json
from collections import Counter, defaultdict

ALLOWED = {"off_platform_payment", "off_platform_contact", "deposit_first",
           "address_change_after_payment", "order_tampering", "fake_refund",
           "credential_request", "phishing_link", "fake_payment_proof", "platform_impersonation"}
rows = [json.loads(l) for l in open("cantonese-sichuan.jsonl", encoding="utf-8")]
ids = [r["id"] for r in rows]
assert len(ids) == len(set(ids)), "duplicate ids"
texts = [r["text"] for r in rows]
dup = [t for t, n in Counter(texts).items() if n > 1]
assert not dup, dup
convs = defaultdict(int)
for r in rows:
    assert set(r) <= {"id", "conversation", "speaker", "text", "labels", "note"}, r
    assert r["speaker"] in {"buyer", "seller", "agent", "system"}, r
    assert set(r["labels"]) <= ALLOWED, r
    assert len(r["labels"]) == len(set(r["labels"])), r
    n = r["note"]
    if r["labels"]:
        assert n.startswith("scam:"), r
    else:
        assert n.startswith("benign:") or n.startswith("hard-negative:"), r
        assert "evasion" not in n, r
    if "conversation" in r:
        convs[r["conversation"]] += 1
        assert r["id"].startswith(r["conversation"] + "-m"), r
    assert r["id"].startswith("cs-")
assert all(3 <= v <= 8 for v in convs.values()), convs
cats = Counter(c for r in rows for c in r["labels"])
assert set(cats) == ALLOWED and min(cats.values()) >= 8, cats
scam = sum(1 for r in rows if r["labels"])
print("ok:", len(rows), "messages,", scam, "scam (%.1f%%)," % (100 * scam / len(rows)),
      len(rows) - scam, "benign,", sum(r["note"].startswith("hard-negative") for r in rows), "hard negatives,",
      len(convs), "conversations /", sum(convs.values()), "messages,",
      sum("context-only" in r["note"] for r in rows), "context-only,",
      sum("evasion" in r["note"] for r in rows), "evasion")
print(dict(sorted(cats.items())))
