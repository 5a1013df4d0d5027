"""Printing a payout's document from the window: its phiếu chi, or the handover record of support in kind.

A phiếu chi's PDF is written first and its print logged only when it left the program (a print job accepted
or the PDF saved), so a cancelled print dialog leaves the original unused and every print after the first is
stamped BẢN SAO; the command line's ``voucher pdf`` writes and logs at once. A handover record keeps no print
log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.reports.voucher_pdf import write_voucher
from desktop.services.voucher_view import original_printed, record_print, voucher_view
from desktop.validation import file_part


@dataclass(frozen=True)
class VoucherWritten(Outcome):
    """A voucher's PDF written but not yet printed; ``copy`` tells whether it is stamped BẢN SAO."""

    path: str
    voucher_id: int
    book: str
    number: int
    year: int
    copy: bool


@dataclass(frozen=True)
class VoucherPrinted(Outcome):
    path: str
    voucher_id: int
    copy: bool

    changes: ClassVar[Changes] = Changes.PRINTS


def voucher_pdf_path(books: Books, book: str, number: int, year: int) -> Path:
    folder = books.data_dir.exports / "phieu-chi"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"phieu-chi-{file_part(book)}-{year}-{number:05d}.pdf"


def write_voucher_pdf(books: Books, book: str, number: int, year: int, out: Path | None = None) -> VoucherWritten:
    """The voucher's PDF as a print would make it (the original if none was printed yet), logging nothing."""
    view = voucher_view(books, book, number, year)
    copy = original_printed(books, view.id)
    path = write_voucher(out or voucher_pdf_path(books, view.book, view.number, view.year), view, copy=copy)
    return VoucherWritten(str(path), view.id, view.book, view.number, view.year, copy)


def record_voucher_print(books: Books, written: VoucherWritten) -> VoucherPrinted:
    """Log ``written`` as printed; a second print of the same original page is logged as a copy, since a
    voucher has one original in the log."""
    copy = written.copy or original_printed(books, written.voucher_id)
    record_print(books, written.voucher_id, copy)
    return VoucherPrinted(written.path, written.voucher_id, copy)


@dataclass(frozen=True)
class HandoverWritten(Outcome):
    path: str
    handover_id: int


def write_handover_pdf(books: Books, handover_id: int, out: Path | None = None) -> HandoverWritten:
    """The handover record (biên bản bàn giao) of one delivery, as ``handover pdf`` draws it."""
    from desktop.reports.handover_pdf import write_handovers
    from desktop.services.handovers import HANDOVER_ROWS

    rows = books.conn.execute(HANDOVER_ROWS + " WHERE ho.id = ?", (handover_id,)).fetchall()
    if not rows:
        from desktop.errors import Refused

        raise Refused(f"Không có biên bản bàn giao số {handover_id}.")
    if out is None:
        folder = books.data_dir.exports / "bien-ban-ban-giao"
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"ban-giao-{file_part(rows[0]['project'])}-{file_part(rows[0]['household'])}-{handover_id}.pdf"
    return HandoverWritten(str(write_handovers(out, rows, books.settings())), handover_id)


@dataclass(frozen=True)
class HandoverListWritten(Outcome):
    path: str
    records: int


def write_handover_day_pdf(books: Books, project_id: int, on, out: Path | None = None) -> HandoverListWritten:
    """The list of one delivery day of a project (what ``handover pdf --project P --on D`` draws): every
    household that received goods that day, with room to sign or press a thumb."""
    from desktop.reports.handover_pdf import write_handover_list
    from desktop.services.handovers import handovers_of

    rows = handovers_of(books.conn, project_id=project_id, on=on)
    if out is None:
        folder = books.data_dir.exports / "bien-ban-ban-giao"
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"danh-sach-ban-giao-{file_part(rows[0]['project'])}-{on:%Y%m%d}.pdf"
    return HandoverListWritten(str(write_handover_list(out, rows, books.settings(), on)), len(rows))
