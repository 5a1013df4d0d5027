"""Dates as the clerk writes them (dd/mm/yyyy) and as the books store them (ISO yyyy-mm-dd)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from desktop.errors import Refused

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(text: str | date, *, field: str = "Ngày") -> date:
    """Accept ``YYYY-MM-DD`` or ``dd/mm/yyyy``; refuse impossible dates like 31/02/2026."""
    if isinstance(text, date):
        return text
    raw = (text or "").strip()
    if match := _ISO.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _VN.match(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise Refused(f"{field} không hợp lệ: “{raw}”. Hãy viết theo dạng dd/mm/yyyy (ví dụ 22/11/2026).")
    try:
        return date(year, month, day)
    except ValueError:
        raise Refused(f"{field} không tồn tại: “{raw}”.") from None


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
