"""The command line's foundation (CLI.md): init, hamlets, households, projects, settings, backup/restore,
demo and check, with their JSON keys and exit codes; and every bad input of the foundation refused with
exit 2, one Vietnamese line on stderr and the books unchanged."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from db.migrations import LATEST_VERSION
from desktop import clock
from tests.conftest import INIT_ARGS, REPO, books_digest, run_cli_process

VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)


def ok(result) -> dict:
    assert result.code == 0, result
    assert result.stderr == ""
    return result.json


def assert_refused(result, *fragments: str) -> None:
    """Exit 2, nothing on stdout, exactly one Vietnamese line on stderr."""
    assert result.code == 2, result
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Lỗi"), result.stderr
    assert VIETNAMESE.search(result.stderr), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.fixture
def commune(cli, data_dir):
    """A commune set up through the command line: two hamlets, three households, one project, one support."""
    ok(cli(*INIT_ARGS, "--json"))
    for hamlet in ("Thôn Đông", "Thôn Tây"):
        ok(cli("hamlet", "add", hamlet, "--json"))
    ok(cli("household", "add", "--code", "H001", "--head", "Nguyễn Văn Dũng", "--hamlet", "Thôn Đông",
           "--category", "poor", "--category-on", "2022-01-01", "--id-number", "030085001234", "--json"))
    ok(cli("household", "add", "--code", "H002", "--head", "Đặng Thị Hoa", "--hamlet", "thon tay",
           "--category", "near_poor", "--category-on", "01/01/2022", "--female-head", "--json"))
    ok(cli("household", "add", "--code", "H003", "--head", "Lò Văn Páo", "--hamlet", "Thôn Tây",
           "--category", "escaped", "--escaped-on", "2023-06-01", "--ethnic-minority", "--members", "5", "--json"))
    ok(cli("project", "add", "--code", "DA01", "--name", "Nuôi bò sinh sản", "--programme", "GNBV",
           "--component", "Dự án 2", "--approved-on", "2023-02-20", "--decision", "15/QĐ-UBND",
           "--budget-central", "12000000", "--budget-local", "1.200.000", "--json"))
    ok(cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2023-03-10", "--json"))
    return cli


# -- the happy paths and their JSON ------------------------------------------------------------------

def test_init_prints_the_contract_keys_and_creates_the_books(cli, data_dir):
    data = ok(cli("--json", *INIT_ARGS))
    assert {"commune_code", "mode", "key_fingerprint"} <= set(data)
    assert data["commune_code"] == "10507" and data["mode"] == "commune"
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", data["key_fingerprint"])
    assert data_dir.database.is_file()
    conn = sqlite3.connect(data_dir.database)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()


@pytest.mark.parametrize(("province", "notice"), [
    (("30", "Tỉnh Hải Dương"), "Lưu ý: Tỉnh Hải Dương đã hợp nhất vào Thành phố Hải Phòng từ 01/07/2025"),
    (("31", "Thành phố Hải Phòng"), None)])
def test_init_with_a_province_merged_in_2025_says_what_the_documents_will_carry(cli, province, notice):
    with clock.frozen(date(2026, 1, 5)):
        result = cli("init", "--commune-code", "10507", "--commune-name", "Xã Đức Chính", "--upper-code", "30",
                     "--upper-name", province[1], "--province-code", province[0], "--province-name", province[1])
    assert result.code == 0, result.stderr
    assert (notice in result.stdout) if notice else "Lưu ý" not in result.stdout


def test_init_in_upper_mode_names_the_consolidating_unit(cli):
    data = ok(cli("init", "--mode", "upper", "--commune-code", "290", "--commune-name", "Huyện Cẩm Giàng",
                  "--upper-code", "30", "--upper-name", "Tỉnh Hải Dương", "--province-code", "30",
                  "--province-name", "Tỉnh Hải Dương", "--json"))
    assert data["mode"] == "upper" and data["commune_code"] == "290"


def test_json_flag_prints_exactly_one_document_and_plain_output_is_vietnamese(commune):
    result = commune("household", "list")
    assert result.code == 0
    assert "Nguyễn Văn Dũng" in result.stdout and "— 3 hộ" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)
    # --json is accepted before the command and after it alike.
    assert ok(commune("--json", "household", "list")) == ok(commune("household", "list", "--json"))


def test_household_add_and_list_keys(commune):
    data = ok(commune("household", "add", "--code", "h004", "--head", "  Trần   Thị  Bích ", "--hamlet", "Thôn Đông",
                      "--category", "cận nghèo", "--json"))
    assert {"id", "code"} <= set(data) and data["code"] == "H004"
    rows = ok(commune("household", "list", "--search", "H004", "--json"))["households"]
    assert [r["head_name"] for r in rows] == ["Trần Thị Bích"]
    row = rows[0]
    assert {"code", "head_name", "hamlet", "category", "id_number", "ethnic_minority", "female_head",
            "members", "phone"} <= set(row)
    assert row["category"] == "near_poor" and row["hamlet"] == "Thôn Đông"


@pytest.mark.parametrize(("search", "found"), [
    ("nguyen van dung", ["H001"]),
    ("NGUYỄN VĂN DŨNG", ["H001"]),
    ("dang", ["H002"]),
    ("Đặng", ["H002"]),
    ("dung", ["H001"]),
    ("van", ["H001", "H003"]),
    ("030085001234", ["H001"]),
    ("h003", ["H003"]),
    ("páo lò", ["H003"]),
    ("nguyen hoa", []),
    ("50%", []),
])
def test_household_search_ignores_case_diacritics_and_d(commune, search, found):
    rows = ok(commune("household", "list", "--search", search, "--json"))["households"]
    assert sorted(r["code"] for r in rows) == found  # in best-match order, see the next test


def test_household_search_lists_the_best_match_first(commune):
    """A whole name typed comes before names that only share its words (the window's pickers rank the same)."""
    ok(commune("household", "add", "--code", "H009", "--head", "Nguyễn Văn Dũng Anh", "--hamlet", "Thôn Đông",
               "--category", "nghèo", "--json"))
    ok(commune("household", "add", "--code", "H000", "--head", "Dũng Văn Nguyễn", "--hamlet", "Thôn Đông",
               "--category", "nghèo", "--json"))
    rows = ok(commune("household", "list", "--search", "nguyen van dung", "--json"))["households"]
    assert [r["code"] for r in rows][:2] == ["H001", "H009"] and "match" not in rows[0]
    whole = ok(commune("household", "list", "--json"))["households"]
    assert [r["code"] for r in whole] == sorted(r["code"] for r in whole)  # the register: code order


def test_household_list_filters_by_hamlet_and_by_category_in_force_on_a_date(commune):
    ok(commune("household", "category", "H001", "--category", "near_poor", "--on", "2024-01-01", "--note",
               "Rà soát 2023", "--json"))

    def codes(*args):
        return [r["code"] for r in ok(commune("household", "list", *args, "--json"))["households"]]

    assert codes("--hamlet", "thôn tây") == ["H002", "H003"]
    assert codes("--category", "poor", "--as-of", "2023-12-31") == ["H001"]
    assert codes("--category", "poor", "--as-of", "2024-01-01") == []
    assert codes("--category", "near_poor") == ["H001", "H002"]


def test_household_show_edit_and_category_history(commune):
    shown = ok(commune("household", "show", "H003", "--json"))
    assert shown["head_name"] == "Lò Văn Páo" and shown["hamlet"] == "Thôn Tây"
    assert shown["ethnic_minority"] == 1 and shown["members"] == 5
    assert [(c["category"], c["effective_on"]) for c in shown["categories"]] == [("escaped", "2023-06-01")]

    edited = ok(commune("household", "edit", "H003", "--phone", "0912345678", "--hamlet", "Thôn Đông",
                        "--female-head", "có", "--json"))
    assert edited["changed"] == ["female_head", "hamlet_id", "phone", "search_key"]
    assert ok(commune("household", "edit", "H003", "--phone", "0912345678", "--json"))["changed"] == []
    assert [r["code"] for r in ok(commune("household", "list", "--search", "0912345678", "--json"))["households"]] \
        == ["H003"]

    ok(commune("household", "category", "H003", "--category", "non_poor", "--on", "2025-01-01", "--json"))
    history = ok(commune("household", "show", "H003", "--json"))["categories"]
    assert [(c["category"], c["effective_on"]) for c in history] == [("escaped", "2023-06-01"),
                                                                     ("non_poor", "2025-01-01")]


def test_every_change_writes_an_audit_row(commune, data_dir):
    ok(commune("household", "edit", "H002", "--head", "Đặng Thị Hòa", "--json"))
    conn = sqlite3.connect(data_dir.database)
    rows = conn.execute("SELECT entity, action, actor, before, after FROM audit_log ORDER BY id").fetchall()
    conn.close()
    assert [(e, a) for e, a, *_ in rows] == [
        ("settings", "init"), ("hamlet", "create"), ("hamlet", "create"), ("household", "create"),
        ("household", "create"), ("household", "create"), ("project", "create"), ("membership", "create"),
        ("voucher", "create"), ("household", "update")]
    assert all(actor == "kiểm thử" for _, _, actor, _, _ in rows)
    before, after = json.loads(rows[-1][3]), json.loads(rows[-1][4])
    assert before["head_name"] == "Đặng Thị Hoa" and after["head_name"] == "Đặng Thị Hòa"


def test_hamlets_and_projects_list(commune):
    hamlets = ok(commune("hamlet", "list", "--json"))["hamlets"]
    assert {h["name"]: h["households"] for h in hamlets} == {"Thôn Đông": 1, "Thôn Tây": 2}
    data = ok(commune("project", "add", "--code", "da02", "--name", "Trồng rau an toàn", "--json"))
    assert {"id", "code", "policy"} <= set(data)
    assert data["code"] == "DA02" and data["policy"] == "hai-duong-2019"
    projects = {p["code"]: p for p in ok(commune("project", "list", "--json"))["projects"]}
    assert projects["DA01"]["households"] == 1 and projects["DA01"]["budget_local"] == 1_200_000
    assert projects["DA01"]["programme_code"] == "GNBV" and projects["DA01"]["component"] == "Dự án 2"


def test_settings_are_shown_and_changed(commune):
    data = ok(commune("settings", "--set", "signer_chairman", "Nguyễn Văn Chính", "--set", "words_even", "1",
                      "--json"))
    assert data["signer_chairman"] == "Nguyễn Văn Chính" and data["words_even"] == "1"
    assert data["commune_name"] == "Xã Đức Chính" and data["upper_name"] == "Huyện Cẩm Giàng"
    assert ok(commune("settings", "--json"))["signer_chairman"] == "Nguyễn Văn Chính"


def test_backup_and_restore_round_trip(commune, data_dir, tmp_path):
    target = tmp_path / "sao-luu.sqlite"
    data = ok(commune("backup", "--out", str(target), "--json"))
    assert data == {"path": str(target)} and target.is_file()
    ok(commune("household", "add", "--code", "H009", "--head", "Hộ Sau Sao Lưu", "--hamlet", "Thôn Đông",
               "--category", "poor", "--json"))
    restored = ok(commune("restore", str(target), "--json"))
    assert restored["path"] == str(data_dir.database)
    codes = [r["code"] for r in ok(commune("household", "list", "--json"))["households"]]
    assert codes == ["H001", "H002", "H003"]
    # What restore replaced is kept, never thrown away.
    kept = sqlite3.connect(restored["replaced_copy"])
    assert kept.execute("SELECT count(*) FROM household WHERE code = 'H009'").fetchone()[0] == 1
    kept.close()
    checked = ok(commune("check", "--json"))
    assert (checked["ok"], checked["problems"]) == (True, [])


@pytest.mark.parametrize("damage", ["overwritten", "pages-destroyed"])
def test_restore_recovers_books_that_were_damaged_and_keeps_the_damaged_file(commune, data_dir, tmp_path, damage):
    target = tmp_path / "sao-luu.sqlite"
    ok(commune("backup", "--out", str(target), "--json"))
    conn = sqlite3.connect(data_dir.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    if damage == "overwritten":
        data_dir.database.write_bytes(b"\x00" * 8192)
    else:
        with data_dir.database.open("r+b") as handle:
            handle.seek(4096)
            handle.write(b"\xff" * 4096 * 8)
    damaged = data_dir.database.read_bytes()
    assert_refused(commune("household", "list", "--json"))
    restored = ok(commune("restore", str(target), "--json"))
    assert [r["code"] for r in ok(commune("household", "list", "--json"))["households"]] == ["H001", "H002", "H003"]
    assert ok(commune("check", "--json"))["ok"] is True
    # The damaged file is set aside, byte for byte, never thrown away.
    from pathlib import Path

    assert Path(restored["replaced_copy"]).read_bytes() == damaged


def test_restore_never_overwrites_a_newer_database(commune, data_dir, tmp_path):
    target = tmp_path / "sao-luu.sqlite"
    ok(commune("backup", "--out", str(target), "--json"))
    conn = sqlite3.connect(data_dir.database)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = _file_digest(data_dir.database)
    assert_refused(commune("restore", str(target)), "mới hơn")
    assert _file_digest(data_dir.database) == before


def test_backup_without_out_goes_to_the_backups_folder(commune, data_dir):
    path = ok(commune("backup", "--json"))["path"]
    assert str(data_dir.backups) in path


def test_demo_fills_a_consistent_commune(cli, data_dir):
    data = ok(cli("demo", "--households", "400", "--seed", "7", "--json"))
    assert {"households", "projects", "receipts"} <= set(data)
    assert data["households"] == 400 and data["projects"] >= 6 and data["receipts"] > 0
    checked = ok(cli("check", "--json"))
    assert (checked["ok"], checked["problems"]) == (True, [])
    conn = sqlite3.connect(data_dir.database)
    assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 400
    assert conn.execute("SELECT count(*) FROM membership WHERE round >= 2").fetchone()[0] > 0
    assert conn.execute("SELECT count(DISTINCT category) FROM household_category").fetchone()[0] == 4
    # Even a small commune gives every project members (one project must not take every target household).
    empty = conn.execute("SELECT code FROM project WHERE id NOT IN (SELECT project_id FROM membership)").fetchall()
    assert empty == []
    conn.close()
    assert_refused(cli("demo", "--households", "10"), "đã có dữ liệu")


def test_demo_reports_what_it_made(tmp_path, cli):
    # Asked for none, it still makes one household and one project, and says so.
    data = ok(cli("--data-dir", str(tmp_path / "tiny"), "demo", "--households", "0", "--projects", "0", "--json"))
    conn = sqlite3.connect(tmp_path / "tiny" / "vonxoay.sqlite")
    made = conn.execute("SELECT (SELECT count(*) FROM household), (SELECT count(*) FROM project), "
                        "(SELECT count(*) FROM receipt)").fetchone()
    conn.close()
    assert (data["households"], data["projects"], data["receipts"]) == made


def test_demo_is_deterministic_for_a_seed(tmp_path):
    from desktop.paths import DataDir
    from desktop.services.demo import make_demo

    def content(name):
        data_dir = DataDir(tmp_path / name)
        make_demo(data_dir, households=150, seed=3, as_of=__import__("datetime").date(2026, 6, 30))
        conn = sqlite3.connect(data_dir.database)
        rows = (conn.execute("SELECT code, head_name, id_number, phone FROM household ORDER BY id").fetchall(),
                conn.execute("SELECT book, year, number, issued_on, amount FROM receipt ORDER BY id").fetchall())
        conn.close()
        return rows

    assert content("a") == content("b")


def test_check_reports_ok_on_healthy_books(commune):
    checked = ok(commune("check", "--json"))
    assert (checked["ok"], checked["problems"]) == (True, [])
    assert "không có vấn đề" in commune("check").stdout


# -- bad input: exit 2, one Vietnamese line, nothing written -----------------------------------------

BAD_INPUT = {
    "duplicate-household-code": (["household", "add", "--code", "h001", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                                  "--category", "poor"], "H001 đã có"),
    "id-number-too-short": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                             "--category", "poor", "--id-number", "03008500123"], "12 chữ số"),
    "id-number-with-letters": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                                "--category", "poor", "--id-number", "03008500123A"], "chữ số"),
    "id-number-unknown-province": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet",
                                    "Thôn Đông", "--category", "poor", "--id-number", "999085001234"], "mã tỉnh"),
    "id-number-taken": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                         "--category", "poor", "--id-number", "030085001234"], "đã thuộc hộ H001"),
    "unknown-hamlet": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Ma",
                        "--category", "poor"], "Không có thôn"),
    "unknown-category": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                          "--category", "giàu"], "Phân loại hộ"),
    "household-in-unknown-hamlet-list": (["household", "list", "--hamlet", "Thôn Ma"], "Không có thôn"),
    "unknown-household-show": (["household", "show", "H999"], "Không có hộ mã"),
    "unknown-household-edit": (["household", "edit", "H999", "--phone", "1"], "Không có hộ mã"),
    "unknown-household-pay": (["pay", "--project", "DA01", "--household", "H999", "--amount", "1000", "--on",
                               "2024-03-10"], "Không có hộ mã"),
    "unknown-project-support": (["support", "add", "--project", "DA99", "--household", "H002", "--on",
                                 "2023-03-10"], "Không có dự án mã"),
    "unknown-project-schedule": (["schedule", "--project", "DA99"], "Không có dự án mã"),
    "duplicate-project-code": (["project", "add", "--code", "da01", "--name", "Lặp"], "DA01 đã có"),
    "unknown-programme": (["project", "add", "--code", "DA05", "--name", "X", "--programme", "XYZ"],
                          "Không có chương trình"),
    "unknown-component": (["project", "add", "--code", "DA05", "--name", "X", "--programme", "GNBV",
                           "--component", "Dự án 99"], "không có"),
    "unknown-policy": (["project", "add", "--code", "DA05", "--name", "X", "--policy", "khong-co.toml"],
                       "Không tìm thấy quy định"),
    "negative-amount": (["pay", "--project", "DA01", "--household", "H001", "--amount", "-5000", "--on",
                         "2024-03-10"], "không được âm"),
    "non-numeric-amount": (["pay", "--project", "DA01", "--household", "H001", "--amount", "bảy triệu", "--on",
                            "2024-03-10"], "chỉ được gồm chữ số"),
    "decimal-amount": (["pay", "--project", "DA01", "--household", "H001", "--amount", "1000,5", "--on",
                        "2024-03-10"], "thập phân"),
    "zero-support": (["support", "add", "--project", "DA01", "--household", "H002", "--amount", "0", "--on",
                      "2023-03-10"], "lớn hơn 0"),
    "negative-budget": (["project", "add", "--code", "DA05", "--name", "X", "--budget-central", "-1"],
                        "không được âm"),
    "non-numeric-members": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                             "--category", "poor", "--members", "năm"], "không phải số nguyên"),
    "too-many-members": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                          "--category", "poor", "--members", "100"], "nhân khẩu"),
    "impossible-date-iso": (["pay", "--project", "DA01", "--household", "H001", "--amount", "1000", "--on",
                             "2025-02-30"], "không tồn tại"),
    "impossible-date-vn": (["support", "add", "--project", "DA01", "--household", "H002", "--on", "31/04/2025"],
                           "không tồn tại"),
    "impossible-leap-day": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                             "--category", "escaped", "--escaped-on", "2023-02-29"], "không tồn tại"),
    "garbled-date": (["household", "category", "H001", "--category", "poor", "--on", "hôm qua"], "không hợp lệ"),
    "future-date": (["household", "category", "H001", "--category", "poor", "--on", "2999-01-01"], "tương lai"),
    "init-over-existing-books": ([*INIT_ARGS], "đã có dữ liệu"),
    "bad-commune-code": (["init", "--commune-code", "105", "--commune-name", "X", "--upper-code", "290",
                          "--upper-name", "H", "--province-code", "30", "--province-name", "T"], "Mã xã"),
    "unknown-setting": (["settings", "--set", "mau_nen", "xanh"], "Không có mục cài đặt"),
    "frozen-setting": (["settings", "--set", "commune_code", "10999"], "không thể đổi"),
    "unknown-receipt": (["receipt", "void", "--book", "01", "--number", "99", "--reason", "nhầm"],
                        "Không có phiếu thu"),
    "restore-a-text-file": (["restore", "README.md"], "không phải SQLite"),
    "duplicate-hamlet": (["hamlet", "add", "thon dong"], "đã có"),
    "bad-setting-choice": (["settings", "--set", "words_even", "2"], "chỉ nhận"),
    "unknown-flag": (["household", "list", "--colour", "red"], "tham số không hợp lệ"),
    "escaped-date-for-a-poor-household": (["household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet",
                                           "Thôn Đông", "--category", "poor", "--escaped-on", "2023-01-01"],
                                          "chỉ dùng cho hộ mới thoát nghèo"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(commune, data_dir, monkeypatch, case):
    monkeypatch.chdir(REPO)
    args, fragment = BAD_INPUT[case]
    before = books_digest(data_dir.database)
    assert_refused(commune(*args), fragment)
    assert books_digest(data_dir.database) == before


def test_restore_refuses_another_communes_backup(commune, data_dir, tmp_path, cli):
    from desktop.paths import DataDir
    from desktop.services.demo import make_demo

    other = DataDir(tmp_path / "other")
    make_demo(other, households=20, seed=1)
    conn = sqlite3.connect(other.database)
    conn.execute("UPDATE settings SET value = '10999' WHERE key = 'commune_code'")
    conn.commit()
    conn.close()
    before = books_digest(data_dir.database)
    assert_refused(commune("restore", str(other.database)), "khác đơn vị")
    assert books_digest(data_dir.database) == before


# -- database files that are not (or no longer) fit to use --------------------------------------------

def _file_digest(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_database_is_refused_untouched(commune, data_dir):
    conn = sqlite3.connect(data_dir.database)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = _file_digest(data_dir.database)
    assert_refused(commune("household", "list", "--json"), "phiên bản VốnXoay mới hơn")
    assert_refused(commune("hamlet", "add", "Thôn Nam"), "mới hơn")
    assert _file_digest(data_dir.database) == before


def test_non_sqlite_file_is_refused_untouched(cli, data_dir):
    data_dir.root.mkdir(parents=True)
    data_dir.database.write_text("Họ tên,Thôn\nNguyễn Văn A,Thôn 1\n", encoding="utf-8")
    before = _file_digest(data_dir.database)
    assert_refused(cli("household", "list", "--json"), "không phải SQLite")
    assert_refused(cli(*INIT_ARGS), "đã có dữ liệu")
    assert _file_digest(data_dir.database) == before


def test_corrupt_database_is_refused_untouched_even_when_damage_is_deep(cli, data_dir):
    ok(cli("demo", "--households", "600", "--json"))
    conn = sqlite3.connect(data_dir.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    # Past the schema's pages and every table's first page: they grow with every version, and opening the
    # books reads the small tables (settings, the period lock).
    schema_end = conn.execute("SELECT max(pageno) FROM dbstat WHERE name = 'sqlite_schema'").fetchone()[0]
    last_root = conn.execute("SELECT max(rootpage) FROM sqlite_schema").fetchone()[0]
    conn.close()
    # Keep the schema's pages (and the settings before them) readable so the damage shows only when rows are read.
    start = max(pages // 3, schema_end + 1, last_root + 1)
    with data_dir.database.open("r+b") as handle:
        handle.seek(size * start)
        handle.write(b"\xde\xad\xbe\xef" * (size * (pages // 3) // 4))
    before = _file_digest(data_dir.database)
    assert_refused(cli("household", "list", "--search", "nguyen", "--json"), "bị hỏng")
    # `check` is asked to find problems: the damage is its finding, not a refusal.
    checked = cli("check", "--json")
    assert checked.code == 0 and checked.json["ok"] is False
    assert {p["code"] for p in checked.json["problems"]} == {"integrity"}
    assert all("khôi phục" in p["message"] for p in checked.json["problems"])
    assert _file_digest(data_dir.database) == before


# -- the core stands without Qt, and the real process behaves the same -------------------------------

def test_the_core_imports_without_qt():
    code = (
        "import sys, pkgutil, importlib, desktop, db, desktop.cli, desktop.services, desktop.reports\n"
        "for package in (desktop, db):\n"
        "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        if not module.name.endswith('__main__'):\n"
        "            importlib.import_module(module.name)\n"
        "assert 'desktop.services.support' in sys.modules and 'db.migrations.v001_initial' in sys.modules\n"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert 'shiboken6' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr


def test_the_real_process_honours_the_environment_and_exit_codes(tmp_path, monkeypatch):
    monkeypatch.setenv("VONXOAY_DATA_DIR", str(tmp_path / "env-data"))
    made = run_cli_process("--json", *INIT_ARGS)
    assert made.code == 0 and json.loads(made.stdout)["commune_code"] == "10507"
    assert (tmp_path / "env-data" / "vonxoay.sqlite").is_file()
    refused = run_cli_process("household", "show", "H404")
    assert refused.code == 2 and refused.stdout == "" and refused.stderr.count("\n") == 1
    assert "Không có hộ mã" in refused.stderr
    # --data-dir wins over the environment variable.
    elsewhere = run_cli_process("--data-dir", str(tmp_path / "flag-data"), "household", "list", "--json")
    assert elsewhere.code == 2 and "Chưa có dữ liệu" in elsewhere.stderr
    shutil.rmtree(tmp_path / "env-data")


def test_restore_upgrades_an_older_backup_and_refuses_a_newer_one(commune, data_dir, tmp_path):
    fixture = REPO / "tests" / "fixtures" / "schema_v1.sqlite"
    old = tmp_path / "cu.sqlite"
    shutil.copyfile(fixture, old)
    ok(commune("restore", str(old), "--json"))
    conn = sqlite3.connect(data_dir.database)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("SELECT value FROM settings WHERE key = 'signer_cashier'").fetchone()[0] == "Phạm Thị Thu"
    conn.close()
    assert _file_digest(old) == _file_digest(fixture)  # the backup itself is never changed
    newer = tmp_path / "moi.sqlite"
    shutil.copyfile(fixture, newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = books_digest(data_dir.database)
    assert_refused(commune("restore", str(newer)), "phiên bản mới hơn")
    assert books_digest(data_dir.database) == before


@pytest.mark.parametrize(("args", "words"), [
    (("pay", "--project", "DA01", "--amount", "5"), "thiếu tham số bắt buộc: --household, --on"),
    (("frobnicate",), "không có lựa chọn 'frobnicate' (chọn một trong: 'init'"),
    (("report", "period", "--format", "docx"), "tham số --format: không có lựa chọn 'docx'"),
    (("household", "list", "--bogus"), "tham số không nhận ra: --bogus"),
    (("pay", "--project"), "tham số --project: cần đúng một giá trị"),
])
def test_argument_errors_are_vietnamese_refusals(cli, data_dir, args, words):
    """argparse's own messages reach the clerk in the same line as ours: they are in Vietnamese too."""
    result = cli(*args)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith("Lỗi: tham số không hợp lệ") and words in result.stderr, result.stderr
    assert not data_dir.database.exists()


def test_help_is_vietnamese(cli):
    for args in (("--help",), ("pay", "--help"), ("report", "period", "--help")):
        result = cli(*args)
        assert result.code == 0 and result.stdout.startswith("cách dùng: vonxoay-cli")
        assert "tùy chọn:" in result.stdout and "in hướng dẫn này rồi thoát" in result.stdout
        for english in ("usage:", "options:", "show this help", "positional arguments"):
            assert english not in result.stdout, (args, english)
