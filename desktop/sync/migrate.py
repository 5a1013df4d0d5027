"""Moving up: an upper level's SQLite store copied onto a PostgreSQL server, proven equal, then used.

Every upper table is copied with its ids (COPY, parents first) in one transaction on the server, and before
that transaction commits the copy is compared with the original: every table's rows, value for value, and the
consolidated report over every commune from the first day to today. Only an equal copy is committed and
named in the unit's settings; the SQLite store stays in the data folder as it was (nothing is deleted), a
copy to go back to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from db import postgres
from db.upper_schema import UPPER_TABLES
from desktop import clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.sync.consolidate import consolidate
from desktop.sync.upper import require_upper
from desktop.upper_store import POSTGRESQL, PostgresUpperStore, contents, engine_of, record_database, upper_store

BEGINNING = date(1900, 1, 1)


@dataclass(frozen=True)
class StoreMoved(Outcome):
    changes: ClassVar[Changes] = Changes.UPPER
    tables: dict[str, int]  # rows of each upper table, the same on both sides
    equal: bool
    communes: int


def migrate_to_postgres(books: Books, url: str) -> StoreMoved:
    require_upper(books)
    if engine_of(books) == POSTGRESQL:
        raise Refused("Kho dữ liệu các xã của đơn vị này đã ở trên máy chủ PostgreSQL; không cần chuyển nữa.")
    if not postgres.is_postgres_url(url):
        raise Refused(f"Địa chỉ “{postgres.shown_url(url)}” không đúng dạng: cần postgresql://người_dùng@máy_chủ:"
                      "cổng/tên_cơ_sở_dữ_liệu.")
    source = upper_store(books)
    target = PostgresUpperStore(postgres.open_upper(url, create=True), url)
    try:
        held = target.execute("SELECT count(*) FROM upper_commune").fetchone()[0]
        if held:
            raise Refused(f"Kho dữ liệu ở {postgres.shown_url(url)} đã có {held} xã. Chỉ chuyển vào một kho còn "
                          "trống, để không trộn số liệu của hai nơi; hãy dùng một cơ sở dữ liệu mới.")
        with source.snapshot():
            original = contents(source)
            end = clock.today()
            figures = consolidate(books, BEGINNING, end)
            with target.transaction():
                _copy(target, original)
                copied = contents(target)
                books.__dict__["_upper_store"] = target  # the report below reads the copy, on the server
                try:
                    moved_figures = consolidate(books, BEGINNING, end)
                finally:
                    books.__dict__["_upper_store"] = source
                equal = copied == original and moved_figures == figures
                if not equal:
                    differing = [t for t in UPPER_TABLES if copied[t] != original[t]]
                    raise Refused("Bản chép trên máy chủ không khớp với dữ liệu gốc (bảng: "
                                  f"{', '.join(differing) or 'số liệu tổng hợp'}); không có gì được ghi. Hãy báo "
                                  "cho bộ phận hỗ trợ kèm tệp nhật ký.")
    finally:
        target.close()
    record_database(books, url)
    return StoreMoved({table: len(rows) for table, rows in original.items()}, True, len(original["upper_commune"]))


def _copy(target: PostgresUpperStore, rows: dict[str, list[tuple]]) -> None:
    cursor = target.conn.cursor()
    for table in UPPER_TABLES:
        columns = [c.name for c in cursor.execute(f"SELECT * FROM {table} LIMIT 0").description]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows[table]:
                copy.write_row(row)
    # Ids were copied as they were: the next commune, key or import continues after the highest.
    for table in ("upper_commune", "upper_commune_key", "upper_import", "upper_merged_commune"):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
