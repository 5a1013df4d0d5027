"""What the fund's books say on a date: paid per installment, recovered, the fund balance.

"Paid as of D" is one rule and is written here once: the allocations of receipts issued on or before D that
are not voided. Schedules, the due list, the dashboard, a receipt's "still owed", the periodic report and
the payment itself all read it through ``PAID``, ``RECEIPT_COUNTS`` or the functions below. "Fund balance
as of D" is likewise ``fund_figures(..., as_of=D)`` and nothing else.

Every SQL fragment here takes the named parameters of ``as_of_params``.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from desktop.fund import OpenInstallment

# The end of time for "as of": with no date, every receipt issued so far counts.
_ALWAYS = "9999-12-31"
_LAST_ID = 2**62

# A receipt counts towards "paid" on :as_of when it was issued by then and not yet voided: a void takes
# effect on its date (``voided_on``), so the books before it still hold the receipt. :through cuts a day at
# one receipt (what a receipt itself shows as still owed after it, with same-day receipts in order); that
# receipt counts even if it was voided since, so a voided receipt reprints exactly what it said when issued
# (by default :through is an id no receipt has).
RECEIPT_COUNTS = """(r.voided_on IS NULL OR r.voided_on > :as_of OR r.id = :through)
    AND (r.issued_on < :as_of OR (r.issued_on = :as_of AND r.id <= :through))"""

# A support (membership, alias ``m``) counts on :as_of unless it was voided by then: voided from its
# ``voided_on``, it and its schedule stay in the books before that day and vanish from every figure after.
# Every read of supports and installments applies this, like ``RECEIPT_COUNTS`` for receipts.
MEMBERSHIP_COUNTS = "(m.voided_on IS NULL OR m.voided_on > :as_of)"

# A common table ``paid(installment_id, paid)``: what live receipts paid on each installment as of :as_of.
PAID = f"""paid AS (
    SELECT a.installment_id, sum(a.amount) AS paid
    FROM allocation a JOIN receipt r ON r.id = a.receipt_id
    WHERE {RECEIPT_COUNTS}
    GROUP BY a.installment_id
)"""


def as_of_params(as_of: date | None = None, *, through_receipt: int | None = None) -> dict[str, object]:
    return {"as_of": as_of.isoformat() if as_of else _ALWAYS,
            "through": _LAST_ID if through_receipt is None else through_receipt}


def open_installments(conn: sqlite3.Connection, project_id: int, household_id: int, *,
                      as_of: date | None = None, through_receipt: int | None = None,
                      supported_by: date | None = None) -> list[OpenInstallment]:
    """A household's installments in a project, oldest due first, with what was paid on each as of a date.

    Only supports received by ``as_of`` (and by ``supported_by``) have installments then: a payment dated
    before a support cannot have paid it. ``supported_by`` alone is what a back-dated payment may pay — the
    supports made by its day, with everything paid on them so far, whatever the date.
    """
    cut = min(d for d in (as_of, supported_by, date.max) if d is not None)
    rows = conn.execute(
        f"""WITH {PAID}
            SELECT i.id, i.seq, i.due_on, i.amount, coalesce(p.paid, 0) AS paid
            FROM installment i JOIN membership m ON m.id = i.membership_id
            LEFT JOIN paid p ON p.installment_id = i.id
            WHERE m.project_id = :project_id AND m.household_id = :household_id AND {MEMBERSHIP_COUNTS}
              AND m.supported_on <= :supported_by
            ORDER BY i.due_on, i.id""",
        {**as_of_params(as_of, through_receipt=through_receipt), "project_id": project_id,
         "household_id": household_id, "supported_by": cut.isoformat()},
    )
    return [OpenInstallment(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4]) for r in rows]


def payable_installments(conn: sqlite3.Connection, project_id: int, household_id: int,
                         paid_on: date) -> list[OpenInstallment]:
    """What a payment dated ``paid_on`` may still pay on each installment, oldest due first.

    Only supports received by that day count. On every installment, what was already paid is taken at its
    highest on any day from ``paid_on`` on: a receipt voided later still counted until its void, so a second
    payment in between would pay the same installment twice for those days (and every report covering
    them would show less than nothing owed). The highest is reached just before a void takes effect, or at
    the end of time, so those days are the only ones to look at.
    """
    now = open_installments(conn, project_id, household_id, supported_by=paid_on)
    days = [paid_on] + [date.fromisoformat(r[0]) - timedelta(days=1) for r in conn.execute(
        """SELECT DISTINCT voided_on FROM receipt WHERE project_id = ? AND household_id = ? AND voided_on > ?""",
        (project_id, household_id, paid_on.isoformat()))]
    highest = {i.id: i.paid for i in now}
    for day in days:
        for i in open_installments(conn, project_id, household_id, as_of=day, supported_by=paid_on):
            if i.id in highest:
                highest[i.id] = max(highest[i.id], i.paid)
    return [OpenInstallment(i.id, i.seq, i.due_on, i.amount, highest[i.id]) for i in now]


def household_installments(conn: sqlite3.Connection, household_id: int, *,
                           as_of: date | None = None) -> list[sqlite3.Row]:
    """Every installment of one household across its projects, with paid as of a date (project, due order)."""
    return conn.execute(
        f"""WITH {PAID}
            SELECT i.id, p2.code AS project, p2.name AS project_name, i.seq, i.due_on, i.amount,
                   coalesce(p.paid, 0) AS paid
            FROM installment i JOIN membership m ON m.id = i.membership_id JOIN project p2 ON p2.id = m.project_id
            LEFT JOIN paid p ON p.installment_id = i.id
            WHERE m.household_id = :household_id AND {MEMBERSHIP_COUNTS} ORDER BY p2.code, i.due_on, i.id""",
        {**as_of_params(as_of), "household_id": household_id},
    ).fetchall()


def recovered(conn: sqlite3.Connection, project_id: int, *, as_of: date | None = None) -> int:
    """Money returned to a project's fund by receipts that count on ``as_of``."""
    return conn.execute(
        f"""SELECT coalesce(sum(a.amount), 0) FROM allocation a JOIN receipt r ON r.id = a.receipt_id
            WHERE r.project_id = :project_id AND {RECEIPT_COUNTS}""",
        {**as_of_params(as_of), "project_id": project_id},
    ).fetchone()[0]


def fund_figures(conn: sqlite3.Connection, project_id: int, *, as_of: date | None = None) -> dict[str, int]:
    """A project's fund on ``as_of`` (default: everything recorded): disbursed by source, to return,
    recovered, re-lent, public works, balance and outstanding; ``report fund`` prints these keys."""
    params = {**as_of_params(as_of), "project_id": project_id}
    row = conn.execute(
        f"""SELECT coalesce(sum(support_amount), 0) AS disbursed,
                  coalesce(sum(CASE WHEN source IN ('central', 'local') THEN support_amount END), 0) AS from_budget,
                  coalesce(sum(CASE WHEN source = 'other' THEN support_amount END), 0) AS from_other,
                  coalesce(sum(CASE WHEN source = 'fund' THEN support_amount END), 0) AS relent,
                  coalesce(sum(to_return), 0) AS to_return,
                  count(*) AS supports,
                  count(DISTINCT household_id) AS households,
                  count(DISTINCT CASE WHEN round >= 2 THEN household_id END) AS households_relent
           FROM membership m
           WHERE project_id = :project_id AND supported_on <= :as_of AND {MEMBERSHIP_COUNTS}""",
        params,
    ).fetchone()
    got = recovered(conn, project_id, as_of=as_of)
    public_works = conn.execute(
        "SELECT coalesce(sum(amount), 0) FROM fund_transfer WHERE project_id = :project_id AND decided_on <= :as_of",
        params).fetchone()[0]
    return {
        "disbursed": row[0], "from_budget": row[1], "from_other": row[2], "to_return": row[4],
        "recovered": got, "relent": row[3], "public_works": public_works,
        "balance": got - row[3] - public_works, "outstanding": row[4] - got,
        "supports": row[5], "households": row[6], "households_relent": row[7],
    }


def fund_balance(conn: sqlite3.Connection, project_id: int, *, as_of: date | None = None) -> int:
    return fund_figures(conn, project_id, as_of=as_of)["balance"]


def drawable_sources(conn: sqlite3.Connection, project_id: int) -> list[sqlite3.Row]:
    """Earlier supports whose returned money is not yet re-lent, oldest first (first in, first out).

    A re-lend that was voided gave its money back: its draws no longer use its sources' money.
    """
    return conn.execute(
        f"""WITH {PAID}
            SELECT m.id, m.round, m.supported_on,
                   (SELECT coalesce(sum(p.paid), 0) FROM installment i JOIN paid p ON p.installment_id = i.id
                    WHERE i.membership_id = m.id)
                   - coalesce((SELECT sum(d.amount) FROM fund_draw d JOIN membership borrower
                                 ON borrower.id = d.membership_id
                               WHERE d.source_membership_id = m.id AND borrower.voided_on IS NULL), 0)
                   AS available
            FROM membership m WHERE m.project_id = :project_id AND {MEMBERSHIP_COUNTS}
            ORDER BY m.supported_on, m.id""",
        {**as_of_params(), "project_id": project_id},
    ).fetchall()


# Every movement of a project's fund with the day it takes effect: money returned (+) and its void (−),
# a re-lend (−) and its void (+), a transfer to public works (−). The balance on a day is the sum of the
# movements dated on or before it; ``fund_figures(..., as_of=day)["balance"]`` is the same number.
FUND_MOVEMENTS = """
    SELECT r.issued_on AS day, sum(a.amount) AS delta
    FROM allocation a JOIN receipt r ON r.id = a.receipt_id WHERE r.project_id = :project_id GROUP BY r.id
    UNION ALL
    SELECT r.voided_on, -sum(a.amount)
    FROM allocation a JOIN receipt r ON r.id = a.receipt_id
    WHERE r.project_id = :project_id AND r.voided_on IS NOT NULL GROUP BY r.id
    UNION ALL
    SELECT supported_on, -support_amount FROM membership WHERE project_id = :project_id AND source = 'fund'
    UNION ALL
    SELECT voided_on, support_amount FROM membership
    WHERE project_id = :project_id AND source = 'fund' AND voided_on IS NOT NULL
    UNION ALL
    SELECT decided_on, -amount FROM fund_transfer WHERE project_id = :project_id
"""


def fund_balances_by_day(conn: sqlite3.Connection, project_id: int) -> list[tuple[date, int]]:
    """The fund's balance at the end of every day on which it moved, in date order."""
    rows = conn.execute(f"SELECT day, sum(delta) FROM ({FUND_MOVEMENTS}) GROUP BY day ORDER BY day",
                        {"project_id": project_id}).fetchall()
    balances, running = [], 0
    for day, delta in rows:
        running += delta
        balances.append((date.fromisoformat(day), running))
    return balances


def fund_low_point(conn: sqlite3.Connection, project_id: int, since: date) -> tuple[int, date]:
    """The lowest balance the fund has on ``since`` or on any later day already recorded, and that day.

    Money taken out on ``since`` (a back-dated re-lend, a transfer, a void) must fit under this, or some
    day already in the books — and every report that covers it — would show a negative fund.
    """
    balances = fund_balances_by_day(conn, project_id)
    on_since = sum(1 for day, _ in balances if day <= since)
    low, low_day = (balances[on_since - 1][1] if on_since else 0), since
    for day, balance in balances[on_since:]:
        if balance < low:
            low, low_day = balance, day
    return low, low_day


def first_negative_day(conn: sqlite3.Connection, project_id: int) -> tuple[date, int] | None:
    """The first day the fund's balance was below zero, and that balance; None when it never was."""
    return next(((day, balance) for day, balance in fund_balances_by_day(conn, project_id) if balance < 0), None)
