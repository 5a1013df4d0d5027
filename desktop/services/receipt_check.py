"""Checking a paper receipt by its QR text: is it one the books know, as printed?

The QR code on a receipt (``ReceiptView.qr_payload``) reads ``VXR1|commune|book|year|number|date|amount|hash``,
the hash taken over those values and the receipt's UUID, which is printed nowhere. Whoever holds the data
recomputes the hash: a commune from its own receipts, the upper level from the receipts a commune's package
brought (``upper_receipt``, joined to ``upper_commune`` by the commune's code). A changed amount or date,
or a receipt number guessed without its UUID, does not match.

The answer is one of four:

- ``valid``: the receipt is in the data, as the QR says, and not voided;
- ``voided``: it is, but was voided (from ``voided_on``);
- ``altered``: a receipt with that book and number exists but its date, amount or hash differ
  (``differences`` names which): the paper was changed or made up;
- ``unknown``: no such receipt (or, at the upper level, the commune was never imported, or the receipt is
  dated after the data last imported from it).

Text that is not a receipt's QR at all is refused, saying what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.dates import format_date
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.money import vnd
from desktop.receipt_view import QR_FORMAT, receipt_hash
from desktop.text import nfc
from desktop.upper_store import upper_store

MAX_AMOUNT = 10**15  # far above any receipt; a longer number is not one the program printed
_HASH = re.compile(r"[0-9A-F]{10}")
_CODE = re.compile(r"[0-9]{2,5}")
_EXPECTED = f"{QR_FORMAT}|mã xã|quyển|năm|số|ngày|số tiền|mã kiểm tra"


@dataclass(frozen=True)
class ReceiptQr:
    """What a receipt's QR code says."""

    commune_code: str
    book: str
    year: int
    number: int
    issued_on: date
    amount: int
    short_hash: str


def _malformed(why: str) -> Refused:
    return Refused(f"Không phải mã QR của phiếu thu: {why}. Mã trên phiếu có dạng “{_EXPECTED}”; hãy quét lại "
                   "hoặc dán nguyên văn dòng chữ của mã.")


def parse_receipt_qr(text: str) -> ReceiptQr:
    """The QR text's fields, checked one by one; refuses text that is not a receipt's QR code."""
    text = nfc(str(text or "")).strip()
    if not text:
        raise _malformed("chưa có nội dung")
    if len(text) > 500:
        raise _malformed(f"quá dài ({len(text)} ký tự)")
    parts = [p.strip() for p in text.split("|")]
    if parts[0].upper() != QR_FORMAT:
        raise _malformed(f"không bắt đầu bằng “{QR_FORMAT}|”")
    if len(parts) < 8:
        raise _malformed(f"thiếu phần ({len(parts)} phần, cần 8)")
    # The book is the only free text: should it hold a "|" itself, the fixed fields still sit at the ends.
    commune, book = parts[1], "|".join(parts[2:-5])
    year_text, number_text, date_text, amount_text, short_hash = parts[-5:]
    if not _CODE.fullmatch(commune):
        raise _malformed(f"mã xã “{commune}” không phải 2–5 chữ số")
    if not book:
        raise _malformed("thiếu quyển phiếu thu")
    if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
        raise _malformed(f"năm “{year_text}” không phải 4 chữ số")
    if not (number_text.isascii() and number_text.isdigit() and 0 < len(number_text) <= 9 and int(number_text)):
        raise _malformed(f"số phiếu “{number_text}” không phải số dương")
    try:
        issued_on = date.fromisoformat(date_text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text) else None
    except ValueError:
        issued_on = None
    if issued_on is None:
        raise _malformed(f"ngày “{date_text}” không phải ngày có thật dạng năm-tháng-ngày")
    if not (amount_text.isascii() and amount_text.isdigit() and int(amount_text) <= MAX_AMOUNT):
        raise _malformed(f"số tiền “{amount_text}” không phải số đồng hợp lệ")
    if not _HASH.fullmatch(short_hash.upper()):
        raise _malformed(f"mã kiểm tra “{short_hash}” không phải 10 ký tự 0–9, A–F")
    return ReceiptQr(commune, book, int(year_text), int(number_text), issued_on, int(amount_text),
                     short_hash.upper())


@dataclass(frozen=True)
class ReceiptCheck(Outcome):
    """The verdict, with the receipt as the data holds it (as the QR says when it is unknown)."""

    status: str  # valid | voided | altered | unknown
    commune_code: str
    book: str
    number: int
    year: int
    issued_on: date
    amount: int
    message: str
    commune_name: str = ""
    voided_on: date | None = None
    void_reason: str = ""
    household: str = ""  # the household's code, not its name: enough to find it in the commune's books
    project: str = ""
    differences: tuple[str, ...] = ()  # for "altered": issued_on, amount, hash
    scanned: dict | None = None  # what the QR said, when it differs from the data

    changes: ClassVar[Changes] = Changes.NONE


_COMMUNE_SQL = """
    SELECT r.uuid, r.book, r.year, r.number, r.issued_on, r.amount, r.voided_on, r.void_reason,
           h.code AS household, p.code AS project
    FROM receipt r LEFT JOIN household h ON h.id = r.household_id LEFT JOIN project p ON p.id = r.project_id
    WHERE r.book = ? AND r.year = ? AND r.number = ?
"""
# The hash of an old commune's receipt was taken over its original book, which is what the QR shows.
_MERGED_SQL = """
    SELECT r.uuid, r.original_book AS book, r.year, r.number, r.issued_on, r.amount, r.voided_on, r.void_reason,
           h.code AS household, p.code AS project
    FROM receipt r LEFT JOIN household h ON h.id = r.household_id LEFT JOIN project p ON p.id = r.project_id
    WHERE r.origin_commune = ? AND r.original_book = ? AND r.year = ? AND r.number = ?
"""
_UPPER_SQL = """
    SELECT r.uuid, r.book, r.year, r.number, r.issued_on, r.amount, r.voided_on, r.void_reason,
           h.code AS household, p.code AS project
    FROM upper_receipt r
    LEFT JOIN upper_household h ON h.commune_id = r.commune_id AND h.id = r.household_id
    LEFT JOIN upper_project p ON p.commune_id = r.commune_id AND p.id = r.project_id
    WHERE r.commune_id = ? AND r.book = ? AND r.year = ? AND r.number = ?
"""


def verify_receipt(books: Books, text: str) -> ReceiptCheck:
    """Check the QR text against this commune's receipts, or at the upper level against the commune's
    imported receipts. Reads only."""
    qr = parse_receipt_qr(text)
    where = f"quyển {qr.book} số {qr.number}/{qr.year}"
    if books.setting("mode") == Mode.UPPER.value:
        went = upper_store(books).execute(
            "SELECT m.name, m.into_commune_id, c.code AS into_code, c.name AS into_name FROM upper_merged_commune m "
            "JOIN upper_commune c ON c.id = m.into_commune_id WHERE m.code = ?", (qr.commune_code,)).fetchone()
        if went is not None:
            # An old commune merged into another: its receipts live on in the new commune's books, under the book
            # prefixed with the old code (a void made there after the merge is seen here), its hash unchanged.
            row = upper_store(books).execute(_UPPER_SQL, (went["into_commune_id"], f"{qr.commune_code}-{qr.book}",
                                                          qr.year, qr.number)).fetchone()
            name = f"{went['name']}, nay thuộc {went['into_name']} ({went['into_code']})"
            if row is None:
                return _unknown(qr, f"Không có phiếu thu {where} của {name} trong dữ liệu đã nhập.", name)
            return _judge(qr, {**dict(row), "book": qr.book}, name)
        commune = upper_store(books).execute("SELECT id, code, name, last_as_of FROM upper_commune WHERE code = ?",
                                     (qr.commune_code,)).fetchone()
        if commune is None:
            return _unknown(qr, f"Chưa nhập dữ liệu của xã mã {qr.commune_code}: không kiểm tra được phiếu {where}. "
                                "Hãy nhập gói dữ liệu của xã rồi kiểm tra lại.")
        row = upper_store(books).execute(_UPPER_SQL, (commune["id"], qr.book, qr.year, qr.number)).fetchone()
        name = commune["name"]
        if row is None:
            later = (f" Phiếu ghi ngày {format_date(qr.issued_on)}, sau ngày số liệu đã nhập của xã "
                     f"({format_date(commune['last_as_of'])}): hãy nhập gói mới hơn rồi kiểm tra lại."
                     if qr.issued_on.isoformat() > commune["last_as_of"] else "")
            return _unknown(qr, f"Không có phiếu thu {where} của {name} ({qr.commune_code}) trong dữ liệu đã "
                                f"nhập.{later}", name)
    else:
        own = books.setting("commune_code", "")
        name = books.setting("commune_name", "")
        merged = books.conn.execute("SELECT commune_name FROM merged_commune WHERE commune_code = ?",
                                    (qr.commune_code,)).fetchone() if qr.commune_code != own else None
        if merged is not None:
            # A receipt of an old commune merged into this one: found under its original book.
            row = books.conn.execute(_MERGED_SQL, (qr.commune_code, qr.book, qr.year, qr.number)).fetchone()
            if row is None:
                return _unknown(qr, f"Sổ của {merged[0]} ({qr.commune_code}), đã gộp vào {name}, không có phiếu thu "
                                    f"{where}.", merged[0])
            return _judge(qr, row, merged[0])
        if qr.commune_code != own:
            return _unknown(qr, f"Phiếu {where} là của đơn vị mã {qr.commune_code}, không phải của {name} ({own}): "
                                "sổ này không kiểm tra được.")
        row = books.conn.execute(_COMMUNE_SQL, (qr.book, qr.year, qr.number)).fetchone()
        if row is None:
            return _unknown(qr, f"Sổ của {name} không có phiếu thu {where}.", name)
    return _judge(qr, row, name)


def _unknown(qr: ReceiptQr, message: str, name: str = "") -> ReceiptCheck:
    return ReceiptCheck("unknown", qr.commune_code, qr.book, qr.number, qr.year, qr.issued_on, qr.amount,
                        message, commune_name=name)


def _judge(qr: ReceiptQr, row, name: str) -> ReceiptCheck:
    issued_on = date.fromisoformat(row["issued_on"])
    expected = receipt_hash(qr.commune_code, row["book"], row["year"], row["number"], row["issued_on"],
                            row["amount"], row["uuid"])
    differences = tuple(key for key, differs in (("issued_on", issued_on != qr.issued_on),
                                                 ("amount", row["amount"] != qr.amount),
                                                 ("hash", expected != qr.short_hash)) if differs)
    voided_on = date.fromisoformat(row["voided_on"]) if row["voided_on"] else None
    where = f"quyển {row['book']} số {row['number']}/{row['year']} của {name} ({qr.commune_code})"
    held = f"ngày {format_date(issued_on)}, số tiền {vnd(row['amount'])}"
    details = dict(commune_name=name, voided_on=voided_on, void_reason=row["void_reason"] or "",
                   household=row["household"] or "", project=row["project"] or "")
    if differences:
        shown = []
        if "issued_on" in differences:
            shown.append(f"ngày trên phiếu {format_date(qr.issued_on)}")
        if "amount" in differences:
            shown.append(f"số tiền trên phiếu {vnd(qr.amount)}")
        if not shown:
            shown.append("mã kiểm tra không khớp")
        voided = f" Phiếu này cũng đã bị hủy từ ngày {format_date(voided_on)}." if voided_on else ""
        message = (f"Phiếu thu {where} BỊ SỬA HOẶC GIẢ: {'; '.join(shown)}, trong khi dữ liệu ghi {held}.{voided}")
        scanned = {"issued_on": qr.issued_on.isoformat(), "amount": qr.amount, "hash": qr.short_hash}
        return ReceiptCheck("altered", qr.commune_code, row["book"], row["number"], row["year"], issued_on,
                            row["amount"], message, differences=differences, scanned=scanned, **details)
    if voided_on:
        reason = f" (lý do: {row['void_reason']})" if row["void_reason"] else ""
        message = f"Phiếu thu {where}, {held}: ĐÃ HỦY từ ngày {format_date(voided_on)}{reason}."
        return ReceiptCheck("voided", qr.commune_code, row["book"], row["number"], row["year"], issued_on,
                            row["amount"], message, **details)
    message = f"Phiếu thu {where} hợp lệ: {held}."
    return ReceiptCheck("valid", qr.commune_code, row["book"], row["number"], row["year"], issued_on,
                        row["amount"], message, **details)
