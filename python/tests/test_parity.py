"""The package gives exactly what the CLI gives, record for record."""

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
