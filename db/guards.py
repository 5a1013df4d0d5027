"""The triggers that guard the books (and the tables they guard), as the migration ladder makes them, and what
a file lacks of them.

The rules "a receipt is never edited", "nothing financial is deleted", "a decision is frozen" live in SQLite
triggers. A file edited outside the program (a DB browser, a script) can drop or rewrite a trigger and then
change a receipt; SQLite's own checks see nothing wrong with such a file. So the triggers a file carries are
compared with the ones the ladder makes for its schema version: one missing, rewritten or added is tampering.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from db.connection import upgrade


def _normal(sql: str) -> str:
    return " ".join(sql.split())


@cache
def _ladder(version: int) -> tuple[dict[str, str], frozenset[str]]:
    """(trigger name → its SQL, whitespace folded; the table names) of a fresh database climbed to ``version``."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        upgrade(conn, to_version=version)
        triggers = {name: _normal(sql) for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")}
        tables = frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'"))
        return triggers, tables
    finally:
        conn.close()


def expected_triggers(version: int) -> dict[str, str]:
    return _ladder(version)[0]


def trigger_tampering(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with the file's triggers, each as a short Vietnamese phrase; [] when they are the ladder's."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < 1:
        return []
    expected, tables = _ladder(version)
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    problems = [f"thiếu bảng {name}" for name in sorted(tables - present)]
    found = {name: _normal(sql or "") for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")}
    problems += [f"thiếu trigger {name}" for name in sorted(set(expected) - set(found))]
    problems += [f"trigger {name} đã bị sửa" for name in sorted(set(expected) & set(found))
                 if expected[name] != found[name]]
    problems += [f"trigger lạ {name}" for name in sorted(set(found) - set(expected))]
    return problems
