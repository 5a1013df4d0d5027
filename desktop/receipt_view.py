"""What a printed receipt shows (phiếu thu), as one record: the services fill it from the books, the receipt
PDF draws it. Its own module so that neither of them has to import the other for it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

QR_FORMAT = "VXR1"


@dataclass(frozen=True)
class ReceiptView:
    id: int
    uuid: str
    unit_name: str
    unit_budget_code: str
    commune_code: str
    book: str
    year: int
    number: int
    issued_on: date
    debit_account: str
    credit_account: str
    payer: str
    address: str
    reason_label: str
    reason: str
    amount: int
    amount_words: str
    method: str
    in_kind: str
    attachments: str
    household_code: str
    household_head: str
    project_code: str
    project_name: str
    outstanding_after: int
    next_due_on: date | None
    next_due_amount: int
    chairman: str
    accountant: str
    clerk: str
    cashier: str
    voided: bool
    void_reason: str
    voided_at: str
    voided_on: date | None  # a voided receipt counts before this day and not from it
    short_hash: str
    # A receipt an old commune issued before its books were merged into these: where it is kept now
    # ("quyển 10507-01 của xã Mới (gộp sổ ngày …)"); empty for the books' own receipts.
    kept_now: str = ""

    @property
    def qr_payload(self) -> str:
        """Commune, book, year, number, date, amount and a hash over them and the receipt's UUID: the
        upper level recomputes the hash from the data it imported to check a paper receipt."""
        return "|".join([QR_FORMAT, self.commune_code, self.book, str(self.year), str(self.number),
                         self.issued_on.isoformat(), str(self.amount), self.short_hash])


def receipt_hash(commune_code: str, book: str, year: int, number: int, issued_on: str, amount: int,
                 receipt_uuid: str) -> str:
    text = "|".join([commune_code, book, str(year), str(number), issued_on, str(amount), receipt_uuid])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10].upper()
