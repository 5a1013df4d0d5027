"""The consolidated periodic report: the commune-level ``period_report`` run over each imported commune's
snapshot, a row per commune and their sum.

Each commune's rows are copied out of the upper store into a private in-memory database built by the
commune's own migration ladder, so the report reads exactly the schema it reads at the commune: the totals
the upper level sees are, by construction, the ones each commune's own ``report period`` prints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date

from db.connection import upgrade
from desktop.books import Books
from desktop.errors import Refused
from desktop.reports.consolidation import CommuneLine, Consolidated, MergedLine
from desktop.reports.period import period_report, sum_rows
from desktop.sync import format as fmt
from desktop.sync import merged
from desktop.sync.upper import require_upper
from desktop.upper_store import SQLITE, UpperStore, upper_store

Progress = Callable[[int, int, str], None]

# What the period report reads of a commune: everything but the audit log and the print history, which no
# figure comes from and which are the largest parts of a snapshot (copying them was most of a report's time).
REPORT_TABLES = tuple(table for table in fmt.PART_COLUMNS if table not in ("audit_log", "receipt_print"))


def consolidate(books: Books, start: date, end: date, *, only: str | None = None,
                progress: Progress | None = None) -> Consolidated:
    """Run the period report over every imported commune (or only the commune coded ``only``)."""
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
    template = _template()
    lines = []
    try:
        for index, commune in enumerate(communes):
            conn = commune_database(books, commune["id"], template, tables=REPORT_TABLES)
            try:
                report = period_report(conn, start, end)
            finally:
                conn.close()
            lines.append(CommuneLine(commune["code"], commune["name"], commune["last_seq"], commune["last_as_of"],
                                     report))
            if progress:
                progress(index + 1, len(communes), commune["code"])
    finally:
        template.close()
    settings = books.settings()
    return Consolidated(start, end, settings.get("commune_code", ""), settings.get("commune_name", ""),
                        settings.get("province_name", ""), tuple(lines),
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
