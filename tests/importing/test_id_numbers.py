"""ID numbers as lists carry them: a CCCD whose fourth digit gives the century (TT 07/2016), so 4–9 name no
living person and the year of birth cannot be ahead of today; and the old 9-digit CMND, accepted as a legacy
identity kept in the notes, with a warning, in the import, on the command line and in the form."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from desktop import clock
from desktop.errors import Refused
from desktop.idnumbers import describe_id_number, normalise_id_number, read_identity, with_cmnd_note
from desktop.importing.households_xlsx import apply_import, plan_import
from desktop.services.households import HouseholdChanges, edit_household, require_household
from tests.conftest import books_digest

DB_TODAY = date(2026, 1, 15)
HEADER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Số CMND/CCCD", "Thôn", "Phân loại hộ", "Ghi chú"]


@pytest.mark.parametrize(("digits", "year", "female"), [
    ("030085001234", 1985, False), ("030185001234", 1985, True), ("001200001234", 2000, False),
    ("001325001234", 2025, True), ("001326001234", 2026, True),
])
def test_the_fourth_digit_gives_the_century(digits, year, female):
    assert normalise_id_number(digits, today=DB_TODAY) == digits
    assert describe_id_number(digits)["birth_year"] == year and describe_id_number(digits)["female"] is female


@pytest.mark.parametrize(("digit", "century"), [(4, 22), (5, 22), (6, 23), (7, 23), (8, 24), (9, 24)])
def test_century_digits_4_to_9_are_no_living_person(digit, century):
    with pytest.raises(Refused) as refused:
        normalise_id_number(f"030{digit}85001234", today=DB_TODAY)
    assert f"chữ số thứ 4 là {digit}" in refused.value.message
    assert f"thế kỷ {century}" in refused.value.message and "07/2016" in refused.value.message


def test_a_birth_year_after_today_is_refused():
    with pytest.raises(Refused, match="năm sinh 2027 .* ở tương lai"):
        normalise_id_number("030227001234", today=DB_TODAY)
    with clock.frozen(date(2027, 3, 1)):  # the year comes from the program's clock
        assert normalise_id_number("030227001234") == "030227001234"


def test_a_cmnd_is_a_legacy_identity_and_not_a_cccd():
    assert read_identity("123 456 789").cmnd == "123456789"
    assert read_identity("123456789").cccd is None and "CMND cũ" in read_identity("123456789").warning
    assert read_identity("030185001234").cccd == "030185001234" and not read_identity("030185001234").warning
    with pytest.raises(Refused, match="CMND cũ \\(9 chữ số\\)"):
        normalise_id_number("123456789")
    with pytest.raises(Refused, match="cùng một chữ số"):
        read_identity("000000000")
    assert with_cmnd_note("", "123456789") == "CMND cũ: 123456789"
    assert with_cmnd_note("hộ neo đơn; CMND cũ: 123456789", "123456789") == "hộ neo đơn; CMND cũ: 123456789"


def _list(path, rows):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_import_keeps_an_old_cmnd_in_the_notes_with_a_warning(books, tmp_path, cli):
    path = _list(tmp_path / "ds.xlsx", [
        [1, "H001", "Nguyễn Văn Cũ", "121234567", "Thôn Đông", "Hộ nghèo", ""],
        [2, "H002", "Lê Thị Số", 12345678, "Thôn Đông", "Hộ nghèo", "neo đơn"],  # a number that lost its 0
        [3, "H003", "Trùng Số", "121234567", "Thôn Tây", "Hộ nghèo", ""],
        [4, "H004", "Thế Kỷ Sau", "030985001234", "Thôn Tây", "Hộ nghèo", ""],
        [5, "H005", "Sinh Sau", "030230001234", "Thôn Tây", "Hộ nghèo", ""],
        [6, "H006", "Người Mới", "030185001234", "Thôn Tây", "Hộ cận nghèo", ""],
    ])
    plan = plan_import(books, path, today=DB_TODAY)
    assert [(r.row, r.values["id_number"], r.values.get("notes", "")) for r in plan.rows] == [
        (2, None, "CMND cũ: 121234567"), (3, None, "neo đơn; CMND cũ: 012345678"), (7, "030185001234", "")]
    assert [w["row"] for w in plan.to_dict()["warnings"]] == [2, 3]
    assert "CMND cũ (9 chữ số)" in plan.to_dict()["warnings"][0]["message"]
    reasons = {p.row: p.reason for p in plan.rejected}
    assert "trùng số CMND 121234567 với dòng 2" in reasons[4]
    assert "chữ số thứ 4 là 9" in reasons[5] and "thế kỷ 24" in reasons[5]
    assert "năm sinh 2030" in reasons[6]
    text = cli("household", "import", str(path), "--dry-run").stdout
    assert "Cảnh báo — Dòng 2: số 121234567 là CMND cũ" in text
    result = apply_import(books, plan, today=DB_TODAY)
    assert result.inserted == 3 and len(result.warnings) == 2
    h = require_household(books.conn, "H001")
    assert (h["id_number"], h["notes"]) == (None, "CMND cũ: 121234567")
    # The same file again changes nothing: the CMND in the notes is the same household's.
    digest = books_digest(books.data_dir.database)
    again = plan_import(books, path, today=DB_TODAY)
    assert again.count("unchanged") == 3 and again.count("update") == 0
    assert books_digest(books.data_dir.database) == digest


def test_a_cmnd_finds_its_household_without_a_code_and_the_notes_keep_it(books, tmp_path):
    first = _list(tmp_path / "a.xlsx", [[1, "", "Đỗ Văn Nhớ", "121234567", "Thôn Đông", "Hộ nghèo", "ghi chú cũ"]])
    apply_import(books, plan_import(books, first, today=DB_TODAY), today=DB_TODAY)
    # A later list without the code, in another hamlet, with new notes: still the household with that CMND.
    later = _list(tmp_path / "b.xlsx", [[1, "", "Đỗ Văn Nhớ", "121234567", "Thôn Tây", "Hộ nghèo", "đã chuyển"]])
    plan = plan_import(books, later, today=DB_TODAY)
    assert [(r.action, r.code) for r in plan.rows] == [("update", "H00001")]
    assert plan.rows[0].changes["notes"] == ("ghi chú cũ; CMND cũ: 121234567", "đã chuyển; CMND cũ: 121234567")


def test_household_add_and_edit_take_a_cmnd_with_a_warning(books, cli):
    result = cli("--json", "household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                 "--category", "poor", "--id-number", "121234567")
    assert result.code == 0, result.stderr
    assert "CMND cũ" in result.json["warnings"][0]
    shown = cli("--json", "household", "show", "H010").json
    assert (shown["id_number"], shown["notes"]) == (None, "CMND cũ: 121234567")
    text = cli("household", "add", "--code", "H011", "--head", "Ai Khác", "--hamlet", "Thôn Đông",
               "--category", "poor", "--id-number", "121234568", "--notes", "neo đơn").stdout
    assert "Cảnh báo: Số 121234568 là CMND cũ" in text
    assert cli("--json", "household", "show", "H011").json["notes"] == "neo đơn; CMND cũ: 121234568"
    edited = edit_household(books, "H010", HouseholdChanges(id_number="030185001234"))
    assert edited.changed == ("id_number", "search_key") and not edited.warnings
    assert require_household(books.conn, "H010")["notes"] == "CMND cũ: 121234567"  # the old number is kept


@pytest.mark.parametrize(("number", "words"), [
    ("030485001234", "thế kỷ 22"), ("030885001234", "thế kỷ 24"), ("030299001234", "ở tương lai"),
    ("000000000", "cùng một chữ số"), ("12345678", "12 chữ số"),
])
def test_household_add_refuses_impossible_numbers_and_writes_nothing(books, cli, number, words):
    before = books_digest(books.data_dir.database)
    result = cli("household", "add", "--code", "H010", "--head", "Ai Đó", "--hamlet", "Thôn Đông",
                 "--category", "poor", "--id-number", number)
    assert result.code == 2 and words in result.stderr
    assert books_digest(books.data_dir.database) == before
