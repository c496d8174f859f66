"""Reads the shipped stance model as the Rust port does and recomputes every test vector's
buckets (from the text, via features.py) and score. Usage: python3 scripts/stance/verify.py"""
import json, os, struct
import numpy as np
import features

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
raw = open(os.path.join(ROOT, "lexicons", "stance", "zh-CN.stance"), "rb").read()
assert raw[:12] == b"SCAMSTANCE1\n"
bits, t, logit, bias, scale = struct.unpack_from("<Iffff", raw, 12)
(n,) = struct.unpack_from("<I", raw, 32)
cfg = json.loads(raw[36:36 + n].decode())
q = np.frombuffer(raw, dtype=np.int8, offset=36 + n)
assert len(q) == 1 << bits
cfg_f = dict(bits=bits, clause=cfg["clause"], K=cfg["K"], fold=cfg["fold"], parts=set(cfg["parts"]), norm=cfg["norm"])
vecs = [json.loads(l) for l in open(os.path.join(ROOT, "tests", "data", "model-vectors", "stance.jsonl"), encoding="utf-8")]
exs = []
for v in vecs:
    tb = v["text"].encode()
    s = len(tb[:v["start"]].decode()); e = s + len(tb[v["start"]:v["end"]].decode())
    exs.append(dict(text=v["text"], start=s, end=e, speaker=v["speaker"], category=v["category"], whole=v["whole"]))
B = features.featurize(exs, cfg_f)
bad = 0
for v, b in zip(vecs, B):
    assert b == v["buckets"], v["text"]
    z = bias + scale * sum(int(q[i]) for i in b) * (len(b) ** -0.5 if cfg["norm"] == "l2" else 1.0)
    bad += abs(z - v["z_int8"]) > 1e-4
print(f"bits {bits}, t {t:.3f} (logit {logit:.4f}), bias {bias:.4f}, scale {scale:.6g}; "
      f"{len(vecs)} test vectors, buckets identical, {bad} score mismatches")
