"""Management cost (kinh phí quản lý): the commune's share of the budget support it paid out, and what it spent.

The allowance accrues as budget support (central and local money, in cash or in kind) is paid out: each
project's policy gives the commune's share in basis points (``commune_bp``; the upper level keeps
``upper_bp``). A voided support stops accruing from its void date. Every spending has its phiếu chi, and is
refused beyond what the commune has accrued on its date and keeps on every later day already recorded — for
the project it names, and for the commune as a whole.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.queries.rules import policy_of
from desktop.services import vouchers
from desktop.services.period_lock import require_open_on
from desktop.services.projects import require_project
from desktop.text import nfc

_NO_MEMBERSHIP = -1


def accrued(conn: sqlite3.Connection, on: date, project_id: int | None = None, *,
            excluding: int = _NO_MEMBERSHIP) -> int:
    """The commune's share of the budget support counting on ``on`` (``excluding`` one support: what a void
    would leave), rounded down per project: never more than the policy allows."""
    rows = conn.execute(
        """SELECT p.id, p.policy_json, coalesce(sum(m.support_amount), 0) AS paid
           FROM project p JOIN membership m ON m.project_id = p.id
           WHERE m.source IN ('central', 'local') AND m.supported_on <= :on
             AND (m.voided_on IS NULL OR m.voided_on > :on) AND m.id != :excluding
             AND (:project IS NULL OR p.id = :project)
           GROUP BY p.id""",
        {"on": on.isoformat(), "project": project_id, "excluding": excluding}).fetchall()
    return sum(row["paid"] * policy_of(row).commune_bp // 10000 for row in rows)


def spent(conn: sqlite3.Connection, on: date, project_id: int | None = None) -> int:
    """Spending dated on or before ``on`` and not voided by then; with a project, only what names it."""
    return conn.execute(
        """SELECT coalesce(sum(amount), 0) FROM management_spend
           WHERE spent_on <= :on AND (voided_on IS NULL OR voided_on > :on)
             AND (:project IS NULL OR project_id = :project)""",
        {"on": on.isoformat(), "project": project_id}).fetchone()[0]


def balance(conn: sqlite3.Connection, on: date, project_id: int | None = None, *,
            excluding: int = _NO_MEMBERSHIP) -> int:
    return accrued(conn, on, project_id, excluding=excluding) - spent(conn, on, project_id)


def _days_from(conn: sqlite3.Connection, since: date) -> list[date]:
    """``since`` and every later day on which the allowance or the spending moved."""
    rows = conn.execute(
        """SELECT supported_on FROM membership WHERE supported_on > :d AND source IN ('central', 'local')
           UNION SELECT voided_on FROM membership WHERE voided_on > :d AND source IN ('central', 'local')
           UNION SELECT spent_on FROM management_spend WHERE spent_on > :d
           UNION SELECT voided_on FROM management_spend WHERE voided_on > :d""",
        {"d": since.isoformat()}).fetchall()
    return [since] + sorted(date.fromisoformat(r[0]) for r in rows)


def low_point(conn: sqlite3.Connection, since: date, project_id: int | None = None, *,
              excluding: int = _NO_MEMBERSHIP) -> tuple[int, date]:
    """The lowest balance on ``since`` or any later day already recorded, and that day."""
    return min(((balance(conn, d, project_id, excluding=excluding), d) for d in _days_from(conn, since)),
               key=lambda pair: (pair[0], pair[1]))


def first_overspent_day(conn: sqlite3.Connection) -> tuple[date, int] | None:
    """The first day the commune had spent more than it had accrued, and that balance (for ``check``)."""
    first = conn.execute("SELECT min(spent_on) FROM management_spend").fetchone()[0]
    if first is None:
        return None
    return next(((d, b) for d in _days_from(conn, date.fromisoformat(first))
                 if (b := balance(conn, d)) < 0), None)


def require_allowance_covers_void(tx: sqlite3.Connection, membership: sqlite3.Row, on: date) -> None:
    """Voiding a budget support takes its share out of the allowance from ``on``: what was already spent
    must still be covered on that day and every later one."""
    if membership["source"] not in ("central", "local"):
        return
    if tx.execute("SELECT 1 FROM management_spend LIMIT 1").fetchone() is None:
        return
    for project_id in (membership["project_id"], None):
        low, low_day = low_point(tx, on, project_id, excluding=membership["id"])
        if low < 0:
            where = "của dự án" if project_id is not None else "của xã"
            raise Refused(
                f"Không hủy được khoản hỗ trợ từ ngày {on:%d/%m/%Y}: kinh phí quản lý {where} đã chi vượt phần được "
                f"trích nếu bỏ khoản này (thiếu {format_vnd(-low)} đ vào ngày {low_day:%d/%m/%Y}). Hãy hủy phiếu "
                "chi kinh phí quản lý tương ứng trước.")


@dataclass(frozen=True)
class ManagementSpent(Outcome):
    voucher: vouchers.VoucherRef
    balance: int  # the commune's allowance left on the spending date
    spent_on: date
    amount: int
    project: str | None

    changes: ClassVar[Changes] = Changes.FUND


def spend(books: Books, amount: int, on: date, reason: str, *, project: str | None = None,
          recipient: str = "", book: str = "", today: date | None = None) -> ManagementSpent:
    conn = books.conn
    reason = nfc(reason)
    if not reason:
        raise Refused("Phải ghi nội dung chi kinh phí quản lý.")
    if not isinstance(amount, int) or amount <= 0:
        raise Refused("Số tiền chi phải là số đồng lớn hơn 0.")
    project_row = require_project(conn, project) if project else None
    require_open_on(conn, on, "Ngày chi", today=today or clock.today())
    payee = vouchers.Payee(nfc(recipient) or books.setting("signer_cashier", "") or "Thủ quỹ xã")
    now = audit.now_iso()
    with books.transaction() as tx:
        vouchers.require_in_date_order(tx, vouchers.voucher_book(tx, book), on)
        scopes = ([(project_row["id"], f"dự án {project_row['code']}")] if project_row else []) + [(None, "xã")]
        for project_id, where in scopes:
            low, low_day = low_point(tx, on, project_id)
            if amount > low:
                raise Refused(
                    f"Kinh phí quản lý của {where} được trích đến ngày {on:%d/%m/%Y} là "
                    f"{format_vnd(accrued(tx, on, project_id))} đ, đã chi {format_vnd(spent(tx, on, project_id))} đ; "
                    f"còn {format_vnd(balance(tx, on, project_id))} đ (thấp nhất {format_vnd(low)} đ vào ngày "
                    f"{low_day:%d/%m/%Y}): không chi được {format_vnd(amount)} đ. Kinh phí chỉ được trích khi đã "
                    "chi hỗ trợ từ ngân sách; hãy giảm số tiền hoặc chi vào ngày sau.")
        row = {"uuid": str(uuid.uuid4()), "project_id": project_row["id"] if project_row else None, "amount": amount,
               "spent_on": on.isoformat(), "reason": reason, "created_at": now, "created_by": books.actor}
        spend_id = tx.execute(f"INSERT INTO management_spend ({', '.join(row)}) "
                              f"VALUES ({', '.join(':' + k for k in row)})", row).lastrowid
        audit.record(tx, books.actor, "management_spend", row["uuid"], "create", None, row, at=now)
        ref = vouchers.issue(tx, books.actor, now, kind="management", on=on, amount=amount, payee=payee,
                             reason=f"{vouchers.KIND_LABELS['management']}: {reason}",
                             project_id=row["project_id"], link=("management_spend_id", spend_id), book=book)
        left = balance(tx, on)
    return ManagementSpent(ref, left, on, amount, project_row["code"] if project_row else None)


def void_spend(books: Books, spend_id: int, reason: str, *, on: date | None = None,
               today: date | None = None) -> date:
    """Void a spending and its voucher from ``on``: the allowance gets the money back from that day."""
    reason = nfc(reason)
    if not reason:
        raise Refused("Phải ghi lý do hủy phiếu chi.")
    conn = books.conn
    row = conn.execute("SELECT * FROM management_spend WHERE id = ?", (spend_id,)).fetchone()
    on = on or today or clock.today()
    spent_on = date.fromisoformat(row["spent_on"])
    if on < spent_on:
        raise Refused(f"Ngày hủy {on:%d/%m/%Y} trước ngày chi {spent_on:%d/%m/%Y}: phiếu chi chỉ có thể bị hủy từ "
                      "ngày lập trở đi.")
    require_open_on(conn, on, "Ngày hủy phiếu chi", today=today)
    now = audit.now_iso()
    with books.transaction() as tx:
        tx.execute("UPDATE management_spend SET voided_on = ?, voided_at = ?, voided_by = ?, void_reason = ? "
                   "WHERE id = ?", (on.isoformat(), now, books.actor, reason, spend_id))
        audit.record(tx, books.actor, "management_spend", row["uuid"], "void", {"voided_at": None},
                     {"voided_at": now, "voided_on": on.isoformat(), "void_reason": reason}, at=now)
        vouchers.void_of_payout(tx, books.actor, now, ("management_spend_id", spend_id), on, reason)
    return on


def summary(conn: sqlite3.Connection, on: date) -> dict:
    """The allowance, spending and balance on ``on``, for the commune (what ``management`` shows)."""
    return {"on": on.isoformat(), "accrued": accrued(conn, on), "spent": spent(conn, on), "balance": balance(conn, on)}
