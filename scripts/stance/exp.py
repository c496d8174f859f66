"""Leave-one-set-out evaluation of stance classifiers over the 17 tune halves.

For each tune half k: train on stance.jsonl (+ probes if asked) + the other 16 tune halves'
findings, decide every medium+ finding of half k; a finding is dropped when P(propose) < t.
Counts summed over the 17 folds (every number out of sample).
"""
import json, sys, time
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
import common, features

THRESHOLDS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8]


def mark_whole(exs):
    for x in exs:
        x["whole"] = x["rule"].startswith("scorer/") or x["rule"] == "whole"
    return exs


_DATA = None


def data(relocate=True):
    global _DATA
    if _DATA is None:
        tune = {}
        for p in common.tune_files():
            exs, msgs = common.eval_examples(p)
            tune[common.set_name(p)] = (mark_whole(exs), msgs)
        probes = []
        for p in common.probe_files():
            exs, _ = common.eval_examples(p)
            probes += [x for x in mark_whole(exs) if x["y"] is not None]
        stance = mark_whole(common.stance_examples(relocate=relocate))
        _DATA = (tune, probes, stance)
    return _DATA


def to_matrix(buckets, bits, norm):
    rows, cols, vals = [], [], []
    for i, b in enumerate(buckets):
        v = len(b) ** -0.5 if (norm == "l2" and b) else 1.0
        rows += [i] * len(b); cols += b; vals += [v] * len(b)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(buckets), 1 << bits), dtype=np.float64)


def fit(X, y, w, C):
    m = LogisticRegression(C=C, max_iter=5000, solver="lbfgs")
    m.fit(X, y, sample_weight=w)
    return m


def quantize(m):
    """int8 weights as the product stores them: scale = max|w| / 127, q = round-half-even(w /
    scale) clipped to [-127, 127]; bias kept as float32."""
    w = m.coef_[0]
    scale = float(np.float32(np.abs(w).max() / 127.0))
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale, float(np.float32(m.intercept_[0]))


def predict(m, X, int8=False):
    if not int8:
        return m.predict_proba(X)[:, 1]
    q, scale, bias = quantize(m)
    z = (X @ q.astype(np.float64)) * scale + bias
    return 1 / (1 + np.exp(-z))


def weights_for(exs, opts):
    w = []
    for x in exs:
        if x["set"] == "stance":
            ww = opts.get("w_stance", 1.0)
            if x.get("whole"):
                ww *= opts.get("w_stance_whole", 1.0)
        else:
            ww = 1.0 if x["y"] == 1 else opts.get("w_neg", 1.0)
        w.append(ww)
    return np.array(w)


def loso(cfg, opts, tag=""):
    """opts: C, use_tune (bool), use_probes (bool), use_stance_whole (bool), w_neg,
    w_stance, w_stance_whole, skip_scorer (scorer findings are never dropped)."""
    tune, probes, stance = data()
    st = [x for x in stance if opts.get("use_stance_whole", True) or not x["whole"]]
    pool = st + (probes if opts.get("use_probes") else [])
    allx = pool + [x for s in tune for x in tune[s][0]]
    B = features.featurize(allx, cfg)
    X = to_matrix(B, cfg["bits"], cfg.get("norm", "l2"))
    y = np.array([x["y"] if x["y"] is not None else -1 for x in allx])
    w = weights_for(allx, opts)
    npool = len(pool)
    offs, o = {}, npool
    for s in tune:
        offs[s] = (o, o + len(tune[s][0])); o += len(tune[s][0])
    res = {t: [0, 0] for t in THRESHOLDS}  # t -> [scams lost, fps removed]
    base_c = base_f = 0
    per_set = {}
    pred = {}
    if not opts.get("use_tune", True):
        keep = np.zeros(len(allx), bool); keep[:npool] = True
        keep &= y >= 0
        m = fit(X[keep], y[keep], w[keep], opts["C"])
        P_all = predict(m, X, opts.get("int8", False))
    for s in tune:
        a, b = offs[s]
        if opts.get("use_tune", True):
            keep = np.ones(len(allx), bool); keep[a:b] = False
            keep &= y >= 0
            m = fit(X[keep], y[keep], w[keep], opts["C"])
            P = predict(m, X[a:b], opts.get("int8", False))
        else:
            P = P_all[a:b]
        exs, msgs = tune[s]
        if opts.get("skip_scorer"):
            P = np.where([x["rule"].startswith("scorer/") for x in exs], 1.0, P)
        pred[s] = [round(float(p), 6) for p in P]
        c0 = sum(1 for mm in msgs if mm["labels"] and any(exs[i]["y"] == 1 for i in mm["findings"]))
        f0 = sum(1 for mm in msgs if not mm["labels"] and mm["findings"])
        base_c += c0; base_f += f0
        per_set[s] = {}
        for t in THRESHOLDS:
            c1 = sum(1 for mm in msgs if mm["labels"] and any(exs[i]["y"] == 1 and P[i] >= t for i in mm["findings"]))
            f1 = sum(1 for mm in msgs if not mm["labels"] and any(P[i] >= t for i in mm["findings"]))
            res[t][0] += c0 - c1; res[t][1] += f0 - f1
            per_set[s][t] = (c0 - c1, f0 - f1)
    return dict(tag=tag, cfg={k: (sorted(v) if isinstance(v, set) else v) for k, v in cfg.items()},
                opts=opts, base_caught=base_c, base_fp=base_f,
                grid={t: tuple(v) for t, v in res.items()}, per_set=per_set, pred=pred)


def best_at(r, max_lost_frac=0.01):
    lim = int(np.floor(r["base_caught"] * max_lost_frac))
    ok = [(v[1], -v[0], t) for t, v in r["grid"].items() if v[0] <= lim]
    if not ok:
        return None
    fr, nl, t = max(ok)
    return t, -nl, fr


def show(r):
    b = best_at(r)
    g = "  ".join(f"{t}:{v[0]}/{v[1]}" for t, v in r["grid"].items())
    print(f"{r['tag']:40} base {r['base_caught']}c {r['base_fp']}fp | best(<=1%) {b} | lost/removed {g}", flush=True)
