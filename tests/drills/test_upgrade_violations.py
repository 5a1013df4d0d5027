"""Upgrade of books that break rules schema 5 let through: every row survives, nothing is "repaired", and
``check`` names each broken rule.

tests/fixtures/schema_v5_violations.sqlite was made by the program at schema 5 through its own command line
(tests/fixtures/make_violations.sh, story in tests/fixtures/README.md): a back-dated re-lend that overdrew
the fund on its day, a project paying more budget support than approved, a project past the policy's cap,
a support to a household long past "newly escaped", a duplicated round-1 support, receipts out of date
order, and a receipt voided before voids had a date. Each test works on a copy.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from drill_commune import books_digest, file_digest

from db.migrations import LATEST_VERSION
from desktop.books import Books
from desktop.paths import DataDir
from desktop.queries.fund import first_negative_day
from desktop.services.checks import check_books

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v5_violations.sqlite"
# The day the story was told (VONXOAY_TODAY in make_violations.sh): the void was recorded on it.
STORY_TODAY = "2025-12-15"
KINDS = ("fund_overdrawn", "budget_exceeded", "cap_exceeded", "ineligible_support", "duplicate_support",
         "receipt_out_of_order")
# Refreshed from resources/programmes.toml on opening: rows may be added or reworded, never lost.
CODE_LISTS = ("programme", "programme_component")


def v5_tables(path: Path) -> dict[str, tuple[list[str], int, str]]:
    """Each table of the file: its columns, its row count and a digest of its rows (in a fixed order)."""
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: table_figures(conn, name, [r[1] for r in conn.execute(f"PRAGMA table_info({name})")])
                for name in names}
    finally:
        conn.close()


def table_figures(conn: sqlite3.Connection, table: str, columns: list[str]) -> tuple[list[str], int, str]:
    rows = [tuple(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")]
    if table == "settings":  # the code lists' version follows their refresh
        rows = [r for r in rows if r[0] != "catalogue_version"]
    digest = hashlib.sha256("\n".join(sorted(repr(r) for r in rows)).encode()).hexdigest()
    return columns, len(rows), digest


@pytest.fixture
def upgraded(data_dir) -> DataDir:
    """A copy of the fixture in the test's data folder (the one ``cli`` runs on), opened — and so upgraded —
    once by the current program."""
    data_dir.root.mkdir()
    shutil.copyfile(FIXTURE, data_dir.database)
    with Books.open(data_dir):
        pass
    return data_dir


def test_the_fixture_holds_every_violation_it_stands_for():
    """Guards the fixture itself, in SQL, whatever ``check`` says."""
    conn = sqlite3.connect(f"file:{FIXTURE.resolve()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        one = conn.execute
        # budget_exceeded: 17.000.000 đ approved, 22.000.000 đ of budget support paid.
        assert one("""SELECT p.budget_central + p.budget_local, sum(m.support_amount) FROM project p
                      JOIN membership m ON m.project_id = p.id AND m.source IN ('central', 'local')
                      WHERE p.code = 'DA03'""").fetchone() == (17_000_000, 22_000_000)
        # cap_exceeded: past the policy's 300.000.000 đ.
        assert one("""SELECT sum(m.support_amount) FROM membership m JOIN project p ON p.id = m.project_id
                      WHERE p.code = 'DA04' AND m.source IN ('central', 'local')""").fetchone()[0] > 300_000_000
        # ineligible_support: the "escaped" amount, 69 months after escaping poverty.
        assert one("""SELECT c.effective_on, m.supported_on, m.support_amount FROM membership m
                      JOIN household h ON h.id = m.household_id
                      JOIN household_category c ON c.household_id = h.id AND c.category = 'escaped'
                      WHERE h.code = 'H005' AND m.category_at_entry = 'escaped'""").fetchone() \
            == ("2018-01-01", "2023-10-01", 5_000_000)
        # duplicate_support: two round-1 budget supports to one household in one project.
        assert one("""SELECT count(*) FROM membership m JOIN household h ON h.id = m.household_id
                      WHERE h.code = 'H006' AND m.round = 1 AND m.source = 'central'""").fetchone()[0] == 2
        # receipt_out_of_order: No. 5 dated before No. 4 in book 01 of 2024.
        assert one("SELECT number, issued_on FROM receipt WHERE book = '01' AND year = 2024 AND number IN (4, 5) "
                   "ORDER BY number").fetchall() == [(4, "2024-07-15"), (5, "2024-03-18")]
        # A void from before voids had a date.
        assert one("SELECT voided_at FROM receipt WHERE voided_at IS NOT NULL").fetchall() != []
    finally:
        conn.close()


def test_opens_at_the_latest_schema_with_every_v5_row_intact(upgraded):
    fixture_bytes = file_digest(FIXTURE)
    before = v5_tables(FIXTURE)
    with Books.open(upgraded) as books:
        conn = books.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table, (columns, count, digest) in before.items():
            if table in CODE_LISTS:
                kept = {r[0] for r in conn.execute(f"SELECT {columns[0]} FROM {table}")}
                was = sqlite3.connect(f"file:{FIXTURE.resolve()}?mode=ro", uri=True)
                assert {r[0] for r in was.execute(f"SELECT {columns[0]} FROM {table}")} <= kept, table
                was.close()
                continue
            assert table_figures(conn, table, columns) == (columns, count, digest), \
                f"{table}: rows lost or changed by the upgrade"
        # The void recorded by schema 5 (a time, no date) takes effect on the day it was recorded.
        voided = conn.execute("SELECT book, year, number, issued_on, voided_at, voided_on FROM receipt "
                              "WHERE voided_at IS NOT NULL").fetchall()
        assert [tuple(r) for r in voided] == [("01", 2023, 2, "2023-03-15", voided[0]["voided_at"], STORY_TODAY)]
        assert voided[0]["voided_at"].startswith(STORY_TODAY)
        # The back-dated re-lend's overdraft is still in the books, as it was: nothing is "repaired".
        da02 = conn.execute("SELECT id FROM project WHERE code = 'DA02'").fetchone()[0]
        assert first_negative_day(conn, da02) == (date(2024, 6, 1), -1_667_000)
    assert file_digest(FIXTURE) == fixture_bytes


def test_check_changes_nothing(upgraded, cli):
    before = books_digest(upgraded.database)
    with Books.open(upgraded) as books:
        problems = check_books(books)
    result = cli("--json", "check")
    assert result.json["problems"] == problems, result.stderr
    assert books_digest(upgraded.database) == before


def test_check_names_each_kind_of_violation(upgraded):
    with Books.open(upgraded) as books:
        problems = check_books(books)
    found = {p.get("kind") for p in problems}
    assert [kind for kind in KINDS if kind not in found] == [], problems
