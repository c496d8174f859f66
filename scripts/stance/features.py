"""Stance features: hashed character n-grams of windows around a finding's hit.

Everything here is meant to be reimplemented in Rust byte for byte; docs/stance.md describes the
model and src/stance.rs is the port.

Definitions (characters = Unicode scalar values, i.e. Rust `char`s of the ORIGINAL text):

  CLAUSE_END   the characters that end a clause (set by the variant; see CLAUSE_SETS).
  hit          [s, e) in characters, from the finding's byte offsets.
  clause_left  text[a:s], a = 1 + the last index < s whose char is in CLAUSE_END (or 0).
  clause_right text[e:b], b = the first index >= e whose char is in CLAUSE_END (or len).
  before       text[max(0, s-K):s]     (crosses clause ends)
  after        text[e:min(len, e+K)]
  prev_clause  the clause before clause_left's start: text[p:a-1] where p is found like a
               (the characters between the previous clause end and the one ending at a-1).
  next_clause  text[b+1:q], q = the next clause end after b (or len).

Each window is folded (the detector's folding, `fold_texts`) when the variant folds; line
breaks in a window are turned into spaces first. Then every 1..3-gram of its non-whitespace
characters is hashed into namespace `ns` (gram hashing as scripts/train_scorer.py, with the
namespace hash XORed in before the finaliser). The clause is hashed as ONE string:
fold(clause_left) + PLACEHOLDER + fold(clause_right), PLACEHOLDER = U+0001 (hashed like any
character), so grams like 不+HIT, HIT+吗 exist.

A `whole` finding (a scorer finding, which spans the message, or a stance line whose hit could
not be found) has no placeholder: its clause window is the whole message, and a flag feature.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ngram_hash import GRAM_SEEDS, M64, fmix64, fnv1a, rotl  # noqa: E402,F401

PLACEHOLDER = "\u0001"
# The detector's folding, exactly: `cargo build --release --example fold_texts` first.
FOLD = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "target", "release", "examples", "fold_texts")

CLAUSE_SETS = {
    # punctuation only (ASCII and full-width), line breaks
    "punct": set("，,。．.！!？?；;：:\n\r…~～、"),
    # the same plus any whitespace (chat often separates clauses by spaces)
    "punct+space": set("，,。．.！!？?；;：:\n\r…~～、 \t\u3000"),
}
QUESTION_END = set("？?吗嘛呢么麼嗎咩")
# Unicode White_Space, exactly Rust's char::is_whitespace (Python's str.isspace would add
# U+001C..U+001F).
WHITESPACE = set(chr(c) for c in [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680,
                                  *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])


_char_hash = {}


def ch(c):
    h = _char_hash.get(c)
    if h is None:
        h = _char_hash[c] = fnv1a(c.encode("utf-8"))
    return h


_ns_hash = {}


def nsh(ns):
    h = _ns_hash.get(ns)
    if h is None:
        h = _ns_hash[ns] = fnv1a(ns.encode("utf-8"))
    return h


def gram_buckets(s, ns, bits, nmax=3):
    """Buckets of every 1..nmax-gram of the non-whitespace characters of s in namespace ns."""
    hs = [ch(c) for c in s if c not in WHITESPACE]
    k = nsh(ns)
    out = []
    for i in range(len(hs)):
        combined = 0
        for n in range(1, nmax + 1):
            if i + 1 < n:
                break
            combined ^= rotl(hs[i + 1 - n], 21 * (n - 1))
            out.append(fmix64(combined ^ GRAM_SEEDS[n] ^ k) >> (64 - bits))
    return out


def flag_bucket(name, bits):
    """A single named feature: fmix64(fnv1a(name)) >> (64 - bits)."""
    return fmix64(fnv1a(name.encode("utf-8"))) >> (64 - bits)


def fold_many(strings):
    """Folds each string with the detector's folder (one line per string)."""
    if not strings:
        return []
    clean = [s.replace("\r", " ").replace("\n", " ") for s in strings]
    uniq = sorted(set(clean))
    out = subprocess.run([FOLD], input="\n".join(uniq) + "\n", capture_output=True,
                         text=True, check=True).stdout.split("\n")[:len(uniq)]
    assert len(out) == len(uniq)
    m = dict(zip(uniq, out))
    return [m[s] for s in clean]


def windows(ex, clause_end, K):
    """The raw windows of one example (strings of the original text)."""
    t, s, e = ex["text"], ex["start"], ex["end"]
    whole = ex.get("whole", False)
    if whole:
        return dict(whole=True, text=t)
    a = s
    while a > 0 and t[a - 1] not in clause_end:
        a -= 1
    b = e
    while b < len(t) and t[b] not in clause_end:
        b += 1
    # previous clause: ends at a-1 (a delimiter) if a > 0
    prev = ""
    if a > 0:
        p = a - 1
        while p > 0 and t[p - 1] not in clause_end:
            p -= 1
        prev = t[p:a - 1]
    nxt = ""
    if b < len(t):
        q = b + 1
        while q < len(t) and t[q] not in clause_end:
            q += 1
        nxt = t[b + 1:q]
    return dict(whole=False, left=t[a:s], right=t[e:b], before=t[max(0, s - K):s],
                after=t[e:e + K], prev=prev, next=nxt, clause_end_char=t[b] if b < len(t) else "",
                at_msg_start=(s == 0), at_msg_end=(e == len(t)), text=t)


def bucket_len(n):
    return "0" if n == 0 else "1-2" if n <= 2 else "3-5" if n <= 5 else "6+"


def featurize(exs, cfg):
    """Returns a list of sorted distinct bucket lists (one per example).

    cfg keys: bits, clause ('punct' | 'punct+space'), K (before/after chars), fold (bool),
    parts: a set of names among clause, before, after, prev, next, message, speaker,
    question, dist, category, speaker_x (speaker crossed with clause grams)."""
    bits, parts = cfg["bits"], cfg["parts"]
    ce = CLAUSE_SETS[cfg["clause"]]
    W = [windows(x, ce, cfg["K"]) for x in exs]
    # collect the strings to fold
    keys = ["left", "right", "before", "after", "prev", "next"]
    strs = []
    for w in W:
        if w["whole"]:
            strs.append(w["text"])
        else:
            strs += [w[k] for k in keys]
            if "message" in parts:
                strs.append(w["text"])
    folded = fold_many(strs) if cfg["fold"] else [s.replace("\r", " ").replace("\n", " ") for s in strs]
    it = iter(folded)
    out = []
    for x, w in zip(exs, W):
        b = []
        spk = x.get("speaker") or "none"
        if w["whole"]:
            msg = next(it)
            b += gram_buckets(msg, "whole", bits)
            b.append(flag_bucket("whole", bits))
            if "question" in parts:
                tail = msg.rstrip("".join(WHITESPACE))
                if tail and tail[-1] in QUESTION_END:
                    b.append(flag_bucket("q:whole", bits))
        else:
            f = {k: next(it) for k in keys}
            msg = next(it) if "message" in parts else None
            clause = f["left"] + PLACEHOLDER + f["right"]
            if "clause" in parts:
                b += gram_buckets(clause, "clause", bits)
            if "speaker_x" in parts:
                b += gram_buckets(clause, "clause@" + spk, bits, nmax=2)
            if "before" in parts:
                b += gram_buckets(f["before"] + PLACEHOLDER, "before", bits)
            if "after" in parts:
                b += gram_buckets(PLACEHOLDER + f["after"], "after", bits)
            if "prev" in parts:
                b += gram_buckets(f["prev"], "prev", bits)
            if "next" in parts:
                b += gram_buckets(f["next"], "next", bits)
            if "message" in parts:
                b += gram_buckets(msg, "message", bits)
            if "question" in parts:
                r = f["right"].rstrip("".join(WHITESPACE))
                if (w["clause_end_char"] != "" and w["clause_end_char"] in "？?") or \
                        (r and r[-1] in QUESTION_END):
                    b.append(flag_bucket("q:clause", bits))
                tail = x["text"].rstrip("".join(WHITESPACE))
                if tail and tail[-1] in QUESTION_END:
                    b.append(flag_bucket("q:message", bits))
            if "dist" in parts:
                b.append(flag_bucket("left:" + bucket_len(len(w["left"])), bits))
                b.append(flag_bucket("right:" + bucket_len(len(w["right"])), bits))
                if w["at_msg_start"]:
                    b.append(flag_bucket("at_msg_start", bits))
                if w["at_msg_end"]:
                    b.append(flag_bucket("at_msg_end", bits))
        if "speaker" in parts:
            b.append(flag_bucket("speaker:" + spk, bits))
        if "category" in parts:
            b.append(flag_bucket("category:" + x["category"], bits))
        out.append(sorted(set(b)))
    return out
