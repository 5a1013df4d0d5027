"""Everything a printed receipt shows, gathered from the books; and the print log that makes every
print after the first a marked copy (BẢN SAO), never a second original (printing itself:
``desktop.reports.receipt_prints``)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

from desktop import wording
from desktop.audit import now_iso
from desktop.books import Books
from desktop.errors import Refused
from desktop.money import amount_in_words
from desktop.queries.fund import open_installments
from desktop.queries.merged import OldCommune, old_commune, original_code, original_household_code
from desktop.queries.receipts import ReceiptFilter, receipt_condition
from desktop.receipt_view import ReceiptView, receipt_hash
from desktop.services.payments import find_receipt
from desktop.services.projects import require_project
from desktop.services.settings import DEFAULTS, words_options


def _owed_after(conn: sqlite3.Connection, receipt: sqlite3.Row) -> tuple[int, date | None, int]:
    """What the household still owed right after this receipt, and its next (partly) unpaid installment:
    "paid as of" cut at this receipt, so a later payment never changes what an earlier receipt said. The
    receipt itself counts even when voided since: a reprint shows what it said on the day it was issued."""
    installments = open_installments(conn, receipt["project_id"], receipt["household_id"],
                                     as_of=date.fromisoformat(receipt["issued_on"]), through_receipt=receipt["id"])
    outstanding = sum(i.outstanding for i in installments)
    following = next((i for i in installments if i.outstanding > 0), None)
    if following is None:
        return outstanding, None, 0
    return outstanding, following.due_on, following.outstanding


def _view(books: Books, receipt: sqlite3.Row) -> ReceiptView:
    conn = books.conn
    settings = books.settings()
    # Who and what the receipt names are as they were on its date: a reprint after a change of chairman,
    # or after the 2025 merger of provinces, reads as the original did.
    dated = books.settings_on(date.fromisoformat(receipt["issued_on"]))
    household = conn.execute(
        "SELECT h.code, h.head_name, hm.name AS hamlet FROM household h JOIN hamlet hm ON hm.id = h.hamlet_id "
        "WHERE h.id = ?", (receipt["household_id"],)).fetchone()
    project = conn.execute("SELECT code, name FROM project WHERE id = ?", (receipt["project_id"],)).fetchone()
    outstanding, next_due_on, next_due_amount = _owed_after(conn, receipt)
    old = old_commune(conn, receipt["origin_commune"])
    if old is not None:
        return _view_as_issued_by(old, books, receipt, household, project)
    commune = dated.get("commune_name", "")
    return ReceiptView(
        id=receipt["id"], uuid=receipt["uuid"], unit_name=wording.unit_name(commune),
        unit_budget_code=dated.get("unit_budget_code", ""), commune_code=settings.get("commune_code", ""),
        book=receipt["book"], year=receipt["year"], number=receipt["number"],
        issued_on=date.fromisoformat(receipt["issued_on"]),
        debit_account=dated.get("receipt_debit_account", ""),
        credit_account=dated.get("receipt_credit_account", ""),
        payer=receipt["payer"], address=wording.address(household["hamlet"], commune, dated.get("province_name", "")),
        reason_label=dated.get("receipt_reason_label") or DEFAULTS["receipt_reason_label"],
        reason=receipt["reason"] + (f" (bằng hiện vật: {receipt['in_kind']})" if receipt["in_kind"] else ""),
        amount=receipt["amount"], amount_words=amount_in_words(receipt["amount"], **words_options(books)),
        method=receipt["method"], in_kind=receipt["in_kind"], attachments=settings.get("receipt_attachments", ""),
        household_code=household["code"], household_head=household["head_name"], project_code=project["code"],
        project_name=project["name"], outstanding_after=outstanding, next_due_on=next_due_on,
        next_due_amount=next_due_amount, chairman=dated.get("signer_chairman", ""),
        accountant=dated.get("signer_accountant", ""), clerk=dated.get("signer_clerk", ""),
        cashier=dated.get("signer_cashier", ""), voided=receipt["voided_at"] is not None,
        void_reason=receipt["void_reason"] or "", voided_at=receipt["voided_at"] or "",
        voided_on=date.fromisoformat(receipt["voided_on"]) if receipt["voided_on"] else None,
        short_hash=receipt_hash(settings.get("commune_code", ""), receipt["book"], receipt["year"],
                                receipt["number"], receipt["issued_on"], receipt["amount"], receipt["uuid"]),
    )


def _view_as_issued_by(old: OldCommune, books: Books, receipt: sqlite3.Row, household: sqlite3.Row,
                       project: sqlite3.Row) -> ReceiptView:
    """A receipt an old commune issued before its books were merged into these, as that commune printed it:
    its unit, accounts, signers and address as on the receipt's date, its own book and codes, and a QR over
    its own commune code and book (which ``receipt verify`` reads). A note says where the receipt is now."""
    view = _view(books, _without_origin(receipt))
    dated = old.settings_on(view.issued_on)
    commune = dated.get("commune_name", "") or old.name
    # A hamlet named like one already in the new books was renamed "Thôn Đông (Xã Cũ)" at the merge.
    hamlet = household["hamlet"].removesuffix(f" ({old.name})")
    book = receipt["original_book"] or original_code(receipt["book"], old.code)
    now = books.settings().get("commune_name", "")
    return replace(
        view, unit_name=wording.unit_name(commune), unit_budget_code=dated.get("unit_budget_code", ""),
        commune_code=old.code, book=book,
        debit_account=dated.get("receipt_debit_account", ""), credit_account=dated.get("receipt_credit_account", ""),
        address=wording.address(hamlet, commune, dated.get("province_name", "")),
        reason_label=dated.get("receipt_reason_label") or DEFAULTS["receipt_reason_label"],
        attachments=dated.get("receipt_attachments", ""),
        household_code=original_household_code(books.conn, receipt["household_id"], household["code"], old.code),
        project_code=original_code(project["code"], old.code),
        chairman=dated.get("signer_chairman", ""), accountant=dated.get("signer_accountant", ""),
        clerk=dated.get("signer_clerk", ""), cashier=dated.get("signer_cashier", ""),
        short_hash=receipt_hash(old.code, book, receipt["year"], receipt["number"], receipt["issued_on"],
                                receipt["amount"], receipt["uuid"]),
        kept_now=f"quyển {receipt['book']} của {wording.level_lower(now) or 'xã mới'} (gộp sổ ngày "
                 f"{old.merged_at[8:10]}/{old.merged_at[5:7]}/{old.merged_at[:4]})")


def _without_origin(receipt: sqlite3.Row) -> dict:
    row = dict(receipt)
    row["origin_commune"] = ""
    return row


def receipt_view(books: Books, book: str, number: int, year: int | None = None) -> ReceiptView:
    return _view(books, find_receipt(books.conn, book, number, year))


def receipt_views(books: Books, selected: ReceiptFilter | None = None) -> list[ReceiptView]:
    """Receipts for a batch print, in book and number order."""
    selected = selected or ReceiptFilter()
    if selected.project:  # an unknown code is refused by name, not answered with "no receipt matches"
        selected = replace(selected, project=require_project(books.conn, selected.project)["code"])
    condition, params = receipt_condition(selected)
    rows = books.conn.execute(f"SELECT * FROM receipt WHERE {condition} ORDER BY year, book, number",
                              params).fetchall()
    if not rows:
        raise Refused("Không có phiếu thu nào khớp điều kiện đã chọn.")
    return [_view(books, row) for row in rows]


def original_printed(books: Books, receipt_id: int) -> bool:
    return books.conn.execute("SELECT 1 FROM receipt_print WHERE receipt_id = ? AND is_copy = 0",
                              (receipt_id,)).fetchone() is not None


def record_prints(books: Books, receipt_ids: list[int], copies: dict[int, bool]) -> None:
    """Log prints after the file was written; the unique index refuses a second original outright."""
    now = now_iso()
    with books.transaction() as conn:
        conn.executemany("INSERT INTO receipt_print (receipt_id, printed_at, printed_by, is_copy) VALUES (?,?,?,?)",
                         [(rid, now, books.actor, int(copies[rid])) for rid in receipt_ids])
