"""The setting ``two_person_voids`` and the guard every void passes first (the requests themselves live in
``void_requests``, which calls the voids; this module calls nothing, so the voids can ask it)."""

from __future__ import annotations

import sqlite3

from desktop.books import Books
from desktop.errors import Refused


def two_person_voids(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM settings WHERE key = 'two_person_voids'").fetchone()
    return row is not None and row[0] == "1"


def require_single_person_void(books: Books) -> None:
    """Called first by ``void_receipt`` and ``void_support``: under two-person voids only a confirmation may
    void (its books carry ``confirming_request``); anything else is told to make a request."""
    if getattr(books, "confirming_request", None) is None and two_person_voids(books.conn):
        raise Refused("Sổ này cần hai người để hủy (cài đặt two_person_voids): lệnh hủy tạo một yêu cầu, và "
                      "kế toán hoặc chủ tịch (người khác) xác nhận bằng “void confirm SỐ_YÊU_CẦU”.")
