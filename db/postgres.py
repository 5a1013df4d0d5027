"""Opening the upper store on a PostgreSQL server: recognise it, refuse what is not ours, climb its ladder.

psycopg is imported only here and only when a PostgreSQL store is opened, so a commune (or an upper level on
SQLite) never needs it. Connections run in autocommit; a write is one explicit transaction
(``conn.transaction()``), as on SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from db.errors import Refused
from db.upper_schema import LATEST_VERSION, MARKER, STEPS, VERSION_TABLE

SCHEMES = ("postgresql://", "postgres://")

try:
    import psycopg

    # The server went away or refused to go on: no package is to blame for that.
    SERVER_FAILURES: tuple[type[BaseException], ...] = (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # pragma: no cover
    SERVER_FAILURES = ()


def lost(exc: BaseException) -> Refused:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Refused(f"Mất kết nối với máy chủ PostgreSQL của kho dữ liệu cấp trên ({first}). Gói đang nhập dở "
                   "không được ghi; các gói đã nhập trước đó vẫn còn. Hãy kiểm tra mạng và máy chủ rồi nhập lại.")


def is_postgres_url(text: str | None) -> bool:
    return bool(text) and text.startswith(SCHEMES)


def shown_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class Row(tuple):
    """A result row read by position or by column name, like ``sqlite3.Row`` (and ``dict(row)`` works)."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"No item with that key: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor):
    names = tuple(column.name for column in cursor.description or ())
    kind = type("Row", (Row,), {"_names": names, "__slots__": ()})
    return lambda values: kind(values)


def translate(sql: str) -> str:
    """SQLite's ``?`` placeholders in psycopg's words (a literal ``%`` is doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


def connect(url: str):
    """A connection to the server, or a refusal saying what to check."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency; a broken install says so
        raise Refused("Thiếu thư viện psycopg để kết nối PostgreSQL; hãy cài lại chương trình.") from exc
    try:
        return psycopg.connect(url, autocommit=True, row_factory=_row_factory, connect_timeout=10,
                               application_name="vonxoay")
    except psycopg.Error as exc:
        raise Refused(f"Không kết nối được cơ sở dữ liệu PostgreSQL {shown_url(url)}: "
                      f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}. "
                      "Hãy kiểm tra máy chủ, tên cơ sở dữ liệu, người dùng và mật khẩu "
                      "(nên đặt mật khẩu trong tệp .pgpass thay vì trong địa chỉ).") from exc


def schema_version(conn) -> int | None:
    """The store's version; None for an empty database; refuses another program's database."""
    tables = {r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    if VERSION_TABLE not in tables:
        if tables:
            raise Refused("Cơ sở dữ liệu PostgreSQL này đã có bảng của chương trình khác, không phải kho dữ liệu "
                          "cấp trên của VốnXoay. Chương trình không ghi gì lên nó; hãy dùng một cơ sở dữ liệu "
                          "riêng (CREATE DATABASE vonxoay).")
        return None
    row = conn.execute(f"SELECT marker, version FROM {VERSION_TABLE}").fetchone()
    if row is None or row[0] != MARKER:
        raise Refused("Cơ sở dữ liệu PostgreSQL này không phải kho dữ liệu cấp trên của VốnXoay.")
    return int(row[1])


def open_upper(url: str, *, create: bool = False):
    """Connect and bring the store to the latest version (creating it in an empty database with ``create``)."""
    conn = connect(url)
    try:
        version = schema_version(conn)
        if version is None and not create:
            raise Refused(f"Cơ sở dữ liệu {shown_url(url)} chưa có kho dữ liệu cấp trên. Hãy khởi tạo bằng "
                          "init --mode upper --database … hoặc chuyển dữ liệu lên bằng upper migrate --to ….")
        if version is not None and version > LATEST_VERSION:
            raise Refused(f"Kho dữ liệu ở {shown_url(url)} do phiên bản VốnXoay mới hơn tạo ra (lược đồ {version}, "
                          f"phiên bản này chỉ hiểu đến {LATEST_VERSION}). Hãy cập nhật chương trình.")
        upgrade(conn)
        return conn
    except BaseException:
        conn.close()
        raise


def upgrade(conn) -> None:
    """One step per transaction; the version row is locked so two programs never climb at once."""
    with conn.transaction():
        conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (marker text NOT NULL, version integer NOT NULL)")
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('vonxoay-upper-schema'))")
        if conn.execute(f"SELECT 1 FROM {VERSION_TABLE}").fetchone() is None:
            conn.execute(f"INSERT INTO {VERSION_TABLE} VALUES (%s, 0)", (MARKER,))
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('vonxoay-upper-schema'))")
            current = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()[0]
            if current >= LATEST_VERSION:
                return
            for statement in STEPS[current]:
                conn.execute(statement)
            conn.execute(f"UPDATE {VERSION_TABLE} SET version = %s", (current + 1,))


def execute(conn, sql: str, params: Sequence[Any] = ()):
    return conn.execute(translate(sql), tuple(params))
