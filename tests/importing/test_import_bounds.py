"""What an imported list may hold: a workbook that unpacks to far more than a register (a "zip bomb") is
refused from the zip's directory before anything is unpacked, and each household field is held to the rules
the form and ``household add`` follow (length, invisible characters, phone, category date, whole member
counts), the refused row named with its column, nothing of it written."""

from __future__ import annotations

import os
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop import clock
from desktop.errors import Refused
from desktop.importing import sheet
from desktop.importing.households_xlsx import plan_import
from tests.conftest import books_digest

DB_TODAY = date(2026, 1, 15)
HEADER = ["Mã hộ", "Họ và tên chủ hộ", "Thôn/Ấp", "Phân loại hộ", "Ngày xếp loại", "Số nhân khẩu",
          "Số điện thoại", "Ghi chú"]


def make_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    for row in rows:
        worksheet.append(row)
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a clerk may type it after a '
    workbook.save(path)
    return path


def _with_comment(source: Path, target: Path, comment: bytes) -> Path:
    """``source`` with an XML comment after its sheet data: a few KB packed, as much as wanted unpacked."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData><!--" + comment + b"-->")
            zout.writestr(info.filename, data)
    return target


def _one_household(tmp_path: Path) -> Path:
    return make_xlsx(tmp_path / "src.xlsx", [HEADER, ["X1", "Bom Nổ", "Thôn Đông", "Hộ nghèo"]])


# ------------------------------------------------------------------------------------------ zip bombs


def test_a_workbook_unpacking_to_far_more_than_it_packs_is_refused_at_once(books, cli, tmp_path):
    bomb = _with_comment(_one_household(tmp_path), tmp_path / "bomb.xlsx", b"A" * 20_000_000)
    assert bomb.stat().st_size < 100_000
    before = books_digest(books.data_dir.database)
    for args in (("--dry-run",), ()):
        started = time.monotonic()
        result = cli("household", "import", str(bomb), *args)
        assert time.monotonic() - started < 5
        assert result.code == 2 and result.stdout == ""
        assert "phần “xl/worksheets/sheet1.xml”" in result.stderr and "giải nén ra 19,1 MB" in result.stderr
        assert "gấp hơn 100 lần" in result.stderr
        assert books_digest(books.data_dir.database) == before


def test_parts_and_workbooks_larger_than_the_bounds_are_refused(books, tmp_path, monkeypatch):
    """Random text packs badly, so only the size bounds stop it (lowered here to keep the test small)."""
    noise = os.urandom(600_000).hex().encode()  # 1.2 MB that deflate packs only about 2:1
    path = _with_comment(_one_household(tmp_path), tmp_path / "big.xlsx", noise)
    sheet.check_xlsx(path)  # within the real bounds
    monkeypatch.setattr(sheet, "MAX_PART_BYTES", 1_000_000)
    with pytest.raises(Refused, match="giải nén ra 1,1 MB, quá mức 977 KB"):
        plan_import(books, path, today=DB_TODAY)
    monkeypatch.setattr(sheet, "MAX_PART_BYTES", 256 * 1024 * 1024)
    monkeypatch.setattr(sheet, "MAX_TOTAL_BYTES", 1_000_000)
    with pytest.raises(Refused, match=r"Tệp big.xlsx giải nén ra 1,2 MB, quá mức 977 KB"):
        plan_import(books, path, today=DB_TODAY)
    monkeypatch.setattr(sheet, "MAX_TOTAL_BYTES", 512 * 1024 * 1024)
    monkeypatch.setattr(sheet, "MAX_PARTS", 5)
    with pytest.raises(Refused, match=r"gồm \d+ phần, nhiều hơn mức 5"):
        plan_import(books, path, today=DB_TODAY)


def test_a_long_list_of_repeated_rows_packs_well_and_still_imports(books, tmp_path):
    """Identical rows are what packs best in a real list (about 18:1, against 1 000:1 for a bomb)."""
    rows = [HEADER] + [[f"H{i:05d}", "Nguyễn Văn An", "Thôn Đông", "Hộ nghèo", "01/01/2025", 4, "0912345678",
                        "ghi chú giống nhau"] for i in range(12_000)]
    path = make_xlsx(tmp_path / "long.xlsx", rows)
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/worksheets/sheet1.xml")
    assert part.file_size > 1024 * 1024 and part.file_size > 10 * part.compress_size
    sheet.check_xlsx(path)


def test_a_zip_that_holds_no_workbook_says_so_plainly(books, cli, tmp_path):
    path = tmp_path / "fakezip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = cli("household", "import", str(path), "--dry-run")
    assert result.code == 2
    assert ("Tệp fakezip.xlsx là một tệp nén (.zip) không chứa sổ Excel nào. Hãy mở danh sách hộ bằng Excel và "
            "lưu dạng Sổ làm việc Excel (.xlsx) rồi nhập lại.") in result.stderr


# ------------------------------------------------------------------------------------------ row values


BAD_ROWS = {
    # row number in the file → (the row, what its reason says)
    2: (["X01", "A" * 10_000, "Thôn Đông", "Hộ nghèo"],
        "Dòng 2: cột B “Họ và tên chủ hộ” ghi “AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…” dài 10.000 ký tự, quá "
        "mức 120 ký tự"),
    3: (["X02", "Lê Hai", "T" * 10_000, "Hộ nghèo"], "Dòng 3: cột C “Thôn/Ấp” ghi “TTTT"),
    4: (["X03", "Lê Ba", "Thôn Đông", "Hộ nghèo", "01/01/1900"],
        "Dòng 4: cột E “Ngày xếp loại” ghi 01/01/1900 trước 01/01/1990"),
    5: (["X04", "Lê Bốn", "Thôn Đông", "Hộ nghèo", date(1950, 6, 1)], "ghi 01/06/1950 trước 01/01/1990"),
    6: (["X05", "Lê Năm", "Thôn Đông", "Hộ nghèo", None, None, "9" * 5_000],
        "Dòng 6: cột G “Số điện thoại” ghi “9999999999999999999999999999999999999999…” không hợp lệ: cần 8 đến 15 "
        "chữ số"),
    7: (["X06", "Lê Sáu", "Thôn Đông", "Hộ nghèo", None, None, -1],
        "Dòng 7: cột G “Số điện thoại” ghi “-1” không hợp lệ"),
    8: (["X07", "Nguyễn\u202eA nĂV", "Thôn Đông", "Hộ nghèo"],
        "Dòng 8: cột B “Họ và tên chủ hộ” ghi “Nguyễn[U+202E]A nĂV” có ký tự đảo chiều chữ U+202E ở vị trí 7"),
    9: (["X08", "Lê Chín", "Thôn Đông", "Hộ nghèo", None, 4.5],
        "Dòng 9: cột F “Số nhân khẩu” ghi 4,5 không phải số nguyên"),
    10: (["X09", "Lê Mười", "Thôn Đông", "Hộ nghèo", None, None, None, "ghi\x9bchú"],
         "Dòng 10: cột H “Ghi chú” ghi “ghi[U+009B]chú” có ký tự điều khiển U+009B"),
    11: (["X10", "Zero\u200bWidth", "Thôn Đông", "Hộ nghèo"], "có ký tự ẩn U+200B ở vị trí 5"),
    12: (["X11", "Lê Mười Hai", "Thôn \u2066Đông\u2069", "Hộ nghèo"], "cột C “Thôn/Ấp” ghi “Thôn [U+2066]Đông"),
    13: (["X12", "Lê Mười Ba", "Thôn Đông", "Hộ nghèo", None, None, "0912 345 678, 0987 654 321"],
         "nếu có nhiều số, ghi một số ở đây"),
}
GOOD_ROWS = [
    ["X20", '=HYPERLINK("http://x","bấm")', "Thôn Đông", "Hộ nghèo", "01/01/1990", 4.0, "+84 912.345.678"],
    ["X21", "+1+1", "Thôn Tây", "Hộ cận nghèo", None, "3", 912345678],
    ["X22", "Nguyễn Thị " + "Thu " * 25 + "Hà", "Thôn Đông", "Hộ nghèo", None, None, "024-3825-1234",
     "ghi chú\ndòng hai"],
]


def _bad_file(tmp_path: Path) -> Path:
    return make_xlsx(tmp_path / "ds.xlsx", [HEADER, *(row for row, _ in BAD_ROWS.values()), *GOOD_ROWS])


def test_absurd_values_are_refused_row_by_row_naming_the_column(books, tmp_path):
    plan = plan_import(books, _bad_file(tmp_path), today=DB_TODAY)
    reasons = {p.row: p.reason for p in plan.rejected}
    assert sorted(reasons) == sorted(BAD_ROWS)
    for row, (_, expected) in BAD_ROWS.items():
        assert expected in reasons[row], (row, reasons[row])
    # Neither the long hamlet nor the one with hidden characters is planned as a new hamlet.
    assert plan.new_hamlets == ()
    # The rejected rows are named as the file gave them, cut short and with invisible characters shown.
    long_name = next(p for p in plan.rejected if p.row == 2)
    assert long_name.head_name == "A" * 60 + "…"
    assert next(p for p in plan.rejected if p.row == 8).head_name == "Nguyễn[U+202E]A nĂV"
    kept = {r.values["head_name"]: r.values for r in plan.rows}
    assert set(kept) == {'=HYPERLINK("http://x","bấm")', "+1+1", GOOD_ROWS[2][1]}
    assert kept["+1+1"]["members"] == 3 and kept["+1+1"]["phone"] == "0912345678"
    assert kept['=HYPERLINK("http://x","bấm")']["members"] == 4
    assert kept[GOOD_ROWS[2][1]]["notes"] == "ghi chú dòng hai"


def test_a_real_import_writes_none_of_the_refused_rows(books, cli, tmp_path):
    path = _bad_file(tmp_path)
    before = books_digest(books.data_dir.database)
    with clock.frozen(DB_TODAY):
        dry = cli("household", "import", str(path), "--dry-run", "--json")
        assert books_digest(books.data_dir.database) == before
        real = cli("household", "import", str(path), "--json")
    assert dry.json["inserted"] == real.json["inserted"] == 3
    assert sorted(p["row"] for p in real.json["rejected"]) == sorted(BAD_ROWS)
    assert real.json["new_hamlets"] == []
    names = [r[0] for r in books.conn.execute("SELECT head_name FROM household ORDER BY code")]
    assert names == ['=HYPERLINK("http://x","bấm")', "+1+1", GOOD_ROWS[2][1]]
    assert [r[0] for r in books.conn.execute("SELECT name FROM hamlet ORDER BY id")] == ["Thôn Đông", "Thôn Tây"]
