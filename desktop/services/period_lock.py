"""The period lock: after the report for a period is sent, the books up to its last day are closed.

Every write that takes effect on a date (a support, a payment, a void, a transfer, a category change) asks
``require_open_on`` first: a date in the future or on or before the locked date is refused, so a report
already sent can never silently change. Reopening needs a reason and is kept in the history (and the next
sync package carries it, so the upper level knows).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.text import nfc


@dataclass(frozen=True)
class PeriodLockChanged(Outcome):
    locked_to: date | None

    changes: ClassVar[Changes] = Changes.BOOKS | Changes.SETTINGS


def locked_to(conn: sqlite3.Connection) -> date | None:
    """The last day of the closed period, or None when nothing is locked."""
    row = conn.execute("SELECT locked_to FROM period_lock ORDER BY id DESC LIMIT 1").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def require_open_on(conn: sqlite3.Connection, day: date, what: str, *, today: date | None = None) -> None:
    """Refuse a write that takes effect on ``day`` if that day is in the future or in the locked period.

    ``what`` names the act in the message ("Ngày thu", "Ngày hỗ trợ", …).
    """
    today = today or clock.today()
    if day > today:
        raise Refused(f"{what} {day:%d/%m/%Y} ở tương lai (hôm nay là {today:%d/%m/%Y}).")
    closed = locked_to(conn)
    if closed is not None and day <= closed:
        raise Refused(f"{what} {day:%d/%m/%Y} nằm trong kỳ đã khóa sổ (đến hết ngày {closed:%d/%m/%Y}): "
                      "báo cáo kỳ đó đã gửi đi. Hãy ghi vào ngày sau ngày khóa sổ, hoặc mở khóa sổ "
                      "(ghi rõ lý do) rồi ghi lại.")


def lock_period(books: Books, to: date, *, today: date | None = None) -> PeriodLockChanged:
    today = today or clock.today()
    if to > today:
        raise Refused(f"Không khóa sổ đến ngày {to:%d/%m/%Y} ở tương lai (hôm nay là {today:%d/%m/%Y}).")
    current = locked_to(books.conn)
    if current is not None and to < current:
        raise Refused(f"Sổ đã khóa đến ngày {current:%d/%m/%Y}; muốn lùi ngày khóa hãy mở khóa sổ "
                      "(ghi rõ lý do) rồi khóa lại.")
    _append(books, "lock", to, "")
    return PeriodLockChanged(to)


def unlock_period(books: Books, reason: str) -> PeriodLockChanged:
    reason = nfc(reason)
    if not reason:
        raise Refused("Phải ghi lý do mở khóa sổ.")
    if locked_to(books.conn) is None:
        raise Refused("Sổ đang không khóa.")
    _append(books, "unlock", None, reason)
    return PeriodLockChanged(None)


def _append(books: Books, action: str, to: date | None, reason: str) -> None:
    now = audit.now_iso()
    row = {"uuid": str(uuid.uuid4()), "action": action, "locked_to": to.isoformat() if to else None,
           "reason": reason, "at": now, "actor": books.actor}
    with books.transaction() as tx:
        before = locked_to(tx)
        tx.execute(f"INSERT INTO period_lock ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row)
        audit.record(tx, books.actor, "period_lock", row["uuid"], action,
                     {"locked_to": before.isoformat() if before else None}, row, at=now)
