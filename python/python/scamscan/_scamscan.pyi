"""Type stubs of the compiled module (re-exported by ``scamscan``)."""

from os import PathLike
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

__version__: str

class ScamscanError(Exception): ...
class LexiconError(ScamscanError): ...

class Finding:
    """One scam pattern found in a message, and the exact text that gave it away."""

    @property
    def category(self) -> str: ...
    @property
    def category_name(self) -> str:
        """The category's name in the detector's language (``"先付定金"``)."""
    @property
    def severity(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def start(self) -> int:
        """UTF-8 byte offset of the evidence's start."""
    @property
    def end(self) -> int: ...
    @property
    def char_start(self) -> int:
        """Character offset: ``text[f.char_start:f.char_end] == f.matched``."""
    @property
    def char_end(self) -> int: ...
    @property
    def matched(self) -> str: ...
    @property
    def explanation(self) -> str: ...
    @property
    def amount(self) -> Optional[float]: ...
    @property
    def confidence(self) -> Optional[float]:
        """How often findings like this one were right on the labeled files."""
    @property
    def context(self) -> List[str]: ...
    @property
    def normalized(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Report:
    """What the detector found in one message."""

    @property
    def severity(self) -> str:
        """``"none"``, ``"low"``, ``"medium"`` or ``"high"``."""
    @property
    def findings(self) -> List[Finding]: ...
    @property
    def categories(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Any]:
        """The record ``scamscan scan`` writes for the message (without ``line``)."""
    def __len__(self) -> int: ...

class Conversation:
    """A conversation's messages scanned in order, each with the earlier ones' context."""

    def push(
        self, text: str, speaker: Optional[str] = None, id: Optional[str] = None
    ) -> Report: ...
    def save(self) -> bytes:
        """The state so far, for ``Detector.conversation(state)``."""
    @property
    def messages(self) -> int: ...

class ColumnScanner:
    def scan(
        self,
        texts: Sequence[Optional[str]],
        speakers: Optional[Sequence[Optional[str]]] = None,
        ids: Optional[Sequence[Optional[str]]] = None,
        conversations: Optional[Sequence[Optional[str]]] = None,
    ) -> Dict[str, List[Any]]: ...

class Detector:
    """Finds scam patterns in Chinese customer-service chat messages."""

    def __init__(
        self,
        lexicons: Sequence[Union[str, "PathLike[str]"]] = (),
        builtin: bool = True,
        scorer: bool = True,
        large_amount: Optional[float] = 1000,
        lang: Optional[str] = "en",
        stance: bool = True,
    ) -> None: ...
    def scan(self, text: str, speaker: Optional[str] = None) -> Report: ...
    def redact(
        self,
        text: str,
        report: Optional[Report] = None,
        min_severity: Optional[str] = "medium",
        phrases: bool = False,
        keep_length: bool = True,
        mask: str = "*",
    ) -> str: ...
    def scan_many(
        self,
        records: Iterable[Union[str, Mapping[str, Any]]],
        threads: Optional[int] = None,
    ) -> List[Dict[str, Any]]: ...
    def verdicts(
        self,
        records: Iterable[Union[str, Mapping[str, Any]]],
        threads: Optional[int] = None,
    ) -> List[Dict[str, Any]]: ...
    def conversation(self, state: Optional[bytes] = None) -> Conversation: ...
    def _column_scanner(self, threads: Optional[int] = None) -> ColumnScanner: ...
    @property
    def lexicon_version(self) -> str: ...
    @property
    def rule_count(self) -> int: ...
