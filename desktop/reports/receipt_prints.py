"""Printing receipts: the PDF and its entry in the print log, so that the first print of a receipt is its
original and every later one a copy stamped BẢN SAO."""

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


def print_receipts(books: Books, views: list[ReceiptView], out: Path, *, force_copy: bool = False,
                   two_up: bool = False) -> ReceiptsPrinted:
    """Write the receipts to a PDF and log the prints: the first print of a receipt is its original,
    every later one (or any with ``force_copy``) is stamped BẢN SAO."""
    copies = {v.id: force_copy or original_printed(books, v.id) for v in views}
    path = write_receipts(out, views, copies, two_up=two_up)
    # Logged only once the file is written: a failed write must not use up the receipt's original.
    record_prints(books, [v.id for v in views], copies)
    return ReceiptsPrinted(str(path), len(views), sum(copies.values()), len(views) - sum(copies.values()))
