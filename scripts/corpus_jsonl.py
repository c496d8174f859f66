#!/usr/bin/env python3
"""Writes each corpus of ../shared/corpora as messages in the input shape of IO.md
(`id`, `conversation`, `speaker`, `text`), one JSON Lines file per corpus, so that the CLI
and every other front end can scan them exactly as a user's chat log.

    python3 scripts/corpus_jsonl.py OUT_DIR

Dialogues keep their conversation id and a speaker where the source says who speaks (a
call-centre agent is `agent`, the caller or customer `buyer`); reviews and SMS are single
messages. The output is deterministic, so two runs give byte-identical files.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = os.path.join(ROOT, "..", "shared", "corpora")

ROLE = {"service": "agent", "agent": "agent", "user": "buyer", "customer": "buyer"}


def messages(name):
    """Yields (file stem, record) for every message of one corpus folder."""
    folder = os.path.join(CORPORA, name)
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".jsonl"):
            continue
        stem = f"{name}-{file[:-len('.jsonl')]}"
        with open(os.path.join(folder, file), encoding="utf-8") as f:
            for line in f:
                for record in records_of(json.loads(line)):
                    yield stem, record


def records_of(item):
    """The messages of one corpus item: a dialogue's turns, or a single text."""
    if "turns" not in item:
        text = item.get("text_desegmented", item.get("text", ""))
        yield {"id": item["id"], "text": text}
        return
    roles = item.get("roles", {})
    for i, turn in enumerate(item["turns"]):
        text = turn.get("text_desegmented", turn.get("text", ""))
        who = turn.get("speaker_inferred") or roles.get(turn.get("speaker"), "")
        record = {"id": f"{item['id']}#{i + 1}", "conversation": item["id"], "text": text}
        if ROLE.get(who):
            record["speaker"] = ROLE[who]
        yield record


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    if not os.path.isdir(CORPORA):
        sys.exit(f"{CORPORA}: not there (the corpora sit in ../shared beside the repository)")
    outputs = {}
    for name in sorted(os.listdir(CORPORA)):
        if not os.path.isdir(os.path.join(CORPORA, name)):
            continue
        for stem, record in messages(name):
            if stem not in outputs:
                outputs[stem] = open(os.path.join(out_dir, stem + ".jsonl"), "w", encoding="utf-8")
            outputs[stem].write(json.dumps(record, ensure_ascii=False) + "\n")
    for f in outputs.values():
        f.close()
    for stem in sorted(outputs):
        print(os.path.join(out_dir, stem + ".jsonl"))


if __name__ == "__main__":
    main()
