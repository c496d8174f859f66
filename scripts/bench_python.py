#!/usr/bin/env python3
"""The Python package and the Spark integration against the CLI, side by side in one run.

    target/pyenv/bin/python scripts/bench_python.py [--corpus target/bench-ref/corpus40.jsonl]
        [--cli target/release/scamscan] [--runs 3] [--no-spark]

Run with the interpreter the package is installed in (`pip install ./python`; PySpark for the
Spark figures). The corpus is ../shared/bench/corpus.py's 40 MB one, made when missing.
Prints, as medians of alternating runs:

* the CLI on one thread, and `Detector.scan_many(records, threads=1)` on the same records
  (parsed beforehand: the CLI's time includes reading JSON, so the ratio favours the CLI);
* `Detector.scan` per call from Python on a 50-character message: p50 and p99;
* Spark `local[2]` without and with a conversation column (read JSON, scan, write to Spark's
  no-op sink), in messages a second, against the CLI with `--threads 2`; and how the rows
  split over the partitions the scan ran in.

Nothing here asserts: these are measurements. Time nothing else on the machine meanwhile.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MESSAGE_50 = "亲，这款蓝牙耳机现在下单的话今天能发货吗？我想周末之前收到，麻烦帮我看一下仓库里还有没有，谢谢啦！！"


def corpus_path(given):
    path = Path(given)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(SHARED / "bench" / "corpus.py"), str(SHARED), str(path), "40"],
            check=True,
        )
    return path


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run_cli(cli, path, threads):
    done = subprocess.run(
        [cli, "scan", "--quiet", "--all", "--threads", str(threads), str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if done.returncode > 1:
        sys.exit(f"the CLI failed: {done.stderr.decode()[-500:]}")


def latency(detector, runs=100_000):
    for _ in range(10_000):
        detector.scan(MESSAGE_50)
    samples = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        started = clock()
        detector.scan(MESSAGE_50)
        samples.append(clock() - started)
    samples.sort()
    return samples[len(samples) // 2] / 1000, samples[int(len(samples) * 0.99)] / 1000


def spark_runs(path, runs):
    """Seconds per run without and with a conversation column, and the partition split."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession, functions as F

    from scamscan.spark import scan_dataframe

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("scamscan-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    schema = "id string, conversation string, speaker string, text string"

    def job(conversation):
        df = spark.read.schema(schema).json(str(path))
        scanned = scan_dataframe(df, conversation=conversation, speaker="speaker")
        scanned.write.format("noop").mode("overwrite").save()

    def split(conversation):
        df = spark.read.schema(schema).json(str(path))
        scanned = scan_dataframe(df, conversation=conversation, speaker="speaker")
        rows = scanned.groupBy(F.spark_partition_id().alias("p")).count().collect()
        counts = sorted(r["count"] for r in rows)
        return f"{len(counts)} partitions, {counts[0]:,} to {counts[-1]:,} rows"

    job(None)  # start the workers, warm the page cache
    alone, grouped = [], []
    for _ in range(runs):
        alone.append(timed(lambda: job(None)))
        grouped.append(timed(lambda: job("conversation")))
    splits = (split(None), split("conversation"))
    spark.stop()
    return alone, grouped, splits


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT / "target" / "bench-ref" / "corpus40.jsonl"))
    parser.add_argument("--cli", default=str(ROOT / "target" / "release" / "scamscan"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()

    import scamscan

    path = corpus_path(args.corpus)
    megabytes = path.stat().st_size / 1e6
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    n = len(records)
    detector = scamscan.Detector()
    print(f"corpus: {path.name}, {n:,} messages, {megabytes:.1f} MB; lexicon {detector.lexicon_version}")

    run_cli(args.cli, path, 1)  # page cache
    detector.scan_many(records[:10_000], threads=1)
    cli1, py1, cli2 = [], [], []
    for _ in range(args.runs):
        cli1.append(timed(lambda: run_cli(args.cli, path, 1)))
        py1.append(timed(lambda: detector.scan_many(records, threads=1)))
        cli2.append(timed(lambda: run_cli(args.cli, path, 2)))
    c1, p1, c2 = (statistics.median(x) for x in (cli1, py1, cli2))
    print(f"CLI, 1 thread:              {megabytes / c1:6.1f} MB/s  {n / c1:9,.0f} msg/s")
    print(f"scan_many, 1 thread:        {megabytes / p1:6.1f} MB/s  {n / p1:9,.0f} msg/s  "
          f"= {c1 / p1:.2f} x the CLI")
    print(f"CLI, 2 threads:             {megabytes / c2:6.1f} MB/s  {n / c2:9,.0f} msg/s")

    p50, p99 = latency(detector)
    print(f"Detector.scan, {len(MESSAGE_50)} characters: p50 {p50:.1f} us, p99 {p99:.1f} us "
          f"(100,000 calls)")

    if args.no_spark:
        return
    alone, grouped, (split_alone, split_grouped) = spark_runs(path, args.runs)
    a, g = statistics.median(alone), statistics.median(grouped)
    print(f"Spark local[2], no conversation: {n / a:9,.0f} msg/s = {c2 / a:.2f} x the CLI on 2 threads"
          f" ({split_alone})")
    print(f"Spark local[2], conversations:   {n / g:9,.0f} msg/s = {c2 / g:.2f} x the CLI on 2 threads"
          f" ({split_grouped})")


if __name__ == "__main__":
    main()
