"""A demo commune for the drills, as it stood two years ago, so that most of what it lent is still owed."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

from desktop import clock
from desktop.books import Books
from desktop.paths import DataDir
from desktop.queries.fund import open_installments
from desktop.services.demo import make_demo

NOBODY = 65534
# The same unit as the demo commune and tests/conftest.py's COMMUNE.
INIT_ARGS = ["init", "--commune-code", "10507", "--commune-name", "Xã Đức Chính", "--upper-code", "290",
             "--upper-name", "Huyện Cẩm Giàng", "--province-code", "30", "--province-name", "Tỉnh Hải Dương",
             "--require-approval", "0"]


def books_digest(path: Path) -> str:
    """Every row of the database, hashed: tests/conftest.py's helper, importable from the drill modules
    (two conftest modules cannot both be imported by the name ``conftest``)."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def file_digest(path: Path) -> str:
    """The file's bytes, hashed: for "not one byte written" where row equality is not enough."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_commune(data_dir: DataDir, households: int = 40) -> DataDir:
    make_demo(data_dir, households=households, seed=11, as_of=clock.today() - timedelta(days=730))
    return data_dir


def owing_pair(books: Books, at_least: int = 1_000_000) -> tuple[str, str]:
    """(project code, household code) of a household that still owes at least ``at_least`` đồng."""
    rows = books.conn.execute(
        """SELECT DISTINCT p.id AS project_id, p.code AS project, h.id AS household_id, h.code AS household
           FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
           ORDER BY p.code, h.code""")
    for row in rows:
        owed = sum(i.outstanding for i in open_installments(books.conn, row["project_id"], row["household_id"]))
        if owed >= at_least:
            return row["project"], row["household"]
    raise AssertionError("the demo commune has no household owing enough")


def last_number(books: Books, year: int) -> int:
    sql = "SELECT coalesce(max(number), 0) FROM receipt WHERE book = '01' AND year = ?"
    return books.conn.execute(sql, (year,)).fetchone()[0]


class AsAnotherUser:
    """Run a block as an ordinary user, so that file permissions apply (root ignores them).

    Only the effective ids change, and they are restored on the way out; outside root this does nothing.
    """

    def __enter__(self):
        self.switched = hasattr(os, "geteuid") and os.geteuid() == 0
        if self.switched:
            os.setegid(NOBODY)
            os.seteuid(NOBODY)
        return self

    def __exit__(self, *exc):
        if self.switched:
            os.seteuid(0)
            os.setegid(0)
