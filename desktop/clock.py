"""The one clock: every "today" and "now" in the program comes from here.

``VONXOAY_TODAY=YYYY-MM-DD`` makes the window, the command line and the tests run as if that were the date
(for a demonstration on last year's books, for support reproducing a clerk's screen, and for a test suite
that must pass on the 1st of a month and on 29 February). The time of day stays the real one, so audit rows
and backup names still order correctly within the day. Tests may also pin a date with ``frozen``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime

from desktop.errors import Refused

ENV = "VONXOAY_TODAY"

_pinned: date | None = None  # set by ``frozen``; wins over the environment


def _override() -> date | None:
    if _pinned is not None:
        return _pinned
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Refused(f"Biến môi trường {ENV}=“{raw}” không phải một ngày dạng YYYY-MM-DD.") from None


def today() -> date:
    """The local date the books take as today."""
    return _override() or date.today()


def now() -> datetime:
    """Local wall-clock time, naive (file names, log lines): today's date at the real time of day."""
    real = datetime.now()
    override = _override()
    return real if override is None else datetime.combine(override, real.time())


def utc_now() -> datetime:
    """The same instant in UTC, for the books' timestamps (a PC's wrong time zone never reorders events)."""
    return now().astimezone(UTC)


def now_iso() -> str:
    return utc_now().isoformat(timespec="seconds")


@contextlib.contextmanager
def frozen(day: date) -> Iterator[date]:
    """Run a block as if ``day`` were today (tests, and a demo built for a chosen date)."""
    global _pinned
    before, _pinned = _pinned, day
    try:
        yield day
    finally:
        _pinned = before
