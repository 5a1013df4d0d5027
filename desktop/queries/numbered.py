"""Documents numbered per book and year (receipts, phiếu chi): the next number, and finding one by its number.

Both tables have ``book``, ``year`` and ``number`` with one row per number; the callers word their own messages.
"""

from __future__ import annotations

import sqlite3

NUMBERED = frozenset({"receipt", "voucher"})


def next_number(conn: sqlite3.Connection, table: str, book: str, year: int) -> int:
    assert table in NUMBERED
    return conn.execute(f"SELECT coalesce(max(number), 0) + 1 FROM {table} WHERE book = ? AND year = ?",
                        (book, year)).fetchone()[0]


def rows_numbered(conn: sqlite3.Connection, table: str, book: str, number: int,
                  year: int | None = None) -> list[sqlite3.Row]:
    """Every row of ``book`` with ``number`` (one per year unless ``year`` is given), latest year first."""
    assert table in NUMBERED
    sql, params = f"SELECT * FROM {table} WHERE book = ? AND number = ?", [book, number]
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    return conn.execute(sql + " ORDER BY year DESC", params).fetchall()
