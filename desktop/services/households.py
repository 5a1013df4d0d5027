"""Member households: registering, editing, category changes and search that forgives missing diacritics."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.domain import Category
from desktop.errors import Refused
from desktop.idnumbers import read_identity, with_cmnd_note
from desktop.queries import rules
from desktop.services.hamlets import require_hamlet
from desktop.services.period_lock import require_open_on
from desktop.text import fold, nfc
from desktop.validation import (
    NAME_MAX,
    NOTES_MAX,
    check_category_on,
    check_members,
    check_phone,
    check_text,
)

CODE_MAX = 20


@dataclass(frozen=True)
class HouseholdInput:
    code: str
    head_name: str
    hamlet: str
    category: Category
    category_on: date | None = None  # when the category took effect (for "escaped": the date it escaped)
    id_number: str | None = None
    ethnic_minority: bool = False
    female_head: bool = False
    members: int | None = None
    phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class HouseholdChanges:
    """Fields to change; None leaves a field as it is."""

    head_name: str | None = None
    hamlet: str | None = None
    id_number: str | None = None
    ethnic_minority: bool | None = None
    female_head: bool | None = None
    members: int | None = None
    phone: str | None = None
    notes: str | None = None
    extra: dict = field(default_factory=dict)


def search_key(code: str, head_name: str, id_number: str | None, phone: str) -> str:
    return fold(" ".join(p for p in (code, head_name, id_number or "", phone) if p))


def _clean_code(code: str) -> str:
    code = check_text(code, "Mã hộ", max_length=CODE_MAX * 10).upper()
    if not code:
        raise Refused("Mã hộ không được để trống.")
    if len(code) > CODE_MAX or " " in code:
        raise Refused(f"Mã hộ “{code}” không hợp lệ: tối đa {CODE_MAX} ký tự, không có dấu cách.")
    return code


def _check_id_unique(conn: sqlite3.Connection, id_number: str | None, own_id: int | None = None) -> None:
    if id_number is None:
        return
    row = conn.execute("SELECT id, code, head_name FROM household WHERE id_number = ?", (id_number,)).fetchone()
    if row is not None and row["id"] != own_id:
        raise Refused(f"Số CCCD {id_number} đã thuộc hộ {row['code']} ({row['head_name']}).")


def validate_household(conn: sqlite3.Connection, data: HouseholdInput, *, today: date | None = None) -> dict:
    """Check one household as the form or an import row gives it; returns the row to insert."""
    code = _clean_code(data.code)
    head = check_text(data.head_name, "Họ tên chủ hộ", max_length=NAME_MAX)
    if not head:
        raise Refused(f"Hộ {code}: chưa có họ tên chủ hộ.")
    today = today or clock.today()
    # An old 9-digit CMND is no citizen ID: it is kept in the notes and the ID number stays empty.
    identity = read_identity(data.id_number, today=today)
    id_number = identity.cccd
    hamlet = require_hamlet(conn, data.hamlet)  # only one the books hold: new ones are checked where they are made
    if conn.execute("SELECT 1 FROM household WHERE code = ?", (code,)).fetchone():
        raise Refused(f"Mã hộ {code} đã có. Mỗi hộ cần một mã riêng.")
    _check_id_unique(conn, id_number)
    category_on = check_category_on(data.category_on or today, today, "Ngày xếp loại hộ")
    phone = check_phone(data.phone)
    return {
        "uuid": str(uuid.uuid4()), "code": code, "head_name": head, "id_number": id_number,
        "hamlet_id": hamlet["id"], "ethnic_minority": int(bool(data.ethnic_minority)),
        "female_head": int(bool(data.female_head)), "members": check_members(data.members),
        "phone": phone, "notes": with_cmnd_note(check_text(data.notes, "Ghi chú", max_length=NOTES_MAX),
                                                identity.cmnd),
        "search_key": search_key(code, head, id_number, phone),
        "category": Category(data.category).value, "category_on": category_on.isoformat(),
    }


_INSERT_HOUSEHOLD = """
    INSERT INTO household (uuid, code, head_name, id_number, hamlet_id, ethnic_minority, female_head, members,
                           phone, notes, search_key, created_at, updated_at)
    VALUES (:uuid, :code, :head_name, :id_number, :hamlet_id, :ethnic_minority, :female_head, :members,
            :phone, :notes, :search_key, :now, :now)
"""
_INSERT_CATEGORY = """
    INSERT INTO household_category (uuid, household_id, category, effective_on, note, created_at)
    VALUES (?, ?, ?, ?, ?, ?)
"""


def insert_household(conn: sqlite3.Connection, actor: str, row: dict, now: str) -> int:
    """Write a validated household and its first category inside the caller's transaction."""
    household_id = conn.execute(_INSERT_HOUSEHOLD, {**row, "now": now}).lastrowid
    conn.execute(_INSERT_CATEGORY, (str(uuid.uuid4()), household_id, row["category"], row["category_on"],
                                    "Đăng ký", now))
    audit.record(conn, actor, "household", row["uuid"], "create", None, row, at=now)
    return household_id


@dataclass(frozen=True)
class HouseholdAdded(Outcome):
    id: int
    uuid: str
    code: str
    warnings: tuple[str, ...] = ()  # e.g. an old CMND kept in the notes instead of a CCCD

    changes: ClassVar[Changes] = Changes.HOUSEHOLDS


@dataclass(frozen=True)
class HouseholdEdited(Outcome):
    code: str
    changed: tuple[str, ...]  # the fields whose value changed; empty when nothing did
    warnings: tuple[str, ...] = ()

    changes: ClassVar[Changes] = Changes.HOUSEHOLDS


@dataclass(frozen=True)
class CategorySet(Outcome):
    code: str
    category: Category
    effective_on: date
    note: str

    changes: ClassVar[Changes] = Changes.HOUSEHOLDS


def add_household(books: Books, data: HouseholdInput) -> HouseholdAdded:
    row = validate_household(books.conn, data)
    with books.transaction() as conn:
        household_id = insert_household(conn, books.actor, row, audit.now_iso())
    return HouseholdAdded(household_id, row["uuid"], row["code"], _identity_warnings(data.id_number))


def _identity_warnings(id_number: str | None) -> tuple[str, ...]:
    warning = read_identity(id_number).warning if id_number else ""
    return (warning[:1].upper() + warning[1:] + ".",) if warning else ()


def require_household(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM household WHERE code = ?", (nfc(code).upper(),)).fetchone()
    if row is None:
        raise Refused(f"Không có hộ mã “{code}”.")
    return row


def edit_household(books: Books, code: str, changes: HouseholdChanges) -> HouseholdEdited:
    conn = books.conn
    before = dict(require_household(conn, code))
    after = dict(before)
    # The form sends every field back: one kept as the books hold it (from before these rules) is not re-judged.
    def kept_or(key: str, value: str, check) -> str:
        return before[key] if nfc(value) == before[key] else check(value)

    if changes.head_name is not None:
        after["head_name"] = kept_or("head_name", changes.head_name,
                                     lambda v: check_text(v, "Họ tên chủ hộ", max_length=NAME_MAX))
        if not after["head_name"]:
            raise Refused("Họ tên chủ hộ không được để trống.")
    if changes.hamlet is not None:
        after["hamlet_id"] = require_hamlet(conn, changes.hamlet)["id"]
    identity = None
    if changes.id_number is not None:
        identity = read_identity(changes.id_number)
        after["id_number"] = identity.cccd
        _check_id_unique(conn, after["id_number"], before["id"])
    for flag in ("ethnic_minority", "female_head"):
        if getattr(changes, flag) is not None:
            after[flag] = int(bool(getattr(changes, flag)))
    if changes.members is not None:
        after["members"] = check_members(changes.members)
    if changes.phone is not None:
        after["phone"] = kept_or("phone", changes.phone, check_phone)
    if changes.notes is not None:
        after["notes"] = kept_or("notes", changes.notes, lambda v: check_text(v, "Ghi chú", max_length=NOTES_MAX))
    if identity is not None and identity.cmnd:
        after["notes"] = with_cmnd_note(after["notes"], identity.cmnd)
    after["search_key"] = search_key(after["code"], after["head_name"], after["id_number"], after["phone"])
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return HouseholdEdited(before["code"], ())
    now = audit.now_iso()
    with books.transaction() as tx:
        assignments = ", ".join(f"{k} = :{k}" for k in changed)
        tx.execute(f"UPDATE household SET {assignments}, updated_at = :now WHERE id = :id",
                   {**changed, "now": now, "id": before["id"]})
        audit.record(tx, books.actor, "household", before["uuid"], "update",
                     {k: before[k] for k in changed}, changed, at=now)
    return HouseholdEdited(before["code"], tuple(sorted(changed)), _identity_warnings(changes.id_number))


def set_category(books: Books, code: str, category: Category, effective_on: date, note: str = "") -> CategorySet:
    """Record the outcome of a poverty review; earlier categories stay in the history."""
    household = require_household(books.conn, code)
    require_open_on(books.conn, effective_on, "Ngày áp dụng phân loại")
    if books.conn.execute("SELECT 1 FROM household_category WHERE household_id = ? AND effective_on = ?",
                          (household["id"], effective_on.isoformat())).fetchone():
        raise Refused(f"Hộ {household['code']} đã có một lần xếp loại ngày {effective_on:%d/%m/%Y}.")
    row = {"category": Category(category).value, "effective_on": effective_on.isoformat(), "note": nfc(note)}
    now = audit.now_iso()
    with books.transaction() as conn:
        before = _ineligible_supports(conn, household["id"])
        conn.execute(_INSERT_CATEGORY, (str(uuid.uuid4()), household["id"], row["category"],
                                        row["effective_on"], row["note"], now))
        _refuse_supports_made_ineligible(conn, household, before)
        audit.record(conn, books.actor, "household", household["uuid"], "category", None, row, at=now)
    return CategorySet(household["code"], Category(row["category"]), effective_on, row["note"])


def _ineligible_supports(conn: sqlite3.Connection, household_id: int) -> dict[int, str]:
    """The household's live supports that break an eligibility rule with its category history as it is."""
    found = {}
    for m in conn.execute(
            """SELECT m.id, m.supported_on, m.source, p.code, p.policy_json FROM membership m
               JOIN project p ON p.id = m.project_id WHERE m.household_id = ? AND m.voided_on IS NULL""",
            (household_id,)).fetchall():
        on, policy = date.fromisoformat(m["supported_on"]), rules.policy_of(m)
        held = rules.category_in_force(conn, household_id, on)
        if rules.non_poor_with_state_money(held, m["source"]) or rules.escaped_too_long(held, on, policy):
            found[m["id"]] = f"khoản hỗ trợ ngày {on:%d/%m/%Y} của dự án {m['code']}"
    return found


def _refuse_supports_made_ineligible(conn: sqlite3.Connection, household: sqlite3.Row,
                                     before: dict[int, str]) -> None:
    """A back-dated review may not turn a support already given into one the rules refuse."""
    after = _ineligible_supports(conn, household["id"])
    broken = [text for key, text in after.items() if key not in before]
    if broken:
        raise Refused(f"Phân loại mới của hộ {household['code']} sẽ làm {', '.join(broken)} thành không đúng đối "
                      "tượng (hộ không nghèo nhận tiền nhà nước, hoặc hộ thoát nghèo quá thời hạn) vào ngày hỗ "
                      "trợ. Hãy ghi ngày áp dụng phân loại sau các khoản hỗ trợ đó, hoặc hủy khoản ghi nhầm trước.")


def category_on(conn: sqlite3.Connection, household_id: int, on: date) -> tuple[Category, date] | None:
    """The category in force on a date, with the date it took effect."""
    row = conn.execute(
        """SELECT category, effective_on FROM household_category
           WHERE household_id = ? AND effective_on <= ? ORDER BY effective_on DESC LIMIT 1""",
        (household_id, on.isoformat()),
    ).fetchone()
    return (Category(row[0]), date.fromisoformat(row[1])) if row else None


def category_history(conn: sqlite3.Connection, household_id: int) -> list[dict]:
    rows = conn.execute("SELECT category, effective_on, note FROM household_category WHERE household_id = ? "
                        "ORDER BY effective_on", (household_id,))
    return [dict(r) for r in rows]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(token: str) -> str:
    return f"%{_escape_like(token)}%"


@dataclass(frozen=True)
class HouseholdQuery:
    search: str = ""
    hamlet: str | None = None
    category: Category | None = None
    as_of: date | None = None
    # "code" (the register's order, cheap to page through 100 000 households), "name" (Vietnamese order of
    # the head's name, then code: what a clerk scanning a hamlet expects) or "match" (the best matches for
    # ``search`` first, name order among equals: what a clerk typing one household's name expects).
    order: str = "code"


def _where(conn: sqlite3.Connection, query: HouseholdQuery) -> tuple[str, list]:
    clauses, params = [], []
    for token in fold(query.search or "").split():
        clauses.append("h.search_key LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(token))
    if query.hamlet:
        clauses.append("h.hamlet_id = ?")
        params.append(require_hamlet(conn, query.hamlet)["id"])
    if query.category:
        clauses.append(f"({_CURRENT_CATEGORY}) = ?")
        params.extend([(query.as_of or clock.today()).isoformat(), Category(query.category).value])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_CURRENT_CATEGORY = """SELECT c.category FROM household_category c WHERE c.household_id = h.id
                       AND c.effective_on <= ? ORDER BY c.effective_on DESC LIMIT 1"""


def count_households(books: Books, query: HouseholdQuery = HouseholdQuery()) -> int:
    where, params = _where(books.conn, query)
    return books.conn.execute(f"SELECT count(*) FROM household h{where}", params).fetchone()[0]


# How well a household matches the typed text, best first (the ``match`` of a row in best-match order).
EXACT_CODE, EXACT_NAME, STARTS, WHOLE_WORDS, CONTAINS = range(5)

# The head's name as search_key folded it. search_key is fold("code name [id number] [phone]"): the code has
# no space and folding changes neither the code's length nor the ID number's nor a phone's, so the name is
# what is left between them.
_FOLDED_NAME = """substr(h.search_key, length(h.code) + 2,
                         length(h.search_key) - length(h.code) - 1
                         - CASE WHEN h.id_number IS NULL THEN 0 ELSE length(h.id_number) + 1 END
                         - CASE WHEN h.phone = '' THEN 0 ELSE length(h.phone) + 1 END)"""


def _match_rank(search: str) -> tuple[str, list]:
    """SQL for the ``match`` of each household: the exact code or ID number, the exact whole name, a name
    (or code, or ID number) starting with the typed text, every typed word a whole word of the name, then the
    rest. Computed in SQLite, so that ranking 100 000 households costs about what filtering them does.

    Whole words count repeats: "thanh thanh" wants the word "thanh" twice, as in "Trần Thanh Thành". Each
    word of the name gets its own space on both sides (``replace(' ', '  ')``) so that two typed words cannot
    share the one space between them."""
    typed = fold(search)
    words = typed.split()
    patterns = ["%" + f" {_escape_like(w)} %" * words.count(w) for w in sorted(set(words))]
    padded = f"(' ' || replace({_FOLDED_NAME}, ' ', '  ') || ' ')"
    whole = " AND ".join([f"{padded} LIKE ? ESCAPE '\\'"] * len(patterns)) or "0"
    starts = _escape_like(typed) + "%"
    sql = f"""CASE
        WHEN h.code = ? OR h.id_number = ? THEN {EXACT_CODE}
        WHEN {_FOLDED_NAME} = ? THEN {EXACT_NAME}
        WHEN {_FOLDED_NAME} LIKE ? ESCAPE '\\' OR h.search_key LIKE ? ESCAPE '\\'
             OR h.id_number LIKE ? ESCAPE '\\' THEN {STARTS}
        WHEN {whole} THEN {WHOLE_WORDS}
        ELSE {CONTAINS} END"""
    return sql, [nfc(search).upper(), typed, typed, starts, starts, starts, *patterns]


def list_households(books: Books, query: HouseholdQuery = HouseholdQuery(), *, limit: int | None = None,
                    offset: int = 0) -> list[dict]:
    """Households in code, name or best-match order, with the category in force on ``as_of`` (default
    today); in best-match order each row also says its ``match`` (EXACT_CODE … CONTAINS)."""
    where, params = _where(books.conn, query)
    as_of = (query.as_of or clock.today()).isoformat()
    match, match_params = ("", [])
    order = {"name": "h.head_name COLLATE vi, h.code"}.get(query.order, "h.code")
    if query.order == "match":
        rank, match_params = _match_rank(query.search)
        match, order = f', {rank} AS "match"', '"match", h.head_name COLLATE vi, h.code'
    sql = f"""
        SELECT h.id, h.uuid, h.code, h.head_name, h.id_number, hm.name AS hamlet, ({_CURRENT_CATEGORY}) AS category,
               h.ethnic_minority, h.female_head, h.members, h.phone, h.notes{match}
        FROM household h JOIN hamlet hm ON hm.id = h.hamlet_id{where}
        ORDER BY {order} LIMIT ? OFFSET ?"""
    rows = books.conn.execute(sql, [as_of, *match_params, *params, -1 if limit is None else limit, offset])
    return [
        {**dict(r), "ethnic_minority": bool(r["ethnic_minority"]), "female_head": bool(r["female_head"])}
        for r in rows
    ]


def next_household_code(books: Books, prefix: str = "H") -> str:
    """The next free code like H00042, for forms that do not want the clerk to invent one."""
    rows = books.conn.execute("SELECT code FROM household WHERE code GLOB ?", (f"{prefix}[0-9]*",))
    numbers = [int(c[len(prefix):]) for (c,) in rows if c[len(prefix):].isdigit()]
    return f"{prefix}{(max(numbers, default=0) + 1):05d}"

