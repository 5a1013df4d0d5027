"""Phiếu chi (Mẫu C41-BB): every cash payout carries one, issued in the same transaction as the payout.

A voucher book is numbered like a receipt book: gapless within (book, year), in date order. A voucher is
never deleted; voiding it means the payout did not happen, so a voucher and its payout are voided together,
on the same date (``void_voucher`` here, ``support void`` for a support).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date

from desktop import audit
from desktop.errors import Refused
from desktop.queries import numbered
from desktop.queries.rules import latest_voucher, out_of_order
from desktop.text import nfc
from desktop.validation import check_book

DEFAULT_BOOK = "01"

# What each kind of payout is, as the voucher's reason begins.
KIND_LABELS = {
    "budget_support": "Chi hỗ trợ phát triển sản xuất từ ngân sách",
    "relend": "Chi cho vay lại từ vốn luân chuyển thu hồi",
    "refund": "Chi trả lại tiền nộp thừa",
    "management": "Chi kinh phí quản lý dự án",
    "public_works": "Chi chuyển vốn luân chuyển sang công trình công ích",
}


@dataclass(frozen=True)
class VoucherRef:
    """What ``support add`` and ``management spend`` print of the voucher they issued."""

    book: str
    number: int
    year: int
    amount: int


@dataclass(frozen=True)
class Payee:
    """Who receives the money: the head of household or their representative, with an ID number if known."""

    name: str
    id_number: str = ""


def voucher_book(conn: sqlite3.Connection, book: str = "") -> str:
    book = nfc(book)
    if book:
        check_book(book)  # the book names files: "../../x" must never get that far
        return book
    row = conn.execute("SELECT value FROM settings WHERE key = 'voucher_book'").fetchone()
    return row[0] if row and row[0] else DEFAULT_BOOK


def require_in_date_order(conn: sqlite3.Connection, book: str, on: date) -> None:
    """A voucher book is written in date order, like a receipt book: a payout dated before the latest voucher
    already in the book cannot take its next number."""
    latest = latest_voucher(conn, book, on.year)
    if latest is not None and out_of_order(latest["issued_on"], on.isoformat()):
        raise Refused(
            f"Quyển phiếu chi {book} năm {on.year} đã có phiếu số {latest['number']} ngày "
            f"{date.fromisoformat(latest['issued_on']):%d/%m/%Y}; phiếu chi ghi theo thứ tự ngày nên không lập "
            f"được phiếu ngày {on:%d/%m/%Y} vào quyển này. Khoản chi trước đây mà quên ghi: hãy ghi vào một quyển "
            "phiếu chi khác (--voucher-book) chưa có phiếu nào sau ngày đó.")


def next_number(conn: sqlite3.Connection, book: str, year: int) -> int:
    """Gapless within (book, year): safe because it runs inside the IMMEDIATE write transaction."""
    return numbered.next_number(conn, "voucher", book, year)


def issue(tx: sqlite3.Connection, actor: str, now: str, *, kind: str, on: date, amount: int, payee: Payee,
          reason: str, project_id: int | None, link: tuple[str, int], book: str = "") -> VoucherRef:
    """Write the voucher of a payout just written in ``tx``; ``link`` is (column, id) of that payout."""
    book = voucher_book(tx, book)
    require_in_date_order(tx, book, on)
    column, entity_id = link
    row = {
        "uuid": str(uuid.uuid4()), "book": book, "year": on.year, "number": next_number(tx, book, on.year),
        "issued_on": on.isoformat(), "amount": amount, "kind": kind, column: entity_id, "project_id": project_id,
        "recipient": nfc(payee.name), "recipient_id_number": payee.id_number or "", "reason": nfc(reason),
        "created_at": now, "created_by": actor,
    }
    tx.execute(f"INSERT INTO voucher ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row)
    audit.record(tx, actor, "voucher", row["uuid"], "create", None, row, at=now)
    return VoucherRef(book, row["number"], row["year"], amount)


def void_of_payout(tx: sqlite3.Connection, actor: str, now: str, link: tuple[str, int], on: date,
                   reason: str) -> None:
    """Void the live voucher of a payout being voided, on the payout's void date."""
    column, entity_id = link
    for v in tx.execute(f"SELECT uuid, id FROM voucher WHERE {column} = ? AND voided_at IS NULL",
                        (entity_id,)).fetchall():
        tx.execute("UPDATE voucher SET voided_on = ?, voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?",
                   (on.isoformat(), now, actor, reason, v["id"]))
        audit.record(tx, actor, "voucher", v["uuid"], "void", {"voided_at": None, "voided_on": None},
                     {"voided_at": now, "voided_on": on.isoformat(), "void_reason": reason}, at=now)


def find_voucher(conn: sqlite3.Connection, book: str, number: int, year: int | None = None) -> sqlite3.Row:
    book = nfc(book)
    rows = numbered.rows_numbered(conn, "voucher", book, number, year)
    if not rows:
        raise Refused(f"Không có phiếu chi quyển {book} số {number}" + (f" năm {year}." if year else "."))
    if len(rows) > 1:
        years = ", ".join(str(r["year"]) for r in rows)
        raise Refused(f"Quyển phiếu chi {book} có số {number} ở nhiều năm ({years}); hãy ghi rõ năm (--year).")
    return rows[0]
