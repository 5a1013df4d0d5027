"""Where the upper level keeps the communes' data: its own SQLite file (the default) or a PostgreSQL server.

The unit itself — its settings, its signing and encryption keys, its mode — always lives in the data folder's
SQLite file. The upper store (the ``upper_*`` tables: the key registry, the import log and every commune's
latest snapshot) lives beside them, or, when the unit was set up with ``init --mode upper --database
postgresql://…``, on the server named by the ``upper_database`` setting, where several officers import and
report at once.

Every reader and writer of the upper store goes through ``upper_store(books)``: the same SQL (``?``
placeholders) runs on either engine, a write is one transaction, and ``lock_commune`` serialises the imports
of one commune (on SQLite the write transaction already serialises every writer).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from db import postgres
from db.upper_schema import UPPER_TABLES
from desktop.books import Books
from desktop.errors import Refused

SETTING = "upper_database"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class UpperStore:
    engine: str

    def execute(self, sql: str, params: Sequence[Any] = ()):
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def lock_commune(self, code: str) -> None:
        """Inside a write transaction: wait until no other import of this commune is in progress."""

    def snapshot(self) -> contextlib.AbstractContextManager:
        """Reads inside see one state of the store, before or after any import running meanwhile."""
        return contextlib.nullcontext()

    def close(self) -> None:
        pass


class SqliteUpperStore(UpperStore):
    """The upper tables in the unit's own file (one writer at a time: ``BEGIN IMMEDIATE``)."""

    engine = SQLITE

    def __init__(self, books: Books):
        self.books = books

    def execute(self, sql: str, params: Sequence[Any] = ()):
        return self.books.conn.execute(sql, tuple(params))

    def transaction(self):
        return self.books.transaction()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        # A read transaction on a WAL file sees the last commit before it began, whatever commits meanwhile.
        conn = self.books.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")


class PostgresUpperStore(UpperStore):
    engine = POSTGRESQL

    def __init__(self, conn, url: str):
        self.conn, self.url = conn, url

    def execute(self, sql: str, params: Sequence[Any] = ()):
        return postgres.execute(self.conn, sql, params)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.conn.transaction():
            yield self.conn

    def lock_commune(self, code: str) -> None:
        # Held to the end of the transaction; communes hash apart, so different communes import side by side.
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"vonxoay-upper-commune:{code}",))

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        if self.conn.info.transaction_status != 0:  # already inside a transaction: it is the snapshot
            yield
            return
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    def close(self) -> None:
        self.conn.close()


def upper_store(books: Books) -> UpperStore:
    """The books' upper store, opened once per ``Books`` and closed with it."""
    store = books.__dict__.get("_upper_store")
    if store is None:
        url = books.setting(SETTING)
        if postgres.is_postgres_url(url):
            store = PostgresUpperStore(postgres.open_upper(url), url)
            books.on_close(store.close)
        else:
            store = SqliteUpperStore(books)
        books.__dict__["_upper_store"] = store
    return store


def engine_of(books: Books) -> str:
    return POSTGRESQL if postgres.is_postgres_url(books.setting(SETTING)) else SQLITE


def contents(store: UpperStore, tables: Sequence[str] = UPPER_TABLES) -> dict[str, list[tuple]]:
    """Every row of every upper table in key order: what a move between engines must keep equal."""
    out = {}
    for table in tables:
        columns = [r[0] for r in store.execute(f"SELECT * FROM {table} LIMIT 0").description]
        order = ", ".join(c for c in ("commune_id", "id", "key") if c in columns)
        out[table] = [tuple(r) for r in store.execute(f"SELECT * FROM {table} ORDER BY {order}")]
    return out


def prepare_postgres(url: str) -> None:
    """Before a unit is set up on a server: the store is reachable and made (or already there, for a second
    officer's computer joining the same store). Nothing is written in the data folder yet."""
    postgres.open_upper(url, create=True).close()


def record_database(books: Books, url: str) -> None:
    """Name the server in the unit's settings: every later command and the window open the store there."""
    with books.transaction() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (SETTING, url))
    books.__dict__.pop("_upper_store", None)


def require_postgres_url(url: str, mode: str) -> None:
    if mode != "upper":
        raise Refused("--database chỉ dùng khi khởi tạo cấp trên (--mode upper): sổ của xã luôn là tệp SQLite "
                      "trong thư mục dữ liệu.")
    if not postgres.is_postgres_url(url):
        raise Refused(f"Địa chỉ kho dữ liệu “{postgres.shown_url(url)}” không đúng dạng: cần "
                      "postgresql://người_dùng@máy_chủ:cổng/tên_cơ_sở_dữ_liệu.")

