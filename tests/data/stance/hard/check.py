#!/usr/bin/env python3
"""Validate stance-hard.jsonl: JSON, ids, categories, stances, notes, counts, lengths."""
import collections, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
CATS = ["off_platform_payment", "off_platform_contact", "deposit_first",
        "address_change_after_payment", "order_tampering", "fake_refund",
        "credential_request", "phishing_link", "fake_payment_proof", "platform_impersonation"]
STANCES = ["propose", "refuse", "warn", "ask", "retell"]
SPEAKERS = {"buyer", "seller", "agent", "system"}
KEYS = ["id", "speaker", "text", "category", "stance", "note"]
BRIEF = ["我同学上个月在闲鱼卖相机 对方一直催他 说平台冻结了要先交保证金才能解冻 他差点就交了",
         "这种让你先转定金的 一律别理", "方便的话先付个定金?", "方便的话先付个定金？",
         "要不咱微信上聊?", "要不咱微信上聊？"]
errs = []
rows = []
with open(os.path.join(HERE, "stance-hard.jsonl"), encoding="utf-8") as f:
    for i, line in enumerate(f, 1):
        try:
            rows.append(json.loads(line))
        except Exception as e:
            errs.append("line %d: bad JSON %s" % (i, e))
ids = [r.get("id") for r in rows]
if len(ids) != len(set(ids)): errs.append("duplicate ids")
texts = [r.get("text") for r in rows]
if len(texts) != len(set(texts)): errs.append("duplicate texts")
for r in rows:
    if list(r.keys()) != KEYS: errs.append("%s: keys %s" % (r.get("id"), list(r.keys())))
    if r["category"] not in CATS: errs.append("%s: category" % r["id"])
    if r["stance"] not in STANCES: errs.append("%s: stance" % r["id"])
    if r["speaker"] not in SPEAKERS: errs.append("%s: speaker" % r["id"])
    want = "scam: " if r["stance"] == "propose" else "not a scam: "
    if not r["note"].startswith(want): errs.append("%s: note prefix" % r["id"])
    for b in BRIEF:
        if b in r["text"]: errs.append("%s: copies brief example" % r["id"])
by_cat = collections.Counter(r["category"] for r in rows)
by_st = collections.Counter(r["stance"] for r in rows)
cell = collections.Counter((r["category"], r["stance"]) for r in rows)
for c in CATS:
    if by_cat[c] < 50: errs.append("%s has < 50" % c)
    for s in STANCES:
        if cell[(c, s)] == 0: errs.append("%s missing %s" % (c, s))
n = len(rows)
if not 600 <= n <= 800: errs.append("total %d out of range" % n)
L = [len(t) for t in texts]
print("total", n)
print("stance:", ", ".join("%s %d (%.1f%%)" % (s, by_st[s], 100.0 * by_st[s] / n) for s in STANCES))
print("%-30s" % "category" + "".join("%9s" % s for s in STANCES) + "    total")
for c in CATS:
    print("%-30s" % c + "".join("%9d" % cell[(c, s)] for s in STANCES) + "%9d" % by_cat[c])
print("speakers:", dict(collections.Counter(r["speaker"] for r in rows)))
print("text length: min %d max %d mean %.1f; <20: %d; 20-49: %d; 50-90: %d; >90: %d" % (
    min(L), max(L), sum(L) / n, sum(l < 20 for l in L), sum(20 <= l < 50 for l in L),
    sum(50 <= l <= 90 for l in L), sum(l > 90 for l in L)))
print("with line breaks: %d; no punctuation or space: %d" % (
    sum("\n" in t for t in texts),
    sum(not any(ch in t for ch in " ，。？！,.?!～~：:\n") for t in texts)))
print("errors:", len(errs))
for e in errs: print("  ", e)
sys.exit(1 if errs else 0)
