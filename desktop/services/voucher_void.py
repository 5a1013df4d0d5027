"""Voiding a phiếu chi: a voided voucher means the money did not go out, so its payout is voided with it, on
the same date and under the payout's own rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.services import management, support_void
from desktop.services.vouchers import find_voucher


@dataclass(frozen=True)
class VoucherVoided(Outcome):
    book: str
    number: int
    year: int
    voided: bool
    voided_on: date
    kind: str
    amount: int

    changes: ClassVar[Changes] = Changes.SUPPORTS | Changes.SCHEDULES | Changes.FUND | Changes.RECEIPTS


def void_voucher(books: Books, book: str, number: int, reason: str, *, year: int | None = None,
                 on: date | None = None, today: date | None = None) -> VoucherVoided:
    """A voided phiếu chi means the money did not go out: its payout is voided with it, under the payout's own
    rules (a support: no valid receipt on it, its returned money not re-lent; the fund never negative)."""
    conn = books.conn
    voucher = find_voucher(conn, book, number, year)
    label = f"quyển {voucher['book']} số {voucher['number']}/{voucher['year']}"
    if voucher["voided_at"]:
        raise Refused(f"Phiếu chi {label} đã bị hủy từ ngày "
                      f"{date.fromisoformat(voucher['voided_on']):%d/%m/%Y} (lý do: {voucher['void_reason']}).")
    if voucher["kind"] in ("budget_support", "relend"):
        m = conn.execute("SELECT p.code AS project, h.code AS household, m.round FROM membership m "
                         "JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id "
                         "WHERE m.id = ?", (voucher["membership_id"],)).fetchone()
        done = support_void.void_support(books, m["project"], m["household"], reason, round=m["round"], on=on,
                                         today=today, membership_id=voucher["membership_id"])
        voided_on = done.voided_on
    elif voucher["kind"] == "management":
        voided_on = management.void_spend(books, voucher["management_spend_id"], reason, on=on, today=today)
    else:
        raise Refused(f"Phiếu chi {label} ghi việc chuyển vốn sang công trình công ích theo quyết định của xã: "
                      "không hủy được bằng cách hủy phiếu chi. Nếu quyết định sai, xã ra quyết định mới và báo cấp "
                      "trên.")
    return VoucherVoided(voucher["book"], voucher["number"], voucher["year"], True, voided_on, voucher["kind"],
                         voucher["amount"])
