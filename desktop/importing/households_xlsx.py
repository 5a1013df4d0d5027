"""Importing the commune's household list from Excel: a dry-run plan first, then the valid rows in one
transaction through the household services.

The window's import dialog (and ``household import``) call two functions:

``plan_import(books, path, mapping=None, *, sheet=None, progress=None, cancelled=None) -> ImportPlan``
    Reads the sheet the clerk sees (the workbook's active sheet when visible, else the first visible one) or
    the visible sheet named ``sheet`` (an unknown or hidden name is refused), finds the header row (anywhere
    in the first 30 rows, one row or a grouped two-row header with merged cells), recognises the Vietnamese
    column names and applies ``mapping`` overrides (``{"column title or letter": "field"}``, fields as in
    ``sheet.FIELD_ALIASES``, ``"ignore"`` to skip).
    Each row is checked (missing name or hamlet, bad ID number, unknown category, duplicate within the file
    or with a household already in the books) and planned as insert, update or unchanged. An old 9-digit
    CMND is accepted with a warning: the ID number stays empty and the notes keep "CMND cũ: …". Nothing is
    written.
    ``progress(done_rows, total_rows)`` is called every 1 000 rows (total 0 when the file does not give its
    size) and once at the end; ``cancelled()`` returning True stops with ``Cancelled``. A file that is not a
    readable .xlsx is refused with the reason.

``apply_import(books, plan, *, progress=None, cancelled=None) -> ImportResult``
    Writes the planned rows in ONE transaction: missing hamlets, new households (each re-validated by
    ``validate_household`` against the books as they are then), updates and category changes, each with its
    audit row. Any failure writes nothing. Rejected rows are skipped and reported; importing the same file
    again finds every row unchanged and writes nothing.

``ImportPlan.to_dict()`` / ``ImportResult.to_dict()`` give CLI.md's ``{"inserted", "updated", "rejected":
[{"row", "reason"}]}`` plus details.
"""

from __future__ import annotations

import math
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.dates import parse_date
from desktop.domain import Category
from desktop.errors import Cancelled, Refused
from desktop.idnumbers import CMND_LENGTH, Identity, cmnd_in_notes, read_identity, with_cmnd_note
from desktop.importing import sheet as xl
from desktop.services.households import CODE_MAX, HouseholdInput, insert_household, search_key, validate_household
from desktop.text import fold, nfc
from desktop.validation import (
    HAMLET_MAX,
    NAME_MAX,
    NOTES_MAX,
    check_category_on,
    check_members,
    check_phone,
    check_text,
    shown,
)

Progress = Callable[[int, int], None] | None
IsCancelled = Callable[[], bool] | None
_TRUE_MARKS = {"x", "co", "1", "v", "yes", "y", "true", "dung", "✓", "✔"}
_CATEGORY_FLAGS = {"category_poor": Category.POOR, "category_near_poor": Category.NEAR_POOR,
                   "category_escaped": Category.ESCAPED, "category_non_poor": Category.NON_POOR}
_EDITABLE = ("head_name", "hamlet", "id_number", "ethnic_minority", "female_head", "members", "phone", "notes")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A refused row; ``head_name`` and ``hamlet`` as the file gave them, so the clerk can find the row."""

    row: int
    reason: str
    head_name: str = ""
    hamlet: str = ""

    def to_dict(self) -> dict:
        return {"row": self.row, "reason": self.reason, "head_name": self.head_name, "hamlet": self.hamlet}


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One valid row: ``action`` insert / update / unchanged; ``values`` the cleaned fields the file gave."""

    row: int
    action: str
    code: str
    values: dict
    changes: dict = field(default_factory=dict)  # for updates: field → (before, after)
    warnings: tuple[str, ...] = ()  # accepted, but the clerk should look: an old CMND instead of a CCCD


@dataclass(frozen=True)
class ImportPlan:
    path: str
    sheet: str
    header_row: int
    columns: dict[str, str]  # column title → field it feeds
    rows: tuple[PlannedRow, ...]
    rejected: tuple[RowProblem, ...]
    new_hamlets: tuple[str, ...]
    # Titled columns that feed no field: the window offers to map them (``mapping``) and plan again.
    unmapped: tuple[str, ...] = ()
    sheets: tuple[str, ...] = ()  # the visible sheets of the file, for choosing another one

    @property
    def warnings(self) -> list[dict]:
        return [{"row": r.row, "message": f"Dòng {r.row}: {w}."} for r in self.rows for w in r.warnings]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def to_dict(self) -> dict:
        return {"inserted": self.count("insert"), "updated": self.count("update"),
                "unchanged": self.count("unchanged"),
                "rejected": [p.to_dict() for p in self.rejected],
                "dry_run": True, "sheet": self.sheet, "sheets": list(self.sheets), "header_row": self.header_row,
                "columns": self.columns, "new_hamlets": list(self.new_hamlets), "unmapped": list(self.unmapped),
                "warnings": self.warnings}


@dataclass(frozen=True)
class ImportResult(Outcome):
    inserted: int
    updated: int
    unchanged: int
    rejected: tuple[RowProblem, ...]
    new_hamlets: tuple[str, ...]
    sheet: str = ""
    warnings: tuple[dict, ...] = ()

    def to_dict(self) -> dict:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": [p.to_dict() for p in self.rejected], "dry_run": False, "sheet": self.sheet,
                "new_hamlets": list(self.new_hamlets), "warnings": list(self.warnings)}

    changes: ClassVar[Changes] = Changes.HOUSEHOLDS | Changes.HAMLETS


# ------------------------------------------------------------------------------------------ reading a row


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _mark(value) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    return fold(_text(value)) in _TRUE_MARKS


def _identity(value, today: date) -> Identity:
    """Excel turns an unformatted ID column into numbers and drops the leading zero(s): every province code
    of a CCCD starts with 0, so 10–11 digits are padded back to 12; 8 digits are a CMND that lost its 0."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        digits = str(int(value))
        if 10 <= len(digits) <= 11:
            digits = digits.zfill(12)
        elif len(digits) == CMND_LENGTH - 1:
            digits = digits.zfill(CMND_LENGTH)
        return read_identity(digits, today=today)
    return read_identity(_text(value) or None, today=today)


def _phone(value, column: str) -> str:
    text = _text(value)
    if isinstance(value, int | float) and text.isdigit() and len(text) == 9:
        text = "0" + text  # the leading 0 Excel dropped from 0912345678
    return check_phone(text, column)


def _date(value) -> date | None:
    """A date cell, or text as the clerk writes dates; empty is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value in (None, ""):
        return None
    try:
        return parse_date(_text(value), field="ngày xếp loại")
    except Refused as refusal:
        raise Refused(refusal.message.rstrip(".")) from None


def _category(values: dict) -> Category | None:
    if values.get("category") not in (None, ""):
        return Category.parse(_text(values["category"]))
    marked = [category for key, category in _CATEGORY_FLAGS.items() if _mark(values.get(key))]
    if len(marked) > 1:
        raise Refused("đánh dấu nhiều hơn một phân loại hộ (" + ", ".join(c.label for c in marked) + ")")
    return marked[0] if marked else None


def _clean(values: dict, today: date, columns: dict[str, str]) -> dict:
    """The row's fields in the books' form; raises Refused with the reason for the report. ``columns`` names
    the column each field comes from ("cột C “Họ và tên”"), for the reasons that concern one cell."""
    def checked(key: str, limit: int) -> str:
        try:
            return check_text(_text(values.get(key)), columns[key], max_length=limit)
        except Refused as refusal:
            raise Refused(refusal.message.rstrip(".")) from None

    head = checked("head_name", NAME_MAX)
    if not head:
        raise Refused("thiếu họ và tên chủ hộ")
    out: dict = {"head_name": head}
    code = checked("code", CODE_MAX * 10).upper() if "code" in columns else ""
    if code and (len(code) > CODE_MAX or " " in code):
        raise Refused(f"mã hộ “{code}” không hợp lệ (tối đa {CODE_MAX} ký tự, không có dấu cách)")
    out["code"] = code
    hamlet = checked("hamlet", HAMLET_MAX) if "hamlet" in columns else ""
    if not hamlet:
        raise Refused("thiếu thôn/ấp")
    out["hamlet"] = hamlet
    try:
        identity = _identity(values.get("id_number"), today)
    except Refused as refusal:
        raise Refused(refusal.message.rstrip(".")) from None
    out["id_number"], out["cmnd"] = identity.cccd, identity.cmnd
    try:
        category = _category(values)
    except Refused as refusal:
        raise Refused(refusal.message.rstrip(".")) from None
    if category is None:
        raise Refused("thiếu phân loại hộ (hộ nghèo, cận nghèo, mới thoát nghèo hoặc không nghèo)")
    out["category"] = category
    out["category_on"] = _date(values.get("category_on"))
    if out["category_on"]:
        try:
            check_category_on(out["category_on"], today, columns["category_on"])
        except Refused as refusal:
            raise Refused(refusal.message.rstrip(".")) from None
    if "ethnicity" in values or "ethnic_minority" in values:
        ethnicity = fold(_text(values.get("ethnicity")))
        out["ethnic_minority"] = _mark(values.get("ethnic_minority")) or ethnicity not in ("", "kinh")
    if "gender" in values or "female_head" in values:
        out["female_head"] = _mark(values.get("female_head")) or fold(_text(values.get("gender"))) in ("nu", "f")
    members = values.get("members")
    if members not in (None, ""):
        try:
            out["members"] = check_members(members, columns["members"])
        except Refused as refusal:
            raise Refused(refusal.message.rstrip(".")) from None
    if "phone" in values and _text(values.get("phone")):
        try:
            out["phone"] = _phone(values["phone"], columns["phone"])
        except Refused as refusal:
            raise Refused(refusal.message.rstrip(".")) from None
    if "notes" in values and _text(values.get("notes")):
        out["notes"] = checked("notes", NOTES_MAX)
    return out


def _column_names(header: xl.Header) -> dict[str, str]:
    """Field → how a refusal names its column: "cột C “Họ và tên chủ hộ (*)” ghi" (then the value)."""
    names = {}
    for index, field_name in header.fields.items():
        title = shown(header.titles[index]) if index < len(header.titles) else ""
        names[field_name] = f"cột {xl.letter(index)}" + (f" “{title}”" if title else "") + " ghi"
    return names


# ------------------------------------------------------------------------------------------------ planning


class _Books:
    """What the books already hold, loaded once so 200 000 rows are matched without 200 000 queries."""

    def __init__(self, conn: sqlite3.Connection, today: date):
        self.by_code: dict[str, dict] = {}
        self.by_id: dict[str, str] = {}
        self.by_cmnd: dict[str, str] = {}  # the old CMND the notes keep ("CMND cũ: …")
        self.by_name: dict[tuple[str, str], list[str]] = {}
        rows = conn.execute(
            """SELECT h.code, h.head_name, h.id_number, hm.name AS hamlet, hm.name_key, h.ethnic_minority,
                      h.female_head, h.members, h.phone, h.notes,
                      (SELECT c.category FROM household_category c WHERE c.household_id = h.id
                       AND c.effective_on <= :today ORDER BY c.effective_on DESC LIMIT 1) AS category,
                      (SELECT max(c.effective_on) FROM household_category c WHERE c.household_id = h.id)
                      AS category_since
               FROM household h JOIN hamlet hm ON hm.id = h.hamlet_id""", {"today": today.isoformat()})
        for r in rows:
            row = dict(r)
            row["ethnic_minority"], row["female_head"] = bool(row["ethnic_minority"]), bool(row["female_head"])
            self.by_code[row["code"]] = row
            if row["id_number"]:
                self.by_id[row["id_number"]] = row["code"]
            if cmnd := cmnd_in_notes(row["notes"]):
                self.by_cmnd.setdefault(cmnd, row["code"])
            self.by_name.setdefault((fold(row["head_name"]), row["name_key"]), []).append(row["code"])
        self.hamlets = {r[0]: r[1] for r in conn.execute("SELECT name_key, name FROM hamlet")}


def plan_import(books: Books, path: str | Path, mapping: dict[str, str] | None = None, *, sheet: str | None = None,
                progress: Progress = None, cancelled: IsCancelled = None, today: date | None = None) -> ImportPlan:
    path = Path(path)
    today = today or clock.today()
    xl.check_xlsx(path)
    workbook = xl.open_workbook(path)
    try:
        worksheet = xl.choose_sheet(workbook, path, sheet)
        sheets = tuple(ws.title for ws in xl.visible_sheets(workbook))
        head = []
        for row in xl.read_rows(worksheet, path, max_row=xl.HEADER_SEARCH_ROWS + 1):
            head.append(row)
        if not any(any(v not in (None, "") for v in row) for row in head):
            others = [t for t in sheets if t != worksheet.title]
            raise Refused(f"Trang tính “{worksheet.title}” của tệp {path.name} trống."
                          + (f" Các trang khác đang hiện: {', '.join(f'“{t}”' for t in others)} "
                             "(chọn bằng --sheet TÊN)." if others else ""))
        header = xl.find_header(head, worksheet.title, mapping)
        # 0 when the file does not say how many rows it has (files written by some programs do not).
        total = max(0, xl.row_count(worksheet, path) - header.last_row)
        formulas = xl.formula_cells(path, worksheet.title, header.data_row, set(header.fields))
        known = _Books(books.conn, today)
        column_names = _column_names(header)
        planned, rejected = [], []
        seen_codes: dict[str, int] = {}
        seen_ids: dict[str, int] = {}
        seen_cmnds: dict[str, int] = {}
        seen_names: dict[tuple[str, str], int] = {}
        new_hamlets: dict[str, str] = {}
        done = 0
        for done, (number, cells) in enumerate(xl.iter_values(worksheet, header.data_row, path), start=1):
            if done % 1000 == 0:
                if cancelled and cancelled():
                    raise Cancelled()
                if progress:
                    progress(done, total)
            values = {f: cells[i] for i, f in header.fields.items() if i < len(cells)}
            for f in header.fields.values():
                values.setdefault(f, None)
            problem = None
            empty = [i for i in formulas.get(number, ()) if i >= len(cells) or cells[i] is None]
            if empty:
                refs = ", ".join(f"{xl.letter(i)}{number}" for i in empty)
                problem = (f"ô {refs} là công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel và lưu lại "
                           "(hoặc dán dạng giá trị)")
            try:
                clean = None if problem else _clean(values, today, column_names)
            except Refused as refusal:
                problem = refusal.message
            # As the file gave them, for finding the row; a long or odd value cut short and made visible.
            found = {key: shown(_text(values.get(key)).strip(), 60) for key in ("head_name", "hamlet")}
            if problem:
                rejected.append(RowProblem(number, f"Dòng {number}: {problem}.", **found))
                continue
            outcome = _match(clean, number, known, seen_codes, seen_ids, seen_cmnds, seen_names)
            if isinstance(outcome, RowProblem):
                rejected.append(replace(outcome, **found))
                continue
            hamlet_key = fold(clean["hamlet"])
            if hamlet_key not in known.hamlets:
                new_hamlets.setdefault(hamlet_key, clean["hamlet"])
            planned.append(outcome)
        if progress:
            progress(done, done)
    finally:
        workbook.close()
    columns = {header.titles[i] or xl.letter(i): f for i, f in sorted(header.fields.items())}
    unmapped = tuple(t for i, t in enumerate(header.titles)
                     if t and i not in header.fields and xl.field_for(t) != "ignore")
    return ImportPlan(str(path), header.sheet, header.first_row, columns, tuple(planned), tuple(rejected),
                      tuple(new_hamlets.values()), unmapped, sheets)


def _match(clean: dict, number: int, known: _Books, seen_codes: dict, seen_ids: dict, seen_cmnds: dict,
           seen_names: dict) -> PlannedRow | RowProblem:
    """Which household the row is: by code, else by ID number (or old CMND), else by name and hamlet; or a
    new one."""
    code, id_number, cmnd = clean["code"], clean["id_number"], clean.pop("cmnd", None)
    name_key = (fold(clean["head_name"]), fold(clean["hamlet"]))
    for key, seen, label in ((code, seen_codes, "mã hộ"), (id_number, seen_ids, "số CCCD"),
                             (cmnd, seen_cmnds, "số CMND")):
        if key and key in seen:
            return RowProblem(number, f"Dòng {number}: trùng {label} {key} với dòng {seen[key]} trong tệp.")
    if not code and not id_number and not cmnd and name_key in seen_names:
        return RowProblem(number, f"Dòng {number}: trùng họ tên và thôn với dòng {seen_names[name_key]} trong tệp "
                                  "(không có mã hộ hay số CCCD để phân biệt).")
    existing = None
    if code and code in known.by_code:
        existing = known.by_code[code]
    elif id_number and id_number in known.by_id:
        existing = known.by_code[known.by_id[id_number]]
        if code and existing["code"] != code:
            return RowProblem(number, f"Dòng {number}: số CCCD {id_number} đã thuộc hộ {existing['code']} "
                                      f"({existing['head_name']}), khác mã hộ {code} trong tệp.")
    elif cmnd and cmnd in known.by_cmnd:
        existing = known.by_code[known.by_cmnd[cmnd]]
        if code and existing["code"] != code:
            return RowProblem(number, f"Dòng {number}: số CMND {cmnd} đã ghi ở hộ {existing['code']} "
                                      f"({existing['head_name']}), khác mã hộ {code} trong tệp.")
    elif not code and not id_number and name_key in known.by_name:
        namesakes = known.by_name[name_key]
        if len(namesakes) > 1:
            return RowProblem(number, f"Dòng {number}: trong sổ có {len(namesakes)} hộ cùng họ tên ở thôn này "
                                      f"({', '.join(namesakes[:5])}); hãy ghi mã hộ hoặc số CCCD.")
        existing = known.by_code[namesakes[0]]
    if existing and id_number and existing["id_number"] not in (None, id_number):
        return RowProblem(number, f"Dòng {number}: hộ {existing['code']} đã có số CCCD {existing['id_number']}, "
                                  f"khác số {id_number} trong tệp.")
    if existing is None and id_number and id_number in known.by_id:
        other = known.by_id[id_number]
        return RowProblem(number, f"Dòng {number}: số CCCD {id_number} đã thuộc hộ {other} "
                                  f"({known.by_code[other]['head_name']}).")
    for key, seen in ((code, seen_codes), (id_number, seen_ids), (cmnd, seen_cmnds)):
        if key:
            seen[key] = number
    seen_names.setdefault(name_key, number)
    warnings = (Identity(cmnd=cmnd).warning,) if cmnd else ()
    if existing is None:
        if cmnd:
            clean["notes"] = with_cmnd_note(clean.get("notes"), cmnd)
        return PlannedRow(number, "insert", code, clean, warnings=warnings)
    # The old CMND stays in the notes, whether the file brings it again or its notes column drops it.
    kept = cmnd or cmnd_in_notes(existing["notes"])
    if kept and ("notes" in clean or cmnd):
        clean["notes"] = with_cmnd_note(clean.get("notes", existing["notes"]), kept)
    changes = _changes(existing, clean)
    if "category" in changes:
        # A new category is a new entry in the history; it must come after the last one to take effect.
        effective = (clean["category_on"] or clock.today()).isoformat()
        if existing["category_since"] and effective <= existing["category_since"]:
            return RowProblem(number, f"Dòng {number}: hộ {existing['code']} đổi phân loại nhưng ngày xếp loại "
                                      f"{date.fromisoformat(effective):%d/%m/%Y} không sau lần xếp loại gần nhất "
                                      f"({date.fromisoformat(existing['category_since']):%d/%m/%Y}); hãy ghi cột "
                                      "“Ngày xếp loại”.")
    return PlannedRow(number, "update" if changes else "unchanged", existing["code"], clean, changes, warnings)


def _changes(existing: dict, clean: dict) -> dict:
    changes = {}
    for key in _EDITABLE:
        if key not in clean or clean[key] is None:
            continue
        before, after = existing[key], clean[key]
        if key == "hamlet":
            if fold(before) != fold(after):
                changes[key] = (before, after)
        elif before != after:
            changes[key] = (before, after)
    if existing["category"] != clean["category"].value:
        changes["category"] = (existing["category"], clean["category"].value)
    return changes


# ------------------------------------------------------------------------------------------------ applying


def apply_import(books: Books, plan: ImportPlan, *, progress: Progress = None, cancelled: IsCancelled = None,
                 today: date | None = None) -> ImportResult:
    today = today or clock.today()
    work = [r for r in plan.rows if r.action != "unchanged"]
    if not work:
        return ImportResult(0, 0, plan.count("unchanged"), plan.rejected, (), plan.sheet, tuple(plan.warnings))
    now = audit.now_iso()
    created: list[str] = []
    inserted = updated = 0
    with books.transaction() as tx:
        known_hamlets = {r[0] for r in tx.execute("SELECT name_key FROM hamlet")}
        for name in plan.new_hamlets:
            if fold(name) not in known_hamlets:
                row = {"uuid": str(uuid.uuid4()), "name": name, "name_key": fold(name), "created_at": now}
                tx.execute("INSERT INTO hamlet (uuid, name, name_key, created_at) VALUES (?, ?, ?, ?)",
                           (row["uuid"], row["name"], row["name_key"], row["created_at"]))
                audit.record(tx, books.actor, "hamlet", row["uuid"], "create", None, {**row, "via": "import"},
                             at=now)
                created.append(name)
        next_number = _next_code_number(tx)
        for done, planned in enumerate(work, start=1):
            if done % 1000 == 0:
                if cancelled and cancelled():
                    raise Cancelled()
                if progress:
                    progress(done, len(work))
            values = planned.values
            if planned.action == "insert":
                code = planned.code
                if not code:
                    code, next_number = f"H{next_number:05d}", next_number + 1
                data = HouseholdInput(
                    code=code, head_name=values["head_name"], hamlet=values["hamlet"], category=values["category"],
                    category_on=values["category_on"], id_number=values["id_number"],
                    ethnic_minority=values.get("ethnic_minority", False),
                    female_head=values.get("female_head", False), members=values.get("members"),
                    phone=values.get("phone", ""), notes=values.get("notes", ""))
                try:
                    row = validate_household(tx, data, today=today)
                except Refused as refusal:
                    raise Refused(f"Dòng {planned.row}: {refusal.message} Không có gì được ghi.") from None
                insert_household(tx, books.actor, row, now)
                inserted += 1
            else:
                _update(tx, books.actor, planned, today, now)
                updated += 1
    return ImportResult(inserted, updated, plan.count("unchanged"), plan.rejected, tuple(created), plan.sheet,
                        tuple(plan.warnings))


def _next_code_number(conn: sqlite3.Connection) -> int:
    numbers = [int(c[1:]) for (c,) in conn.execute("SELECT code FROM household WHERE code GLOB 'H[0-9]*'")
               if c[1:].isdigit()]
    return max(numbers, default=0) + 1


def _update(conn: sqlite3.Connection, actor: str, planned: PlannedRow, today: date, now: str) -> None:
    """Change what the file changes, as ``edit_household`` and ``set_category`` do, inside the import's
    transaction."""
    before = dict(conn.execute("SELECT * FROM household WHERE code = ?", (planned.code,)).fetchone())
    after = dict(before)
    for key, (_, value) in planned.changes.items():
        if key == "hamlet":
            after["hamlet_id"] = conn.execute("SELECT id FROM hamlet WHERE name_key = ?", (fold(value),)).fetchone()[0]
        elif key in ("ethnic_minority", "female_head"):
            after[key] = int(bool(value))
        elif key != "category":
            after[key] = value
    after["search_key"] = search_key(after["code"], after["head_name"], after["id_number"], after["phone"])
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        assignments = ", ".join(f"{k} = :{k}" for k in changed)
        conn.execute(f"UPDATE household SET {assignments}, updated_at = :now WHERE id = :id",
                     {**changed, "now": now, "id": before["id"]})
        audit.record(conn, actor, "household", before["uuid"], "update", {k: before[k] for k in changed},
                     {**changed, "via": "import"}, at=now)
    if "category" in planned.changes:
        effective = (planned.values["category_on"] or today).isoformat()
        if conn.execute("SELECT 1 FROM household_category WHERE household_id = ? AND effective_on = ?",
                        (before["id"], effective)).fetchone():
            raise Refused(f"Dòng {planned.row}: hộ {planned.code} đã có một lần xếp loại ngày {effective}; "
                          "hãy ghi “Ngày xếp loại” khác. Không có gì được ghi.")
        category = planned.changes["category"][1]
        conn.execute("""INSERT INTO household_category (uuid, household_id, category, effective_on, note, created_at)
                        VALUES (?, ?, ?, ?, ?, ?)""",
                     (str(uuid.uuid4()), before["id"], category, effective, "Nhập từ Excel", now))
        audit.record(conn, actor, "household", before["uuid"], "category", None,
                     {"category": category, "effective_on": effective, "note": "Nhập từ Excel"}, at=now)
