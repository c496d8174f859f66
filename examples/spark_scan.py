"""Scans a chat log with Spark and writes Parquet with each message's severity and findings.

    spark-submit --master 'local[2]' examples/spark_scan.py chat.jsonl out.parquet \
        --conversation conversation --speaker speaker

The input is JSON Lines (one message an object) or Parquet (a file or a folder, by its
`.parquet` ending or --format). The executors need the scamscan wheel installed: see the
README's section on logs bigger than one machine.
"""

import argparse
import sys

from pyspark.sql import SparkSession, functions as F

from scamscan.spark import scan_dataframe


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="JSON Lines or Parquet path (file or folder)")
    parser.add_argument("output", help="Parquet folder to write")
    parser.add_argument("--format", choices=["json", "parquet"], help="input format (default: by extension)")
    parser.add_argument("--text", default="text", help="message column (default: text)")
    parser.add_argument("--id", default="id", help="message id column (default: id)")
    parser.add_argument("--conversation", help="conversation column: scan with context")
    parser.add_argument("--speaker", help="speaker role column")
    parser.add_argument("--order", help="column ordering a conversation's messages")
    parser.add_argument("--lexicon", action="append", default=[], help="user lexicon folder (repeatable)")
    parser.add_argument("--mode", default="errorifexists", help="Parquet write mode (default: errorifexists)")
    args = parser.parse_args(argv)

    spark = SparkSession.builder.appName("scamscan").getOrCreate()
    fmt = args.format or ("parquet" if args.input.rstrip("/").endswith(".parquet") else "json")
    df = spark.read.parquet(args.input) if fmt == "parquet" else spark.read.json(args.input)
    scanned = scan_dataframe(
        df,
        text=args.text,
        id=args.id,
        conversation=args.conversation,
        speaker=args.speaker,
        order=args.order,
        lexicons=args.lexicon,
    )
    scanned.write.mode(args.mode).parquet(args.output)

    written = spark.read.parquet(args.output)
    counts = {r["severity"]: r["count"] for r in written.groupBy("severity").count().collect()}
    flagged = written.where(F.size("findings") > 0).count()
    print(f"{written.count()} messages, {flagged} flagged; by severity: {counts}")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
