"""The commune's own books: the demo build, search, the due/overdue list and recording payments."""

from __future__ import annotations

import sqlite3
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from desktop import clock
from desktop.books import Books
from desktop.paths import DataDir
from desktop.services import payments, schedules
from desktop.services.demo import make_demo
from desktop.services.households import HouseholdQuery, list_households
from tests.perf.common import AS_OF, report, timed


def bench_demo(root: Path, households: int) -> DataDir:
    data_dir = DataDir(root / "demo")
    figure = timed(lambda: make_demo(data_dir, households=households, seed=1, as_of=AS_OF))
    # Floor: the very rows the demo wrote (every table), inserted with raw executemany into an empty copy of
    # the same schema (same indexes and constraints), in one transaction, as the demo does.
    with Books.open(data_dir) as books:
        schema = [sql for (sql,) in books.conn.execute(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        tables = [name for (name,) in books.conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        rows = {t: books.conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    floor_db = sqlite3.connect(root / "floor-demo.sqlite", isolation_level=None)
    floor_db.execute("PRAGMA journal_mode = WAL")
    floor_db.execute("PRAGMA synchronous = FULL")
    for sql in schema:
        floor_db.execute(sql)

    def raw():
        floor_db.execute("BEGIN")
        for table in tables:
            if rows[table]:
                floor_db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[table][0]))})",
                                     rows[table])
        floor_db.execute("COMMIT")

    total = sum(len(r) for r in rows.values())
    report(f"`demo --households {households:,}` ({total:,} rows, all tables)", figure, timed(raw),
           floor_name="raw executemany of the same rows")
    floor_db.close()
    return data_dir


def bench_search(data_dir: DataDir) -> None:
    with Books.open(data_dir) as books:
        target = books.conn.execute("SELECT head_name FROM household ORDER BY id LIMIT 1 OFFSET "
                                    "(SELECT count(*) * 7 / 100 FROM household)").fetchone()[0]
        from desktop.text import fold

        folded = fold(target)
        found = []
        figure = timed(lambda: found.append(list_households(books, HouseholdQuery(search=folded))), repeat=5)
        floor = timed(lambda: books.conn.execute(
            "SELECT id FROM household WHERE search_key LIKE ?", (f"%{folded}%",)).fetchall(), repeat=5)
    report(f"search “{folded}” ({len(found[-1])} found)", figure, floor, floor_name="bare LIKE scan")


def bench_search_cli(data_dir: DataDir) -> None:
    """What the clerk's script sees: a whole ``vonxoay-cli household list --search`` process, against a
    bare Python process running the same LIKE query with the sqlite3 module."""
    import subprocess

    with Books.open(data_dir) as books:
        name = books.conn.execute("SELECT head_name FROM household ORDER BY id LIMIT 1 OFFSET "
                                  "(SELECT count(*) * 42 / 100 FROM household)").fetchone()[0]
    from desktop.text import fold

    folded = fold(name)
    command = [sys.executable, "-m", "desktop", "--data-dir", str(data_dir.root), "household", "list",
               "--search", folded, "--json"]
    bare = [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "print(len(c.execute('SELECT * FROM household WHERE search_key LIKE ?', ('%' + sys.argv[2] + '%',))"
            ".fetchall()))", str(data_dir.database), folded]
    root = Path(__file__).resolve().parents[2]
    figure = timed(lambda: subprocess.run(command, check=True, capture_output=True, cwd=root), repeat=3)
    floor = timed(lambda: subprocess.run(bare, check=True, capture_output=True), repeat=3)
    report(f"`household list --search “{folded}” --json` as a process", figure, floor,
           floor_name="bare python + sqlite3 process")


def bench_due(data_dir: DataDir) -> None:
    with Books.open(data_dir) as books:
        result = []
        figure = timed(lambda: result.append(schedules.due_list(books, AS_OF)), repeat=3)
        horizon = date.fromordinal(AS_OF.toordinal() + 30).isoformat()
        # Floor: the same installments (overdue or due within 30 days, money outstanding as of the date)
        # from one raw aggregate query, without the names, hamlets, aging or sorting the report adds.
        floor = timed(lambda: books.conn.execute(
            """WITH paid AS (SELECT a.installment_id, sum(a.amount) AS paid FROM allocation a
                             JOIN receipt r ON r.id = a.receipt_id
                             WHERE r.voided_at IS NULL AND r.issued_on <= ? GROUP BY a.installment_id)
               SELECT i.id, i.due_on, i.amount - coalesce(p.paid, 0) FROM installment i
               LEFT JOIN paid p ON p.installment_id = i.id
               WHERE i.due_on <= ? AND i.amount > coalesce(p.paid, 0)""",
            (AS_OF.isoformat(), horizon)).fetchall(), repeat=3)
    report(f"due/overdue list as of {AS_OF:%d/%m/%Y} ({len(result[-1]['rows']):,} rows)", figure, floor,
           floor_name="raw aggregate query")


def bench_payments(data_dir: DataDir, count: int) -> None:
    """``count`` payments of 1 000 đ through the service (one transaction each, as the clerk records
    them), against raw inserts of the same receipt and allocation rows, one transaction each."""
    with Books.open(data_dir) as books:
        debtors = books.conn.execute(
            """SELECT p.code, h.code, sum(i.amount) - coalesce(sum(paid.amount), 0) AS owed
               FROM installment i JOIN membership m ON m.id = i.membership_id
               JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
               LEFT JOIN (SELECT a.installment_id, sum(a.amount) AS amount FROM allocation a
                          JOIN receipt r ON r.id = a.receipt_id AND r.voided_at IS NULL
                          GROUP BY a.installment_id) paid ON paid.installment_id = i.id
               GROUP BY m.project_id, m.household_id HAVING owed >= 1000""").fetchall()
        # Spread the payments over every debtor, never more than one owes.
        capacity = {(p, h): owed // 1000 for p, h, owed in debtors}
        plan = []
        while len(plan) < count and capacity:
            for key in list(capacity):
                if len(plan) == count:
                    break
                plan.append(key)
                capacity[key] -= 1
                if capacity[key] == 0:
                    del capacity[key]
        today = clock.today()
        start = time.perf_counter()
        for project, household in plan:
            payments.record_payment(books, payments.PaymentInput(project, household, 1000, today, book="BM"))
        figure = time.perf_counter() - start
        receipts = books.conn.execute(
            """SELECT r.*, a.installment_id, a.amount AS allocated FROM receipt r
               JOIN allocation a ON a.receipt_id = r.id WHERE r.book = 'BM' ORDER BY r.id""").fetchall()
        conn = books.conn
        start = time.perf_counter()
        for row in receipts:
            conn.execute("BEGIN IMMEDIATE")
            rid = conn.execute(
                """INSERT INTO receipt (uuid, book, year, number, issued_on, project_id, household_id, amount,
                   method, in_kind, payer, reason, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (str(uuid.uuid4()), "FL", row["year"], row["number"], row["issued_on"], row["project_id"],
                 row["household_id"], row["amount"], row["method"], row["in_kind"], row["payer"], row["reason"],
                 row["created_at"], row["created_by"])).lastrowid
            conn.execute("INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES (?,?,?,?)",
                         (str(uuid.uuid4()), rid, row["installment_id"], row["allocated"]))
            conn.execute("COMMIT")
        floor = time.perf_counter() - start
    count = len(plan)
    per = figure / count * 1e6
    report(f"{count:,} payments through the service ({per:.0f} µs each)", figure, floor,
           floor_name="raw INSERTs, one transaction each")
