"""The Python API: reports, offsets, conversations, threads, errors."""

import pickle
import threading
import time

import pytest

import scamscan

DEPOSIT = "亲，先付个定金我再发货"


def test_a_report_has_the_fields_the_json_has(detector):
    report = detector.scan(DEPOSIT, speaker="seller")
    assert report.severity == "high"
    assert report.categories == ["deposit_first"]
    (finding,) = report.findings
    assert finding.category == "deposit_first"
    assert finding.rule.startswith("deposit_first/")
    assert DEPOSIT.encode()[finding.start : finding.end].decode() == finding.matched
    assert DEPOSIT[finding.char_start : finding.char_end] == finding.matched
    assert finding.amount is None and finding.context == [] and finding.normalized == []
    assert report.to_dict()["findings"][0] == finding.to_dict()
    assert set(finding.to_dict()) == {
        "category", "category_name", "severity", "rule", "start", "end", "char_start", "char_end",
        "matched", "explanation", "confidence",
    }


def test_nothing_found_is_severity_none(detector):
    report = detector.scan("请确定金额")
    assert report.severity == "none"
    assert report.findings == [] and len(report) == 0
    assert report.to_dict() == {"severity": "none", "findings": []}


@pytest.mark.parametrize(
    "text",
    [
        "👨‍👩‍👧‍👦🎉先付个定金我再发货",
        "加\u200b微\u200d信 kefu_88 🙂 先转5定金给我",
        "🇨🇳🏳️‍🌈 付款后把收货地址改一下 é 加 微-信",
        "\ufeff亲，验\U0001f511证码发我一下",
        "𠀀𠀁𪚥 先付定金 \u0301\u0301 加微信",
    ],
)
def test_char_offsets_slice_the_python_string(detector, text):
    report = detector.scan(text)
    assert report.findings, text
    for f in report.findings:
        assert text[f.char_start : f.char_end] == f.matched
        assert text.encode()[f.start : f.end].decode() == f.matched


def test_a_saved_conversation_goes_on_where_it_stopped(detector):
    turns = [
        ("买家已付款，等待卖家发货", "system", "m1"),
        ("好的，谢谢", "buyer", "m2"),
        ("收件人改成我表姐吧", "buyer", "m3"),
        ("收货地址也换一下", "buyer", "m4"),
    ]
    whole = detector.conversation()
    expected = [whole.push(*t).to_dict() for t in turns]
    assert expected[2]["findings"][0]["context"] == ["m1"]

    chat = detector.conversation()
    got = []
    for turn in turns:
        got.append(chat.push(*turn).to_dict())
        saved = chat.save()
        assert isinstance(saved, bytes)
        chat = detector.conversation(saved)  # as a bot between two messages
    assert got == expected
    assert chat.messages == len(turns)


def test_a_damaged_state_is_refused(detector):
    chat = detector.conversation()
    chat.push("买家已付款", speaker="system", id="m1")
    saved = chat.save()
    for bad in (b"", b"junk", saved[:-1], saved[:4] + b"\xff" * 3, b"SCS\x09" + saved[4:]):
        with pytest.raises(ValueError):
            detector.conversation(bad)


def test_eight_threads_agree_with_one(detector, shared):
    texts = [r["text"] for r in _dev(shared)][:800]
    expected = [detector.scan(t).to_dict() for t in texts]
    results = [None] * 8

    def work(k):
        results[k] = [detector.scan(t).to_dict() for t in texts[k::8]]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        assert results[k] == expected[k::8]


def test_other_threads_run_while_scan_many_works(detector):
    messages = [f"第{i}条：亲，先付个定金我再发货，加微信 shop{i}" for i in range(100_000)]
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.perf_counter()
    results = detector.scan_many(messages, threads=2)
    finished = time.perf_counter()
    done.set()
    ticker.join()
    assert len(results) == len(messages)
    assert all(r["severity"] != "none" for r in results)
    during = [t for t in ticks if started <= t <= finished]
    # The ticker kept running all along: never a gap of a quarter of the call.
    gaps = [b - a for a, b in zip([started] + during, during + [finished])]
    assert len(during) > 10, (len(during), finished - started)
    assert max(gaps) < (finished - started) / 4, max(gaps)


def test_bad_arguments_raise(detector):
    with pytest.raises(TypeError):
        detector.scan(5)
    with pytest.raises(TypeError):
        detector.scan(b"bytes")
    with pytest.raises(ValueError, match="unknown speaker"):
        detector.scan("x", speaker="boss")
    with pytest.raises(TypeError):
        detector.scan_many(5)
    with pytest.raises(TypeError, match="record 1"):
        detector.scan_many(["ok", 3.5])
    with pytest.raises(TypeError, match="field `text`"):
        detector.scan_many([{"text": object()}])
    with pytest.raises(ValueError, match="threads"):
        detector.scan_many(["x"], threads=0)
    with pytest.raises(TypeError):
        scamscan.Detector(lexicons="not/a/list")
    with pytest.raises(ValueError, match="large_amount"):
        scamscan.Detector(large_amount=-1)
    with pytest.raises(TypeError):
        detector.conversation("not bytes")
    with pytest.raises(TypeError):
        detector.conversation().push(None)


def test_a_record_the_cli_cannot_read_gets_its_error_in_place(detector):
    out = detector.scan_many(["先付个定金", {"id": "x"}, {"text": 5}, {"id": 7, "text": "你好"}])
    assert out[0]["severity"] == "high" and out[0]["line"] == 1
    assert out[1] == {"line": 2, "error": "missing field `text`"}
    assert out[2] == {"line": 3, "error": "field `text` is a number, not a string"}
    assert out[3] == {"id": "7", "line": 4, "severity": "none", "findings": []}


def test_a_broken_lexicon_names_file_line_and_rule(tmp_path):
    (tmp_path / "mine.toml").write_text(
        'category = "deposit_first"\n\n[[rules]]\nid = "mine/fee"\nexplanation = "x"\n'
        'patterns = ["先 {nosuchclass}"]\nexamples = ["a"]\n',
        encoding="utf-8",
    )
    with pytest.raises(scamscan.LexiconError) as error:
        scamscan.Detector(lexicons=[tmp_path])
    message = str(error.value)
    assert "mine.toml:4" in message and "mine/fee" in message and "nosuchclass" in message
    assert isinstance(error.value, scamscan.ScamscanError)
    with pytest.raises(FileNotFoundError):
        scamscan.Detector(lexicons=[tmp_path / "missing"])


def test_user_lexicons_and_options(tmp_path):
    (tmp_path / "shop.toml").write_text(
        'category = "off_platform_contact"\n\n[[rules]]\nid = "mine/line"\n'
        'explanation = "asks to move to LINE"\npatterns = ["加 ~0..2 line"]\n'
        'examples = ["加我line聊"]\ncounter_examples = ["line很好用"]\n',
        encoding="utf-8",
    )
    mine = scamscan.Detector(lexicons=[str(tmp_path)], builtin=False, large_amount=None)
    assert mine.scan("加我line聊").categories == ["off_platform_contact"]
    assert mine.scan("先付个定金").severity == "none"
    assert mine.rule_count == 1
    # Amounts are not raised with the threshold off.
    default = scamscan.Detector()
    raised = default.scan("先转5000定金给我").findings[0]
    assert "large-amount" in raised.explanation
    flat = scamscan.Detector(large_amount=None).scan("先转5000定金给我").findings[0]
    assert flat.amount == 5000 and "large-amount" not in flat.explanation


def test_a_detector_pickles_by_its_arguments(detector):
    copy = pickle.loads(pickle.dumps(detector))
    assert copy.lexicon_version == detector.lexicon_version
    assert copy.scan(DEPOSIT).to_dict() == detector.scan(DEPOSIT).to_dict()


def test_help_shows_the_docs():
    assert "GIL" in scamscan.Detector.scan_many.__doc__
    assert "char_start" in scamscan.Finding.__doc__
    assert "save" in scamscan.Conversation.__doc__


def _dev(shared):
    from conftest import read_jsonl

    return read_jsonl(shared / "eval" / "dev.jsonl")


def test_reports_in_chinese_when_asked():
    zh = scamscan.Detector(lang="zh-CN")
    finding = zh.scan(DEPOSIT).findings[0]
    assert finding.category_name == "先付定金"
    assert "定金" in finding.explanation and "deposit" not in finding.explanation
    english = scamscan.Detector().scan(DEPOSIT).findings[0]
    assert english.category_name == "Deposit first"
    assert (finding.rule, finding.start, finding.end) == (english.rule, english.start, english.end)
    with pytest.raises(ValueError, match="zh-CN or en"):
        scamscan.Detector(lang="fr")
    assert pickle.loads(pickle.dumps(zh)).scan(DEPOSIT).findings[0].category_name == "先付定金"


def test_redact_masks_contacts_whole_and_phrases_when_asked(detector):
    text = "加我微信 abc_shop88 私下转账更便宜"
    assert detector.redact(text) == "加我微信 ********** 私下转账更便宜"
    report = detector.scan(text)
    masked = detector.redact(text, report, phrases=True, keep_length=False, mask="#")
    assert "微信" not in masked and "abc_shop88" not in masked and masked.endswith("更便宜")
    assert detector.redact("这个耳机多少钱 13812345678") == "这个耳机多少钱 13812345678"
    assert detector.redact(text, min_severity="critical") == text
    with pytest.raises(ValueError):
        detector.redact(text, min_severity="severe")
