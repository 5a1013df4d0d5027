"""Merging two old communes' books into the new commune's: every đồng and every receipt number kept, a person
present in both decided by the clerk, nothing written on any refusal."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from db.migrations import LATEST_VERSION
from desktop.paths import DataDir
from desktop.receipt_view import QR_FORMAT, receipt_hash
from desktop.services.demo import DEMO_SETUP, make_demo
from desktop.services.settings import init_books
from tests.conftest import books_digest, run_cli

TODAY = "2026-06-30"
PERIODS = [(f"{y}-01-01", f"{y}-06-30") for y in range(2021, 2027)] + [
    (f"{y}-07-01", f"{y}-12-31") for y in range(2021, 2026)] + [("2021-01-01", TODAY)]


ATTRIBUTE_COUNTS = {"households_female_head", "households_ethnic_minority"}


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def communes(tmp_path_factory):
    """Old communes A (10507) and B (10510), a person of A also registered and supported in B, and the new
    commune N (10520), still empty. Made once; each test works on copies."""
    mp = pytest.MonkeyPatch()
    mp.setenv("VONXOAY_TODAY", TODAY)
    root = tmp_path_factory.mktemp("merge")
    a, b, n = (DataDir(root / x) for x in "abn")
    make_demo(a, households=240, seed=1, setup=replace(DEMO_SETUP, commune_code="10507"))
    make_demo(b, households=240, seed=2, setup=replace(DEMO_SETUP, commune_code="10510", commune_name="Xã Cẩm Văn"))
    books, _ = init_books(n, replace(DEMO_SETUP, commune_code="10520", commune_name="Xã Cẩm Giàng"))
    books.close()
    conn = sqlite3.connect(a.database)
    person = conn.execute("SELECT id_number, head_name FROM household WHERE id_number IS NOT NULL "
                          "ORDER BY id LIMIT 1").fetchone()
    conn.close()
    hamlet = sqlite3.connect(b.database).execute("SELECT name FROM hamlet ORDER BY id LIMIT 1").fetchone()[0]
    ok(run_cli(b, "household", "add", "--code", "H9001", "--head", person[1], "--hamlet", hamlet, "--category",
               "poor", "--category-on", "2024-01-01", "--id-number", person[0], "--json"))
    ok(run_cli(b, "project", "add", "--code", "DA90", "--name", "Nuôi gà", "--programme", "GNBV", "--component",
               "Dự án 2", "--approved-on", "2024-02-01", "--budget-central", "50000000", "--json"))
    # Demo books require the chairman's decision before a support: the decision moves with the books too.
    ok(run_cli(b, "approval", "add", "--project", "DA90", "--decision", "12/QĐ-UBND", "--on", "2024-02-20",
               "--households", "H9001", "--json"))
    ok(run_cli(b, "support", "add", "--project", "DA90", "--household", "H9001", "--on", "2024-03-01", "--json"))
    yield root, person[0]
    mp.undo()


@pytest.fixture
def world(communes, tmp_path, monkeypatch):
    monkeypatch.setenv("VONXOAY_TODAY", TODAY)
    root, id_number = communes
    for x in "abn":
        shutil.copytree(root / x, tmp_path / x)
    a, b, n = (DataDir(tmp_path / x) for x in "abn")
    return a, b, n, id_number


def merge(n, *args):
    return run_cli(n, "books", "merge", *args)


def period_totals(data_dir, start, end) -> dict:
    report = ok(run_cli(data_dir, "report", "period", "--from", start, "--to", end, "--format", "json", "--json"))
    # Every figure in đồng and every count of households and supports; the breakdowns by a household's
    # attributes (female head, category now) follow the household kept for the person present in both.
    return {k: v for k, v in report["totals"].items() if isinstance(v, int)
            and not k.startswith("outcome_") and k not in ATTRIBUTE_COUNTS}


def test_a_merge_keeps_every_dong_every_receipt_and_checks_clean(world):
    a, b, n, id_number = world
    before_a, before_b = file_digest(a.database), file_digest(b.database)
    dry = ok(merge(n, str(a.root), str(b.root), "--dry-run", "--json"))
    assert dry["dry_run"] and [d["id_number"] for d in dry["duplicates"]] == [id_number]
    assert dry["duplicates"][0]["decision"] is None
    assert {h["commune_code"] for h in dry["duplicates"][0]["households"]} == {"10507", "10510"}
    # Undecided: refused, nothing written.
    digest = books_digest(n.database)
    refused = merge(n, str(a.root), str(b.root))
    assert refused.code == 2 and "chưa quyết định" in refused.stderr and id_number in refused.stderr
    assert books_digest(n.database) == digest

    done = ok(merge(n, str(a.root), str(b.root), "--same-person", id_number, "--json"))
    assert not done["dry_run"] and done["duplicates"][0]["decision"] == "same"
    assert (done["projects"], done["households"]) == (dry["projects"], dry["households"] - 1)
    assert file_digest(a.database) == before_a and file_digest(b.database) == before_b

    for start, end in PERIODS:
        old = [period_totals(x, start, end) for x in (a, b)]
        new = period_totals(n, start, end)
        assert new == {k: old[0][k] + old[1][k] for k in new}, (start, end)

    checked = ok(run_cli(n, "check", "--json"))
    assert checked["ok"], checked["problems"]

    conn = sqlite3.connect(n.database)
    new_receipts = conn.execute("SELECT count(*) FROM receipt").fetchone()[0]
    assert new_receipts == done["receipts"]
    # The person is one household, the other commune's UUID an alias of it.
    assert conn.execute("SELECT count(*) FROM household WHERE id_number = ?", (id_number,)).fetchone()[0] == 1
    assert conn.execute("SELECT origin_commune, original_code FROM household_alias").fetchall() == [("10510", "H9001")]
    assert conn.execute("SELECT count(*) FROM merged_commune").fetchone()[0] == 2
    # Every decision moved, its number kept apart by the old commune's code, its households followed; the
    # person kept is the one the decision of 10510 now names.
    old_decisions = sum(sqlite3.connect(x.database).execute("SELECT count(*) FROM approval_decision").fetchone()[0]
                        for x in (a, b))
    assert conn.execute("SELECT count(*) FROM approval_decision").fetchone()[0] == old_decisions > 1
    old_vouchers = sorted(f"{code}-{book}/{year}/{number}" for x, code in ((a, "10507"), (b, "10510"))
                          for book, year, number in sqlite3.connect(x.database).execute(
                              "SELECT book, year, number FROM voucher"))
    assert sorted(f"{book}/{year}/{number}" for book, year, number in conn.execute(
        "SELECT book, year, number FROM voucher")) == old_vouchers and old_vouchers
    assert conn.execute(
        "SELECT h.id_number FROM approval_decision d JOIN approval_decision_household dh ON dh.decision_id = d.id "
        "JOIN household h ON h.id = dh.household_id WHERE d.number = '10510-12/QĐ-UBND'").fetchall() == [(id_number,)]
    conn.close()
    # Every old receipt is found by its QR code (old commune, original book and number), as printed.
    for x, code in ((a, "10507"), (b, "10510")):
        old = sqlite3.connect(x.database)
        rows = old.execute("SELECT uuid, book, year, number, issued_on, amount, voided_on FROM receipt").fetchall()
        old.close()
        for uuid_, book, year, number, issued_on, amount, voided_on in rows:
            digest_ = receipt_hash(code, book, year, number, issued_on, amount, uuid_)
            text = f"{QR_FORMAT}|{code}|{book}|{year}|{number}|{issued_on}|{amount}|{digest_}"
            found = ok(run_cli(n, "receipt", "verify", text, "--json"))
            assert found["status"] == ("voided" if voided_on else "valid"), found
    # Merging the same commune again is refused.
    again = merge(n, str(a.root))
    assert again.code == 2 and "đã được gộp" in again.stderr


def test_different_people_keep_their_households_and_the_second_loses_the_shared_number(world):
    a, b, n, id_number = world
    ok(merge(n, str(a.root), str(b.root), "--different-person", id_number, "--json"))
    conn = sqlite3.connect(n.database)
    assert conn.execute("SELECT origin_commune FROM household WHERE id_number = ?", (id_number,)).fetchall() == [
        ("10507",)]
    note = conn.execute("SELECT notes, id_number FROM household WHERE code = '10510-H9001'").fetchone()
    assert note[1] is None and id_number in note[0] and "cần kiểm tra" in note[0]
    conn.close()
    assert ok(run_cli(n, "check", "--json"))["ok"]


def _old_version(data_dir, version):
    conn = sqlite3.connect(data_dir.database)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


@pytest.mark.parametrize("case", ["twice", "not_books", "same_as_new", "too_old", "too_new", "locked", "upper"])
def test_refusals_write_nothing(world, tmp_path, case):
    a, b, n, id_number = world
    folders = [str(a.root), str(b.root)]
    if case == "twice":
        folders, fragment = [str(a.root), str(a.root)], "chọn hai lần"
    elif case == "not_books":
        (tmp_path / "empty").mkdir()
        folders, fragment = [str(a.root), str(tmp_path / "empty")], "không phải thư mục dữ liệu VốnXoay"
    elif case == "same_as_new":
        folders, fragment = [str(n.root)], "chính sổ của xã mới"
    elif case == "too_old":
        _old_version(b, LATEST_VERSION - 1)
        fragment = f"cũ hơn phiên bản {LATEST_VERSION}"
    elif case == "too_new":
        _old_version(b, LATEST_VERSION + 1)
        fragment = "mới hơn chương trình"
    elif case == "locked":
        ok(run_cli(n, "period", "lock", "--to", "2025-12-31", "--json"))
        fragment = "đã khóa đến ngày 31/12/2025"
    else:
        conn = sqlite3.connect(b.database)
        conn.execute("UPDATE settings SET value = 'upper' WHERE key = 'mode'")
        conn.commit()
        conn.close()
        fragment = "của cấp trên"
    digests = [books_digest(n.database), file_digest(a.database), file_digest(b.database)]
    result = merge(n, *folders, "--same-person", id_number)
    assert result.code == 2, result
    assert result.stderr.startswith("Lỗi") and fragment in result.stderr, result.stderr
    assert [books_digest(n.database), file_digest(a.database), file_digest(b.database)] == digests


def test_an_old_commune_with_the_new_communes_code_is_refused(world, tmp_path):
    a, b, n, id_number = world
    twin = DataDir(tmp_path / "twin")
    make_demo(twin, households=20, seed=3, setup=replace(DEMO_SETUP, commune_code="10520"),
              as_of=date(2026, 6, 30))
    digest = books_digest(n.database)
    result = merge(n, str(a.root), str(twin.root), "--dry-run")
    assert result.code == 2 and "trùng mã của xã mới" in result.stderr
    assert books_digest(n.database) == digest


def test_the_period_report_groups_projects_by_programme_and_component(world):
    a, b, n, id_number = world
    report = ok(run_cli(a, "report", "period", "--from", "2021-01-01", "--to", TODAY, "--format", "json", "--json"))
    groups = {(g["programme"], g["component"]): g for g in report["by_programme"]}
    assert set(groups) == {(p["programme"], p["component"]) for p in report["projects"]}
    assert sum(g["recovered_to_date"] for g in groups.values()) == report["totals"]["recovered_to_date"]
    gnbv = [p for p in report["projects"] if (p["programme"], p["component"]) == ("GNBV", "Dự án 2")]
    assert groups[("GNBV", "Dự án 2")]["disbursed_to_date"] == sum(p["disbursed_to_date"] for p in gnbv)
