"""What each household owes on a day, for the due notices: every installment overdue or falling due soon
(what the slip asks for), and everything still owed (what the hamlet head's list totals as "còn phải trả").

Both read the same installments and receipts as the due list (``schedules.due_list``): a voided receipt pays
nothing from its void date, a voided support owes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.errors import Refused
from desktop.fund import days_overdue
from desktop.queries.fund import MEMBERSHIP_COUNTS, PAID, as_of_params
from desktop.text import collation_key, fold, nfc

_OPEN = f"""WITH {PAID}
    SELECT hm.name AS hamlet, h.code AS household, h.head_name, pr.code AS project, pr.name AS project_name,
           i.seq, i.due_on, i.amount - coalesce(p.paid, 0) AS outstanding
    FROM installment i JOIN membership m ON m.id = i.membership_id
    JOIN household h ON h.id = m.household_id JOIN hamlet hm ON hm.id = h.hamlet_id
    JOIN project pr ON pr.id = m.project_id
    LEFT JOIN paid p ON p.installment_id = i.id
    WHERE i.amount > coalesce(p.paid, 0) AND {MEMBERSHIP_COUNTS}
    ORDER BY i.due_on, pr.code, i.seq"""


@dataclass(frozen=True)
class SlipLine:
    project: str
    project_name: str
    seq: int
    due_on: date
    amount: int  # still owed on this installment
    days_overdue: int  # 0 when not yet due


@dataclass(frozen=True)
class Slip:
    """One household's giấy báo: its installments due by the horizon, and all it still owes."""

    hamlet: str
    household: str
    head_name: str
    lines: tuple[SlipLine, ...]
    owed: int  # every installment still open, due or not

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def overdue(self) -> int:
        return sum(line.amount for line in self.lines if line.days_overdue)


def _open_rows(conn: sqlite3.Connection, as_of: date) -> list[sqlite3.Row]:
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    return cur.execute(_OPEN, as_of_params(as_of)).fetchall()


def owed_by_household(conn: sqlite3.Connection, as_of: date) -> dict[str, int]:
    """Everything each household still owes on ``as_of`` (all projects, due or not)."""
    owed: dict[str, int] = {}
    for r in _open_rows(conn, as_of):
        owed[r["household"]] = owed.get(r["household"], 0) + r["outstanding"]
    return owed


def require_hamlet(conn: sqlite3.Connection, name: str) -> str:
    """The hamlet as the register writes it; case, diacritics and đ/d ignored."""
    wanted = fold(nfc(name)).strip()
    for (hamlet,) in conn.execute("SELECT name FROM hamlet"):
        if fold(hamlet).strip() == wanted:
            return hamlet
    known = ", ".join(sorted((h for (h,) in conn.execute("SELECT name FROM hamlet")), key=collation_key))
    raise Refused(f"Không có thôn “{name}”. Các thôn trong sổ: {known or '(chưa có)'}.")


def due_slips(conn: sqlite3.Connection, as_of: date, *, within_days: int = 30, hamlet: str | None = None
              ) -> list[Slip]:
    """One slip per household with an installment overdue on ``as_of`` or due within ``within_days``;
    hamlets in Vietnamese order, then heads' names."""
    only = require_hamlet(conn, hamlet) if hamlet else None
    horizon = as_of + timedelta(days=within_days)
    lines: dict[str, list[SlipLine]] = {}
    people: dict[str, tuple[str, str]] = {}
    owed: dict[str, int] = {}
    for r in _open_rows(conn, as_of):
        if only is not None and r["hamlet"] != only:
            continue
        owed[r["household"]] = owed.get(r["household"], 0) + r["outstanding"]
        due_on = date.fromisoformat(r["due_on"])
        if due_on <= horizon:
            people[r["household"]] = (r["hamlet"], r["head_name"])
            lines.setdefault(r["household"], []).append(SlipLine(
                r["project"], r["project_name"], r["seq"], due_on, r["outstanding"], days_overdue(due_on, as_of)))
    slips = [Slip(people[code][0], code, people[code][1], tuple(found), owed[code]) for code, found in lines.items()]
    return sorted(slips, key=lambda s: (collation_key(s.hamlet), collation_key(s.head_name), s.household))
