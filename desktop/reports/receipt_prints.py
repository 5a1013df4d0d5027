"""Printing receipts: the PDF and its entry in the print log, so that the first print of a receipt is its
original and every later one a copy stamped BẢN SAO.

The command line writes a PDF file the operator asked for, so writing it is printing it (``print_receipts``).
The window writes a PDF to preview; only a print job accepted or the PDF saved somewhere counts as printed,
so it writes first (``write_receipt_pdf``) and logs later (``record_receipt_prints``): a cancelled print
dialog leaves the receipt's original unused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.receipt_view import ReceiptView
from desktop.reports.receipt_pdf import write_receipts
from desktop.services.receipts import original_printed, record_prints


@dataclass(frozen=True)
class ReceiptsPrinted(Outcome):
    path: str
    receipts: int
    copies: int
    originals: int

    changes: ClassVar[Changes] = Changes.PRINTS


@dataclass(frozen=True)
class ReceiptsWritten(Outcome):
    """A PDF of receipts written but not yet printed: ``copies`` says, per receipt id, whether its page is
    stamped BẢN SAO."""

    path: str
    copies: tuple[tuple[int, bool], ...]


def write_receipt_pdf(books: Books, views: list[ReceiptView], out: Path, *, force_copy: bool = False,
                      two_up: bool = False, a4: bool = False) -> ReceiptsWritten:
    """The receipts' PDF as a print would make it (the original if none was printed yet), logging nothing."""
    copies = {v.id: force_copy or original_printed(books, v.id) for v in views}
    path = write_receipts(out, views, copies, two_up=two_up, a4=a4)
    return ReceiptsWritten(str(path), tuple(copies.items()))


def record_receipt_prints(books: Books, written: ReceiptsWritten) -> ReceiptsPrinted:
    """Log the pages of ``written`` as printed, once a print job was accepted or the PDF saved. A second print
    of the same original page is logged as a copy: a receipt has one original in the log."""
    copies = {rid: is_copy or original_printed(books, rid) for rid, is_copy in written.copies}
    record_prints(books, list(copies), copies)
    return ReceiptsPrinted(written.path, len(copies), sum(copies.values()), len(copies) - sum(copies.values()))


def print_receipts(books: Books, views: list[ReceiptView], out: Path, *, force_copy: bool = False,
                   two_up: bool = False, a4: bool = False) -> ReceiptsPrinted:
    """Write the receipts to a PDF and log the prints: the first print of a receipt is its original,
    every later one (or any with ``force_copy``) is stamped BẢN SAO."""
    copies = {v.id: force_copy or original_printed(books, v.id) for v in views}
    path = write_receipts(out, views, copies, two_up=two_up, a4=a4)
    # Logged only once the file is written: a failed write must not use up the receipt's original.
    record_prints(books, [v.id for v in views], copies)
    return ReceiptsPrinted(str(path), len(views), sum(copies.values()), len(views) - sum(copies.values()))
