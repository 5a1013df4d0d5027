"""Everything a printed phiếu chi shows, gathered from the books as they were on its date, and the print log
that makes every print after the first a marked copy (BẢN SAO)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from desktop import wording
from desktop.audit import now_iso
from desktop.books import Books
from desktop.money import amount_in_words
from desktop.services.settings import words_options
from desktop.services.vouchers import find_voucher


@dataclass(frozen=True)
class VoucherView:
    id: int
    unit_name: str
    unit_budget_code: str
    book: str
    year: int
    number: int
    issued_on: date
    kind: str
    recipient: str
    recipient_id_number: str
    address: str
    reason: str
    amount: int
    amount_words: str
    project_code: str
    project_name: str
    household_code: str
    chairman: str
    accountant: str
    clerk: str
    cashier: str
    voided: bool
    voided_on: date | None
    void_reason: str


def _view(books: Books, v: sqlite3.Row) -> VoucherView:
    conn = books.conn
    dated = books.settings_on(date.fromisoformat(v["issued_on"]))
    commune = dated.get("commune_name", "")
    project = conn.execute("SELECT code, name FROM project WHERE id = ?", (v["project_id"],)).fetchone()
    household = conn.execute(
        "SELECT h.code, hm.name AS hamlet FROM membership m JOIN household h ON h.id = m.household_id "
        "JOIN hamlet hm ON hm.id = h.hamlet_id WHERE m.id = ?", (v["membership_id"],)).fetchone()
    address = wording.address(household["hamlet"] if household else "", commune, dated.get("province_name", ""))
    return VoucherView(
        id=v["id"], unit_name=wording.unit_name(commune), unit_budget_code=dated.get("unit_budget_code", ""),
        book=v["book"], year=v["year"], number=v["number"], issued_on=date.fromisoformat(v["issued_on"]),
        kind=v["kind"], recipient=v["recipient"], recipient_id_number=v["recipient_id_number"], address=address,
        reason=v["reason"], amount=v["amount"], amount_words=amount_in_words(v["amount"], **words_options(books)),
        project_code=project["code"] if project else "", project_name=project["name"] if project else "",
        household_code=household["code"] if household else "", chairman=dated.get("signer_chairman", ""),
        accountant=dated.get("signer_accountant", ""), clerk=dated.get("signer_clerk", ""),
        cashier=dated.get("signer_cashier", ""), voided=v["voided_at"] is not None,
        voided_on=date.fromisoformat(v["voided_on"]) if v["voided_on"] else None, void_reason=v["void_reason"] or "")


def voucher_view(books: Books, book: str, number: int, year: int | None = None) -> VoucherView:
    return _view(books, find_voucher(books.conn, book, number, year))


def original_printed(books: Books, voucher_id: int) -> bool:
    return books.conn.execute("SELECT 1 FROM voucher_print WHERE voucher_id = ? AND is_copy = 0",
                              (voucher_id,)).fetchone() is not None


def record_print(books: Books, voucher_id: int, is_copy: bool) -> None:
    """Log a print after the file was written; the unique index refuses a second original outright."""
    with books.transaction() as conn:
        conn.execute("INSERT INTO voucher_print (voucher_id, printed_at, printed_by, is_copy) VALUES (?,?,?,?)",
                     (voucher_id, now_iso(), books.actor, int(is_copy)))
