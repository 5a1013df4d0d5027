"""Importing the commune's household list from Excel: recognising its columns, the dry-run report row by row,
one transaction for the valid rows, re-import changing nothing, and every kind of bad file refused cleanly."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.domain import Category
from desktop.errors import Cancelled, Refused
from desktop.importing.households_xlsx import apply_import, plan_import
from desktop.services.households import HouseholdInput, add_household, category_history, require_household
from tests.conftest import books_digest

DB_TODAY = date(2026, 1, 15)


def make_xlsx(path: Path, rows: list[list], *, merges: tuple[str, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    workbook.save(path)
    return path


HEADER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Thôn/Ấp", "Phân loại hộ", "Dân tộc", "Giới tính",
          "Số nhân khẩu", "Số điện thoại"]


def test_dry_run_reports_each_bad_row_and_writes_nothing(books, tmp_path):
    add_household(books, HouseholdInput("H900", "Đinh Văn Có", "Thôn Đông", Category.POOR,
                                        id_number="030185009999")).to_json()
    path = make_xlsx(tmp_path / "ds.xlsx", [
        ["DANH SÁCH HỘ NGHÈO, CẬN NGHÈO NĂM 2025"], [], HEADER,
        [1, "H001", "Nguyễn Văn An", "030185001234", "Thôn Đông", "Hộ nghèo", "Kinh", "Nam", 4, "0912345678"],
        [2, "H002", "", "030185001235", "Thôn Đông", "Hộ nghèo", "Kinh", "Nam", 3, ""],
        [3, "H003", "Lê Văn Cường", "03018500123", "Thôn Tây", "Cận nghèo", "Kinh", "Nam", 3, ""],
        [4, "H004", "Phạm Thị Dung", "", "Thôn Tây", "Hộ khá giả", "Kinh", "Nữ", 2, ""],
        [5, "H001", "Trùng Mã", "", "Thôn Tây", "Hộ nghèo", "", "", "", ""],
        [6, "H006", "Vũ Thị Em", "030185001234", "Thôn Tây", "Hộ nghèo", "", "", "", ""],
        [7, "H007", "Người Khác", "030185009999", "Thôn Tây", "Hộ nghèo", "", "", "", ""],
        [8, "H008", "Hoàng Văn Giáp", "", "", "Hộ nghèo", "", "", "", ""],
        [9, "H009", "Lò Thị Hoa", "", "Bản Mới", "hộ mới thoát nghèo", "Thái", "Nữ", 5, ""],
    ])
    before = books_digest(books.data_dir.database)
    plan = plan_import(books, path, today=DB_TODAY)
    assert books_digest(books.data_dir.database) == before
    data = plan.to_dict()
    assert (data["inserted"], data["updated"], data["header_row"]) == (2, 0, 3)
    reasons = {p["row"]: p["reason"] for p in data["rejected"]}
    assert sorted(reasons) == [5, 6, 7, 8, 9, 10, 11]
    assert "thiếu họ và tên chủ hộ" in reasons[5]
    assert "12 chữ số" in reasons[6]
    assert "“Hộ khá giả” không hợp lệ" in reasons[7]
    assert "trùng mã hộ H001 với dòng 4" in reasons[8]
    assert "trùng số CCCD 030185001234 với dòng 4" in reasons[9]
    assert "đã thuộc hộ H900" in reasons[10]
    assert "thiếu thôn/ấp" in reasons[11]
    assert data["new_hamlets"] == ["Bản Mới"]


def test_valid_rows_go_in_one_transaction_and_reimport_changes_nothing(books, tmp_path):
    path = make_xlsx(tmp_path / "ds.xlsx", [
        HEADER,
        [1, "", "Nguyễn Văn An", "030185001234", "Thôn Đông", "Hộ nghèo", "Kinh", "Nam", 4, 912345678],
        [2, "", "Lò Thị Hoa", 30190001235, "Bản Mới", "mới thoát nghèo", "Thái", "Nữ", 5, None],
        [3, "", "", "", "Thôn Đông", "Hộ nghèo", "", "", "", ""],
    ])
    result = apply_import(books, plan_import(books, path, today=DB_TODAY), today=DB_TODAY)
    assert (result.inserted, result.updated, len(result.rejected), result.new_hamlets) == (2, 0, 1, ("Bản Mới",))
    an = require_household(books.conn, "H00001")
    hoa = require_household(books.conn, "H00002")
    assert (an["head_name"], an["phone"], an["members"], an["ethnic_minority"]) == ("Nguyễn Văn An", "0912345678",
                                                                                     4, 0)
    # Excel had turned the ID into a number and dropped its leading zero: it is restored.
    assert (hoa["id_number"], hoa["ethnic_minority"], hoa["female_head"]) == ("030190001235", 1, 1)
    assert category_history(books.conn, hoa["id"])[0]["category"] == "escaped"
    audit_rows = books.conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'household'").fetchone()[0]
    assert audit_rows == 2

    digest = books_digest(books.data_dir.database)
    again = apply_import(books, plan_import(books, path, today=DB_TODAY), today=DB_TODAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert books_digest(books.data_dir.database) == digest


def test_bad_or_future_dates_and_member_counts_are_reported(books, tmp_path):
    path = make_xlsx(tmp_path / "ds.xlsx", [
        ["Họ và tên chủ hộ", "Thôn", "Phân loại hộ", "Ngày xếp loại", "Số nhân khẩu"],
        ["Lê An", "Thôn Đông", "Hộ nghèo", "31/02/2025", 3],
        ["Lê Bình", "Thôn Đông", "Hộ nghèo", date(2027, 1, 1), 3],
        ["Lê Chi", "Thôn Đông", "Hộ nghèo", "", "ba"],
        ["Lê Dũng", "Thôn Đông", "Hộ nghèo", "", 120],
    ])
    reasons = [p.reason for p in plan_import(books, path, today=DB_TODAY).rejected]
    assert reasons == ["Dòng 2: ngày xếp loại không tồn tại: “31/02/2025” (tháng 2 năm 2025 chỉ có 28 ngày).",
                       "Dòng 3: cột D “Ngày xếp loại” ghi 01/01/2027 ở tương lai (hôm nay là 15/01/2026).",
                       "Dòng 4: cột E “Số nhân khẩu” ghi “ba” không phải số; hãy ghi số người (1–99).",
                       "Dòng 5: cột E “Số nhân khẩu” ghi 120 không hợp lệ (từ 1 đến 99)."]


def test_a_row_matching_two_namesakes_is_rejected_not_guessed(books, tmp_path):
    for code in ("H100", "H101"):
        add_household(books, HouseholdInput(code, "Nguyễn Văn An", "Thôn Đông", Category.POOR))
    path = make_xlsx(tmp_path / "ds.xlsx", [HEADER, [1, "", "Nguyễn Văn An", "", "Thôn Đông", "Hộ nghèo"]])
    plan = plan_import(books, path, today=DB_TODAY)
    assert not plan.rows and "2 hộ cùng họ tên ở thôn này (H100, H101)" in plan.rejected[0].reason


def test_changed_rows_update_the_household_and_add_to_its_category_history(books, tmp_path):
    rows = [[*HEADER, "Ngày xếp loại"],
            [1, "H001", "Nguyễn Văn An", "", "Thôn Đông", "Hộ nghèo", "Kinh", "Nam", 4, "", date(2025, 1, 1)]]
    apply_import(books, plan_import(books, make_xlsx(tmp_path / "a.xlsx", rows), today=DB_TODAY), today=DB_TODAY)
    rows[1] = [1, "H001", "Nguyễn Văn An", "", "Thôn Tây", "Hộ cận nghèo", "Kinh", "Nam", 5, "0987654321",
               "01/01/2025"]
    stale = plan_import(books, make_xlsx(tmp_path / "stale.xlsx", rows), today=DB_TODAY)
    assert "không sau lần xếp loại gần nhất (01/01/2025)" in stale.rejected[0].reason
    rows[1][-1] = "01/01/2026"
    plan = plan_import(books, make_xlsx(tmp_path / "b.xlsx", rows), today=DB_TODAY)
    assert plan.to_dict()["updated"] == 1
    assert set(plan.rows[0].changes) == {"hamlet", "members", "phone", "category"}
    apply_import(books, plan, today=DB_TODAY)
    h = require_household(books.conn, "H001")
    assert (h["members"], h["phone"]) == (5, "0987654321")
    assert [c["category"] for c in category_history(books.conn, h["id"])] == ["poor", "near_poor"]
    assert category_history(books.conn, h["id"])[1]["effective_on"] == "2026-01-01"


def test_header_anywhere_with_shouting_undotted_names_and_marked_categories(books, tmp_path):
    path = make_xlsx(tmp_path / "ds.xlsx", [
        ["UBND XÃ ĐỨC CHÍNH"], ["DANH SÁCH"], [], [None, "Ghi chú chung: số liệu rà soát"],
        ["TT", "HO VA TEN CHU HO (*)", "THÔN", "HỘ NGHÈO", "HỘ CẬN NGHÈO", "SỐ CMND/CCCD", "DTTS"],
        [1, "Đặng Thị Mai", "thon dong", "x", None, "", "x"],
        [2, "Bùi Văn Nam", "Thôn Tây", None, "X", "", None],
        [3, "Cao Văn Ơn", "Thôn Tây", "x", "x", "", None],
    ])
    plan = plan_import(books, path, today=DB_TODAY)
    assert plan.header_row == 5
    assert plan.columns == {"HO VA TEN CHU HO (*)": "head_name", "THÔN": "hamlet", "HỘ NGHÈO": "category_poor",
                            "HỘ CẬN NGHÈO": "category_near_poor", "SỐ CMND/CCCD": "id_number",
                            "DTTS": "ethnic_minority"}
    assert [(r.values["head_name"], r.values["category"], r.values["ethnic_minority"]) for r in plan.rows] == [
        ("Đặng Thị Mai", Category.POOR, True), ("Bùi Văn Nam", Category.NEAR_POOR, False)]
    assert "nhiều hơn một phân loại" in plan.rejected[0].reason and plan.rejected[0].row == 8
    assert plan.new_hamlets == ()  # "thon dong" is Thôn Đông


def test_merged_grouped_header_cells_are_read(books, tmp_path):
    path = make_xlsx(tmp_path / "ds.xlsx", [
        ["STT", "Họ và tên", "Thôn", "Phân loại hộ", None, None, "Ghi chú"],
        [None, None, None, "Nghèo", "Cận nghèo", "Mới thoát nghèo", None],
        [1, "Mai Văn Tư", "Thôn Đông", None, None, "x", "mới thoát 2025"],
        [2, "Tạ Thị Năm", "Thôn Tây", "x", None, None, ""],
    ], merges=("A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2"))
    plan = plan_import(books, path, today=DB_TODAY)
    assert plan.header_row == 1 and not plan.rejected
    assert [(r.row, r.values["category"]) for r in plan.rows] == [(3, Category.ESCAPED), (4, Category.POOR)]
    assert plan.rows[0].values["notes"] == "mới thoát 2025"


def test_unknown_columns_are_mapped_by_the_clerk(books, tmp_path, cli):
    path = make_xlsx(tmp_path / "ds.xlsx", [
        ["Tên người đại diện hộ", "Khu dân cư", "Diện"],
        ["Hà Văn Sáu", "Thôn Đông", "Hộ nghèo"],
    ])
    refused = cli("household", "import", str(path), "--dry-run")
    assert refused.code == 2 and "--map" in refused.stderr
    result = cli("--json", "household", "import", str(path), "--map", "Tên người đại diện hộ=head_name",
                 "--map", "B=hamlet", "--map", "diện=category")
    assert result.code == 0, result.stderr
    assert {k: result.json[k] for k in ("inserted", "updated", "rejected")} == {"inserted": 1, "updated": 0,
                                                                                 "rejected": []}
    bad = cli("household", "import", str(path), "--map", "Tên người đại diện hộ=ten")
    assert bad.code == 2 and "Trường “ten” không có" in bad.stderr


def test_template_fills_in_and_imports(books, tmp_path, cli):
    template = tmp_path / "mau.xlsx"
    assert cli("household", "template", "--out", str(template)).code == 0
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Danh sách hộ"]
    assert sheet["D4"].number_format == "@"
    assert any("Thôn Đông" in str(c.value) for c in workbook["Danh mục"]["A"])
    sheet.append([1, "", "Kim Văn Bảy", "030185001299", "Thôn Tây", "Hộ cận nghèo", "10/01/2025", "Kinh", "Nam", 3,
                  "", ""])
    workbook.save(template)
    result = cli("--json", "household", "import", str(template))
    assert result.code == 0, result.stderr
    assert result.json["inserted"] == 1 and result.json["rejected"] == []
    h = require_household(books.conn, "H00001")
    assert category_history(books.conn, h["id"])[0]["effective_on"] == "2025-01-10"


# ------------------------------------------------------------------------------------------- bad files


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def _ole(path: Path, *, encrypted: bool) -> Path:
    """An OLE compound file's opening: what Excel 97-2003 writes, and what Office wraps a password-protected
    .xlsx in (its directory names the "EncryptedInfo"/"EncryptedPackage" streams)."""
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    names = ("EncryptionInfo", "EncryptedPackage") if encrypted else ("Workbook", "SummaryInformation")
    for name in names:
        body += name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    path.write_bytes(body + b"\x00" * 2048)
    return path


def _corrupt(path: Path, tmp_path: Path) -> Path:
    good = make_xlsx(tmp_path / "good.xlsx", [HEADER, [1, "H1", "A", "", "Thôn Đông", "Hộ nghèo"]])
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(("maker", "message"), [
    (lambda p, t: (p.write_text("Họ và tên,Thôn\nA,B\n", encoding="utf-8"), p)[1], "không phải tệp Excel .xlsx"),
    (lambda p, t: _docx(p), "là tệp Word (.docx)"),
    (lambda p, t: _corrupt(p, t), "bị hỏng"),
    (lambda p, t: _ole(p, encrypted=True), "được đặt mật khẩu"),
    (lambda p, t: _ole(p, encrypted=False), "Excel 97-2003 (.xls)"),
    (lambda p, t: make_xlsx(p, []), "trống"),
    (lambda p, t: make_xlsx(p, [["Số liệu"], [1, 2, 3]]), "Không tìm thấy dòng tiêu đề"),
])
def test_bad_files_are_refused_with_the_reason_and_nothing_written(books, cli, tmp_path, maker, message):
    path = maker(tmp_path / "ds.xlsx", tmp_path)
    before = books_digest(books.data_dir.database)
    result = cli("household", "import", str(path))
    assert result.code == 2 and result.stdout == ""
    assert message in result.stderr
    assert books_digest(books.data_dir.database) == before
    with pytest.raises(Refused):
        plan_import(books, path)


def test_formulas_without_values_are_rejected_by_row(books, tmp_path):
    path = make_xlsx(tmp_path / "ds.xlsx", [
        ["Họ", "Tên", "Họ và tên chủ hộ", "Thôn", "Phân loại hộ"],
        ["Nguyễn", "An", '=A2&" "&B2', "Thôn Đông", "Hộ nghèo"],
        ["Trần", "Bình", "Trần Bình", "Thôn Đông", "Hộ nghèo"],
    ])
    plan = plan_import(books, path, today=DB_TODAY)
    assert [r.values["head_name"] for r in plan.rows] == ["Trần Bình"]
    assert plan.rejected[0].row == 2 and "C2 là công thức chưa có giá trị" in plan.rejected[0].reason


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_formulas_saved_with_their_values_import_the_values(books, tmp_path):
    source = make_xlsx(tmp_path / "src.xlsx", [
        ["Họ", "Tên", "Họ và tên chủ hộ", "Thôn", "Phân loại hộ"],
        ["Nguyễn", "An", '=A2&" "&B2', "Thôn Đông", "Hộ nghèo"],
    ])
    out = tmp_path / "saved"
    # A spreadsheet program opening and saving the file stores each formula's value beside it.
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    plan = plan_import(books, out / "src.xlsx", today=DB_TODAY)
    assert not plan.rejected and plan.rows[0].values["head_name"] == "Nguyễn An"


def _big_list(path: Path, rows: int) -> Path:
    """A commune-sized list written the way a big export is: streamed, one row at a time."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH"])
    sheet.append(["STT", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Thôn", "Phân loại hộ", "Số nhân khẩu"])
    categories = ["Hộ nghèo", "Hộ cận nghèo", "Hộ mới thoát nghèo", "Hộ không nghèo"]
    for i in range(1, rows + 1):
        sheet.append([i, f"H{i:06d}", f"Nguyễn Văn {i}", f"0301{85 + i % 10:02d}{i:06d}", f"Thôn {i % 40 + 1}",
                      categories[i % 4], i % 7 + 1])
    sheet.append([rows + 1, "", "", "", "Thôn 1", "Hộ nghèo", 2])  # one bad row at the very end
    workbook.save(path)
    return path


def _import_big(books, path: Path, rows: int) -> None:
    plan = plan_import(books, path, today=DB_TODAY)
    assert (plan.count("insert"), [p.row for p in plan.rejected]) == (rows, [rows + 3])
    result = apply_import(books, plan, today=DB_TODAY)
    assert result.inserted == rows and len(result.new_hamlets) == 40
    assert books.conn.execute("SELECT count(*) FROM household").fetchone()[0] == rows
    assert books.conn.execute("SELECT count(*) FROM household_category").fetchone()[0] == rows
    digest = books_digest(books.data_dir.database)
    again = plan_import(books, path, today=DB_TODAY)
    assert again.count("unchanged") == rows and again.count("insert") == again.count("update") == 0
    assert apply_import(books, again, today=DB_TODAY).inserted == 0
    assert books_digest(books.data_dir.database) == digest


def test_a_long_list_imports_in_one_go(books, tmp_path):
    _import_big(books, _big_list(tmp_path / "ds.xlsx", 5_000), 5_000)


def test_progress_is_reported_and_cancel_stops_without_writing(books, tmp_path):
    path = _big_list(tmp_path / "ds.xlsx", 3_000)
    seen = []
    plan = plan_import(books, path, progress=lambda done, total: seen.append((done, total)), today=DB_TODAY)
    assert seen[0][0] == 1000 and seen[-1] == (3001, 3001)  # 3 000 rows and the bad one
    before = books_digest(books.data_dir.database)
    with pytest.raises(Cancelled, match="Đã dừng"):
        plan_import(books, path, cancelled=lambda: True, today=DB_TODAY)
    calls = []
    with pytest.raises(Cancelled, match="không có gì được ghi"):
        apply_import(books, plan, cancelled=lambda: calls.append(1) or len(calls) > 1, today=DB_TODAY)
    assert books_digest(books.data_dir.database) == before


@pytest.mark.slow
def test_two_hundred_thousand_rows_import_correctly(books, tmp_path):
    _import_big(books, _big_list(tmp_path / "ds.xlsx", 200_000), 200_000)
