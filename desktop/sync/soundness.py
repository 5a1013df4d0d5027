"""What a signed package must mean before the upper level takes it: a signature proves who sent the rows,
not that they are sound.

Three layers, each refusing with the table, line and column (or the rule) that is wrong:

- every value in its range (``check_values``): money within ``MAX_AMOUNT``, counts and numbers sane, dates
  real calendar days, timestamps readable, each project's frozen policy readable by the same strict parser
  the reports use;
- every money column's total within ``MAX_AMOUNT``, so that consolidating a few thousand communes can never
  overflow SQLite's 64-bit integers (``check_totals``);
- nothing dated after the package's ``as_of`` (``check_as_of``);
- every invariant the commune's own ``check`` enforces, on the staging copy (``check_invariants``).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime
from operator import itemgetter

from desktop.errors import Refused
from desktop.idnumbers import normalise_id_number
from desktop.money import MAX_AMOUNT, format_vnd
from desktop.policy import FundPolicy
from desktop.services.checks import check_conn

# The largest integer a JSON reader in any language holds exactly (2^53); sequence numbers and row ids
# stay below it, so they survive a round trip through JSON and far below SQLite's 2^63.
MAX_JSON_INT = 2**53
# The highest package number (``manifest_checks``, the merged communes' ``last_seq``).
MAX_SEQ = 1_000_000
# A year a commune's book can plausibly hold: nothing of the programmes predates 1900 or is due after 2100.
FIRST_YEAR, LAST_YEAR = 1900, 2100

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")

# Money columns: (table, column) → the least allowed (1 where the schema says > 0).
MONEY: dict[tuple[str, str], int] = {
    ("project", "budget_central"): 0, ("project", "budget_local"): 0, ("project", "budget_other"): 0,
    ("project", "budget_counterpart"): 0,
    ("membership", "support_amount"): 1, ("membership", "counterpart"): 0, ("membership", "to_return"): 0,
    ("installment", "amount"): 0,
    ("fund_draw", "amount"): 1,
    ("fund_transfer", "amount"): 1,
    ("receipt", "amount"): 1,
    ("allocation", "amount"): 1,
}
# Counts and numbers other than money: (table, column) → (least, most, what it is, for the message).
COUNTS: dict[tuple[str, str], tuple[int, int, str]] = {
    ("household", "members"): (1, 99, "số nhân khẩu"),
    ("membership", "round"): (1, 999, "vòng hỗ trợ"),
    ("installment", "seq"): (1, 9_999, "số thứ tự kỳ trả"),
    ("receipt", "number"): (1, 99_999_999, "số phiếu"),
    ("receipt", "year"): (FIRST_YEAR, LAST_YEAR, "năm của quyển phiếu"),
}
# Calendar days and moments, by table.
DATES: dict[str, tuple[str, ...]] = {
    "household_category": ("effective_on",),
    "project": ("decision_date",),
    "membership": ("supported_on", "voided_on"),
    "installment": ("due_on",),
    "fund_transfer": ("decided_on",),
    "receipt": ("issued_on", "voided_on"),
    "period_lock": ("locked_to",),
}
TIMESTAMPS: dict[str, tuple[str, ...]] = {
    "hamlet": ("created_at",),
    "household": ("created_at", "updated_at"),
    "household_category": ("created_at",),
    "project": ("created_at", "updated_at"),
    "membership": ("created_at", "voided_at"),
    "fund_transfer": ("created_at",),
    "receipt": ("created_at", "voided_at"),
    "receipt_print": ("printed_at",),
    "period_lock": ("at",),
    "audit_log": ("at",),
}


# Names a person reads on screen and on paper (a household's head, a hamlet, the units in the settings and the
# manifest): a name is never longer than this, and never holds NUL, other control characters, the marks that
# reverse the direction of text (U+202A–U+202E, U+2066–U+2069: "Nguyễn \u202eA nĂV" shows as another name) or
# half of a UTF-16 pair (not text at all). A name like “=1+1” is text like any other: exports escape it.
MAX_NAME = 200
NAMES: dict[str, tuple[str, ...]] = {"household": ("head_name",), "hamlet": ("name",)}
NAME_SETTINGS = frozenset({"commune_name", "upper_name", "province_name"})
_HIDDEN = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name, in words that follow “tên …”, or None."""
    if len(value) > MAX_NAME:
        return f"dài {format_vnd(len(value))} ký tự, quá {MAX_NAME} ký tự"
    found = _HIDDEN.search(value)
    if found is None:
        return None
    code = f"U+{ord(found[0]):04X}"
    if "\u202a" <= found[0] <= "\u2069":
        return f"có ký tự đảo chiều văn bản ({code}), làm tên hiển thị khác với tên thật"
    if "\ud800" <= found[0] <= "\udfff":
        return f"có nửa cặp ký tự UTF-16 ({code}), không phải văn bản hợp lệ"
    return f"có ký tự điều khiển ({code}) không in được"


def _shown(value: str) -> str:
    """A text value as a message quotes it: cut short, and without what would hide or break the message."""
    text = _HIDDEN.sub("�", value[:40])
    return text + "…" if len(value) > 40 else text


def real_day(value: object) -> date | None:
    """``value`` as a real calendar day written YYYY-MM-DD within the plausible years, else None.
    SQLite's ``date(x) IS x`` takes 2026-02-30 as it is; Python's calendar does not."""
    if not (isinstance(value, str) and _DAY.match(value)):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def real_moment(value: object) -> datetime | None:
    """``value`` as an ISO date and time (the books write ``2026-06-30T15:49:15+00:00``), else None."""
    if not (isinstance(value, str) and _STAMP.match(value)):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None


def in_json_range(value: object) -> bool:
    """A positive whole number a JSON reader holds exactly (sequence numbers, row ids)."""
    return type(value) is int and 1 <= value <= MAX_JSON_INT


def check_values(table: str, columns: list[str], rows: list[list], label: str, first: int = 2) -> None:
    """Refuse the first value out of its range in one part's rows (types were checked before).

    Each column is first judged whole: its least and greatest number, each distinct day or moment once (a
    book repeats its days thousands of times). Only a column found wrong is read row by row, to name the
    first bad row exactly as before."""
    position = {column: index for index, column in enumerate(columns)}

    def refuse(index: int, column: str, why: str) -> None:
        raise Refused(f"{label}, dòng {first + index}: cột {column} {why}.")

    def within(index: int, least: int, most: int) -> bool:
        present = [value for value in map(itemgetter(index), rows) if value is not None]
        return not present or (least <= min(present) and max(present) <= most)

    def all_real(index: int, reader) -> bool:
        present = set(map(itemgetter(index), rows))
        present.discard(None)
        return all(reader(value) is not None for value in present)

    for column, index in position.items():
        if (column == "id" or column.endswith("_id")) and not within(index, 1, MAX_JSON_INT):
            bad = next((i for i, row in enumerate(rows) if row[index] is not None
                        and not 1 <= row[index] <= MAX_JSON_INT), None)
            if bad is not None:
                refuse(bad, column, f"có mã số dòng {rows[bad][index]} ngoài khoảng 1 … {format_vnd(MAX_JSON_INT)}")
        if (table, column) in MONEY and not within(index, MONEY[table, column], MAX_AMOUNT):
            least = MONEY[table, column]
            bad = next((i for i, row in enumerate(rows) if row[index] is not None
                        and not least <= row[index] <= MAX_AMOUNT), None)
            if bad is not None:
                value = rows[bad][index]
                what = "là số âm" if value < 0 else "bằng 0" if value < least else "là số tiền quá lớn"
                refuse(bad, column, f"{what}: {format_vnd(value)} đ (phải từ {format_vnd(least)} đến "
                                    f"{format_vnd(MAX_AMOUNT)} đ)")
        if (table, column) in COUNTS and not within(index, *COUNTS[table, column][:2]):
            least, most, what = COUNTS[table, column]
            bad = next((i for i, row in enumerate(rows) if row[index] is not None
                        and not least <= row[index] <= most), None)
            if bad is not None:
                refuse(bad, column, f"({what}) là {rows[bad][index]}, ngoài khoảng {least} … {format_vnd(most)}")
    for column in DATES.get(table, ()):
        index = position[column]
        if all_real(index, real_day):
            continue
        bad = next((i for i, row in enumerate(rows) if row[index] is not None and real_day(row[index]) is None),
                   None)
        if bad is not None:
            refuse(bad, column, f"có ngày không có thật hoặc vô lý “{rows[bad][index]}” (cần một ngày YYYY-MM-DD "
                                f"có trong lịch, năm {FIRST_YEAR}–{LAST_YEAR})")
    for column in TIMESTAMPS.get(table, ()):
        index = position[column]
        if all_real(index, real_moment):
            continue
        bad = next((i for i, row in enumerate(rows) if row[index] is not None
                    and real_moment(row[index]) is None), None)
        if bad is not None:
            refuse(bad, column, f"có thời điểm không đọc được “{rows[bad][index]}” (cần ngày giờ ISO, ví dụ "
                                "2026-06-30T15:49:15+00:00)")
    for column in NAMES.get(table, ()):
        index = position[column]
        for i, row in enumerate(rows):
            if row[index] is not None and (why := name_problem(row[index])):
                refuse(i, column, f"“{_shown(row[index])}”: tên {why}")
    if table == "settings":
        for i, (key, value) in enumerate(rows):
            if key in NAME_SETTINGS and value is not None and (why := name_problem(value)):
                refuse(i, "value", f"({key}) “{_shown(value)}”: tên {why}")
    if table == "household":
        _check_id_numbers(position["id_number"], rows, refuse)
    if table == "project":
        _check_policies(columns, rows, label)


def _check_id_numbers(index: int, rows: list[list], refuse) -> None:
    """Each CCCD number through the validator the commune's own forms and imports use: 12 digits as written,
    a province that exists, a century and a year of birth a living person can have."""
    for i, row in enumerate(rows):
        number = row[index]
        if number is None:
            continue
        try:
            valid = normalise_id_number(number) == number
        except Refused as refusal:
            refuse(i, "id_number", f"sai: {_HIDDEN.sub('�', refusal.message[:300]).rstrip('.')}")
        if not valid:
            refuse(i, "id_number", f"“{_shown(number)}” không phải số CCCD 12 chữ số viết liền")


def _check_policies(columns: list[str], rows: list[list], label: str) -> None:
    """Each project's frozen policy through the strict parser the reports use: a damaged copy is refused
    here, by project, rather than failing a consolidated report later."""
    code_at, policy_at = columns.index("code"), columns.index("policy_json")
    for index, row in enumerate(rows):
        try:
            FundPolicy.from_json(row[policy_at])
        except Refused as refusal:
            raise Refused(f"{label}, dòng {index + 2} (dự án {row[code_at]}): {refusal.message}") from None


# Per part, what the package's ``as_of`` bounds: the days the books act on, and the day of the print log's, the
# lock history's and the audit log's timestamps — the same columns the export leaves out after ``as_of``
# (desktop/sync/export.py). An installment falls due after it, a project is decided or a row created after it
# legitimately: those parts are sent as they are.
AS_OF_BOUNDS: dict[str, tuple[str, ...]] = {
    "household_category": ("effective_on",),
    "membership": ("supported_on", "voided_on"),
    "fund_transfer": ("decided_on",),
    "receipt": ("issued_on", "voided_on"),
    "receipt_print": ("substr(printed_at, 1, 10)",),
    "period_lock": ("substr(at, 1, 10)",),
    "audit_log": ("substr(at, 1, 10)",),
}


def check_as_of(conn: sqlite3.Connection, as_of: str, name: str) -> None:
    """A package as of a day holds nothing dated after it (format 2; format 1 sent the books whole). One
    query per part names the first row that breaks it."""
    for table, columns in AS_OF_BOUNDS.items():
        later = " OR ".join(f"{column} > :as_of" for column in columns)
        row = conn.execute(f"SELECT id, {', '.join(columns)} FROM {table} WHERE {later} ORDER BY id LIMIT 1",
                           {"as_of": as_of}).fetchone()
        if row is None:
            continue
        column, day = next((c, v) for c, v in zip(columns, row[1:], strict=True) if v is not None and v > as_of)
        line = conn.execute(f"SELECT count(*) FROM {table} WHERE id <= ?", (row[0],)).fetchone()[0] + 1
        shown = column.removeprefix("substr(").split(",")[0]
        raise Refused(f"Gói {name} không hợp lệ về nội dung: phần “{table}”, dòng {line}: cột {shown} ngày "
                      f"{date.fromisoformat(day):%d/%m/%Y}, sau ngày số liệu của gói "
                      f"({date.fromisoformat(as_of):%d/%m/%Y}); một gói chỉ chứa những gì ghi đến ngày số liệu "
                      "của nó. Hãy xin xã xuất lại gói (kiểm tra ngày giờ trên máy tính của xã).")


def check_totals(conn: sqlite3.Connection, name: str) -> None:
    """Every money column's total within ``MAX_AMOUNT``: consolidating thousands of communes then stays far
    inside SQLite's integers. Summed as floats (``total``), so the check itself cannot overflow."""
    for (table, column) in MONEY:
        summed = conn.execute(f"SELECT total({column}) FROM {table}").fetchone()[0]
        if summed > MAX_AMOUNT:
            raise Refused(f"Gói {name} không hợp lệ về nội dung: tổng cột {column} của phần “{table}” vượt "
                          f"{format_vnd(MAX_AMOUNT)} đ, không thể là sổ sách của một xã.")


# The controls that schema 6 added refuse these acts when they are recorded, but books written by earlier
# versions may already hold them and nothing financial is ever rewritten: such a commune could never send a
# package again. They travel as the commune's own `check` lists them, so the upper level sees and follows
# them up; every other invariant (the arithmetic of schedules, receipts and allocations) refuses the package.
LEGACY_RULES = frozenset({"fund_overdrawn", "budget_exceeded", "cap_exceeded", "ineligible_support",
                          "duplicate_support", "receipt_out_of_order"})


def check_invariants(conn: sqlite3.Connection, name: str) -> list[str]:
    """The commune's own ``check``, on the staging copy of its package: books the commune's program would
    report as broken are not taken at the upper level either. Returns what the package carries from rules
    that earlier versions let through (each message once), to be reported with the import."""
    factory = conn.row_factory
    conn.row_factory = sqlite3.Row
    try:
        problems = check_conn(conn, storage=False, payouts=False)
    finally:
        conn.row_factory = factory
    broken = [p for p in problems if p["kind"] not in LEGACY_RULES]
    if broken:
        first = broken[0]["message"]
        if len(broken) > 1:
            first = f"{first.rstrip('.')} (và {len(broken) - 1} vấn đề khác)."
        raise Refused(f"Gói {name} không hợp lệ về nội dung: {first}")
    return list(dict.fromkeys(p["message"] for p in problems))
