"""Repayments and receipts: each payment gets the next number of its book, is split over the oldest
unpaid installments, and can only ever be voided (kept, marked, its allocations no longer counting).
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
from desktop.fund import allocate
from desktop.money import amount_in_words, format_vnd
from desktop.queries import numbered
from desktop.queries.fund import fund_low_point, open_installments, payable_installments
from desktop.queries.rules import latest_receipt, out_of_order
from desktop.services.households import require_household
from desktop.services.period_lock import require_open_on
from desktop.services.projects import require_project
from desktop.services.settings import words_options
from desktop.services.two_person import require_single_person_void
from desktop.text import nfc
from desktop.validation import check_book


@dataclass(frozen=True)
class PaymentInput:
    project: str
    household: str
    amount: int
    paid_on: date
    payer: str = ""
    in_kind: str = ""
    book: str = ""
    # One key per payment the clerk is taking (the dialog makes it): the same key again returns the receipt
    # already issued, so a retry after a failed print or a second Enter never issues a second receipt.
    request_key: str = ""


@dataclass(frozen=True)
class IssuedReceipt:
    id: int
    uuid: str
    book: str
    year: int
    number: int
    issued_on: date
    amount: int
    amount_in_words: str
    method: str
    payer: str
    reason: str


@dataclass(frozen=True)
class PaidInstallment:
    seq: int
    amount: int


@dataclass(frozen=True)
class PaymentRecorded(Outcome):
    receipt: IssuedReceipt
    allocations: tuple[PaidInstallment, ...]
    outstanding: int  # what the household still owes in the project after this receipt
    replayed: bool = False  # True: the request was carried out before; this is that receipt again

    changes: ClassVar[Changes] = Changes.RECEIPTS | Changes.SCHEDULES | Changes.FUND


@dataclass(frozen=True)
class ReceiptVoided(Outcome):
    book: str
    year: int
    number: int
    voided: bool
    reason: str
    amount: int
    voided_on: date  # valid before this day, voided from it

    changes: ClassVar[Changes] = Changes.RECEIPTS | Changes.SCHEDULES | Changes.FUND


def next_receipt_number(conn: sqlite3.Connection, book: str, year: int) -> int:
    """Gapless within (book, year): safe because it runs inside the IMMEDIATE write transaction."""
    return numbered.next_number(conn, "receipt", book, year)


def _require_in_date_order(conn: sqlite3.Connection, book: str, paid_on: date) -> None:
    """A receipt book is written in date order: its next number may not carry a date before the latest
    receipt already in it (voided ones included, they keep their numbers), or the paper book and the
    books on screen would tell two different stories."""
    latest = latest_receipt(conn, book, paid_on.year)
    if latest is not None and out_of_order(latest["issued_on"], paid_on.isoformat()):
        raise Refused(
            f"Quyển {book} năm {paid_on.year} đã có phiếu số {latest['number']} ngày "
            f"{date.fromisoformat(latest['issued_on']):%d/%m/%Y}; phiếu thu ghi sổ theo thứ tự ngày nên không "
            f"ghi được phiếu ngày {paid_on:%d/%m/%Y} vào quyển này. Tiền thu trước đây mà quên ghi: hãy ghi vào "
            "một quyển khác (--book) chưa có phiếu nào sau ngày đó.")


def _reason(project_code: str, seqs: list[int]) -> str:
    seq_text = ", ".join(str(s) for s in sorted(set(seqs)))
    return f"Hoàn trả vốn luân chuyển dự án {project_code} — kỳ {seq_text}"


def _check_request_key(key: str) -> str:
    key = (key or "").strip()
    if key and not (8 <= len(key) <= 64):
        raise Refused("Mã yêu cầu ghi phiếu thu không hợp lệ.")
    return key


def _issued(books: Books, row: sqlite3.Row | dict) -> IssuedReceipt:
    return IssuedReceipt(
        id=row["id"], uuid=row["uuid"], book=row["book"], year=row["year"], number=row["number"],
        issued_on=date.fromisoformat(row["issued_on"]), amount=row["amount"],
        amount_in_words=amount_in_words(row["amount"], **words_options(books)), method=row["method"],
        payer=row["payer"], reason=row["reason"])


def _replay(books: Books, key: str) -> PaymentRecorded | None:
    """The outcome of a payment request already carried out, or None."""
    conn = books.conn
    done = conn.execute("SELECT entity_uuid FROM operation_request WHERE key = ? AND operation = 'payment'",
                        (key,)).fetchone()
    if done is None:
        return None
    receipt = conn.execute("SELECT * FROM receipt WHERE uuid = ?", (done[0],)).fetchone()
    allocations = conn.execute(
        """SELECT i.seq, a.amount FROM allocation a JOIN installment i ON i.id = a.installment_id
           WHERE a.receipt_id = ? ORDER BY i.due_on, i.id""", (receipt["id"],)).fetchall()
    owed = open_installments(conn, receipt["project_id"], receipt["household_id"],
                             as_of=date.fromisoformat(receipt["issued_on"]), through_receipt=receipt["id"])
    return PaymentRecorded(_issued(books, receipt), tuple(PaidInstallment(s, a) for s, a in allocations),
                           sum(i.outstanding for i in owed), replayed=True)


def record_payment(books: Books, data: PaymentInput, *, today: date | None = None) -> PaymentRecorded:
    if data.book:
        check_book(data.book)  # the book names receipt files: "../../x" must never get that far
    conn = books.conn
    key = _check_request_key(data.request_key)
    if key and (done := _replay(books, key)):
        return done
    project = require_project(conn, data.project)
    household = require_household(conn, data.household)
    if not isinstance(data.amount, int) or data.amount <= 0:
        raise Refused("Số tiền nộp phải là số đồng lớn hơn 0.")
    require_open_on(conn, data.paid_on, "Ngày thu", today=today or clock.today())
    first_support = conn.execute("SELECT min(supported_on) FROM membership WHERE project_id = ? AND household_id = ? "
                                 "AND voided_on IS NULL", (project["id"], household["id"])).fetchone()[0]
    if first_support is None:
        raise Refused(f"Hộ {household['code']} chưa nhận hỗ trợ trong dự án {project['code']}: không có gì phải trả.")
    if data.paid_on.isoformat() < first_support:
        raise Refused(f"Ngày thu {data.paid_on:%d/%m/%Y} trước ngày hộ nhận hỗ trợ "
                      f"({date.fromisoformat(first_support):%d/%m/%Y}).")
    book = nfc(data.book) or books.setting("receipt_book", "01")
    payer = nfc(data.payer) or household["head_name"]
    in_kind = nfc(data.in_kind)
    now = audit.now_iso()
    with books.transaction() as tx:
        _require_in_date_order(tx, book, data.paid_on)
        installments = payable_installments(tx, project["id"], household["id"], data.paid_on)
        _require_owed_on(tx, project, household, data, installments)
        allocations = allocate(data.amount, installments)
        number = next_receipt_number(tx, book, data.paid_on.year)
        row = {
            "uuid": str(uuid.uuid4()), "book": book, "year": data.paid_on.year, "number": number,
            "issued_on": data.paid_on.isoformat(), "project_id": project["id"], "household_id": household["id"],
            "amount": data.amount, "method": "in_kind" if in_kind else "cash", "in_kind": in_kind, "payer": payer,
            "reason": _reason(project["code"], [a.seq for a in allocations]), "created_at": now,
            "created_by": books.actor,
        }
        receipt_id = tx.execute(
            f"INSERT INTO receipt ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row).lastrowid
        tx.executemany("INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES (?, ?, ?, ?)",
                       [(str(uuid.uuid4()), receipt_id, a.installment_id, a.amount) for a in allocations])
        if key:
            # The primary key refuses a second receipt for the same request even if two raced here.
            tx.execute("INSERT INTO operation_request (key, operation, entity_uuid, created_at) "
                       "VALUES (?, 'payment', ?, ?)", (key, row["uuid"], now))
        audit.record(tx, books.actor, "receipt", row["uuid"], "create", None,
                     {**row, "allocations": [(a.seq, a.amount) for a in allocations]}, at=now)
        outstanding = sum(i.outstanding for i in open_installments(tx, project["id"], household["id"]))
    return PaymentRecorded(_issued(books, {**row, "id": receipt_id}),
                           tuple(PaidInstallment(a.seq, a.amount) for a in allocations), outstanding)


def _require_owed_on(conn: sqlite3.Connection, project: sqlite3.Row, household: sqlite3.Row, data: PaymentInput,
                     installments: list) -> None:
    """A back-dated payment larger than what was owed on its day (or on a later day, before a void took
    effect), though not larger than the debt today, cannot be recorded on that day: say so instead of the
    bare "more than owed"."""
    owed_then = sum(i.outstanding for i in installments)
    if data.amount <= owed_then:
        return
    owed_now = sum(i.outstanding for i in open_installments(conn, project["id"], household["id"]))
    if data.amount <= owed_now:
        raise Refused(f"Ghi vào ngày {data.paid_on:%d/%m/%Y}, hộ {household['code']} chỉ có thể trả tối đa "
                      f"{format_vnd(owed_then)} đ: khoản hỗ trợ nhận sau ngày đó chưa thể trả trước, và phiếu thu "
                      "hủy sau ngày đó vẫn tính đến ngày hủy. Hãy ghi số tiền "
                      f"{format_vnd(data.amount)} đ vào một ngày muộn hơn, hoặc tách làm hai phiếu.")


def find_receipt(conn: sqlite3.Connection, book: str, number: int, year: int | None = None) -> sqlite3.Row:
    """A receipt by book and number; the year is needed only when the book has that number in several years."""
    book = nfc(book)
    rows = numbered.rows_numbered(conn, "receipt", book, number, year)
    if not rows:
        when = f" năm {year}" if year else ""
        raise Refused(f"Không có phiếu thu quyển {book} số {number}{when}.")
    if len(rows) > 1:
        years = ", ".join(str(r["year"]) for r in rows)
        raise Refused(f"Quyển {book} có phiếu số {number} ở nhiều năm ({years}); hãy ghi rõ năm (--year).")
    return rows[0]


def void_receipt(books: Books, book: str, number: int, reason: str, *, year: int | None = None,
                 on: date | None = None, today: date | None = None) -> ReceiptVoided:
    """Void keeps the receipt and its number; from ``on`` its money stops counting, so the household owes it
    again from that day. Before ``on`` the books still hold it: a report already sent stays true."""
    require_single_person_void(books)
    conn = books.conn
    reason = nfc(reason)
    if not reason:
        raise Refused("Phải ghi lý do hủy phiếu thu.")
    receipt = find_receipt(conn, book, number, year)
    label = f"quyển {receipt['book']} số {receipt['number']}/{receipt['year']}"
    if receipt["voided_at"]:
        raise Refused(f"Phiếu thu {label} đã bị hủy trước đó "
                      f"(lý do: {receipt['void_reason']}).")
    on = on or today or clock.today()
    issued_on = date.fromisoformat(receipt["issued_on"])
    if on < issued_on:
        raise Refused(f"Ngày hủy phiếu {on:%d/%m/%Y} trước ngày lập phiếu {label} ({issued_on:%d/%m/%Y}): "
                      "phiếu chỉ có thể bị hủy từ ngày lập trở đi.")
    require_open_on(conn, on, "Ngày hủy phiếu", today=today)
    now = audit.now_iso()
    with books.transaction() as tx:
        _require_fund_covers_void(tx, receipt, label, on)
        tx.execute("UPDATE receipt SET voided_at = ?, voided_by = ?, void_reason = ?, voided_on = ? WHERE id = ?",
                   (now, books.actor, reason, on.isoformat(), receipt["id"]))
        audit.record(tx, books.actor, "receipt", receipt["uuid"], "void", {"voided_at": None, "voided_on": None},
                     {"voided_at": now, "voided_on": on.isoformat(), "void_reason": reason}, at=now)
    return ReceiptVoided(receipt["book"], receipt["year"], receipt["number"], True, reason, receipt["amount"], on)


def _require_fund_covers_void(conn: sqlite3.Connection, receipt: sqlite3.Row, label: str, on: date) -> None:
    """The receipt's money leaves the fund on ``on``: the fund must hold it that day and every later day
    already recorded, or a report covering that day would show a negative fund (the money was re-lent or
    transferred since)."""
    allocated = conn.execute("SELECT coalesce(sum(amount), 0) FROM allocation WHERE receipt_id = ?",
                             (receipt["id"],)).fetchone()[0]
    low, low_day = fund_low_point(conn, receipt["project_id"], on)
    if low - allocated < 0:
        raise Refused(
            f"Không hủy được phiếu thu {label} từ ngày {on:%d/%m/%Y}: số tiền của phiếu "
            f"({format_vnd(allocated)} đ) đã được cho vay quay vòng hoặc chuyển đi — quỹ của dự án chỉ còn "
            f"{format_vnd(low)} đ vào ngày {low_day:%d/%m/%Y}, hủy phiếu sẽ làm quỹ âm "
            f"{format_vnd(allocated - low)} đ. Hãy hủy khoản cho vay lại trước, hoặc chọn ngày hủy khác.")
