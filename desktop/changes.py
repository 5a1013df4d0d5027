"""What an operation changed, and the typed outcome every operation returns.

Every change to the books is one function in the core: it takes a typed input, runs one transaction and
returns a frozen ``Outcome`` whose class says which parts of the books it touched (``changes``). The
command line prints ``outcome.to_json()``; the window's operation runner announces ``outcome.changes`` once,
and each page reloads only when a part it shows has changed. Neither re-derives what the operation knows.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, ClassVar


class Changes(enum.Flag):
    NONE = 0
    HOUSEHOLDS = enum.auto()  # the register: names, codes, categories
    HAMLETS = enum.auto()
    PROJECTS = enum.auto()  # projects and their status
    SUPPORTS = enum.auto()  # memberships: who got what support, from which source
    SCHEDULES = enum.auto()  # what is owed and when (installments, and what was paid on them)
    RECEIPTS = enum.auto()  # receipts issued or voided
    PRINTS = enum.auto()  # the print log (original or copy)
    FUND = enum.auto()  # a project fund's balance: recovered, re-lent, transferred
    SETTINGS = enum.auto()  # unit names, signatories, receipt book, options
    SYNC = enum.auto()  # packages exported, acknowledgements
    UPPER = enum.auto()  # the upper level's consolidated store
    BOOKS = enum.auto()  # the whole file replaced (restore)

    @classmethod
    def everything(cls) -> Changes:
        every = cls.NONE
        for member in cls:
            every |= member
        return every


@dataclass(frozen=True)
class Outcome:
    """Base of every operation's result: frozen fields, the parts of the books it changed, its JSON."""

    changes: ClassVar[Changes] = Changes.NONE

    def to_json(self) -> dict[str, Any]:
        """The fields as JSON values (dates ISO, tuples as lists, enums as their codes): what ``--json`` prints."""
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
