"""Reading a list the commune keeps in Excel: refuse what is not a readable .xlsx with a clear reason, find the
header row wherever it is in the first rows, and recognise the usual Vietnamese column names.

Column names are compared folded (case, diacritics, đ/d, punctuation and parenthesised notes ignored), so
"HỌ VÀ TÊN CHỦ HỘ (*)", "Họ và tên chủ hộ" and "ho va ten chu ho" are the same column. A name that is not
one of the known ones is read part by part, split at its separators ("CCCD/CMND", "Địa chỉ/Thôn",
"Thôn/Xóm/Ấp") with qualifiers such as "của chủ hộ" dropped: it feeds a field only when every part names
that same field or says nothing of its own ("Địa chỉ"). A part naming something else ("Họ tên vợ/chồng",
"Ngày cấp CCCD") leaves the column unrecognised rather than guessed.

The sheet read is the one the clerk sees when opening the file (the workbook's active sheet, when it is
visible), else the first visible one, or the one named; a hidden sheet is never read unasked or asked.
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
from desktop.text import fold, format_size

# Fields a column can feed, with the Vietnamese names a clerk gives them.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("ma ho", "ma so ho", "ma ho gia dinh", "ma"),
    "head_name": ("ho va ten chu ho", "ho ten chu ho", "ten chu ho", "chu ho", "ho va ten", "ho ten",
                  "ho va ten nguoi dai dien", "nguoi dai dien"),
    "id_number": ("so cccd", "cccd", "so can cuoc", "so can cuoc cong dan", "so cmnd cccd", "so cccd cmnd",
                  "cmnd cccd", "cccd cmnd", "so dinh danh", "so dinh danh ca nhan", "so cmnd", "cmnd", "can cuoc",
                  "ddcn", "so ddcn", "ma dinh danh", "ma so dinh danh", "cmnd cccd so", "so cmt", "cmt"),
    "hamlet": ("thon", "ap", "thon ap", "thon xom", "ban", "xom", "khom", "to dan pho", "thon to",
               "thon ap ban", "dia ban", "thon ban", "thon xom ap", "ten thon", "thon ban to dan pho"),
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


# Where a column name splits into parts: "/", "\\", ",", ";", "|", "+", "&", brackets, dashes, ":" and "hoặc".
_SEPARATORS = re.compile(r"[/\\,;|+&()\[\]:\u2013\u2014-]+|\bhoac\b")
# Trailing words that say whose value it is without changing which field: "Số CCCD của chủ hộ".
_QUALIFIERS = ("cua chu ho", "cua ho gia dinh", "cua ho", "chu ho", "ho gia dinh", "gia dinh", "neu co",
               "bat buoc", "ghi ro", "day du", "12 so", "12 chu so")
# Parts that name no field of their own and may stand beside one that does: "Địa chỉ/Thôn", "CCCD (nếu có)".
_NEUTRAL = frozenset({"dia chi", "so", "ma so", "ghi ro", "neu co", "bat buoc", "chu ho", "cua chu ho",
                      "ho gia dinh", "12 so", "12 chu so", "day du", "noi o", "noi cu tru", "cu tru"})
_NEUTRAL_PART = "-"  # a part that names nothing


@dataclass(frozen=True)
class ColumnMatch:
    """The field a column name feeds, and how sure: 0 for a known name (the lower its alias index the more
    specific: "ho va ten chu ho" before "ho ten"), 1 000 for a name read part by part."""

    field: str
    rank: int


_ALIAS_RANK = {alias: index for aliases in FIELD_ALIASES.values() for index, alias in enumerate(aliases)}


def _part_field(part: str) -> str | None:
    key = header_key(part)
    if not key or key in _NEUTRAL:
        return _NEUTRAL_PART
    if key in _ALIAS_TO_FIELD:
        return _ALIAS_TO_FIELD[key]
    for qualifier in _QUALIFIERS:
        if key.endswith(" " + qualifier):
            bare = key[: -len(qualifier) - 1]
            if bare in _ALIAS_TO_FIELD:
                return _ALIAS_TO_FIELD[bare]
    return None


def match_column(text) -> ColumnMatch | None:
    """The field a column name feeds: a known name, or every part of it naming the same field."""
    key = header_key(text)
    if not key:
        return None
    if key in _ALIAS_TO_FIELD:
        return ColumnMatch(_ALIAS_TO_FIELD[key], _ALIAS_RANK[key])
    parts = [p for p in _SEPARATORS.split(fold(str(text))) if p.strip()]
    found = [_part_field(p) for p in parts]
    if None in found:
        return None  # one part names something else ("vợ", "ngày cấp"): not a guess to make
    fields = set(found) - {_NEUTRAL_PART}
    if len(fields) != 1:
        return None
    return ColumnMatch(fields.pop(), 1000)


def field_for(text) -> str | None:
    match = match_column(text)
    return match.field if match else None


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
            # Sizes first, from the zip's directory alone: testzip() and openpyxl would unpack every part.
            _check_sizes(archive.infolist(), path.name)
            broken = archive.testzip()
    # testzip() decompresses every entry: a damaged deflate stream raises zlib.error, an unknown compression
    # method NotImplementedError, a damaged header ValueError.
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise Refused(f"Tệp {path.name} bị hỏng, không đọc được ({exc}). Hãy lấy lại bản gốc.") from exc
    if broken is not None:
        raise Refused(f"Tệp {path.name} bị hỏng (phần {broken} không đọc được). Hãy lấy lại bản gốc.")
    if "xl/workbook.xml" not in names:
        what = ("là tệp Word (.docx), không phải sổ Excel" if "word/document.xml" in names else
                "là tệp PowerPoint (.pptx), không phải sổ Excel" if "ppt/presentation.xml" in names else
                "là tệp OpenDocument (LibreOffice), không phải sổ Excel .xlsx" if "content.xml" in names else
                "là một tệp nén (.zip) không chứa sổ Excel nào")
        raise Refused(f"Tệp {path.name} {what}. Hãy mở danh sách hộ bằng Excel và lưu dạng Sổ làm việc Excel "
                      "(.xlsx) rồi nhập lại.")


# What a workbook may unpack to. A household register of 100 000 households, as ``report households`` writes
# it (inline strings, the largest form), is a 7.5 MB file whose sheet unpacks to 70 MB at 9:1; sheets of
# identical rows or of empty formatted cells reach 18:1. The bounds leave a margin of several times that, and
# refuse a "zip bomb" (a 300 KB file unpacking to 300 MB, which the XML reader would chew on for many minutes)
# before anything is unpacked.
MAX_PARTS = 5000
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 100
_RATIO_FROM = 1024 * 1024  # small parts (a few KB of repeated spaces) may legitimately pack better


def _check_sizes(infos: list[zipfile.ZipInfo], name: str) -> None:
    """The sizes the zip's directory declares; the zip reader never unpacks more than a part declares (it
    stops with a CRC error), so these bound what reading the workbook can cost."""
    advice = "Đây không phải danh sách hộ bình thường (có thể là tệp bị làm hỏng cố ý). Hãy lấy lại bản gốc."
    if len(infos) > MAX_PARTS:
        raise Refused(f"Tệp {name} gồm {len(infos)} phần, nhiều hơn mức {MAX_PARTS} của một sổ Excel. {advice}")
    total = 0
    for info in infos:
        unpacked = format_size(info.file_size)
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(f"Tệp {name}: phần “{info.filename}” chỉ {format_size(info.compress_size)} nhưng giải "
                          f"nén ra {unpacked} (gấp hơn {MAX_RATIO} lần; sổ Excel thật khoảng 10 lần). {advice}")
        if info.file_size > MAX_PART_BYTES:
            raise Refused(f"Tệp {name}: phần “{info.filename}” giải nén ra {unpacked}, quá mức "
                          f"{format_size(MAX_PART_BYTES)}. {advice}")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise Refused(f"Tệp {name} giải nén ra {format_size(total)}, quá mức {format_size(MAX_TOTAL_BYTES)}. "
                      f"{advice}")


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


def open_workbook(path: Path, *, formulas: bool = False):
    """The workbook, read lazily (cached results of formulas unless ``formulas``)."""
    try:
        return load_workbook(path, read_only=True, data_only=not formulas)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged package
        raise Refused(f"Không đọc được tệp {Path(path).name}: {exc}.") from exc


def visible_sheets(workbook) -> list:
    """The worksheets Excel shows as tabs (neither "hidden" nor "veryHidden"; chart sheets hold no rows)."""
    return [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]


def default_sheet(workbook):
    """The sheet the clerk sees on opening the file: the active one if it is a visible worksheet, else the
    first visible worksheet; None when none is visible."""
    visible = visible_sheets(workbook)
    try:
        active = workbook.active
    except (IndexError, KeyError, ValueError):  # an active tab index beyond the sheets
        active = None
    if active is not None and any(ws is active for ws in visible):
        return active
    return visible[0] if visible else None


def choose_sheet(workbook, path: Path, name: str | None = None):
    """The sheet to read: ``name`` when given (a visible sheet, matched exactly or ignoring case and
    diacritics), else ``default_sheet``. Refuses an unknown or hidden name, naming the visible sheets."""
    path = Path(path)
    visible = visible_sheets(workbook)
    shown = ", ".join(f"“{ws.title}”" for ws in visible) or "(không có)"
    if not workbook.worksheets:
        raise Refused(f"Tệp {path.name} không có trang tính nào.")
    if not visible:
        raise Refused(f"Tệp {path.name} không có trang tính nào đang hiện (tất cả đều bị ẩn). Hãy mở bằng Excel, "
                      "bỏ ẩn trang danh sách (chuột phải vào tên trang → Bỏ ẩn), lưu lại rồi nhập lại.")
    if name is None or not name.strip():
        return default_sheet(workbook)
    wanted = name.strip()
    matches = [ws for ws in workbook.worksheets if ws.title == wanted]
    if not matches:
        matches = [ws for ws in workbook.worksheets if fold(ws.title) == fold(wanted)]
    if len(matches) != 1:
        raise Refused(f"Tệp {path.name} không có trang tính “{wanted}”. Các trang đang hiện: {shown}.")
    sheet = matches[0]
    if not any(ws is sheet for ws in visible):
        raise Refused(f"Trang tính “{sheet.title}” của tệp {path.name} đang bị ẩn, không đọc trang ẩn. Hãy chọn "
                      f"một trang đang hiện ({shown}), hoặc bỏ ẩn trang đó trong Excel rồi lưu lại.")
    return sheet


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
    fields = _recognised(titles)
    chosen = _mapping_overrides(titles, overrides)
    # A field the clerk mapped by hand is fed by that column only.
    fields = {i: f for i, f in fields.items() if f not in chosen.values()}
    fields.update(chosen)
    fields = {i: f for i, f in sorted(fields.items()) if f != "ignore"}
    if "head_name" not in fields.values():
        shown = ", ".join(f"{get_column_letter(i + 1)}: {t}" for i, t in enumerate(titles) if t)
        raise Refused(f"Dòng tiêu đề (dòng {best + 1}) không có cột “Họ và tên chủ hộ”. Các cột: {shown}. "
                      "Hãy chỉ định cột họ tên (--map \"Tên cột=head_name\").")
    return Header(sheet, best + 1, last + 1, tuple(titles), fields)


def _recognised(titles: list[str]) -> dict[int, str]:
    """Column → field for the names recognised; when several columns name one field, the most specific
    name feeds it ("Họ và tên chủ hộ" over "Họ và tên") and the others are left for the clerk to map."""
    best: dict[str, tuple[int, int]] = {}  # field → (rank, column)
    for index, title in enumerate(titles):
        match = match_column(title)
        if match is None or match.field == "ignore":
            continue
        if match.field not in best or (match.rank, index) < best[match.field]:
            best[match.field] = (match.rank, index)
    return {index: field for field, (_, index) in best.items()}


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
    workbook = open_workbook(path, formulas=True)
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
