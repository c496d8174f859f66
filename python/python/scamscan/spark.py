"""Scans Spark DataFrames: :func:`scan_dataframe` adds ``severity`` and ``findings`` columns.

Rows travel as Arrow batches (``mapInArrow``) to one :class:`scamscan.Detector` per Python
worker process, built on first use and kept for every later batch and task. Executors need
the ``scamscan`` wheel installed (``spark-submit --py-files`` does not carry compiled code;
install it in the executors' Python, or ship a packed environment with ``--archives``).

>>> from scamscan.spark import scan_dataframe
>>> scanned = scan_dataframe(spark.read.json("chat.jsonl"), conversation="conversation",
...                          speaker="speaker")
>>> scanned.where("severity != 'none'").select("id", "severity", "findings.category").show()
"""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Sequence, Tuple

from ._scamscan import Detector

#: Columns added to the DataFrame.
SEVERITY = "severity"
FINDINGS = "findings"

# A finding's fields, in the order of the CLI's JSON, with their Spark types' names.
FINDING_FIELDS: Tuple[Tuple[str, str], ...] = (
    ("category", "string"),
    ("category_name", "string"),
    ("severity", "string"),
    ("rule", "string"),
    ("start", "long"),
    ("end", "long"),
    ("char_start", "long"),
    ("char_end", "long"),
    ("matched", "string"),
    ("explanation", "string"),
    ("amount", "double"),
    ("confidence", "double"),
    ("context", "array<string>"),
    ("normalized", "array<string>"),
)

# The row's position in the input, while rows are shuffled to their conversations.
_ROW = "__scamscan_row"

# Detectors of this worker process, by their arguments: built once, used by every task.
_DETECTORS: Dict[tuple, Detector] = {}


def finding_type():
    """The Spark type of the ``findings`` column: an array of structs, one per finding."""
    from pyspark.sql.types import (
        ArrayType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    simple = {"string": StringType(), "long": LongType(), "double": DoubleType()}
    fields = []
    for name, kind in FINDING_FIELDS:
        spark_type = ArrayType(StringType(), False) if kind == "array<string>" else simple[kind]
        fields.append(StructField(name, spark_type, nullable=name in ("amount", "confidence")))
    return ArrayType(StructType(fields), False)


def scan_dataframe(
    df,
    text: str = "text",
    id: Optional[str] = "id",
    conversation: Optional[str] = None,
    speaker: Optional[str] = None,
    order: Optional[str] = None,
    *,
    lexicons: Sequence[str] = (),
    builtin: bool = True,
    scorer: bool = True,
    large_amount: Optional[float] = 1000,
    lang: str = "en",
    stance: bool = True,
    threads: int = 1,
):
    """Returns ``df`` with ``severity`` (string) and ``findings`` (array of structs) added.

    text: the message column (required). A null text gives null ``severity`` and ``findings``.
    id: the message id column, named in later findings' ``context``.
    conversation: the conversation column. With it, every message of a conversation is
        scanned in ``order`` (or in input order) with the context of the earlier ones, exactly
        as ``scamscan scan`` does, however the rows are partitioned: rows are shuffled so that
        each conversation is scanned by one task, and a conversation's state lives only while
        it is scanned. The result's rows are then grouped by conversation.
    speaker: the speaker role column (``buyer``, ``seller``, ``agent``, ``system``).
    order: the column that orders a conversation's messages (a timestamp, a sequence number).

    A column named here that the DataFrame does not have is not used. ``lexicons``,
    ``builtin``, ``scorer``, ``large_amount``, ``lang`` and ``stance`` are
    :class:`scamscan.Detector`'s; ``threads``
    is per task (Spark already runs one task per core). Every input row is in the output,
    once.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    columns = set(df.columns)
    if text not in columns:
        raise ValueError(f"no text column {text!r}: the DataFrame has {sorted(columns)}")
    for added in (SEVERITY, FINDINGS):
        if added in columns:
            raise ValueError(
                f"the DataFrame already has a {added!r} column; rename it before scanning"
            )
    present = lambda name: name if name is not None and name in columns else None  # noqa: E731
    id, conversation, speaker, order = map(present, (id, conversation, speaker, order))
    config = (tuple(str(p) for p in lexicons), builtin, scorer, large_amount, lang, stance)
    # Built here once so that a broken lexicon fails now, with its file and line, not in a task.
    _detector(config)

    out_schema = StructType(
        list(df.schema.fields)
        + [StructField(SEVERITY, StringType(), True), StructField(FINDINGS, finding_type(), True)]
    )
    names = {"text": text, "id": id, "speaker": speaker, "conversation": conversation}

    def scan_batches(batches):
        yield from _scan_batches(batches, config, names, threads)

    if conversation is None:
        return df.mapInArrow(scan_batches, out_schema)
    staged = df.withColumn(_ROW, F.monotonically_increasing_id())
    keys = [conversation] + ([order] if order is not None else []) + [_ROW]
    staged = staged.repartition(F.col(conversation)).sortWithinPartitions(*keys)
    return staged.mapInArrow(scan_batches, out_schema)


def _detector(config: tuple) -> Detector:
    """This process's detector for ``config`` (lexicons, builtin, scorer, large_amount, lang)."""
    detector = _DETECTORS.get(config)
    if detector is None:
        lexicons, builtin, scorer, large_amount, lang, stance = config
        detector = Detector(
            lexicons=list(lexicons),
            builtin=builtin,
            scorer=scorer,
            large_amount=large_amount,
            lang=lang,
            stance=stance,
        )
        _DETECTORS[config] = detector
    return detector


def _scan_batches(batches: Iterator, config: tuple, names: dict, threads: int) -> Iterator:
    """Scans one task's Arrow batches in order; a conversation cut by a batch boundary goes
    on in the next batch."""
    import pyarrow as pa

    scanner = _detector(config)._column_scanner(threads)
    struct = _finding_arrow_type(pa)
    for batch in batches:
        out = scanner.scan(
            _strings(batch, names["text"]),
            _strings(batch, names["speaker"]),
            _strings(batch, names["id"]),
            _strings(batch, names["conversation"]),
        )
        kept = [i for i, name in enumerate(batch.schema.names) if name != _ROW]
        arrays = [batch.column(i) for i in kept]
        arrays.append(pa.array(out["severity"], pa.string()))
        arrays.append(_findings_array(pa, out, struct))
        yield pa.RecordBatch.from_arrays(
            arrays, names=[batch.schema.names[i] for i in kept] + [SEVERITY, FINDINGS]
        )


def _strings(batch, name: Optional[str]):
    """A column as a list of Python strings (numbers and other scalars as their text), or
    ``None`` when the column is not used."""
    if name is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    column = batch.column(batch.schema.get_field_index(name))
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pc.cast(column, pa.string())
    return column.to_pylist()


def _finding_arrow_type(pa):
    kinds = {
        "string": pa.string(),
        "long": pa.int64(),
        "double": pa.float64(),
        "array<string>": pa.list_(pa.string()),
    }
    return pa.struct(
        [pa.field(name, kinds[kind], nullable=name in ("amount", "confidence"))
         for name, kind in FINDING_FIELDS]
    )


def _findings_array(pa, out: dict, struct):
    """The findings column of one batch, from the scanner's flat columns."""
    fields = []
    for field in struct:
        values = out["finding_severity" if field.name == "severity" else field.name]
        fields.append(pa.array(values, field.type))
    values = pa.StructArray.from_arrays(fields, fields=list(struct))
    offsets = pa.array(out["offsets"], pa.int32())
    return pa.ListArray.from_arrays(offsets, values)
