"""Hamlets (thôn, ấp, bản, khóm): where households live and how due lists are grouped."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from typing import ClassVar

from desktop import audit
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.text import fold, nfc
from desktop.validation import HAMLET_MAX, check_text


@dataclass(frozen=True)
class HamletAdded(Outcome):
    id: int
    uuid: str
    name: str

    changes: ClassVar[Changes] = Changes.HAMLETS


def add_hamlet(books: Books, name: str) -> HamletAdded:
    name = check_text(name, "Tên thôn", max_length=HAMLET_MAX)
    if not name:
        raise Refused("Tên thôn không được để trống.")
    if find_hamlet(books.conn, name) is not None:
        raise Refused(f"Thôn “{name}” đã có.")
    row = {"uuid": str(uuid.uuid4()), "name": name, "name_key": fold(name), "created_at": audit.now_iso()}
    with books.transaction() as conn:
        cursor = conn.execute("INSERT INTO hamlet (uuid, name, name_key, created_at) VALUES (?, ?, ?, ?)",
                              (row["uuid"], row["name"], row["name_key"], row["created_at"]))
        audit.record(conn, books.actor, "hamlet", row["uuid"], "create", None, row)
    return HamletAdded(cursor.lastrowid, row["uuid"], name)


def find_hamlet(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """Match ignoring case and diacritics: “thon 1” finds “Thôn 1”."""
    return conn.execute("SELECT id, uuid, name FROM hamlet WHERE name_key = ?", (fold(name),)).fetchone()


def require_hamlet(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    row = find_hamlet(conn, name)
    if row is None:
        known = [r[0] for r in conn.execute("SELECT name FROM hamlet ORDER BY name COLLATE vi LIMIT 12")]
        hint = f" Các thôn đã có: {', '.join(known)}." if known else " Chưa có thôn nào: hãy thêm thôn trước."
        raise Refused(f"Không có thôn “{nfc(name)}”.{hint}")
    return row


def list_hamlets(books: Books) -> list[dict]:
    rows = books.conn.execute(
        """SELECT h.name, h.uuid, count(hh.id) AS households
           FROM hamlet h LEFT JOIN household hh ON hh.hamlet_id = h.id
           GROUP BY h.id ORDER BY h.name COLLATE vi"""
    )
    return [dict(r) for r in rows]
