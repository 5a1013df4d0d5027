"""Upgrades: a database from every released schema version opens, is upgraded, and keeps every row.

The fixtures (tests/fixtures/schema_vN.sqlite, see the README there) were made by the program of each
version and are never changed; each test works on a copy.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from drill_commune import books_digest, file_digest

from db.migrations import LATEST_VERSION
from desktop.books import Books
from desktop.paths import DataDir
from desktop.services.checks import check_books
from desktop.services.payments import PaymentInput, record_payment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VERSIONS = range(1, LATEST_VERSION + 1)


def rows_by_table(path: Path) -> dict[str, set[tuple]]:
    """Every row of every table, as the columns that table had in this file."""
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        result = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            result[table] = (columns, set(conn.execute(f"SELECT {', '.join(columns)} FROM {table}")))
        return result
    finally:
        conn.close()


@pytest.fixture(scope="module", autouse=True)
def upgrade_figures(drill_figures, module_failures):
    upgraded: list[int] = []
    yield upgraded
    drill_figures.append(f"upgrades: databases of schema {', '.join(f'v{v}' for v in upgraded)} opened at "
                         f"v{LATEST_VERSION} with every row intact, problems found: {module_failures()}")


def test_a_fixture_exists_for_every_released_schema_version():
    missing = [v for v in VERSIONS if not (FIXTURES / f"schema_v{v}.sqlite").is_file()]
    assert missing == [], "add a fixture made by that version (tests/fixtures/make_fixture.sh)"
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert all(f"schema_v{v}.sqlite" in readme for v in VERSIONS)


@pytest.mark.parametrize("version", VERSIONS)
def test_database_of_each_released_version_upgrades_with_every_row_intact(version, tmp_path, upgrade_figures):
    fixture = FIXTURES / f"schema_v{version}.sqlite"
    fixture_bytes = file_digest(fixture)
    data_dir = DataDir(tmp_path / "data")
    data_dir.root.mkdir()
    shutil.copyfile(fixture, data_dir.database)
    before = rows_by_table(data_dir.database)
    assert sqlite3.connect(fixture).execute("PRAGMA user_version").fetchone()[0] == version

    with Books.open(data_dir) as books:
        assert books.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert books.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check_books(books) == []
        after_conn = books.conn
        for table, (columns, rows) in before.items():
            now = {tuple(r) for r in after_conn.execute(f"SELECT {', '.join(columns)} FROM {table}")}
            if table in ("programme", "programme_component"):
                # The code lists are refreshed from resources/programmes.toml on opening: rows may be
                # added or reworded, never lost.
                assert {r[0] for r in rows} <= {r[0] for r in now}, table
                continue
            if table == "settings":  # the code lists' version follows that refresh too
                rows = {r for r in rows if r[0] != "catalogue_version"}
            assert rows <= now, f"{table}: rows lost or changed by the upgrade"

        # The upgraded books work: the next payment gets the next number of its book and year.
        last = books.conn.execute("SELECT max(number) FROM receipt WHERE book = '01' AND year = 2024").fetchone()[0]
        receipt = record_payment(books, PaymentInput("DA01", "H001", 1_000, date(2024, 12, 1))).to_json()["receipt"]
        assert receipt["number"] == (last or 0) + 1

    copies = sorted(data_dir.backups.glob(f"*truoc-nang-cap-v{version}-*.sqlite")) if data_dir.backups.exists() \
        else []
    if version < LATEST_VERSION:
        # The file as it was before the upgrade is kept aside, row for row.
        assert len(copies) == 1
        assert books_digest(copies[0]) == books_digest(fixture)
    else:
        assert copies == []
    assert file_digest(fixture) == fixture_bytes
    upgrade_figures.append(version)


@pytest.mark.parametrize("version", VERSIONS)
def test_each_fixture_holds_the_story_it_is_meant_to(version):
    """Guards the fixtures themselves: a payment, a void (v2 on), a re-lent support (v2 on), a print (v3 on),
    voucher, handover, decision and its correction, users, a lead and a report's text (v7 on)."""
    rows = rows_by_table(FIXTURES / f"schema_v{version}.sqlite")
    assert rows["receipt"][1] and rows["household"][1] and rows["installment"][1]
    if version >= 2:
        assert rows["fund_draw"][1]
        voided = rows["receipt"][0].index("voided_at")
        assert any(r[voided] for r in rows["receipt"][1])
    if version >= 3:
        assert rows["receipt_print"][1]
    if version >= 6:
        voided_on = rows["membership"][0].index("voided_on")
        assert any(r[voided_on] for r in rows["membership"][1])
        assert rows["period_lock"][1] and rows["setting_history"][1]
    if version >= 7:
        # Money going out with its documents, who decided it, and the new data of that version.
        for table in ("voucher", "voucher_print", "handover", "management_spend", "app_user", "approval_meeting",
                      "approval_decision", "approval_decision_household", "project_lead", "report_text",
                      "catalogue_version"):
            assert rows[table][1], table
        supersedes = rows["approval_decision"][0].index("supersedes_id")
        assert any(r[supersedes] for r in rows["approval_decision"][1])
