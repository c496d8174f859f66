"""Finds scam patterns in Chinese customer-service chat, with the exact evidence span.

>>> import scamscan
>>> detector = scamscan.Detector()
>>> report = detector.scan("亲，先付个定金我再发货")
>>> report.severity
'high'
>>> [(f.category, f.matched) for f in report.findings]
[('deposit_first', '先付个定金')]

Build one :class:`Detector` and share it between threads; :meth:`Detector.scan` and
:meth:`Detector.scan_many` release the GIL. :meth:`Detector.conversation` carries context
from message to message. ``scamscan.spark`` scans Spark DataFrames.
"""

from ._scamscan import (
    Conversation,
    Detector,
    Finding,
    LexiconError,
    Report,
    ScamscanError,
    __version__,
)

__all__ = [
    "Conversation",
    "Detector",
    "Finding",
    "LexiconError",
    "Report",
    "ScamscanError",
    "__version__",
]
