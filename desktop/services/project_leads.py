"""Who leads a project: a cooperative (HTX), a cooperative group (tổ hợp tác) or a household group (nhóm hộ),
with its representative and tax or registration code, and the households that are its members.

A lead is description, not money: it may be set again (the audit keeps what it said before); a member joins
once and stays in the record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from desktop import audit
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.leads import LEAD_KINDS
from desktop.services.households import require_household
from desktop.services.projects import require_project
from desktop.text import nfc


@dataclass(frozen=True)
class LeadSet(Outcome):
    project: str
    kind: str
    name: str
    representative: str
    registration_code: str

    changes: ClassVar[Changes] = Changes.PROJECTS


@dataclass(frozen=True)
class LeadMembersAdded(Outcome):
    project: str
    added: tuple[str, ...]
    members: int

    changes: ClassVar[Changes] = Changes.PROJECTS


def validate_lead(kind: str | None, name: str | None, representative: str, registration_code: str,
                  project: str) -> tuple[str, str, str, str]:
    """The lead's fields cleaned, or the refusal; ``project add`` calls it before writing the project."""
    if kind not in LEAD_KINDS:
        raise Refused(f"Loại đơn vị chủ trì “{kind or ''}” không hợp lệ. Chọn: "
                      + ", ".join(f"{k} ({v})" for k, v in LEAD_KINDS.items()) + ".")
    name, representative, registration_code = nfc(name or ""), nfc(representative), nfc(registration_code)
    if not name:
        raise Refused(f"Chưa ghi tên {LEAD_KINDS[kind].lower()} chủ trì dự án {project} (--lead-name).")
    if kind == "cooperative" and not registration_code:
        raise Refused(f"Hợp tác xã “{name}” cần mã số thuế hoặc số đăng ký hợp tác xã (--lead-code).")
    return kind, name, representative, registration_code


def set_lead(books: Books, project_code: str, *, kind: str, name: str, representative: str = "",
             registration_code: str = "") -> LeadSet:
    project = require_project(books.conn, project_code)
    kind, name, representative, registration_code = validate_lead(kind, name, representative, registration_code,
                                                                  project["code"])
    now = audit.now_iso()
    row = {"kind": kind, "name": name, "representative": representative, "registration_code": registration_code}
    before = books.conn.execute("SELECT * FROM project_lead WHERE project_id = ?", (project["id"],)).fetchone()
    with books.transaction() as tx:
        if before is None:
            lead_uuid = str(uuid.uuid4())
            tx.execute("INSERT INTO project_lead (uuid, project_id, kind, name, representative, registration_code, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (lead_uuid, project["id"], kind, name, representative, registration_code, now, now))
        else:
            lead_uuid = before["uuid"]
            tx.execute("UPDATE project_lead SET kind = ?, name = ?, representative = ?, registration_code = ?, "
                       "updated_at = ? WHERE id = ?",
                       (kind, name, representative, registration_code, now, before["id"]))
        audit.record(tx, books.actor, "project_lead", lead_uuid, "set" if before is None else "update",
                     {k: before[k] for k in row} if before else None, {"project": project["code"], **row}, at=now)
    return LeadSet(project["code"], kind, name, representative, registration_code)


def add_lead_members(books: Books, project_code: str, household_codes: list[str]) -> LeadMembersAdded:
    project = require_project(books.conn, project_code)
    lead = books.conn.execute("SELECT * FROM project_lead WHERE project_id = ?", (project["id"],)).fetchone()
    if lead is None:
        raise Refused(f"Dự án {project['code']} chưa có đơn vị chủ trì; hãy ghi trước bằng “project lead set”.")
    households = [require_household(books.conn, code) for code in household_codes if code.strip()]
    if not households:
        raise Refused("Chưa ghi hộ thành viên nào (--households H001,H002).")
    now = audit.now_iso()
    added = []
    with books.transaction() as tx:
        for household in households:
            if tx.execute("SELECT 1 FROM project_lead_member WHERE lead_id = ? AND household_id = ?",
                          (lead["id"], household["id"])).fetchone():
                continue
            member_uuid = str(uuid.uuid4())
            tx.execute("INSERT INTO project_lead_member (uuid, lead_id, household_id, added_at) VALUES (?, ?, ?, ?)",
                       (member_uuid, lead["id"], household["id"], now))
            audit.record(tx, books.actor, "project_lead_member", member_uuid, "create", None,
                         {"project": project["code"], "lead": lead["name"], "household": household["code"]}, at=now)
            added.append(household["code"])
    count = books.conn.execute("SELECT count(*) FROM project_lead_member WHERE lead_id = ?",
                               (lead["id"],)).fetchone()[0]
    return LeadMembersAdded(project["code"], tuple(added), count)


def project_lead(conn, project_id: int) -> dict | None:
    """The lead of a project with its member households (code and name), or None."""
    lead = conn.execute("SELECT id, kind, name, representative, registration_code FROM project_lead "
                        "WHERE project_id = ?", (project_id,)).fetchone()
    if lead is None:
        return None
    result = {k: lead[k] for k in ("kind", "name", "representative", "registration_code")}
    result["kind_label"] = LEAD_KINDS[lead["kind"]]
    result["members"] = [{"code": r[0], "head_name": r[1], "hamlet": r[2]} for r in conn.execute(
        "SELECT h.code, h.head_name, hm.name FROM project_lead_member m JOIN household h ON h.id = m.household_id "
        "JOIN hamlet hm ON hm.id = h.hamlet_id WHERE m.lead_id = ? ORDER BY h.code", (lead["id"],))]
    return result
