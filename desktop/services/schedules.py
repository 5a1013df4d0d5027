"""Who owes what and when: installment schedules, the due and overdue list, a project's fund figures and
the transfer of a fund to public works. Everything "as of" a date, because reports and packages are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.dates import add_months
from desktop.domain import ProjectStatus
from desktop.errors import Refused
from desktop.fund import aging_bucket, days_overdue
from desktop.money import format_vnd
from desktop.queries.fund import MEMBERSHIP_COUNTS, PAID, as_of_params, fund_figures
from desktop.queries.rules import fund_room
from desktop.services import vouchers
from desktop.services.households import require_household
from desktop.services.period_lock import require_open_on
from desktop.services.projects import project_policy, require_project
from desktop.text import nfc


def schedule(books: Books, project: str, household: str | None = None, *, as_of: date | None = None) -> list[dict]:
    """Every installment of a project (or one household in it): amount, paid, outstanding, lateness; a
    support voided by ``as_of`` and its installments are no longer there."""
    as_of = as_of or clock.today()
    project_row = require_project(books.conn, project)
    params = {**as_of_params(as_of), "project_id": project_row["id"]}
    where = f"m.project_id = :project_id AND {MEMBERSHIP_COUNTS}"
    if household:
        params["household_id"] = require_household(books.conn, household)["id"]
        where += " AND m.household_id = :household_id"
    rows = books.conn.execute(
        f"""WITH {PAID}
        SELECT h.code AS household, h.head_name, hm.name AS hamlet, m.round, m.support_amount, m.supported_on,
               i.seq, i.due_on, i.amount, coalesce(p.paid, 0) AS paid
        FROM installment i JOIN membership m ON m.id = i.membership_id
        JOIN household h ON h.id = m.household_id JOIN hamlet hm ON hm.id = h.hamlet_id
        LEFT JOIN paid p ON p.installment_id = i.id
        WHERE {where} ORDER BY h.code, m.supported_on, i.seq""",
        params,
    )
    result = []
    for r in rows:
        outstanding = r["amount"] - r["paid"]
        late = days_overdue(date.fromisoformat(r["due_on"]), as_of) if outstanding else 0
        result.append({**dict(r), "project": project_row["code"], "outstanding": outstanding,
                       "days_overdue": late, "status": _status(r["amount"], r["paid"], late)})
    return result


def _status(amount: int, paid: int, late: int) -> str:
    if paid >= amount:
        return "paid"
    if late:
        return "overdue"
    return "partly_paid" if paid else "open"


def due_list(books: Books, as_of: date, *, within_days: int = 30) -> dict:
    """Installments overdue on ``as_of`` or falling due in the next ``within_days``, by hamlet, with aging."""
    horizon = date.fromordinal(as_of.toordinal() + within_days)
    rows = books.conn.execute(
        f"""WITH {PAID}
        SELECT hm.name AS hamlet, h.code AS household, h.head_name, h.phone, pr.code AS project,
               i.seq, i.due_on, i.amount AS amount_due, coalesce(p.paid, 0) AS paid
        FROM installment i JOIN membership m ON m.id = i.membership_id
        JOIN household h ON h.id = m.household_id JOIN hamlet hm ON hm.id = h.hamlet_id
        JOIN project pr ON pr.id = m.project_id
        LEFT JOIN paid p ON p.installment_id = i.id
        WHERE i.due_on <= :horizon AND i.amount > coalesce(p.paid, 0) AND {MEMBERSHIP_COUNTS}
        ORDER BY hm.name COLLATE vi, h.head_name COLLATE vi, h.code, i.due_on""",
        {**as_of_params(as_of), "horizon": horizon.isoformat()},
    )
    out, total, aging = [], 0, {}
    for r in rows:
        outstanding = r["amount_due"] - r["paid"]
        late = days_overdue(date.fromisoformat(r["due_on"]), as_of)
        bucket = aging_bucket(late)
        out.append({**dict(r), "outstanding": outstanding, "days_overdue": late, "aging": bucket or "not_due"})
        total += outstanding
        if bucket:
            aging[bucket] = aging.get(bucket, 0) + outstanding
    return {"as_of": as_of.isoformat(), "within_days": within_days, "rows": out, "total_outstanding": total,
            "total_overdue": sum(aging.values()), "aging": aging}


def fund_report(books: Books, project: str) -> dict:
    project_row = require_project(books.conn, project)
    figures = fund_figures(books.conn, project_row["id"])
    return {"project": project_row["code"], "status": project_row["status"], **figures,
            "reach": grant_reach(books, project_row["id"])}


def grant_reach(books: Books, project_id: int) -> list[dict]:
    """For each round-1 (budget) support: how many households its returned money has reached so far
    (voided supports, and the re-lends they made, reach no one)."""
    params = {**as_of_params(), "project_id": project_id}
    roots = books.conn.execute(
        f"""SELECT m.id, h.code FROM membership m JOIN household h ON h.id = m.household_id
            WHERE m.project_id = :project_id AND m.round = 1 AND {MEMBERSHIP_COUNTS}
            ORDER BY m.supported_on, m.id""", params).fetchall()
    children: dict[int, list[int]] = {}
    for source, target in books.conn.execute(
            f"""SELECT d.source_membership_id, d.membership_id FROM fund_draw d
                JOIN membership m ON m.id = d.membership_id
                WHERE m.project_id = :project_id AND {MEMBERSHIP_COUNTS}""", params):
        children.setdefault(source, []).append(target)
    reach = []
    for root_id, code in roots:
        seen, stack = set(), list(children.get(root_id, []))
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(children.get(node, []))
        reach.append({"household": code, "reached": len(seen)})
    return reach


@dataclass(frozen=True)
class PublicWorksTransferred(Outcome):
    project: str
    amount: int
    amount_text: str
    decision: str
    decided_on: date
    voucher: vouchers.VoucherRef | None = None

    changes: ClassVar[Changes] = Changes.FUND | Changes.PROJECTS


PUBLIC_WORKS_PAYEE = "Ban quản lý công trình công ích xã"


def transfer_to_public_works(books: Books, project: str, decided_on: date, decision: str, note: str = "",
                             *, today: date | None = None, recipient: str = "",
                             voucher_book: str = "") -> PublicWorksTransferred:
    """Move the whole recovered balance to public works by a recorded commune decision; re-lending stops."""
    conn = books.conn
    project_row = require_project(conn, project)
    policy = project_policy(project_row)
    decision = nfc(decision)
    if not decision:
        raise Refused("Phải ghi số quyết định của xã cho việc chuyển sang công trình công ích.")
    require_open_on(conn, decided_on, "Ngày quyết định", today=today or clock.today())
    first = conn.execute("SELECT min(supported_on) FROM membership WHERE project_id = ?",
                         (project_row["id"],)).fetchone()[0]
    if first is None:
        raise Refused(f"Dự án {project_row['code']} chưa có hỗ trợ nào.")
    allowed_from = add_months(date.fromisoformat(first), 12 * policy.public_works_after_years)
    if decided_on < allowed_from:
        raise Refused(f"Chỉ được chuyển sang công trình công ích sau {policy.public_works_after_years} năm "
                      f"(từ {allowed_from:%d/%m/%Y}), theo quy định {policy.code}.")
    now = audit.now_iso()
    with books.transaction() as tx:
        balance = fund_figures(tx, project_row["id"])["balance"]
        if balance <= 0:
            raise Refused(f"Quỹ của dự án {project_row['code']} không còn số dư để chuyển.")
        # The whole balance leaves on the decision date: it must be there that day and stay there on every
        # later day already recorded (money that came back after the decision cannot go with it).
        room = fund_room(tx, project_row["id"], decided_on)
        if not room.allows(balance):
            raise Refused(f"Quỹ luân chuyển của dự án {project_row['code']} ngày {decided_on:%d/%m/%Y} chỉ còn "
                          f"{format_vnd(room.balance)} đ (thấp nhất {format_vnd(room.low)} đ vào ngày "
                          f"{room.low_day:%d/%m/%Y}): không chuyển được {format_vnd(balance)} đ sang công trình "
                          "công ích với ngày quyết định này. Hãy ghi ngày quyết định sau ngày thu cuối cùng.")
        row = {"uuid": str(uuid.uuid4()), "project_id": project_row["id"], "kind": "public_works",
               "amount": balance, "decided_on": decided_on.isoformat(), "decision": decision, "note": nfc(note),
               "created_at": now, "created_by": books.actor}
        transfer_id = tx.execute(f"INSERT INTO fund_transfer ({', '.join(row)}) "
                                 f"VALUES ({', '.join(':' + k for k in row)})", row).lastrowid
        # The balance leaves the cash desk with its phiếu chi, in the same transaction.
        voucher = vouchers.issue(tx, books.actor, now, kind="public_works", on=decided_on, amount=balance,
                       payee=vouchers.Payee(nfc(recipient) or PUBLIC_WORKS_PAYEE),
                       reason=f"{vouchers.KIND_LABELS['public_works']} — dự án {project_row['code']}, "
                              f"quyết định {decision}", project_id=project_row["id"],
                       link=("fund_transfer_id", transfer_id), book=voucher_book)
        tx.execute("UPDATE project SET status = ?, updated_at = ? WHERE id = ?",
                   (ProjectStatus.PUBLIC_WORKS.value, now, project_row["id"]))
        audit.record(tx, books.actor, "project", project_row["uuid"], "public_works",
                     {"status": project_row["status"]}, {**row, "status": ProjectStatus.PUBLIC_WORKS.value}, at=now)
    return PublicWorksTransferred(project_row["code"], balance, f"{format_vnd(balance)} đ", decision, decided_on,
                                  voucher)
