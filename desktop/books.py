"""An open commune database: the connection, the data folder and the person acting.

Every service takes a ``Books`` first. Writes go through ``books.transaction()``: one user action, one
transaction, so a crash or a refusal half-way leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from db.connection import DAMAGE_ERRORS, is_damage, open_store, refusal_for, transaction
from desktop import clock
from desktop.catalogue import catalogue_outdated, refresh_catalogue
from desktop.errors import Refused
from desktop.paths import DataDir


def default_actor() -> str:
    try:
        return os.environ.get("VONXOAY_USER") or getpass.getuser()
    except (OSError, KeyError):
        return "không rõ"


@dataclass
class Books:
    conn: sqlite3.Connection
    data_dir: DataDir
    actor: str = field(default_factory=default_actor)

    @classmethod
    def open(cls, data_dir: DataDir, *, create: bool = False, actor: str | None = None) -> Books:
        conn = open_store(data_dir.database, create=create, backups_dir=data_dir.backups, now=clock.now())
        books = cls(conn, data_dir, actor or default_actor())
        try:
            if catalogue_outdated(conn):
                with books.transaction():
                    refresh_catalogue(conn)
        except DAMAGE_ERRORS as exc:  # the settings page itself may be damaged
            conn.close()
            if is_damage(exc):
                raise refusal_for(exc, data_dir.database) from exc
            raise
        except BaseException:
            conn.close()
            raise
        return books

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Books:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            with transaction(self.conn) as conn:
                yield conn
        except sqlite3.OperationalError as exc:
            raise refusal_for(exc, self.data_dir.database) from exc
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise refusal_for(exc, self.data_dir.database) from exc
            raise

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def settings(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT key, value FROM settings")}

    def require(self, sql: str, params: tuple, message: str) -> sqlite3.Row:
        """Fetch one row or refuse with ``message`` (an unknown code is bad input, not a crash)."""
        row = self.conn.execute(sql, params).fetchone()
        if row is None:
            raise Refused(message)
        return row
