"""Printing receipts: the PDF and its entry in the print log, so that the first print of a receipt is its
original and every later one a copy stamped BẢN SAO."""

from __future__ import annotations

from pathlib import Path

from desktop.books import Books
from desktop.receipt_view import ReceiptView
from desktop.reports.receipt_pdf import write_receipts
from desktop.services.receipts import original_printed, record_prints


def print_receipts(books: Books, views: list[ReceiptView], out: Path, *, force_copy: bool = False,
                   two_up: bool = False) -> dict:
    """Write the receipts to a PDF and log the prints: the first print of a receipt is its original,
    every later one (or any with ``force_copy``) is stamped BẢN SAO."""
    copies = {v.id: force_copy or original_printed(books, v.id) for v in views}
    path = write_receipts(out, views, copies, two_up=two_up)
    # Logged only once the file is written: a failed write must not use up the receipt's original.
    record_prints(books, [v.id for v in views], copies)
    return {"path": str(path), "receipts": len(views),
            "copies": sum(copies.values()), "originals": len(views) - sum(copies.values())}
