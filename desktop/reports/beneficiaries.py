"""Who a project supported, as the support list and the public notice print it: each support with the category
the household held on the day it was supported, and the group it belongs to (round and source of the money).

Why not ``membership.category_at_entry``: it is what the register said when the clerk saved the support. A
yearly review recorded afterwards with an earlier effective date, or a household that had no category yet on
that day (the first entry is then assumed), makes it stale; a public posting must say what was true on the
support date. A household that was not a target on that day is printed as what it was ("Hộ không nghèo",
"Thoát nghèo quá 36 tháng", "Chưa có phân loại"), never under an eligible category.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from desktop.domain import Category, FundingSource
from desktop.queries import rules
from desktop.services.projects import project_policy, require_project


@dataclass(frozen=True)
class Group:
    """A group of the lists: budget round 1, other money round 1, self-funded, re-lent in round N."""

    order: tuple[int, int]
    title: str


BUDGET = Group((1, 0), "Vòng 1 — hỗ trợ từ ngân sách nhà nước")
MOBILISED = Group((1, 1), "Vòng 1 — vốn huy động khác")
SELF_FUNDED = Group((1, 2), "Hộ tự đóng góp (vốn tự có của hộ, không phải ngân sách)")


def relent_group(round_no: int) -> Group:
    return Group((round_no, 0), f"Vòng {round_no} — cho vay lại từ vốn luân chuyển thu hồi")


# The source column: a non-poor household's own money is named as such, never "Ngân sách".
SOURCE_LABELS = {
    FundingSource.CENTRAL: "Ngân sách TW",
    FundingSource.LOCAL: "Ngân sách ĐP",
    FundingSource.OTHER: "Vốn huy động khác",
    FundingSource.FUND: "Vốn luân chuyển",
}
SELF_FUNDED_LABEL = "Tự có"


def category_label(held: rules.CategoryOn | None, on: date, policy) -> tuple[str, bool]:
    """What the household was on ``on`` and whether that made it a target of the state's money."""
    if held is None or held.assumed:
        return "Chưa có phân loại", False
    if rules.escaped_too_long(held, on, policy):
        return f"Thoát nghèo quá {policy.escaped_max_months} tháng", False
    return held.category.label, held.category.is_target


def _held_on(conn: sqlite3.Connection, household_id: int, on: date) -> rules.CategoryOn | None:
    if conn.execute("SELECT 1 FROM household_category WHERE household_id = ?", (household_id,)).fetchone() is None:
        return None
    return rules.category_in_force(conn, household_id, on)


def beneficiaries(conn: sqlite3.Connection, code: str) -> tuple[dict, list[dict]]:
    """The project and its supports not voided, each with ``category`` (label on the support date),
    ``eligible``, ``source_label``, ``group`` and ``group_order``; in support order."""
    project = require_project(conn, code)
    policy = project_policy(project)
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    rows = cur.execute(
        """SELECT m.household_id, h.code, h.head_name, h.id_number, hm.name AS hamlet, m.category_at_entry,
                  m.support_amount, m.counterpart, m.in_kind, m.round, m.supported_on, m.source
           FROM membership m JOIN household h ON h.id = m.household_id JOIN hamlet hm ON hm.id = h.hamlet_id
           WHERE m.project_id = ? AND m.voided_on IS NULL
           ORDER BY m.supported_on, m.id""", (project["id"],)).fetchall()
    members = []
    for r in rows:
        on = date.fromisoformat(r["supported_on"])
        held = _held_on(conn, r["household_id"], on)
        label, eligible = category_label(held, on, policy)
        source = FundingSource(r["source"])
        self_funded = source is FundingSource.OTHER and (held is None or held.category is Category.NON_POOR)
        if source is FundingSource.FUND:
            group = relent_group(r["round"])
        elif self_funded:
            group = SELF_FUNDED
        elif source is FundingSource.OTHER:
            group = MOBILISED
        else:
            group = BUDGET
        members.append({**{k: r[k] for k in r.keys() if k != "household_id"}, "category": label,
                        "eligible": eligible, "self_funded": self_funded,
                        "source_label": SELF_FUNDED_LABEL if self_funded else SOURCE_LABELS[source],
                        "group": group.title, "group_order": list(group.order)})
    return dict(project), members
