"""Reading a list the commune keeps in Excel: refuse what is not a readable .xlsx with a clear reason, find the
header row wherever it is in the first rows, and recognise the usual Vietnamese column names.

Column names are compared folded (case, diacritics, đ/d, punctuation and parenthesised notes ignored), so
"HỌ VÀ TÊN CHỦ HỘ (*)", "Họ và tên chủ hộ" and "ho va ten chu ho" are the same column.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from desktop.errors import Refused
from desktop.text import fold

# Fields a column can feed, with the Vietnamese names a clerk gives them.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("ma ho", "ma so ho", "ma ho gia dinh", "ma"),
    "head_name": ("ho va ten chu ho", "ho ten chu ho", "ten chu ho", "chu ho", "ho va ten", "ho ten",
                  "ho va ten nguoi dai dien", "nguoi dai dien"),
    "id_number": ("so cccd", "cccd", "so can cuoc", "so can cuoc cong dan", "so cmnd cccd", "so cccd cmnd",
                  "cmnd cccd", "so dinh danh", "so dinh danh ca nhan", "so cmnd", "cmnd", "can cuoc"),
    "hamlet": ("thon", "ap", "thon ap", "thon xom", "ban", "xom", "khom", "to dan pho", "thon to",
               "thon ap ban", "dia ban", "thon ban"),
    "category": ("phan loai ho", "phan loai", "loai ho", "xep loai ho", "dien ho", "doi tuong", "hoan canh"),
    "category_poor": ("ho ngheo", "ngheo"),
    "category_near_poor": ("ho can ngheo", "can ngheo"),
    "category_escaped": ("ho moi thoat ngheo", "moi thoat ngheo", "thoat ngheo"),
    "category_non_poor": ("ho khong ngheo", "khong ngheo"),
    "category_on": ("ngay xep loai", "ngay hieu luc", "ngay thoat ngheo", "ngay phan loai"),
    "ethnicity": ("dan toc",),
    "ethnic_minority": ("dtts", "ho dtts", "dan toc thieu so", "ho dan toc thieu so"),
    "gender": ("gioi tinh", "gioi tinh chu ho"),
    "female_head": ("chu ho nu", "chu ho la nu", "nu chu ho", "nu"),
    "members": ("so nhan khau", "nhan khau", "so khau", "so nguoi", "so thanh vien"),
    "phone": ("dien thoai", "so dien thoai", "sdt", "dt"),
    "notes": ("ghi chu",),
    "ignore": ("stt", "tt", "so tt", "so thu tu"),
}
FIELDS = tuple(k for k in FIELD_ALIASES if k != "ignore")
_ALIAS_TO_FIELD = {alias: field for field, aliases in FIELD_ALIASES.items() for alias in aliases}
FIELD_LABELS = {
    "code": "Mã hộ", "head_name": "Họ và tên chủ hộ", "id_number": "Số CCCD", "hamlet": "Thôn/Ấp",
    "category": "Phân loại hộ", "category_poor": "Hộ nghèo (đánh dấu x)",
    "category_near_poor": "Hộ cận nghèo (đánh dấu x)", "category_escaped": "Hộ mới thoát nghèo (đánh dấu x)",
    "category_non_poor": "Hộ không nghèo (đánh dấu x)", "category_on": "Ngày xếp loại", "ethnicity": "Dân tộc",
    "ethnic_minority": "Hộ DTTS (đánh dấu x)", "gender": "Giới tính chủ hộ", "female_head": "Chủ hộ nữ (đánh dấu x)",
    "members": "Số nhân khẩu", "phone": "Số điện thoại", "notes": "Ghi chú", "ignore": "(bỏ qua)",
}
HEADER_SEARCH_ROWS = 30
_PARENS = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^0-9a-z]+")


def header_key(text) -> str:
    """"HỌ VÀ TÊN CHỦ HỘ (*)" → "ho va ten chu ho"."""
    if text is None:
        return ""
    return " ".join(_PUNCT.sub(" ", _PARENS.sub(" ", fold(str(text)))).split())


def field_for(text) -> str | None:
    return _ALIAS_TO_FIELD.get(header_key(text))


def check_xlsx(path: Path) -> None:
    """Refuse files openpyxl cannot read, each with what it really is and what to do."""
    path = Path(path)
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp {path}.")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE compound file: either Excel 97-2003, or an .xlsx encrypted with a password (Office wraps
        # those in OLE with an "EncryptedPackage" stream).
        with path.open("rb") as handle:
            blob = handle.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in blob:
            raise Refused(f"Tệp {path.name} được đặt mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu "
                          "(Tệp → Thông tin → Bảo vệ sổ làm việc) rồi lưu lại và nhập lại.")
        raise Refused(f"Tệp {path.name} là định dạng Excel 97-2003 (.xls). Hãy mở bằng Excel và lưu lại dạng "
                      "Sổ làm việc Excel (.xlsx).")
    if not head.startswith(b"PK"):
        raise Refused(f"Tệp {path.name} không phải tệp Excel .xlsx (có thể là tệp văn bản hoặc CSV đổi tên). "
                      "Hãy mở bằng Excel và lưu dạng .xlsx.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    # testzip() decompresses every entry: a damaged deflate stream raises zlib.error, an unknown compression
    # method NotImplementedError, a damaged header ValueError.
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise Refused(f"Tệp {path.name} bị hỏng, không đọc được ({exc}). Hãy lấy lại bản gốc.") from exc
    if broken is not None:
        raise Refused(f"Tệp {path.name} bị hỏng (phần {broken} không đọc được). Hãy lấy lại bản gốc.")
    if "xl/workbook.xml" not in names:
        kind = ("tệp Word (.docx)" if "word/document.xml" in names else
                "tệp PowerPoint (.pptx)" if "ppt/presentation.xml" in names else
                "tệp OpenDocument" if "content.xml" in names else "không phải sổ Excel")
        raise Refused(f"Tệp {path.name} là {kind}, không phải sổ Excel .xlsx.")


@dataclass(frozen=True)
class Header:
    """Where the header is and which column feeds which field (0-based column → field)."""

    sheet: str
    first_row: int
    last_row: int
    titles: tuple[str, ...]  # the header text of each column, as shown
    fields: dict[int, str]

    @property
    def data_row(self) -> int:
        return self.last_row + 1


def open_rows(path: Path, *, formulas: bool = False):
    """The first sheet's rows as tuples of values (cached results of formulas unless ``formulas``)."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=not formulas)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged package
        raise Refused(f"Không đọc được tệp {Path(path).name}: {exc}.") from exc
    if not workbook.worksheets:
        workbook.close()
        raise Refused(f"Tệp {Path(path).name} không có trang tính nào.")
    sheet = workbook.worksheets[0]
    return workbook, sheet


def damaged(path: Path, exc: Exception) -> Refused:
    return Refused(f"Tệp {Path(path).name} bị hỏng, không đọc được trang tính ({type(exc).__name__}: {exc}). "
                   "Hãy mở bằng Excel, lưu lại rồi nhập lại, hoặc lấy lại bản gốc.")


def read_rows(sheet, path: Path, **bounds) -> Iterator[tuple]:
    """``sheet.iter_rows(values_only=True, **bounds)``, with the damage openpyxl only finds while reading a
    sheet lazily (broken XML, unknown attributes, bad numbers) turned into a refusal naming the file."""
    try:
        yield from sheet.iter_rows(values_only=True, **bounds)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl and the XML parser raise many kinds for a damaged sheet
        raise damaged(path, exc) from exc


def row_count(sheet, path: Path) -> int:
    """The rows the sheet says it has; 0 when it does not say (files written by some programs do not)."""
    try:
        return sheet.max_row or 0
    except Exception as exc:  # noqa: BLE001 - the size comes from the sheet's own (possibly damaged) XML
        raise damaged(path, exc) from exc


def _mapping_overrides(titles: list[str], overrides: dict[str, str] | None) -> dict[int, str]:
    """``{"Column": "field"}``: the column by its header text (folded) or its letter (“C”)."""
    result: dict[int, str] = {}
    for column, field in (overrides or {}).items():
        field = field.strip()
        if field in ("", "-", "bo qua", "bỏ qua"):
            field = "ignore"
        if field not in FIELD_ALIASES:
            known = ", ".join(FIELD_ALIASES)
            raise Refused(f"Trường “{field}” không có. Các trường: {known}.")
        key = header_key(column)
        matches = [i for i, t in enumerate(titles) if header_key(t) == key and key]
        if not matches and re.fullmatch(r"[A-Za-z]{1,3}", column.strip()):
            matches = [column_index_from_string(column.strip().upper()) - 1]
        if not matches:
            raise Refused(f"Không có cột “{column}” trong dòng tiêu đề ({', '.join(t for t in titles if t)}).")
        for index in matches:
            result[index] = field
    return result


def find_header(rows: list[tuple], sheet: str, overrides: dict[str, str] | None = None) -> Header:
    """The row (or two rows, for a grouped header with merged cells) naming the most known columns."""
    best, best_score = None, 0
    named = {header_key(column) for column in (overrides or {})}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = sum(1 for v in row if field_for(v) not in (None, "ignore") or (v and header_key(v) in named))
        if score > best_score:
            best, best_score = index, score
    if best is None:
        raise Refused("Không tìm thấy dòng tiêu đề trong " f"{HEADER_SEARCH_ROWS} dòng đầu: cần ít nhất cột "
                      "“Họ và tên chủ hộ”. Hãy thêm dòng tiêu đề hoặc chỉ định cột (--map \"Cột=head_name\").")
    width = max(len(r) for r in rows[: best + 2])
    upper = list(rows[best]) + [None] * (width - len(rows[best]))
    titles = [str(v).strip() if v is not None else "" for v in upper]
    last = best
    if best + 1 < len(rows):
        lower = list(rows[best + 1]) + [None] * (width - len(rows[best + 1]))
        # A grouped header: the row below names columns under a merged group cell ("Phân loại hộ" over
        # "Nghèo | Cận nghèo"), and holds nothing that is not a column name.
        named = [i for i, v in enumerate(lower) if field_for(v) not in (None,)]
        stray = [i for i, v in enumerate(lower) if v not in (None, "") and field_for(v) is None]
        if named and not stray:
            for i in named:
                titles[i] = str(lower[i]).strip()
            last = best + 1
    fields = {i: f for i, t in enumerate(titles) if (f := field_for(t)) and f != "ignore"}
    fields.update({i: f for i, f in _mapping_overrides(titles, overrides).items()})
    fields = {i: f for i, f in fields.items() if f != "ignore"}
    if "head_name" not in fields.values():
        shown = ", ".join(f"{get_column_letter(i + 1)}: {t}" for i, t in enumerate(titles) if t)
        raise Refused(f"Dòng tiêu đề (dòng {best + 1}) không có cột “Họ và tên chủ hộ”. Các cột: {shown}. "
                      "Hãy chỉ định cột họ tên (--map \"Tên cột=head_name\").")
    return Header(sheet, best + 1, last + 1, tuple(titles), fields)


def iter_values(sheet, first_row: int, path: Path) -> Iterator[tuple[int, tuple]]:
    """(row number, values) from ``first_row`` on, skipping wholly empty rows."""
    for number, row in enumerate(read_rows(sheet, path, min_row=first_row), start=first_row):
        if any(v not in (None, "") for v in row):
            yield number, row


def letter(index: int) -> str:
    return get_column_letter(index + 1)


def formula_cells(path: Path, sheet_name: str, first_row: int, columns: set[int]) -> dict[int, list[int]]:
    """Cells of the mapped columns that hold a formula: row number → 0-based column indexes. Only read when
    the sheet has formulas at all, which a quick scan of its XML tells."""
    if not _has_formulas(path):
        return {}
    workbook, _ = open_rows(path, formulas=True)
    try:
        sheet = workbook[sheet_name]
        found: dict[int, list[str]] = {}
        for number, row in enumerate(read_rows(sheet, path, min_row=first_row), start=first_row):
            for index in columns:
                if index < len(row) and isinstance(row[index], str) and row[index].startswith("="):
                    found.setdefault(number, []).append(index)
        return found
    finally:
        workbook.close()


def _has_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                            return True
                        tail = chunk[-4:]
    return False
