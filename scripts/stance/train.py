#!/usr/bin/env python3
"""Trains the stance model (src/stance.rs) on everything that may be learned from and writes:

  lexicons/stance/zh-CN.stance     the model the detector ships
  tests/data/model-vectors/stance.jsonl  every 25th example with its windows, buckets and score, which
                                   the Rust port must reproduce exactly (src/stance.rs tests)

Examples, in this order: the lines of tests/data/stance/stance.jsonl whose scam step a rule
locates (its finding, labelled propose or not); then every finding at medium or above of the
detector (without its stance stage) on the probe files and the tune halves, labelled by
whether its category is in the message's labels (a finding on a benign message is "not
proposed"; one of another category than labelled is left out). Never a sealed half.

Features (the chosen variant; see docs/stance.md for how it was chosen by leave-one-set-out
cross-validation, exp.py): character 1-3-grams of the clause with the evidence replaced by a
placeholder, of 8 characters before and after it, and of the whole message; question, position
and speaker flags. Logistic regression, C = 30; weights quantised to int8.

Binary format (little-endian):
  magic     b"SCAMSTANCE1\\n"         12 bytes
  u32       bits                       (2^bits weights follow)
  f32       threshold t                (silence a finding when P(propose) < t)
  f32       logit(t)
  f32       bias
  f32       scale
  u32       n = length of the config JSON, then n bytes of UTF-8 JSON (the feature groups)
  i8 x 2^bits  weights, bucket order

Usage: cargo build --release && cargo build --release --example fold_texts
       python3 scripts/stance/train.py [--check]   (--check: train twice, compare the bytes)
Deterministic: single-threaded BLAS, lbfgs, fixed example order (file order). Needs numpy,
scipy and scikit-learn; the product does not.
"""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
import hashlib, json, math, struct, sys
import numpy as np
import common, exp, features

HERE = os.path.dirname(os.path.abspath(__file__))

ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(ROOT, "lexicons", "stance", "zh-CN.stance")
VECTORS = os.path.join(ROOT, "tests", "data", "model-vectors", "stance.jsonl")

# The chosen variant: no category flag; stance lines only where a rule located the step (a
# line used as a whole-message example taught the model to drop the scorer's findings).
CFG = dict(bits=18, clause="punct+space", K=8, fold=True,
           parts={"clause", "before", "after", "speaker", "question", "dist", "message"},
           norm="l2")
OPTS = dict(C=30, w_neg=1.0, use_stance_whole=False)
THRESHOLD = 0.5


def train():
    tune, probes, stance = exp.data()
    st = [x for x in stance if OPTS["use_stance_whole"] or not x["whole"]]
    allx = st + probes + [x for s in tune for x in tune[s][0] if x["y"] is not None]
    B = features.featurize(allx, CFG)
    X = exp.to_matrix(B, CFG["bits"], CFG["norm"])
    y = np.array([x["y"] for x in allx])
    w = exp.weights_for(allx, OPTS)
    m = exp.fit(X, y, w, OPTS["C"])
    q, scale, bias = exp.quantize(m)
    return m, q, scale, bias, allx, B, X, y


def config_json():
    c = dict(CFG); c["parts"] = sorted(c["parts"])
    c["clause_end"] = "".join(sorted(features.CLAUSE_SETS[CFG["clause"]]))
    c["question_end"] = "".join(sorted(features.QUESTION_END))
    c["placeholder"] = "U+0001"
    return json.dumps(c, ensure_ascii=False, sort_keys=True)


def write(q, scale, bias, path):
    cj = config_json().encode("utf-8")
    logit = math.log(THRESHOLD / (1 - THRESHOLD))
    with open(path, "wb") as f:
        f.write(b"SCAMSTANCE1\n")
        f.write(struct.pack("<Iffff", CFG["bits"], THRESHOLD, logit, bias, scale))
        f.write(struct.pack("<I", len(cj)) + cj)
        f.write(q.tobytes())
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    m, q, scale, bias, allx, B, X, y = train()
    os.makedirs(os.path.dirname(MODEL), exist_ok=True)
    digest = write(q, scale, bias, MODEL)
    # agreement of int8 with float on the training examples
    Pf = m.predict_proba(X)[:, 1]
    Pq = exp.predict(m, X, int8=True)
    agree = int(((Pf >= THRESHOLD) == (Pq >= THRESHOLD)).sum())
    # test vectors: every 25th training example
    ce = features.CLAUSE_SETS[CFG["clause"]]
    with open(VECTORS, "w", encoding="utf-8") as f:
        for i in range(0, len(allx), 25):
            x = allx[i]
            bs = len(x["text"][:x["start"]].encode("utf-8")); be = len(x["text"][:x["end"]].encode("utf-8"))
            zq = float((X[i] @ q.astype(np.float64))[0]) * scale + bias
            f.write(json.dumps(dict(text=x["text"], start=bs, end=be, speaker=x["speaker"], rule=x["rule"],
                                    category=x["category"], whole=x["whole"], buckets=B[i],
                                    z_int8=round(zq, 6), p_int8=round(1 / (1 + math.exp(-zq)), 6)),
                               ensure_ascii=False) + "\n")
    nz = int(np.count_nonzero(q))
    print(f"wrote {os.path.relpath(MODEL, ROOT)} ({os.path.getsize(MODEL)} bytes, sha256 {digest})")
    print(f"{len(allx)} examples ({int(y.sum())} propose, {int((1 - y).sum())} not); "
          f"{nz} nonzero int8 weights; bias {bias:.4f}, scale {scale:.6g}; "
          f"int8 vs float decisions at t={THRESHOLD} agree on {agree}/{len(allx)}")
    return digest


if __name__ == "__main__":
    d1 = main()
    if "--check" in sys.argv:
        d2 = main()
        print("byte-identical on retraining:", d1 == d2)
