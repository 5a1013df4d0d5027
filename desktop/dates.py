"""Dates as the clerk writes them (dd/mm/yyyy) and as the books store them (ISO yyyy-mm-dd)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from desktop.errors import Refused

# ASCII digits only (``\d`` would also take Arabic-Indic or superscript digits), and whole strings only.
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_VN = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")


def parse_date(text: str | date, *, field: str = "Ngày") -> date:
    """Accept ``YYYY-MM-DD`` or ``dd/mm/yyyy``; refuse impossible dates like 31/02/2026 or 2026-13-01.

    Every date the clerk types or a file brings in goes through here: SQLite's ``date('2026-02-30')`` hands
    the text back unchanged, so the schema's CHECKs alone would let it in.
    """
    if isinstance(text, datetime):
        return text.date()  # a moment is not a day: never store its time by accident
    if isinstance(text, date):
        return text
    raw = str(text or "").strip()
    if match := _ISO.fullmatch(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _VN.fullmatch(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise Refused(f"{field} không hợp lệ: “{raw}”. Hãy viết theo dạng dd/mm/yyyy (ví dụ 22/11/2026).")
    try:
        return date(year, month, day)
    except ValueError:
        raise Refused(f"{field} không tồn tại: “{raw}” ({_why_not(year, month, day)}).") from None


def _why_not(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return f"không có tháng {month}"
    if year < 1:
        return f"không có năm {year}"
    if day < 1:
        return f"không có ngày {day}"
    return f"tháng {month} năm {year} chỉ có {calendar.monthrange(year, month)[1]} ngày"


def format_date(value: date | str | None) -> str:
    """dd/mm/yyyy, the way every Vietnamese form writes a date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later; a day the target month lacks (29/02, 31/…) becomes its last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (negative if end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and end != add_months(start, months):
        months -= 1
    return months
