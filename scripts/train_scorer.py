#!/usr/bin/env python3
"""Trains the detector's second stage, the n-gram scorer (src/scorer.rs), and writes
lexicons/scorer/zh-CN.scorer.

The rules catch what their grammars spell out; the scorer catches the wording around them
that no rule names. It is one logistic regression per category over hashed character 1- to
3-grams of the *folded* message (the text the automaton sees, from `examples/fold_texts`),
each feature present or not, the vector scaled to unit length.

Training data (never a sealed half, so the sealed halves stay a measurement):
  - ../shared/eval/dev.jsonl, and of every set that tests/data/sets.toml marks
    `trains_scorer = true`, its tune half (held-out sets) or its file (probes);
  - ordinary text as negatives: the first 30,000 of a fixed shuffle of the review corpora and
    the Taobao customer-service turns in ../shared/corpora (the rest is left for measuring).

Usage:  python3 scripts/train_scorer.py            # train, write the model, report
        python3 scripts/train_scorer.py --report   # also score every sealed half vs the rules
Needs numpy, scipy and scikit-learn (pip install scikit-learn); the product does not.
"""
import json, os, random, struct, subprocess, sys, tomllib
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
DATA = os.path.join(ROOT, "tests", "data")
OUT = os.path.join(ROOT, "lexicons", "scorer", "zh-CN.scorer")

# The order is the model file's: src/scorer.rs reads category ids from the header.
# address_change_after_payment is left to the rules: it depends on the conversation (a
# payment earlier), which a per-message model cannot see.
CATEGORIES = ["off_platform_payment", "off_platform_contact", "deposit_first",
              "order_tampering", "fake_refund", "credential_request", "phishing_link",
              "fake_payment_proof", "platform_impersonation"]
BITS = 18           # 2^18 hashed buckets
THRESHOLD = 0.7     # probability at which a finding is reported
# C and the labeled negatives' weight were chosen by leave-one-writer-out cross-validation
# over the tune halves (each writer held out in turn, the scorer alone scored on it): the most
# held-out recall at no more held-out false positives than C = 4, weight 5 had at this
# threshold (428 vs 414 of 793 scams, 3 vs 4 of 765 benign messages flagged).
C = 8.0             # inverse L2 strength
POSITIVE_WEIGHT = 5.0
LABELED_NEGATIVE_WEIGHT = float(os.environ.get("NEGW", "8.0"))
REAL_NEGATIVES = 30000

def manifest_files():
    """(training files, sealed files) from tests/data/sets.toml."""
    with open(os.path.join(DATA, "sets.toml"), "rb") as f:
        sets = tomllib.load(f)["set"]
    train, sealed = [], []
    for s in sets:
        for path in s["files"]:
            if path.endswith("sealed.jsonl"):
                sealed.append(os.path.join(DATA, path))
            elif s["trains_scorer"]:
                train.append(os.path.join(DATA, path))
    return train, sealed


TRAIN_FILES, SEALED_FILES = manifest_files()
TRAIN_FILES = [os.path.join(SHARED, "eval", "dev.jsonl")] + TRAIN_FILES
REAL_FILES = [os.path.join(SHARED, "corpora", "sophonplus_reviews", "online_shopping_10_cats.jsonl"),
              os.path.join(SHARED, "corpora", "sophonplus_reviews", "waimai_10k.jsonl")]


from ngram_hash import GRAM_SEEDS, M64, fmix64, fnv1a, rotl  # noqa: E402,F401


def grams(folded: str):
    """The buckets of every 1- to 3-gram of the non-space characters, exactly as
    src/scorer.rs's for_each_gram: each character hashed once (FNV-1a of its UTF-8), a gram's
    characters rotated by 21 bits per place from its end and combined, seeded by length, and
    put through MurmurHash3's finalizer."""
    hs = [fnv1a(c.encode("utf-8")) for c in folded if not c.isspace()]
    out = []
    for i in range(len(hs)):
        combined = 0
        for n in (1, 2, 3):
            if i + 1 < n:
                break
            combined ^= rotl(hs[i + 1 - n], 21 * (n - 1))
            out.append(fmix64(combined ^ GRAM_SEEDS[n]) >> (64 - BITS))
    return out


def features(folded: str):
    """bucket -> 1 / sqrt(distinct buckets), exactly as src/scorer.rs computes it: presence,
    not counts, so that a text repeating one n-gram a hundred times does not score a hundred
    times higher."""
    present = set(grams(folded))
    if not present:
        return {}
    s = len(present) ** -0.5
    return {b: s for b in present}


def fold_all(texts):
    exe = os.path.join(ROOT, "target", "release", "examples", "fold_texts")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "--release", "--example", "fold_texts"], cwd=ROOT, check=True)
    joined = "\n".join(t.replace("\n", " ").replace("\r", " ") for t in texts) + "\n"
    out = subprocess.run([exe], input=joined, capture_output=True, text=True, check=True).stdout
    lines = out.split("\n")[:len(texts)]
    assert len(lines) == len(texts)
    return lines


def matrix(texts):
    rows, cols, vals = [], [], []
    for i, f in enumerate(fold_all(texts)):
        for b, v in features(f).items():
            rows.append(i); cols.append(b); vals.append(v)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), 1 << BITS), dtype=np.float64)


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def real_texts():
    texts = []
    for p in REAL_FILES:
        texts += [r["text"] for r in load(p) if r.get("text")]
    taobao_chat = os.path.join(SHARED, "corpora", "ecd_taobao_sample", "sessions.jsonl")
    for s in load(taobao_chat):
        for turn in s.get("turns", s.get("messages", [])):
            t = turn.get("text_desegmented") or turn.get("text") if isinstance(turn, dict) else turn
            if t:
                texts.append(t)
    random.Random(1).shuffle(texts)
    return texts[:REAL_NEGATIVES], texts[REAL_NEGATIVES:2 * REAL_NEGATIVES]


def train():
    records = [r for p in TRAIN_FILES for r in load(p)]
    real_train, real_test = real_texts()
    X = matrix([r["text"] for r in records] + real_train)
    models = []
    for c in CATEGORIES:
        y = np.array([c in r["labels"] for r in records] + [False] * len(real_train))
        m = LogisticRegression(C=C, max_iter=3000)
        # Labeled negatives are the hard ones (warnings, refusals, look-alike flows): they
        # weigh more than ordinary text, and scams more than either.
        weight = np.array([POSITIVE_WEIGHT if c in r["labels"] else
                           (LABELED_NEGATIVE_WEIGHT if not r["labels"] else 1.0) for r in records]
                          + [1.0] * len(real_train))
        m.fit(X, y, sample_weight=weight)
        models.append((m.coef_[0], float(m.intercept_[0])))
        print(f"{c:28} positives {int(y.sum()):4}", file=sys.stderr)
    print(f"trained on {len(records)} labeled messages from {len(TRAIN_FILES)} files "
          f"and {len(real_train)} ordinary texts", file=sys.stderr)
    return models, real_test


def write(models):
    """Header: magic, bits, threshold, then per category: id, bias, scale; then the weights
    as i8, bucket-major (the categories of one bucket side by side)."""
    W = np.stack([w for w, _ in models], 1)  # buckets x categories
    scales = np.abs(W).max(0) / 127.0
    Q = np.clip(np.rint(W / scales), -127, 127).astype(np.int8)
    with open(OUT, "wb") as f:
        f.write(b"SCAMSCORER2\n")
        f.write(struct.pack("<IfI", BITS, THRESHOLD, len(CATEGORIES)))
        for c, (_, bias), s in zip(CATEGORIES, models, scales):
            name = c.encode()
            f.write(struct.pack("<B", len(name)) + name + struct.pack("<ff", bias, float(s)))
        f.write(Q.tobytes())
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)
    return Q, scales


def scores(Q, scales, models, texts):
    X = matrix(texts)
    biases = np.array([b for _, b in models])
    z = (X @ Q.astype(np.float64)) * scales + biases
    return 1 / (1 + np.exp(-z))


def report(Q, scales, models, real_test):
    P = scores(Q, scales, models, real_test)
    print(f"ordinary text held out: {(P >= THRESHOLD).any(1).sum()} of {len(real_test)} flagged by the scorer alone")
    exe = os.environ.get("SCAMSCAN", os.path.join(ROOT, "target", "release", "scamscan"))
    for path in SEALED_FILES:
        recs = load(path)
        P = scores(Q, scales, models, [r["text"] for r in recs])
        # The rules alone: the default detector runs the scorer too.
        out = subprocess.run([exe, "scan", "--all", "--no-scorer", path], capture_output=True, text=True).stdout
        rule = {}
        for l in out.splitlines():
            o = json.loads(l)
            rule[o["id"]] = {f["category"] for f in o["findings"] if f["severity"] != "low"}
        pos = neg = cr = cu = fr = fu = 0
        for r, p in zip(recs, P):
            got = rule.get(r["id"], set())
            both = got | {CATEGORIES[j] for j in range(len(CATEGORIES)) if p[j] >= THRESHOLD}
            if r["labels"]:
                pos += 1; cr += bool(got & set(r["labels"])); cu += bool(both & set(r["labels"]))
            else:
                neg += 1; fr += bool(got); fu += bool(both)
        print(f"{os.path.basename(path):36} rules {cr}/{pos}, fp {fr}/{neg}; rules + scorer (no vetoes) {cu}/{pos}, fp {fu}/{neg}")


if __name__ == "__main__":
    if "--grams" in sys.argv:  # the buckets of one text, to check against src/scorer.rs
        print(grams(sys.argv[-1]))
        sys.exit(0)
    models, real_test = train()
    Q, scales = write(models)
    if "--report" in sys.argv:
        report(Q, scales, models, real_test)
