"""Reading the list the clerk sees: the active visible sheet (never a hidden one), or the one named with
``--sheet``; and the column names real lists use, with their slashes, extra words and missing diacritics,
without taking a spouse's name or an issue date for the head's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.errors import Refused
from desktop.importing.households_xlsx import plan_import
from desktop.importing.sheet import field_for
from tests.conftest import books_digest

DB_TODAY = date(2026, 1, 15)
HEADER = ["STT", "Họ và tên chủ hộ", "Số CCCD", "Thôn", "Phân loại hộ"]


def _fill(sheet, name: str) -> None:
    sheet.append(HEADER)
    sheet.append([1, name, "", "Thôn Đông", "Hộ nghèo"])


def workbook(path: Path, sheets: list[tuple[str, str, str]], active: int = 0) -> Path:
    """``sheets``: (title, state, head's name on its one row)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, state, name in sheets:
        sheet = book.create_sheet(title)
        _fill(sheet, name)
        sheet.sheet_state = state
    book.active = active
    book.save(path)
    return path


def names(plan) -> list[str]:
    return [r.values["head_name"] for r in plan.rows]


# ------------------------------------------------------------------------------------------- which sheet


def test_a_hidden_first_sheet_is_not_read(books, tmp_path, cli):
    path = workbook(tmp_path / "ds.xlsx", [("Cũ", "hidden", "Người Trong Trang Ẩn"),
                                           ("Danh sách", "visible", "Người Đang Hiện")], active=1)
    plan = plan_import(books, path, today=DB_TODAY)
    assert (plan.sheet, names(plan), plan.sheets) == ("Danh sách", ["Người Đang Hiện"], ("Danh sách",))
    result = cli("--json", "household", "import", str(path), "--dry-run")
    assert result.code == 0 and result.json["sheet"] == "Danh sách" and result.json["inserted"] == 1
    text = cli("household", "import", str(path), "--dry-run")
    assert "Đọc trang tính “Danh sách”" in text.stdout


def test_the_active_sheet_is_read_when_it_is_not_the_first(books, tmp_path):
    path = workbook(tmp_path / "ds.xlsx", [("Năm 2024", "visible", "Người Năm Trước"),
                                           ("Bí mật", "veryHidden", "Người Ẩn Hẳn"),
                                           ("Năm 2025", "visible", "Người Năm Nay")], active=2)
    plan = plan_import(books, path, today=DB_TODAY)
    assert (plan.sheet, names(plan)) == ("Năm 2025", ["Người Năm Nay"])
    assert plan.sheets == ("Năm 2024", "Năm 2025")  # the very hidden sheet is never offered


def test_a_hidden_active_sheet_gives_way_to_the_first_visible_one(books, tmp_path):
    path = workbook(tmp_path / "ds.xlsx", [("Ẩn", "veryHidden", "Người Ẩn"), ("Trang 1", "visible", "Người Một"),
                                           ("Trang 2", "visible", "Người Hai")], active=0)
    plan = plan_import(books, path, today=DB_TODAY)
    assert (plan.sheet, names(plan)) == ("Trang 1", ["Người Một"])


def test_the_named_sheet_is_read(books, tmp_path, cli):
    path = workbook(tmp_path / "ds.xlsx", [("Trang 1", "visible", "Người Một"),
                                           ("Hộ nghèo 2025", "visible", "Người Hai")])
    assert names(plan_import(books, path, sheet="Hộ nghèo 2025", today=DB_TODAY)) == ["Người Hai"]
    # Typed without diacritics or capitals, as a clerk types on the command line.
    result = cli("--json", "household", "import", str(path), "--sheet", "ho ngheo 2025")
    assert result.code == 0, result.stderr
    assert result.json["sheet"] == "Hộ nghèo 2025" and result.json["inserted"] == 1


@pytest.mark.parametrize(("name", "words"), [
    ("Không Có", "không có trang tính “Không Có”"),
    ("Cũ", "đang bị ẩn"),
    ("Bí mật", "đang bị ẩn"),
])
def test_an_unknown_or_hidden_sheet_is_refused_naming_the_visible_ones(books, tmp_path, cli, name, words):
    path = workbook(tmp_path / "ds.xlsx", [("Cũ", "hidden", "A"), ("Bí mật", "veryHidden", "B"),
                                           ("Danh sách", "visible", "C"), ("Phụ lục", "visible", "D")], active=2)
    with pytest.raises(Refused) as refused:
        plan_import(books, path, sheet=name, today=DB_TODAY)
    assert words in refused.value.message and "“Danh sách”, “Phụ lục”" in refused.value.message
    before = books_digest(books.data_dir.database)
    result = cli("household", "import", str(path), "--sheet", name)
    assert result.code == 2 and words in result.stderr and "“Danh sách”, “Phụ lục”" in result.stderr
    assert books_digest(books.data_dir.database) == before


def test_an_empty_sheet_names_the_others(books, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Trống"
    _fill(book.create_sheet("Danh sách"), "Người Có Tên")
    book.save(tmp_path / "ds.xlsx")
    with pytest.raises(Refused, match="Trang tính “Trống”.*trống. Các trang khác đang hiện: “Danh sách”"):
        plan_import(books, tmp_path / "ds.xlsx", today=DB_TODAY)
    assert names(plan_import(books, tmp_path / "ds.xlsx", sheet="Danh sách", today=DB_TODAY)) == ["Người Có Tên"]


# ------------------------------------------------------------------------------------------ column names


@pytest.mark.parametrize(("title", "field"), [
    ("CCCD/CMND", "id_number"),
    ("Số CCCD/ĐDCN của chủ hộ", "id_number"),
    ("Số CMND/CCCD của chủ hộ", "id_number"),
    ("SO CMND/CCCD CUA CHU HO", "id_number"),
    ("số cccd (nếu có)", "id_number"),
    ("Số định danh cá nhân", "id_number"),
    ("Số CCCD của chủ hộ", "id_number"),
    ("Địa chỉ/Thôn", "hamlet"),
    ("Địa chỉ (thôn, xóm)", "hamlet"),
    ("Thôn/Xóm/Ấp", "hamlet"),
    ("thon - xom", "hamlet"),
    ("Họ và tên chủ hộ", "head_name"),
    ("HỌ VÀ TÊN CHỦ HỘ (*)", "head_name"),
    ("Ho va ten chu ho", "head_name"),
    ("Họ tên chủ hộ / người đại diện", "head_name"),
    ("Số điện thoại", "phone"),
])
def test_real_list_headers_are_recognised(title, field):
    assert field_for(title) == field


@pytest.mark.parametrize("title", [
    "Họ tên vợ/chồng", "Họ và tên vợ chồng", "Số CCCD vợ/chồng", "Ngày cấp CCCD", "Nơi cấp CMND/CCCD",
    "Họ tên/Năm sinh", "Hộ nghèo/cận nghèo", "Địa chỉ", "Thôn Đông", "Năm sinh chủ hộ", "SĐT liên lạc",
])
def test_other_columns_are_not_taken_for_a_field(title):
    assert field_for(title) is None


def test_the_spouse_column_never_feeds_the_heads_name(books, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["TT", "Họ tên vợ/chồng", "Họ và tên", "Số CMND/CCCD của chủ hộ", "Ngày cấp CCCD", "Địa chỉ/Thôn",
                  "Họ và tên chủ hộ", "Phân loại hộ"])
    sheet.append([1, "Trần Thị Vợ", "Nguyễn Văn Con", "030185001234", "01/01/2021", "Thôn Đông", "Nguyễn Văn Chủ",
                  "Hộ nghèo"])
    book.save(tmp_path / "ds.xlsx")
    plan = plan_import(books, tmp_path / "ds.xlsx", today=DB_TODAY)
    assert plan.columns == {"Số CMND/CCCD của chủ hộ": "id_number", "Địa chỉ/Thôn": "hamlet",
                            "Họ và tên chủ hộ": "head_name", "Phân loại hộ": "category"}
    assert (plan.rows[0].values["head_name"], plan.rows[0].values["id_number"]) == ("Nguyễn Văn Chủ", "030185001234")
    # What was not taken is offered to the clerk to map, by its own name.
    assert set(plan.unmapped) == {"Họ tên vợ/chồng", "Họ và tên", "Ngày cấp CCCD"}


def test_a_column_the_clerk_maps_replaces_the_one_recognised_for_that_field(books, tmp_path, cli):
    book = openpyxl.Workbook()
    book.active.append(["Họ và tên", "Tên người đại diện hộ", "Thôn", "Phân loại hộ"])
    book.active.append(["Nguyễn Văn Bố", "Nguyễn Văn Con", "Thôn Đông", "Hộ nghèo"])
    book.save(tmp_path / "ds.xlsx")
    result = cli("--json", "household", "import", str(tmp_path / "ds.xlsx"), "--dry-run",
                 "--map", "Tên người đại diện hộ=head_name")
    assert result.code == 0, result.stderr
    assert result.json["columns"] == {"Tên người đại diện hộ": "head_name", "Thôn": "hamlet",
                                      "Phân loại hộ": "category"}
