"""Projects: a livelihood project under a programme, approved by a decision, run under a frozen fund policy."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.catalogue import current_version
from desktop.changes import Changes, Outcome
from desktop.domain import ProjectStatus
from desktop.errors import Refused
from desktop.policy import FundPolicy, load_policy
from desktop.queries.rules import programme_validity_breach
from desktop.text import fold, nfc


@dataclass(frozen=True)
class ProjectInput:
    code: str
    name: str
    programme: str | None = None
    component: str = ""
    policy: str | Path | None = None
    decision_number: str = ""
    decision_date: date | None = None
    decision_authority: str = ""
    budget_central: int = 0
    budget_local: int = 0
    budget_other: int = 0
    budget_counterpart: int = 0


def _resolve_programme(conn: sqlite3.Connection, programme: str | None, component: str) -> tuple[str | None, str]:
    if not programme:
        if component:
            raise Refused("Đã ghi dự án thành phần nhưng chưa chọn chương trình (--programme).")
        return None, ""
    row = conn.execute("SELECT id, code FROM programme WHERE code = ? COLLATE NOCASE", (programme.strip(),)).fetchone()
    if row is None:
        known = ", ".join(r[0] for r in conn.execute("SELECT code FROM programme ORDER BY id"))
        raise Refused(f"Không có chương trình “{programme}”. Các chương trình: {known}.")
    component = nfc(component)
    if component:
        components = conn.execute("SELECT code FROM programme_component WHERE programme_id = ?", (row["id"],))
        by_key = {fold(c): c for (c,) in components}
        if fold(component) not in by_key:
            raise Refused(f"Chương trình {row['code']} không có “{component}”. Chọn một trong: "
                          f"{', '.join(by_key.values())}.")
        component = by_key[fold(component)]
    return row["code"], component


@dataclass(frozen=True)
class ProjectAdded(Outcome):
    id: int
    uuid: str
    code: str
    policy: str

    changes: ClassVar[Changes] = Changes.PROJECTS


@dataclass(frozen=True)
class ProjectEdited(Outcome):
    code: str
    changed: tuple[str, ...]

    changes: ClassVar[Changes] = Changes.PROJECTS | Changes.FUND


def add_project(books: Books, data: ProjectInput) -> ProjectAdded:
    conn = books.conn
    code = nfc(data.code).upper()
    name = nfc(data.name)
    if not code or " " in code or len(code) > 20:
        raise Refused(f"Mã dự án “{data.code}” không hợp lệ: 1–20 ký tự, không có dấu cách.")
    if not name:
        raise Refused("Tên dự án không được để trống.")
    if conn.execute("SELECT 1 FROM project WHERE code = ?", (code,)).fetchone():
        raise Refused(f"Mã dự án {code} đã có.")
    programme, component = _resolve_programme(conn, data.programme, data.component)
    if data.decision_date:
        breach = programme_validity_breach(conn, programme, component, data.decision_date)
        if breach:
            raise Refused(f"Ngày phê duyệt {data.decision_date:%d/%m/%Y} không hợp lệ: {breach}. "
                          "Hãy chọn chương trình đang áp dụng vào ngày đó.")
    budgets = {k: getattr(data, k) for k in ("budget_central", "budget_local", "budget_other", "budget_counterpart")}
    for key, amount in budgets.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise Refused(f"Kinh phí ({key}) phải là số đồng không âm.")
    if data.decision_date and data.decision_date > clock.today():
        raise Refused(f"Ngày quyết định {data.decision_date:%d/%m/%Y} ở tương lai.")
    policy = load_policy(data.policy, own=books.data_dir.policies)
    now = audit.now_iso()
    row = {
        "uuid": str(uuid.uuid4()), "code": code, "name": name, "programme_code": programme, "component": component,
        "decision_number": nfc(data.decision_number),
        "decision_date": data.decision_date.isoformat() if data.decision_date else None,
        "decision_authority": nfc(data.decision_authority), **budgets, "status": ProjectStatus.ACTIVE.value,
        "policy_code": policy.code, "policy_json": policy.to_json(), "created_at": now, "updated_at": now,
        # The catalogue the project is approved under: a later one never changes its codes.
        "catalogue_version": current_version(conn) or None,
    }
    with books.transaction() as tx:
        project_id = insert_project(tx, row)
        audit.record(tx, books.actor, "project", row["uuid"], "create", None, row, at=now)
    return ProjectAdded(project_id, row["uuid"], code, policy.code)


def insert_project(conn: sqlite3.Connection, row: dict) -> int:
    columns = ", ".join(row)
    return conn.execute(f"INSERT INTO project ({columns}) VALUES ({', '.join(':' + c for c in row)})", row).lastrowid


EDITABLE = ("name", "decision_number", "decision_date", "decision_authority", "budget_central", "budget_local",
            "budget_other", "budget_counterpart", "status")


def edit_project(books: Books, code: str, changes: dict) -> ProjectEdited:
    """Change a project's description or budget; its policy stays the one it was approved under."""
    project = require_project(books.conn, code)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Refused(f"Không sửa được mục: {', '.join(sorted(unknown))}.")
    cleaned = {}
    for key, value in changes.items():
        if key.startswith("budget_"):
            if not isinstance(value, int) or value < 0:
                raise Refused("Kinh phí phải là số đồng không âm.")
        elif key == "status":
            value = ProjectStatus(value).value
        elif key == "decision_date":
            value = value.isoformat() if value else None
        else:
            value = nfc(value)
        cleaned[key] = value
    changed = {k: v for k, v in cleaned.items() if project[k] != v}
    if not changed:
        return ProjectEdited(project["code"], ())
    now = audit.now_iso()
    with books.transaction() as tx:
        assignments = ", ".join(f"{k} = :{k}" for k in changed)
        tx.execute(f"UPDATE project SET {assignments}, updated_at = :now WHERE id = :id",
                   {**changed, "now": now, "id": project["id"]})
        audit.record(tx, books.actor, "project", project["uuid"], "update",
                     {k: project[k] for k in changed}, changed, at=now)
    return ProjectEdited(project["code"], tuple(sorted(changed)))


def require_project(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM project WHERE code = ?", (nfc(code).upper(),)).fetchone()
    if row is None:
        raise Refused(f"Không có dự án mã “{code}”.")
    return row


def project_policy(project: sqlite3.Row) -> FundPolicy:
    """The frozen copy the project was approved under, not whatever the policy file says today."""
    return FundPolicy.from_json(project["policy_json"])


def list_projects(books: Books) -> list[dict]:
    rows = books.conn.execute(
        """SELECT p.id, p.uuid, p.code, p.name, p.programme_code, p.component, p.status, p.policy_code,
                  p.decision_number, p.decision_date, p.budget_central, p.budget_local, p.budget_other,
                  p.budget_counterpart,
                  (SELECT l.name FROM project_lead l WHERE l.project_id = p.id) AS lead,
                  (SELECT count(DISTINCT m.household_id) FROM membership m
                   WHERE m.project_id = p.id AND m.voided_on IS NULL) AS households
           FROM project p ORDER BY p.code"""
    )
    return [dict(r) for r in rows]


def project_members(books: Books, code: str, *, include_voided: bool = False) -> tuple[dict, list[dict]]:
    """A project and every support it gave, in the order given, for lists and notices; a voided support is
    no longer one it gave (its void date is never in the future, so "not voided" is "counts today"). The
    project's own page lists voided supports too (``include_voided``), marked by ``voided_on``."""
    project = require_project(books.conn, code)
    rows = books.conn.execute(
        f"""SELECT h.code, h.head_name, h.id_number, hm.name AS hamlet, m.category_at_entry, m.support_amount,
                  m.in_kind, m.round, m.supported_on, m.source, m.voided_on, m.void_reason
           FROM membership m JOIN household h ON h.id = m.household_id JOIN hamlet hm ON hm.id = h.hamlet_id
           WHERE m.project_id = ? {"" if include_voided else "AND m.voided_on IS NULL"}
           ORDER BY m.supported_on, m.id""", (project["id"],))
    return dict(project), [dict(r) for r in rows]
