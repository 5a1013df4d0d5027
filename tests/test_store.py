"""The store: opening and creating the books, refusing what is not ours (untouched), the migration ladder,
and the database's own refusal to delete or edit money rows."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import db.connection as connection
from db.connection import APPLICATION_ID, open_store, schema_version, upgrade
from db.migrations import LATEST_VERSION
from desktop.books import Books
from desktop.errors import Refused
from desktop.paths import DataDir
from desktop.services import checks, payments, schedules, support

FIXTURES = Path(__file__).parent / "fixtures"
V1_TABLES = ("settings", "signing_key", "hamlet", "household", "household_category", "programme",
             "programme_component", "project", "membership", "installment", "receipt", "allocation", "audit_log")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]


# -- open and create ---------------------------------------------------------------------------------

def test_create_makes_a_latest_schema_database_marked_as_ours(tmp_path):
    path = tmp_path / "new" / "vonxoay.sqlite"
    conn = open_store(path, create=True)
    try:
        assert schema_version(conn) == LATEST_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        assert {"household", "receipt", "allocation", "fund_draw", "fund_transfer", "receipt_print"} <= tables
    finally:
        conn.close()
    # A fresh database has nothing to back up before "upgrading" from nothing.
    assert not (path.parent / "backups").exists()


def test_open_without_create_refuses_a_missing_database(tmp_path):
    with pytest.raises(Refused, match="Chưa có dữ liệu"):
        open_store(tmp_path / "vonxoay.sqlite")
    assert not (tmp_path / "vonxoay.sqlite").exists()


def test_wal_foreign_keys_and_full_sync_are_on(books):
    conn = books.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute("INSERT INTO household_category (uuid, household_id, category, effective_on, created_at) "
                     "VALUES ('x', 999, 'poor', '2024-01-01', 'now')")


def test_a_second_open_of_the_same_books_works_and_sees_committed_rows(books, data_dir):
    with Books.open(data_dir) as second:
        names = [r[0] for r in second.conn.execute("SELECT name FROM hamlet ORDER BY name")]
    assert sorted(names) == sorted(["Thôn Đông", "Thôn Tây"])


# -- files that are not ours are refused and left byte for byte --------------------------------------

def _newer(path: Path) -> None:
    conn = open_store(path, create=True)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _not_sqlite(path: Path) -> None:
    path.write_bytes("Sổ vốn luân chuyển — bảng tính cũ, không phải SQLite.\n".encode() * 200)


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT, artist TEXT)")
    conn.execute("INSERT INTO songs VALUES ('Quê hương', 'Giáp Văn Thạch')")
    conn.commit()
    conn.close()


def _other_program_with_a_version(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def _truncated_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)


@pytest.mark.parametrize(("make", "message"), [
    (_newer, "phiên bản VốnXoay mới hơn"),
    (_not_sqlite, "không phải cơ sở dữ liệu VốnXoay"),
    (_other_program, "chương trình khác"),
    (_other_program_with_a_version, "chương trình khác"),
    (_truncated_header, "hỏng"),
], ids=["newer-schema", "not-sqlite", "other-program", "other-program-versioned", "truncated"])
def test_foreign_or_newer_files_are_refused_untouched(tmp_path, make, message):
    data_dir = DataDir(tmp_path / "data")
    data_dir.root.mkdir()
    make(data_dir.database)
    before = file_digest(data_dir.database)
    with pytest.raises(Refused, match=message):
        Books.open(data_dir)
    assert file_digest(data_dir.database) == before
    assert not data_dir.backups.exists()
    assert sorted(p.name for p in data_dir.root.iterdir()) == ["vonxoay.sqlite"]


def corrupt_copy_of(books: Books, target: Path, *, from_page: int = 2) -> None:
    """A real database of ours with pages overwritten from ``from_page`` on: the header still says SQLite."""
    books.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(books.data_dir.database, target)
    page_size = books.conn.execute("PRAGMA page_size").fetchone()[0]
    with target.open("r+b") as handle:
        handle.seek(page_size * (from_page - 1))
        handle.write(bytes(range(256)) * 16 * 40)


def test_a_corrupt_database_is_refused_with_a_clear_message_and_left_untouched(books, tmp_path):
    data_dir = DataDir(tmp_path / "corrupt")
    data_dir.root.mkdir()
    corrupt_copy_of(books, data_dir.database)
    before = file_digest(data_dir.database)
    with pytest.raises(Refused, match="bị hỏng hoặc không phải cơ sở dữ liệu"):
        Books.open(data_dir)
    assert file_digest(data_dir.database) == before
    assert not data_dir.backups.exists()


# -- read-only folders -------------------------------------------------------------------------------

def test_a_read_only_data_dir_is_refused_in_vietnamese(tmp_path, books, readonly_runner):
    """Run as a process that cannot override file permissions (even when the tests run as root)."""
    books.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copyfile(books.data_dir.database, folder / "vonxoay.sqlite")
    before = file_digest(folder / "vonxoay.sqlite")
    (folder / "vonxoay.sqlite").chmod(0o444)
    folder.chmod(0o555)
    try:
        listed = readonly_runner("--data-dir", str(folder), "household", "list", "--json")
        added = readonly_runner("--data-dir", str(folder), "hamlet", "add", "Thôn Bắc")
        fresh = readonly_runner("--data-dir", str(folder / "moi"), "init", "--commune-code", "10507",
                                "--commune-name", "Xã Đức Chính", "--upper-code", "290", "--upper-name", "Huyện",
                                "--province-code", "30", "--province-name", "Tỉnh Hải Dương")
    finally:
        folder.chmod(0o755)
        (folder / "vonxoay.sqlite").chmod(0o644)
    for result in (listed, added, fresh):
        assert result.code == 2, result
        assert result.stdout == ""
        assert result.stderr.startswith("Lỗi: ") and result.stderr.count("\n") == 1
    assert "chỉ cho đọc" in listed.stderr and "chỉ cho đọc" in added.stderr
    assert "Không tạo được thư mục dữ liệu" in fresh.stderr
    assert file_digest(folder / "vonxoay.sqlite") == before
    assert sorted(p.name for p in folder.iterdir()) == ["vonxoay.sqlite"]


# -- the migration ladder ----------------------------------------------------------------------------

@pytest.fixture
def v1_data_dir(tmp_path) -> DataDir:
    data_dir = DataDir(tmp_path / "v1")
    data_dir.root.mkdir()
    shutil.copyfile(FIXTURES / "schema_v1.sqlite", data_dir.database)
    return data_dir


def test_fixture_is_a_first_version_database():
    conn = sqlite3.connect(f"file:{FIXTURES / 'schema_v1.sqlite'}?mode=ro", uri=True)
    try:
        assert schema_version(conn) == 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        conn.close()


def test_v1_database_upgrades_to_latest_with_its_data_intact_and_a_copy_made_first(v1_data_dir):
    original = sqlite3.connect(f"file:{FIXTURES / 'schema_v1.sqlite'}?mode=ro", uri=True)
    expected = {table: _rows(original, table) for table in V1_TABLES}
    original.close()
    assert expected["receipt"] and expected["membership"] and len(expected["household"]) == 3

    with Books.open(v1_data_dir) as books:
        conn = books.conn
        assert schema_version(conn) == LATEST_VERSION
        for table in V1_TABLES:
            if table == "settings":
                continue  # the catalogue version may move on; checked below
            # Later versions add columns at the end (a void's date, a support's void): the first version's
            # columns are unchanged.
            rows = [r[:len(expected[table][0])] for r in _rows(conn, table)]
            if table in ("programme", "programme_component"):
                # The shipped catalogue is refreshed on opening: it adds and rewords, never removes.
                assert {r[:3] for r in expected[table]} <= {r[:3] for r in rows}, table
                continue
            assert rows == expected[table], table
        voided = {r[0]: r[1:] for r in conn.execute("SELECT id, voided_at, issued_on, voided_on FROM receipt")}
        for voided_at, issued_on, voided_on in voided.values():
            # A void from the first version takes effect the day it was made, never before the receipt.
            assert voided_on == (max(issued_on, voided_at[:10]) if voided_at else None)
        assert conn.execute("SELECT count(*) FROM membership WHERE voided_on IS NOT NULL").fetchone()[0] == 0
        settings = dict(_rows(conn, "settings"))
        for key, value in dict(expected["settings"]).items():
            if key != "catalogue_version":
                assert settings[key] == value
        for table in ("fund_draw", "fund_transfer", "receipt_print"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        assert checks.check_books(books) == []

    backups = list(v1_data_dir.backups.glob("vonxoay-truoc-nang-cap-v1-*.sqlite"))
    assert len(backups) == 1
    copy = sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True)
    try:
        assert schema_version(copy) == 1
        for table in V1_TABLES:
            assert _rows(copy, table) == expected[table], table
    finally:
        copy.close()


def test_upgraded_books_keep_working_with_the_current_services(v1_data_dir):
    today = date(2026, 6, 1)
    with Books.open(v1_data_dir) as books:
        rows = schedules.schedule(books, "DA01", "H001", as_of=today)
        assert [(r["seq"], r["amount"], r["paid"]) for r in rows] == [(1, 2_333_000, 2_333_000), (2, 2_334_000, 0)]
        paid = payments.record_payment(books, payments.PaymentInput("DA01", "H001", 2_334_000, date(2024, 4, 2)),
                                       today=today).to_json()
        assert paid["outstanding"] == 0
        assert paid["receipt"]["number"] == 1  # first receipt of 2024 in book 01
        result = support.record_support(books, support.SupportInput("DA01", "H002", date(2024, 5, 1),
                                                                    amount=4_000_000, from_fund=True), today=today)
        assert result.round == 2
        assert schedules.fund_report(books, "DA01")["balance"] == 667_000
        assert checks.check_books(books) == []


def test_every_step_of_the_ladder_is_one_transaction(tmp_path, monkeypatch):
    """A step that fails half-way leaves the database at the previous version, with nothing of the step."""
    path = tmp_path / "vonxoay.sqlite"
    conn = open_store(path, create=True)
    broken = ["CREATE TABLE half_done (x INTEGER)", "INSERT INTO no_such_table VALUES (1)"]
    monkeypatch.setattr(connection, "STEPS", [*connection.STEPS, broken])
    with pytest.raises(sqlite3.OperationalError):
        upgrade(conn, to_version=LATEST_VERSION + 1)
    assert schema_version(conn) == LATEST_VERSION
    assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").fetchone()[0] == 0
    conn.close()


# -- the database itself refuses to lose money rows --------------------------------------------------

@pytest.fixture
def books_with_money(books):
    from desktop.domain import Category
    from desktop.services.households import HouseholdInput, add_household
    from desktop.services.projects import ProjectInput, add_project

    add_project(books, ProjectInput("DA01", "Nuôi bò sinh sản", programme="GNBV"))
    add_household(books, HouseholdInput("H001", "Nguyễn Văn Dũng", "Thôn Đông", Category.POOR,
                                        category_on=date(2022, 1, 1))).to_json()
    today = date(2026, 1, 1)
    support.record_support(books, support.SupportInput("DA01", "H001", date(2023, 3, 10)), today=today)
    payments.record_payment(books, payments.PaymentInput("DA01", "H001", 1_000_000, date(2024, 3, 1)), today=today)
    return books


@pytest.mark.parametrize("statement", [
    "DELETE FROM receipt",
    "DELETE FROM allocation",
    "DELETE FROM installment",
    "DELETE FROM membership",
    "DELETE FROM household",
    "DELETE FROM household_category",
    "DELETE FROM project",
    "DELETE FROM audit_log",
    "UPDATE receipt SET amount = 1",
    "UPDATE receipt SET number = 7",
    "UPDATE receipt SET issued_on = '2024-03-02'",
    "UPDATE installment SET amount = 0",
    "UPDATE installment SET due_on = '2030-01-01'",
    "UPDATE membership SET support_amount = 1",
    "UPDATE allocation SET amount = 1",
    "UPDATE audit_log SET actor = 'ai đó'",
])
def test_triggers_refuse_deleting_or_editing_money_rows(books_with_money, statement):
    conn = books_with_money.conn
    before = conn.execute("SELECT total_changes()").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="Không được|chỉ có thể bị hủy"):
        conn.execute(statement)
    assert conn.execute("SELECT total_changes()").fetchone()[0] == before


def test_a_receipt_may_be_voided_once_and_never_unvoided(books_with_money):
    conn = books_with_money.conn
    # A void needs the date it takes effect, never before the receipt.
    with pytest.raises(sqlite3.IntegrityError, match="chỉ có thể bị hủy một lần"):
        conn.execute("UPDATE receipt SET voided_at = 'now', voided_by = 'x', void_reason = 'ghi nhầm'")
    with pytest.raises(sqlite3.IntegrityError, match="chỉ có thể bị hủy một lần"):
        conn.execute("UPDATE receipt SET voided_at = 'now', voided_by = 'x', void_reason = 'ghi nhầm', "
                     "voided_on = date(issued_on, '-1 day')")
    conn.execute("UPDATE receipt SET voided_at = 'now', voided_by = 'x', void_reason = 'ghi nhầm', "
                 "voided_on = issued_on")
    for statement in ("UPDATE receipt SET voided_at = NULL, voided_by = NULL, void_reason = NULL",
                      "UPDATE receipt SET voided_on = date(voided_on, '+1 day')",
                      "UPDATE receipt SET void_reason = 'lý do khác'"):
        with pytest.raises(sqlite3.IntegrityError, match="chỉ có thể bị hủy một lần"):
            conn.execute(statement)


@pytest.mark.parametrize("statement", [
    "INSERT INTO project (uuid, code, name, policy_code, policy_json, created_at, updated_at, budget_central) "
    "VALUES ('u', 'X', 'x', 'p', '{}', 'n', 'n', -1)",
    "UPDATE project SET budget_local = -5",
    "INSERT INTO installment (uuid, membership_id, seq, due_on, amount) VALUES ('u', 1, 9, '2025-01-01', -1)",
    "INSERT INTO installment (uuid, membership_id, seq, due_on, amount) VALUES ('u', 1, 9, '2025-13-01', 1)",
    "INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES ('u', 1, 1, 0)",
])
def test_money_and_date_columns_have_checks(books_with_money, statement):
    with pytest.raises(sqlite3.IntegrityError):
        books_with_money.conn.execute(statement)


# -- the programme catalogue is data -----------------------------------------------------------------

def test_new_books_carry_the_programme_catalogue(books):
    codes = [r[0] for r in books.conn.execute("SELECT code FROM programme ORDER BY id")]
    assert codes[:2] == ["GNBV", "DTTS"]
    components = {r[0] for r in books.conn.execute(
        "SELECT c.code FROM programme_component c JOIN programme p ON p.id = c.programme_id WHERE p.code = 'GNBV'")}
    assert {"Dự án 2", "Dự án 3 - TDA1"} <= components


def test_a_newer_shipped_catalogue_adds_programmes_and_never_removes_any(books, data_dir, monkeypatch):
    import desktop.catalogue as catalogue

    shipped = catalogue.shipped_catalogue()
    newer = {"version": shipped["version"] + 1, "programme": [{
        "code": "MTQG-2031", "name": "Chương trình giảm nghèo 2031–2035", "period": "2031-2035",
        "structure": "du_an", "components": [{"code": "Dự án 1", "name": "Sinh kế"}]}]}
    before = [r[0] for r in books.conn.execute("SELECT code FROM programme ORDER BY id")]
    books.close()
    monkeypatch.setattr(catalogue, "shipped_catalogue", lambda: newer)
    with Books.open(data_dir) as reopened:
        after = [r[0] for r in reopened.conn.execute("SELECT code FROM programme ORDER BY id")]
        assert reopened.setting("catalogue_version") == str(newer["version"])
    assert after == [*before, "MTQG-2031"]
