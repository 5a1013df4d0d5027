"""Voiding a support recorded by mistake: kept with its schedule, marked, and no longer counting from a date.

A support can be voided only while nothing rests on it: every receipt paid into its installments must be
voided by that date (the household's money goes back to the household first), and none of its returned
money may still be re-lent to another household. A voided re-lend gives its money back to the fund on the
void date; a voided budget support stops counting as disbursed from that date. Before the date the books
still hold the support, so every report already sent stays true.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.queries import rules
from desktop.services import management, vouchers
from desktop.services.households import require_household
from desktop.services.period_lock import require_open_on
from desktop.services.projects import require_project
from desktop.services.two_person import require_single_person_void
from desktop.text import nfc


@dataclass(frozen=True)
class SupportVoided(Outcome):
    membership_id: int
    voided: bool
    voided_on: date  # counts before this day, voided from it
    project: str
    household: str
    round: int
    support_amount: int
    reason: str

    changes: ClassVar[Changes] = Changes.SUPPORTS | Changes.SCHEDULES | Changes.FUND | Changes.PROJECTS


def _label(row: sqlite3.Row) -> str:
    return f"vòng {row['round']} ngày {date.fromisoformat(row['supported_on']):%d/%m/%Y}"


def pick_membership(conn: sqlite3.Connection, project: sqlite3.Row, household: sqlite3.Row,
                    round: int | None) -> sqlite3.Row:
    """The household's support in the project; with several, the one of ``round`` (or the only live one)."""
    rows = conn.execute("SELECT * FROM membership WHERE project_id = ? AND household_id = ? ORDER BY supported_on, id",
                        (project["id"], household["id"])).fetchall()
    where = f"hộ {household['code']} trong dự án {project['code']}"
    if not rows:
        raise Refused(f"Không có khoản hỗ trợ nào của {where}.")
    if round is not None:
        chosen = [r for r in rows if r["round"] == round]
        if not chosen:
            rounds = ", ".join(str(r["round"]) for r in rows)
            raise Refused(f"Không có khoản hỗ trợ vòng {round} của {where} (có các vòng: {rounds}).")
        rows = chosen
    if len(rows) > 1:
        live = [r for r in rows if r["voided_at"] is None]
        if len(live) == 1:
            return live[0]
        listed = "; ".join(_label(r) + (" — đã hủy" if r["voided_at"] else "") for r in rows)
        raise Refused(f"{where[0].upper()}{where[1:]} có nhiều khoản hỗ trợ ({listed}); "
                      "hãy ghi rõ vòng (--round).")
    return rows[0]


def _require_no_valid_receipt(conn: sqlite3.Connection, membership: sqlite3.Row, on: date) -> None:
    valid = conn.execute(
        f"""SELECT DISTINCT r.book, r.number, r.year, r.issued_on, r.amount FROM allocation a
           JOIN receipt r ON r.id = a.receipt_id JOIN installment i ON i.id = a.installment_id
           WHERE i.membership_id = ? AND {rules.receipt_valid_on("?")}
           ORDER BY r.issued_on, r.id""", (membership["id"], on.isoformat())).fetchall()
    if valid:
        listed = "; ".join(f"quyển {r['book']} số {r['number']}/{r['year']} ngày "
                           f"{date.fromisoformat(r['issued_on']):%d/%m/%Y} ({format_vnd(r['amount'])} đ)"
                           for r in valid)
        raise Refused(f"Không hủy được khoản hỗ trợ {_label(membership)}: hộ đã nộp tiền hoàn trả bằng phiếu thu "
                      f"còn hiệu lực vào ngày {on:%d/%m/%Y} ({listed}). Hãy hủy các phiếu thu đó trước "
                      "(từ ngày không sau ngày hủy hỗ trợ).")


def _require_not_relent(conn: sqlite3.Connection, membership: sqlite3.Row) -> None:
    relent = conn.execute(
        """SELECT h.code, b.round, b.supported_on, d.amount FROM fund_draw d
           JOIN membership b ON b.id = d.membership_id JOIN household h ON h.id = b.household_id
           WHERE d.source_membership_id = ? AND b.voided_on IS NULL ORDER BY b.supported_on, b.id""",
        (membership["id"],)).fetchall()
    if relent:
        listed = "; ".join(f"hộ {r['code']} vòng {r['round']} ngày {date.fromisoformat(r['supported_on']):%d/%m/%Y}"
                           f" ({format_vnd(r['amount'])} đ)" for r in relent)
        raise Refused(f"Không hủy được khoản hỗ trợ {_label(membership)}: tiền hoàn trả của khoản này đã được cho "
                      f"vay quay vòng ({listed}). Hãy hủy các khoản cho vay lại đó trước.")


def void_support(books: Books, project: str, household: str, reason: str, *, round: int | None = None,
                 on: date | None = None, today: date | None = None,
                 membership_id: int | None = None) -> SupportVoided:
    require_single_person_void(books)
    conn = books.conn
    reason = nfc(reason)
    if not reason:
        raise Refused("Phải ghi lý do hủy khoản hỗ trợ.")
    project_row = require_project(conn, project)
    household_row = require_household(conn, household)
    membership = pick_membership(conn, project_row, household_row, round)
    if membership_id is not None:  # a voided phiếu chi names its support exactly
        membership = conn.execute("SELECT * FROM membership WHERE id = ?", (membership_id,)).fetchone()
    if membership["voided_at"]:
        raise Refused(f"Khoản hỗ trợ {_label(membership)} của hộ {household_row['code']} đã bị hủy từ ngày "
                      f"{date.fromisoformat(membership['voided_on']):%d/%m/%Y} (lý do: {membership['void_reason']}).")
    on = on or today or clock.today()
    supported_on = date.fromisoformat(membership["supported_on"])
    if on < supported_on:
        raise Refused(f"Ngày hủy hỗ trợ {on:%d/%m/%Y} trước ngày hỗ trợ {supported_on:%d/%m/%Y}: khoản hỗ trợ chỉ "
                      "có thể bị hủy từ ngày hỗ trợ trở đi.")
    require_open_on(conn, on, "Ngày hủy hỗ trợ", today=today)
    now = audit.now_iso()
    with books.transaction() as tx:
        _require_no_valid_receipt(tx, membership, on)
        _require_not_relent(tx, membership)
        management.require_allowance_covers_void(tx, membership, on)
        tx.execute("UPDATE membership SET voided_on = ?, voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?",
                   (on.isoformat(), now, books.actor, reason, membership["id"]))
        audit.record(tx, books.actor, "membership", membership["uuid"], "void",
                     {"voided_at": None, "voided_on": None},
                     {"voided_at": now, "voided_on": on.isoformat(), "void_reason": reason,
                      "project": project_row["code"], "household": household_row["code"],
                      "round": membership["round"]}, at=now)
        # The money did not go out after all: its phiếu chi is voided on the same date.
        vouchers.void_of_payout(tx, books.actor, now, ("membership_id", membership["id"]), on, reason)
    return SupportVoided(membership["id"], True, on, project_row["code"], household_row["code"], membership["round"],
                         membership["support_amount"], reason)
