"""The package gives exactly what the CLI gives, record for record."""

import json
import subprocess

import pytest

from conftest import REPO, read_jsonl, write_jsonl


@pytest.fixture(scope="module", params=["chat", "dev"])
def log(request, shared):
    if request.param == "chat":
        return REPO / "examples" / "chat.jsonl"
    return shared / "eval" / "dev.jsonl"


def test_scan_many_equals_the_cli(detector, scan_cli, log):
    expected = scan_cli(log)
    records = read_jsonl(log)
    assert len(expected) == len(records)
    for threads in (1, 3, None):
        assert detector.scan_many(records, threads=threads) == expected


def test_scan_and_conversations_equal_the_cli(detector, scan_cli, log):
    expected = scan_cli(log)
    chats = {}
    for record, want in zip(read_jsonl(log), expected):
        del want["line"]
        key = record.get("conversation")
        if key is None:
            got = detector.scan(record["text"], speaker=record.get("speaker")).to_dict()
            got.update({k: record[k] for k in ("id",) if k in record})
        else:
            chat = chats.setdefault(key, detector.conversation())
            got = chat.push(record["text"], speaker=record.get("speaker"), id=record.get("id"))
            got = got.to_dict()
            got["conversation"] = key
        assert got == want, record


def test_plain_strings_are_messages_without_an_id(detector, scan_cli, tmp_path):
    texts = ["先付个定金", "你好", "加 微-信 聊"]
    path = write_jsonl(tmp_path / "plain.jsonl", [{"text": t} for t in texts])
    assert detector.scan_many(texts) == scan_cli(path)


def test_verdicts_equal_the_cli(detector, cli, log):
    done = subprocess.run(
        [cli, "--lang", "en", "scan", "--by-conversation", "--quiet", str(log)],
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    expected = [json.loads(line) for line in done.stdout.splitlines()]
    assert expected, "the CLI wrote no verdict"
    records = read_jsonl(log)
    for threads in (1, None):
        assert detector.verdicts(records, threads=threads) == expected


def test_verdicts_report_unreadable_records_after_the_verdicts(detector):
    got = detector.verdicts([{"id": "a", "text": "先付个定金"}, {"id": "b"}])
    assert got[0]["severity"] == "high" and got[0]["evidence"][0]["id"] == "a"
    assert got[-1]["line"] == 2 and "text" in got[-1]["error"]
