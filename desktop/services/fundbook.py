"""Read-side figures of a project's rotating fund, shared by payments, support, reports and checks.

Paid amounts are never stored: they are the allocations of receipts that are not voided, so a void
restores the outstanding amount without touching any other row.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from desktop.fund import OpenInstallment

LIVE_PAID = """coalesce((SELECT sum(a.amount) FROM allocation a JOIN receipt r ON r.id = a.receipt_id
                         WHERE a.installment_id = i.id AND r.voided_at IS NULL), 0)"""


def open_installments(conn: sqlite3.Connection, project_id: int, household_id: int) -> list[OpenInstallment]:
    rows = conn.execute(
        f"""SELECT i.id, i.seq, i.due_on, i.amount, {LIVE_PAID} AS paid
            FROM installment i JOIN membership m ON m.id = i.membership_id
            WHERE m.project_id = ? AND m.household_id = ? ORDER BY i.due_on, i.id""",
        (project_id, household_id),
    )
    return [OpenInstallment(r["id"], r["seq"], date.fromisoformat(r["due_on"]), r["amount"], r["paid"])
            for r in rows]


def recovered(conn: sqlite3.Connection, project_id: int, *, until: date | None = None) -> int:
    sql = """SELECT coalesce(sum(a.amount), 0) FROM allocation a JOIN receipt r ON r.id = a.receipt_id
             WHERE r.project_id = ? AND r.voided_at IS NULL"""
    params: list = [project_id]
    if until:
        sql += " AND r.issued_on <= ?"
        params.append(until.isoformat())
    return conn.execute(sql, params).fetchone()[0]


def fund_figures(conn: sqlite3.Connection, project_id: int) -> dict[str, int]:
    """What CLI.md's ``report fund`` prints: disbursed, to_return, recovered, relent, balance, public_works."""
    row = conn.execute(
        """SELECT coalesce(sum(support_amount), 0) AS disbursed,
                  coalesce(sum(CASE WHEN source IN ('central', 'local') THEN support_amount END), 0) AS from_budget,
                  coalesce(sum(CASE WHEN source = 'other' THEN support_amount END), 0) AS from_other,
                  coalesce(sum(CASE WHEN source = 'fund' THEN support_amount END), 0) AS relent,
                  coalesce(sum(to_return), 0) AS to_return,
                  count(*) AS supports,
                  count(DISTINCT household_id) AS households,
                  count(DISTINCT CASE WHEN round >= 2 THEN household_id END) AS households_relent
           FROM membership WHERE project_id = ?""",
        (project_id,),
    ).fetchone()
    got = recovered(conn, project_id)
    public_works = conn.execute("SELECT coalesce(sum(amount), 0) FROM fund_transfer WHERE project_id = ?",
                                (project_id,)).fetchone()[0]
    return {
        "disbursed": row["disbursed"], "from_budget": row["from_budget"], "from_other": row["from_other"],
        "to_return": row["to_return"],
        "recovered": got, "relent": row["relent"], "public_works": public_works,
        "balance": got - row["relent"] - public_works, "outstanding": row["to_return"] - got,
        "supports": row["supports"], "households": row["households"],
        "households_relent": row["households_relent"],
    }


def fund_balance(conn: sqlite3.Connection, project_id: int) -> int:
    return fund_figures(conn, project_id)["balance"]


def drawable_sources(conn: sqlite3.Connection, project_id: int) -> list[sqlite3.Row]:
    """Earlier supports whose returned money is not yet re-lent, oldest first (first in, first out)."""
    return conn.execute(
        f"""SELECT m.id, m.round, m.supported_on,
                   (SELECT coalesce(sum({LIVE_PAID}), 0) FROM installment i WHERE i.membership_id = m.id)
                   - coalesce((SELECT sum(d.amount) FROM fund_draw d WHERE d.source_membership_id = m.id), 0)
                   AS available
            FROM membership m WHERE m.project_id = ?
            ORDER BY m.supported_on, m.id""",
        (project_id,),
    ).fetchall()
