"""The narrative sections the clerk writes for a periodic report (results, difficulties, proposals), kept
per period with the report: each save is a new row, the latest for a section is the text in force."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop.audit import now_iso
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.services.period_lock import locked_to
from desktop.text import nfc

# The sections the formal report prints, in order, with the heading each prints under. A province's own
# template may name fewer or other headings, but its sections come from this list.
SECTIONS: dict[str, str] = {
    "results": "Kết quả thực hiện",
    "difficulties": "Khó khăn, vướng mắc",
    "proposals": "Đề xuất, kiến nghị",
}
MAX_CHARS = 20_000


@dataclass(frozen=True)
class ReportTextSaved(Outcome):
    period_start: date
    period_end: date
    section: str
    characters: int

    changes: ClassVar[Changes] = Changes.SETTINGS  # what documents print, as the settings are


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise Refused(f"Kỳ báo cáo không hợp lệ: từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}. "
                      "Ngày đầu kỳ phải không sau ngày cuối kỳ.")


def save_report_text(books: Books, start: date, end: date, section: str, text: str) -> ReportTextSaved:
    """Keep ``text`` as the section's text for the period. Refused for an unknown section, an empty or overlong
    text, or a period inside the locked books (that report was sent as it was)."""
    _check_period(start, end)
    if section not in SECTIONS:
        known = ", ".join(f"{key} ({label})" for key, label in SECTIONS.items())
        raise Refused(f"Không có mục “{section}” trong báo cáo. Các mục: {known}.")
    text = nfc(text).strip()
    if len(text) > MAX_CHARS:
        raise Refused(f"Nội dung mục “{SECTIONS[section]}” dài {format_vnd(len(text))} ký tự, quá giới hạn "
                      f"{format_vnd(MAX_CHARS)} ký tự. Hãy viết gọn lại hoặc đưa phần chi tiết vào phụ lục.")
    closed = locked_to(books.conn)
    if closed is not None and end <= closed:
        raise Refused(f"Kỳ báo cáo đến ngày {end:%d/%m/%Y} nằm trong kỳ đã khóa sổ (đến hết ngày "
                      f"{closed:%d/%m/%Y}): báo cáo kỳ đó đã gửi với nội dung đã lưu. Muốn sửa, hãy mở khóa sổ "
                      "(có ghi lý do) trước.")
    with books.transaction() as conn:
        conn.execute("INSERT INTO report_text (period_start, period_end, section, text, saved_at, saved_by) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     (start.isoformat(), end.isoformat(), section, text, now_iso(), books.actor))
    return ReportTextSaved(start, end, section, len(text))


def report_texts(conn: sqlite3.Connection, start: date, end: date) -> dict[str, str]:
    """The texts in force for the period, by section (a section never written is absent). Books made before
    the table existed have none."""
    try:
        rows = conn.execute(
            """SELECT section, text FROM report_text t
               WHERE period_start = ? AND period_end = ?
                 AND id = (SELECT max(id) FROM report_text u WHERE u.period_start = t.period_start
                           AND u.period_end = t.period_end AND u.section = t.section)""",
            (start.isoformat(), end.isoformat())).fetchall()
    except sqlite3.OperationalError:
        return {}
    return {section: text for section, text in rows if text}
