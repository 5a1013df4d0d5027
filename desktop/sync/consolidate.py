"""The consolidated periodic report: each imported commune's period report, a row per commune and their sum.

The figures are computed where the upper store lives, by SQL over the ``upper_*`` tables
(``desktop.sync.upper_figures``): on PostgreSQL the server does the work, on SQLite the unit's own file.
Those queries are the commune's own, table for table, and a test holds them equal to each commune's
``period_report`` run over its snapshot (``commune_database``), so the totals the upper level sees are the
ones each commune's own ``report period`` prints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date

from db.connection import upgrade
from desktop.books import Books
from desktop.errors import Refused
from desktop.reports.consolidation import CommuneLine, Consolidated, MergedLine
from desktop.reports.period import sum_rows
from desktop.sync import format as fmt
from desktop.sync import merged
from desktop.sync.upper import require_upper
from desktop.sync.upper_figures import period_reports
from desktop.upper_store import SQLITE, UpperStore, upper_store

Progress = Callable[[int, int, str], None]

# What the period report reads of a commune: everything but the audit log and the print history, which no
# figure comes from and which are the largest parts of a snapshot.
REPORT_TABLES = tuple(table for table in fmt.PART_COLUMNS if table not in ("audit_log", "receipt_print"))


def consolidate(books: Books, start: date, end: date, *, only: str | None = None,
                progress: Progress | None = None) -> Consolidated:
    """The period report of every imported commune (or only the commune coded ``only``), computed in the
    store, in one snapshot of it."""
    require_upper(books)
    if start > end:
        raise Refused(f"Kỳ báo cáo không hợp lệ: từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}.")
    store = upper_store(books)
    with store.snapshot():
        return _consolidate(books, store, start, end, only, progress)


def _consolidate(books: Books, store: UpperStore, start: date, end: date, only: str | None,
                 progress: Progress | None) -> Consolidated:
    # An old commune merged into another is not counted: its rows travel in the new commune's package.
    communes = store.execute(
        f"SELECT id, code, name, last_seq, last_as_of FROM upper_commune c WHERE {merged.COUNTED} "
        "ORDER BY code").fetchall()
    gone = tuple(MergedLine(m["code"], m["name"], m["into_code"], m["into_name"], m["merged_at"])
                 for m in merged.merged_list(store))
    if only is not None:
        communes = [c for c in communes if c["code"] == only]
        went = next((m for m in gone if m.code == only), None)
        if went is not None:
            raise Refused(f"{went.name} ({only}) {went.note}: hãy xem xã {went.into_code}.")
        if not communes:
            raise Refused(f"Chưa nhập gói nào của xã có mã {only}.")
    reports = period_reports(store, start, end, [c["id"] for c in communes], progress=progress) if communes else {}
    lines = tuple(CommuneLine(c["code"], c["name"], int(c["last_seq"]), c["last_as_of"], reports[c["id"]])
                  for c in communes)
    settings = books.settings()
    return Consolidated(start, end, settings.get("commune_code", ""), settings.get("commune_name", ""),
                        settings.get("province_name", ""), lines,
                        sum_rows([line.report.totals for line in lines]),
                        sum(line.report.households_distinct for line in lines), gone if only is None else ())


def _template() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    upgrade(conn)
    return conn


def commune_database(books: Books, commune_id: int, template: sqlite3.Connection | None = None, *,
                     tables: tuple[str, ...] = tuple(fmt.PART_COLUMNS)) -> sqlite3.Connection:
    """A private in-memory database with the commune schema holding one commune's latest snapshot (the
    ``tables`` of it)."""
    own_template = template is None
    template = template or _template()
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        template.backup(conn)
        store = upper_store(books)
        if store.engine != SQLITE:
            _fill_from(store, conn, commune_id, tables)
            return conn
        conn.execute("ATTACH DATABASE ? AS up", (str(books.data_dir.database),))
        conn.execute("BEGIN")
        for table in tables:
            names = ", ".join(fmt.PART_COLUMNS[table])
            conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM up.upper_{table} "
                         "WHERE commune_id = ?", (commune_id,))
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE up")
    except BaseException:
        conn.close()
        raise
    finally:
        if own_template:
            template.close()
    return conn


def _fill_from(store: UpperStore, conn: sqlite3.Connection, commune_id: int, tables: tuple[str, ...]) -> None:
    """One commune's snapshot read from the server into the private database, table by table."""
    conn.execute("BEGIN")
    for table in tables:
        columns = fmt.PART_COLUMNS[table]
        names = ", ".join(columns)
        rows = store.execute(f"SELECT {names} FROM upper_{table} WHERE commune_id = ? ORDER BY "
                             f"{'key' if table == 'settings' else 'id'}", (commune_id,))
        conn.executemany(f"INSERT INTO main.{table} ({names}) VALUES ({', '.join('?' * len(columns))})",
                         (tuple(r) for r in rows))
    conn.execute("COMMIT")
