"""Who decided that a household gets support: the selection meeting and the chairman's decision.

The hamlet meeting proposes (biên bản bình xét: households, their category, the amount agreed), the commune
chairman decides (quyết định: number, date, round, households and amounts). Both are frozen once recorded;
a correction is a new decision that supersedes the old one, whose households then no longer count.

With the setting ``require_approval``, a support or re-lend of state money is refused unless a decision in
force for its project and round, dated on or before it, lists the household (``rules.APPROVED_SUPPORT``,
read by ``check`` too).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books, settings_on
from desktop.changes import Changes, Outcome
from desktop.domain import Category, FundingSource
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.queries import rules
from desktop.services.hamlets import require_hamlet
from desktop.services.households import require_household
from desktop.services.period_lock import require_open_on
from desktop.services.projects import project_policy, require_project
from desktop.text import nfc


@dataclass(frozen=True)
class ApprovalInput:
    project: str
    decision: str  # its number, "12/QĐ-UBND"
    decided_on: date
    households: tuple[str, ...]
    round: int = 1
    amounts: tuple[int, ...] | None = None  # None: the policy's amount for each household's category
    signer: str = ""  # default: the chairman named in the settings on the decision's date
    meeting_on: date | None = None  # the selection meeting, when it is recorded with the decision
    hamlet: str = ""
    attendees: int | None = None
    chair: str = ""
    supersedes: str | None = None  # the number of the decision this one corrects (same project)


@dataclass(frozen=True)
class ApprovedHousehold:
    code: str
    head_name: str
    category: Category
    amount: int


@dataclass(frozen=True)
class ApprovalRecorded(Outcome):
    id: int
    decision: str
    households: tuple[str, ...]
    round: int
    decided_on: date
    amounts: tuple[int, ...]
    meeting_id: int | None = None
    supersedes: str | None = None

    changes: ClassVar[Changes] = Changes.PROJECTS | Changes.SUPPORTS


def require_approved_support(conn: sqlite3.Connection, project: sqlite3.Row, household: sqlite3.Row,
                             round_no: int, source: FundingSource, on: date) -> None:
    """The write-time side of ``rules.APPROVED_SUPPORT``: refuse an unapproved support when it is required."""
    if FundingSource(source) is FundingSource.OTHER or not rules.approval_required(conn):
        return
    if not rules.support_approved(conn, project["id"], household["id"], round_no, on):
        raise Refused(rules.unapproved_message(project["code"], household["code"], round_no, on)
                      + ". Ghi quyết định phê duyệt trước (approval add --project "
                      f"{project['code']} --households {household['code']} --round {round_no} …), rồi ghi hỗ trợ.")


def _split_households(codes) -> list[str]:
    found: list[str] = []
    for item in codes:
        for code in str(item).split(","):
            code = nfc(code).upper()
            if code:
                found.append(code)
    return found


def _find_decision(conn: sqlite3.Connection, project: sqlite3.Row, number: str) -> sqlite3.Row:
    rows = conn.execute("SELECT * FROM approval_decision WHERE project_id = ? AND number = ? ORDER BY decided_on DESC",
                        (project["id"], nfc(number))).fetchall()
    if not rows:
        raise Refused(f"Dự án {project['code']} không có quyết định số “{nfc(number)}” để thay thế.")
    return rows[0]


def _replaced_by(conn: sqlite3.Connection, decision_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT number, decided_on FROM approval_decision WHERE supersedes_id = ?",
                        (decision_id,)).fetchone()


def _refuse_orphaned_supports(conn: sqlite3.Connection, project: sqlite3.Row, old: sqlite3.Row,
                              new_round: int, new_on: date, new_households: set[int]) -> None:
    """A correction may not leave a support already recorded without approval (when approval is required):
    ``check`` would then report books the program wrote itself."""
    if not rules.approval_required(conn):
        return
    covered = conn.execute(
        f"""SELECT m.household_id, h.code, m.round, m.supported_on FROM membership m
            JOIN household h ON h.id = m.household_id
            JOIN approval_decision_household dh ON dh.household_id = m.household_id AND dh.decision_id = :old
            WHERE m.project_id = :project AND m.round = :round AND m.supported_on >= :decided
              AND {rules.NEEDS_APPROVAL}
              AND NOT EXISTS (SELECT 1 FROM approval_decision d JOIN approval_decision_household x
                              ON x.decision_id = d.id
                              WHERE d.id != :old AND d.project_id = m.project_id AND d.round = m.round
                                AND x.household_id = m.household_id AND d.decided_on <= m.supported_on
                                AND {rules.DECISION_IN_FORCE})
            ORDER BY h.code""",
        {"old": old["id"], "project": project["id"], "round": old["round"], "decided": old["decided_on"]}).fetchall()
    lost = [r for r in covered if not (r["household_id"] in new_households and new_round == r["round"]
                                       and new_on.isoformat() <= r["supported_on"])]
    if lost:
        listed = ", ".join(f"{r['code']} (hỗ trợ ngày {date.fromisoformat(r['supported_on']):%d/%m/%Y})"
                           for r in lost)
        raise Refused(f"Quyết định {old['number']} đang là căn cứ của khoản hỗ trợ đã ghi cho hộ {listed}; "
                      "quyết định thay thế phải giữ các hộ đó, cùng vòng, ngày ký không sau ngày hỗ trợ. "
                      "Nếu hỗ trợ ghi nhầm, hãy hủy khoản hỗ trợ trước.")


@dataclass(frozen=True)
class ApprovalPlan:
    project: sqlite3.Row
    households: tuple[sqlite3.Row, ...]
    categories: tuple[Category, ...]
    amounts: tuple[int, ...]
    hamlet: sqlite3.Row | None
    signer: str
    supersedes: sqlite3.Row | None = None
    meeting_categories: tuple[Category, ...] = field(default=())


def assess_approval(conn: sqlite3.Connection, data: ApprovalInput, *, today: date | None = None) -> ApprovalPlan:
    """Every rule of a decision, read-only: the plan to write, or ``Refused`` naming what is wrong."""
    today = today or clock.today()
    project = require_project(conn, data.project)
    number = nfc(data.decision)
    if not number:
        raise Refused("Chưa ghi số quyết định (ví dụ “12/QĐ-UBND”).")
    if data.round < 1:
        raise Refused(f"Vòng hỗ trợ phải từ 1 trở lên (đang là {data.round}).")
    require_open_on(conn, data.decided_on, "Ngày quyết định", today=today)
    same = conn.execute("SELECT p.code, d.decided_on FROM approval_decision d JOIN project p ON p.id = d.project_id "
                        "WHERE d.number = ? AND substr(d.decided_on, 1, 4) = ?",
                        (number, f"{data.decided_on.year:04d}")).fetchone()
    if same:
        raise Refused(f"Năm {data.decided_on.year} đã có quyết định số {number} (dự án {same[0]}, ngày "
                      f"{date.fromisoformat(same[1]):%d/%m/%Y}); mỗi số quyết định chỉ dùng một lần trong năm. "
                      "Quyết định sửa sai phải có số mới và ghi là thay thế quyết định cũ (--supersedes).")
    if data.meeting_on is not None:
        if data.meeting_on > data.decided_on:
            raise Refused(f"Ngày họp bình xét {data.meeting_on:%d/%m/%Y} sau ngày quyết định "
                          f"{data.decided_on:%d/%m/%Y}: thôn bình xét trước, xã quyết định sau.")
        require_open_on(conn, data.meeting_on, "Ngày họp bình xét", today=today)
    elif data.hamlet or data.attendees is not None or data.chair:
        raise Refused("Thôn, người chủ trì và số người dự là của cuộc họp bình xét: hãy ghi cả ngày họp "
                      "(--meeting-on).")
    if data.attendees is not None and data.attendees < 0:
        raise Refused("Số người dự họp không được âm.")
    hamlet = require_hamlet(conn, data.hamlet) if data.hamlet else None
    codes = _split_households(data.households)
    if not codes:
        raise Refused("Quyết định phải có ít nhất một hộ (--households H1,H2).")
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise Refused(f"Hộ {', '.join(repeated)} được ghi hai lần trong cùng một quyết định.")
    if data.amounts is not None and len(data.amounts) != len(codes):
        raise Refused(f"Có {len(codes)} hộ nhưng {len(data.amounts)} số tiền: ghi một số tiền cho mỗi hộ, "
                      "theo đúng thứ tự.")
    policy = project_policy(project)
    households, categories, amounts, meeting_categories = [], [], [], []
    for index, code in enumerate(codes):
        household = require_household(conn, code)
        held = rules.category_in_force(conn, household["id"], data.decided_on)
        if rules.escaped_too_long(held, data.decided_on, policy):
            raise Refused(rules.escaped_message(household["code"], held, data.decided_on, policy)
                          .replace("đến ngày hỗ trợ", "đến ngày quyết định")
                          + ": không được phê duyệt hỗ trợ (NĐ 27/2022/NĐ-CP).")
        if not held.category.is_target:
            raise Refused(f"Hộ {household['code']} là hộ không nghèo vào ngày {data.decided_on:%d/%m/%Y}: không "
                          "được phê duyệt hỗ trợ từ ngân sách hay vốn luân chuyển (hộ tự đầu tư không cần "
                          "quyết định).")
        if hamlet is not None and household["hamlet_id"] != hamlet["id"]:
            other = conn.execute("SELECT name FROM hamlet WHERE id = ?", (household["hamlet_id"],)).fetchone()[0]
            raise Refused(f"Hộ {household['code']} ở {other}, không thuộc {hamlet['name']} của cuộc họp bình xét.")
        amount = policy.support_for(held.category) if data.amounts is None else data.amounts[index]
        if not isinstance(amount, int) or amount <= 0:
            raise Refused(f"Số tiền phê duyệt cho hộ {household['code']} phải lớn hơn 0 đồng.")
        households.append(household)
        categories.append(held.category)
        amounts.append(amount)
        if data.meeting_on is not None:
            meeting_categories.append(rules.category_in_force(conn, household["id"], data.meeting_on).category)
    old = None
    if data.supersedes:
        old = _find_decision(conn, project, data.supersedes)
        later = _replaced_by(conn, old["id"])
        if later is not None:
            raise Refused(f"Quyết định {old['number']} đã được thay thế bằng quyết định {later['number']} ngày "
                          f"{date.fromisoformat(later['decided_on']):%d/%m/%Y}; nếu cần sửa tiếp, hãy thay thế "
                          f"quyết định {later['number']}.")
        if data.decided_on.isoformat() < old["decided_on"]:
            raise Refused(f"Quyết định thay thế ký ngày {data.decided_on:%d/%m/%Y}, trước quyết định bị thay thế "
                          f"{old['number']} ({date.fromisoformat(old['decided_on']):%d/%m/%Y}).")
        _refuse_orphaned_supports(conn, project, old, data.round, data.decided_on, {h["id"] for h in households})
    signer = nfc(data.signer) or settings_on(conn, data.decided_on).get("signer_chairman", "")
    return ApprovalPlan(project, tuple(households), tuple(categories), tuple(amounts), hamlet, signer, old,
                        tuple(meeting_categories))


def record_approval(books: Books, data: ApprovalInput, *, today: date | None = None) -> ApprovalRecorded:
    now = audit.now_iso()
    with books.transaction() as tx:
        plan = assess_approval(tx, data, today=today)
        meeting_id = None
        if data.meeting_on is not None:
            meeting = {"uuid": str(uuid.uuid4()), "project_id": plan.project["id"],
                       "hamlet_id": plan.hamlet["id"] if plan.hamlet is not None else None,
                       "held_on": data.meeting_on.isoformat(), "chair": nfc(data.chair),
                       "attendees": data.attendees, "recorded_at": now, "recorded_by": books.actor}
            meeting_id = tx.execute(f"INSERT INTO approval_meeting ({', '.join(meeting)}) VALUES "
                                    f"({', '.join(':' + k for k in meeting)})", meeting).lastrowid
            tx.executemany("INSERT INTO approval_meeting_household (meeting_id, household_id, category, amount) "
                           "VALUES (?, ?, ?, ?)",
                           [(meeting_id, h["id"], c.value, a)
                            for h, c, a in zip(plan.households, plan.meeting_categories, plan.amounts, strict=True)])
            audit.record(tx, books.actor, "approval_meeting", meeting["uuid"], "create", None,
                         {**meeting, "households": [h["code"] for h in plan.households]}, at=now)
        row = {"uuid": str(uuid.uuid4()), "project_id": plan.project["id"], "number": nfc(data.decision),
               "decided_on": data.decided_on.isoformat(), "round": data.round, "signer": plan.signer,
               "meeting_id": meeting_id, "supersedes_id": plan.supersedes["id"] if plan.supersedes else None,
               "recorded_at": now, "recorded_by": books.actor}
        decision_id = tx.execute(f"INSERT INTO approval_decision ({', '.join(row)}) VALUES "
                                 f"({', '.join(':' + k for k in row)})", row).lastrowid
        tx.executemany("INSERT INTO approval_decision_household (decision_id, household_id, amount) VALUES (?, ?, ?)",
                       [(decision_id, h["id"], a) for h, a in zip(plan.households, plan.amounts, strict=True)])
        audit.record(tx, books.actor, "approval_decision", row["uuid"], "create", None,
                     {**row, "project": plan.project["code"],
                      "households": [[h["code"], a] for h, a in zip(plan.households, plan.amounts, strict=True)]},
                     at=now)
    return ApprovalRecorded(
        id=decision_id, decision=row["number"], households=tuple(h["code"] for h in plan.households),
        round=data.round, decided_on=data.decided_on, amounts=plan.amounts, meeting_id=meeting_id,
        supersedes=plan.supersedes["number"] if plan.supersedes else None)


# -- reading ------------------------------------------------------------------------------------------------

def list_decisions(conn: sqlite3.Connection, project: str | None = None) -> list[dict]:
    """Every decision (newest first within a project), with its households and whether it is in force."""
    params: tuple = ()
    where = ""
    if project:
        where = "WHERE d.project_id = ?"
        params = (require_project(conn, project)["id"],)
    rows = conn.execute(
        f"""SELECT d.*, p.code AS project, s.number AS superseded_by, o.number AS supersedes
            FROM approval_decision d JOIN project p ON p.id = d.project_id
            LEFT JOIN approval_decision s ON s.supersedes_id = d.id
            LEFT JOIN approval_decision o ON o.id = d.supersedes_id
            {where} ORDER BY p.code, d.decided_on DESC, d.id DESC""", params).fetchall()
    found = []
    for r in rows:
        households = conn.execute(
            """SELECT h.code, h.head_name, dh.amount FROM approval_decision_household dh
               JOIN household h ON h.id = dh.household_id WHERE dh.decision_id = ? ORDER BY h.code""",
            (r["id"],)).fetchall()
        found.append({
            "id": r["id"], "project": r["project"], "decision": r["number"], "decided_on": r["decided_on"],
            "round": r["round"], "signer": r["signer"], "meeting_id": r["meeting_id"],
            "in_force": r["superseded_by"] is None, "superseded_by": r["superseded_by"],
            "supersedes": r["supersedes"], "recorded_by": r["recorded_by"],
            "households": [{"code": h["code"], "head_name": h["head_name"], "amount": h["amount"]}
                           for h in households],
            "total": sum(h["amount"] for h in households),
        })
    return found


def decision_text(decision: dict) -> str:
    state = "còn hiệu lực" if decision["in_force"] else f"đã thay thế bằng {decision['superseded_by']}"
    return (f"{decision['project']} — QĐ {decision['decision']} ngày "
            f"{date.fromisoformat(decision['decided_on']):%d/%m/%Y}, vòng {decision['round']}: "
            f"{len(decision['households'])} hộ, {format_vnd(decision['total'])} đ ({state})")


def decision_document(conn: sqlite3.Connection, decision_id: int) -> dict:
    """What the decision and its meeting's minutes print, as they were on their own dates."""
    row = conn.execute(
        """SELECT d.*, p.code AS project_code, p.name AS project_name, p.decision_number AS project_decision,
                  p.decision_date AS project_decision_date, o.number AS supersedes, o.decided_on AS supersedes_on
           FROM approval_decision d JOIN project p ON p.id = d.project_id
           LEFT JOIN approval_decision o ON o.id = d.supersedes_id WHERE d.id = ?""", (decision_id,)).fetchone()
    if row is None:
        raise Refused(f"Không có quyết định phê duyệt mã {decision_id} (xem “approval list”).")
    decided_on = date.fromisoformat(row["decided_on"])
    households = [dict(r) for r in conn.execute(
        """SELECT h.code, h.head_name, hm.name AS hamlet, dh.amount FROM approval_decision_household dh
           JOIN household h ON h.id = dh.household_id JOIN hamlet hm ON hm.id = h.hamlet_id
           WHERE dh.decision_id = ? ORDER BY hm.name COLLATE vi, h.head_name COLLATE vi, h.code""", (decision_id,))]
    for item in households:
        item["category"] = rules.category_in_force(
            conn, conn.execute("SELECT id FROM household WHERE code = ?", (item["code"],)).fetchone()[0],
            decided_on).category
    meeting = None
    if row["meeting_id"] is not None:
        m = conn.execute("""SELECT m.*, hm.name AS hamlet FROM approval_meeting m LEFT JOIN hamlet hm
                            ON hm.id = m.hamlet_id WHERE m.id = ?""", (row["meeting_id"],)).fetchone()
        proposed = [dict(r) for r in conn.execute(
            """SELECT h.code, h.head_name, hm.name AS hamlet, mh.category, mh.amount
               FROM approval_meeting_household mh JOIN household h ON h.id = mh.household_id
               JOIN hamlet hm ON hm.id = h.hamlet_id WHERE mh.meeting_id = ?
               ORDER BY hm.name COLLATE vi, h.head_name COLLATE vi, h.code""", (m["id"],))]
        for item in proposed:
            item["category"] = Category(item["category"])
        meeting = {"held_on": date.fromisoformat(m["held_on"]), "hamlet": m["hamlet"] or "", "chair": m["chair"],
                   "attendees": m["attendees"], "households": proposed,
                   "settings": settings_on(conn, date.fromisoformat(m["held_on"]))}
    return {
        "id": row["id"], "number": row["number"], "decided_on": decided_on, "round": row["round"],
        "signer": row["signer"], "project_code": row["project_code"], "project_name": row["project_name"],
        "project_decision": row["project_decision"] or "", "project_decision_date": row["project_decision_date"],
        "supersedes": row["supersedes"], "supersedes_on": row["supersedes_on"], "households": households,
        "total": sum(h["amount"] for h in households), "meeting": meeting,
        "settings": settings_on(conn, decided_on), "in_force": _replaced_by(conn, row["id"]) is None,
    }


def approved_households(conn: sqlite3.Connection, project: str, *, relend: bool = False) -> dict[str, dict]:
    """The households a decision in force of the project names, for round 1 (budget support) or, with
    ``relend``, for the later rounds (re-lends from the fund): household code → the newest such decision's
    number, date, round and agreed amount, and whether that round's support is already recorded. The support
    form offers these households first; the rule itself stays ``rules.APPROVED_SUPPORT``."""
    project_id = require_project(conn, project)["id"]
    rounds = "d.round >= 2" if relend else "d.round = 1"
    rows = conn.execute(
        f"""SELECT h.code, d.number, d.decided_on, d.round, dh.amount,
                   EXISTS (SELECT 1 FROM membership m WHERE m.project_id = d.project_id
                           AND m.household_id = dh.household_id AND m.round = d.round
                           AND m.voided_at IS NULL) AS supported
            FROM approval_decision d JOIN approval_decision_household dh ON dh.decision_id = d.id
            JOIN household h ON h.id = dh.household_id
            WHERE d.project_id = ? AND {rounds} AND {rules.DECISION_IN_FORCE}
            ORDER BY d.decided_on, d.id""", (project_id,)).fetchall()
    return {r["code"]: {"decision": r["number"], "decided_on": r["decided_on"], "round": r["round"],
                        "amount": r["amount"], "supported": bool(r["supported"])} for r in rows}
