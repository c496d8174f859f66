"""Spark DataFrames scanned with real PySpark in local mode give the CLI's answer.

PySpark is installed here when it is missing, so that this never passes by not running.
"""

import os
import subprocess
import sys

import pytest

from conftest import REPO, load_script, read_jsonl, write_jsonl


def _pyspark():
    try:
        import pyspark  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "pyspark[sql]>=4.0,<5", "numpy>=2", "pandas<3"],
            check=True,
        )
    import pyspark

    return pyspark


@pytest.fixture(scope="module")
def spark():
    _pyspark()
    from pyspark.sql import SparkSession

    # The workers run this interpreter, where the package under test is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("scamscan-tests")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def normal_dialogues(shared, tmp_path_factory):
    """The teleantifraud normal dialogues as messages (conversations with speakers)."""
    corpus = load_script("corpus_jsonl")
    records = []
    for item in read_jsonl(shared / "corpora" / "teleantifraud_dialogues" / "dialogues.jsonl"):
        if item.get("label") == "normal":
            records.extend(corpus.records_of(item))
    assert len({r["conversation"] for r in records}) == 2499
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "normal.jsonl", records)


def _flagged(rows):
    """(id, severity, categories) of every message with a finding."""
    out = set()
    for row in rows:
        findings = row["findings"] or []
        if findings:
            out.add((row["id"], row["severity"], tuple(f["category"] for f in findings)))
    return out


def _spark_rows(df):
    return [row.asDict(recursive=True) for row in df.select("id", "severity", "findings").collect()]


@pytest.mark.parametrize("which", ["chat", "normal"])
def test_a_dataframe_gets_the_clis_findings(spark, scan_cli, normal_dialogues, which):
    from scamscan.spark import scan_dataframe

    path = REPO / "examples" / "chat.jsonl" if which == "chat" else normal_dialogues
    expected = scan_cli(path)
    # Read in five or more splits, so that conversations are cut across partitions: the scan
    # must put them back together, in the file's order.
    split = max(256, path.stat().st_size // 6)
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(split))
    spark.conf.set("spark.sql.files.openCostInBytes", "0")
    try:
        df = spark.read.json(str(path))
        assert df.rdd.getNumPartitions() >= 5, df.rdd.getNumPartitions()
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.unset("spark.sql.files.openCostInBytes")
    scanned = scan_dataframe(df, conversation="conversation", speaker="speaker")
    rows = _spark_rows(scanned)
    assert len(rows) == len(expected)
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in expected)
    assert _flagged(rows) == _flagged(expected)
    assert {r["id"]: r["findings"] for r in rows if r["findings"]} == {
        r["id"]: _as_spark(r["findings"]) for r in expected if r["findings"]
    }
    if which == "normal":
        assert len(_flagged(rows)) > 0


def test_an_order_column_orders_each_conversation(spark, scan_cli):
    from scamscan.spark import scan_dataframe

    records = read_jsonl(REPO / "examples" / "chat.jsonl")
    expected = scan_cli(REPO / "examples" / "chat.jsonl")
    shuffled = [dict(r, seq=i) for i, r in enumerate(records)][::-1]
    df = spark.createDataFrame(shuffled).repartition(3)
    rows = _spark_rows(scan_dataframe(df, conversation="conversation", speaker="speaker", order="seq"))
    assert _flagged(rows) == _flagged(expected)


def test_without_a_conversation_each_message_stands_alone(spark, detector):
    from scamscan.spark import scan_dataframe

    records = read_jsonl(REPO / "examples" / "chat.jsonl")
    df = spark.createDataFrame([(r["id"], r["text"]) for r in records], ["id", "text"])
    scanned = scan_dataframe(df, conversation="absent", speaker="absent")
    assert scanned.columns == ["id", "text", "severity", "findings"]
    rows = {r["id"]: r for r in _spark_rows(scanned)}
    assert len(rows) == len(records)
    for record in records:
        want = detector.scan(record["text"]).to_dict()
        assert rows[record["id"]]["severity"] == want["severity"]
        assert rows[record["id"]]["findings"] == _as_spark(want["findings"])


def test_null_texts_and_other_columns_pass_through(spark):
    from scamscan.spark import scan_dataframe

    df = spark.createDataFrame(
        [(1, "先付个定金", "x"), (2, None, "y"), (3, "你好", None)],
        "id long, text string, extra string",
    )
    rows = sorted(scan_dataframe(df).collect(), key=lambda r: r["id"])
    assert [r["extra"] for r in rows] == ["x", "y", None]
    assert [r["severity"] for r in rows] == ["high", None, "none"]
    assert rows[1]["findings"] is None and rows[2]["findings"] == []


def test_bad_columns_are_refused_before_the_job(spark):
    from scamscan.spark import scan_dataframe

    df = spark.createDataFrame([("a", "b")], ["id", "message"])
    with pytest.raises(ValueError, match="no text column"):
        scan_dataframe(df)
    with pytest.raises(ValueError, match="already has"):
        scan_dataframe(spark.createDataFrame([("a", "none")], ["text", "severity"]))


def test_the_example_job_runs_under_spark_submit(normal_dialogues, tmp_path):
    _pyspark()
    out = tmp_path / "out.parquet"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    spark_submit = os.path.join(os.path.dirname(sys.executable), "spark-submit")
    done = subprocess.run(
        [spark_submit, "--master", "local[2]", str(REPO / "examples" / "spark_scan.py"),
         str(REPO / "examples" / "chat.jsonl"), str(out), "--conversation", "conversation",
         "--speaker", "speaker"],
        capture_output=True, text=True, env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    import pyarrow.parquet as pq

    table = pq.read_table(str(out))
    assert table.num_rows == len(read_jsonl(REPO / "examples" / "chat.jsonl"))
    assert "findings" in table.column_names
    assert "flagged" in done.stdout


def _as_spark(findings):
    """CLI findings as Spark returns them: every field present, absent ones null or empty."""
    fields = ("category", "category_name", "severity", "rule", "start", "end", "char_start", "char_end",
              "matched", "explanation", "amount", "confidence", "context", "normalized")
    out = []
    for f in findings:
        row = {k: f.get(k) for k in fields}
        row["context"] = f.get("context", [])
        row["normalized"] = f.get("normalized", [])
        out.append(row)
    return out
