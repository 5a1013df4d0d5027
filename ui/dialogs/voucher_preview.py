"""The document of a payout, shown as soon as the payout is written: its phiếu chi in a preview like the
receipt's (print, save PDF; logged as printed only when it left the program, so the next print is a BẢN SAO
only if this one reached paper or a file), or, for support in kind, its handover record (biên bản bàn giao)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal

from desktop.books import Books
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.operations import run_op
from ui.workers import Task


class VoucherPreviewDialog(PdfPreviewDialog):
    prints_recorded = Signal(object)  # the VoucherPrinted outcome

    def __init__(self, books: Books, written, parent=None):
        copy = " (bản sao)" if written.copy else ""
        super().__init__(Path(written.path), f"Phiếu chi quyển {written.book} số {written.number}/{written.year}"
                         + copy, parent)
        self.books, self.written = books, written
        self.delivered.connect(self._record)

    def _record(self, _where: str) -> None:
        from desktop.reports.payout_prints import record_voucher_print

        written = self.written
        run_op(self, self.books, lambda books: record_voucher_print(books, written), self.prints_recorded.emit,
               label="Đang ghi sổ in phiếu chi…")


def open_voucher(parent, books: Books, book: str, number: int, year: int, *, holder=None) -> Task:
    """Write the voucher's PDF (the original if it was never printed) and open its preview; the preview is
    kept as ``holder.last_preview`` (``holder`` defaults to ``parent``)."""
    from desktop.reports.payout_prints import write_voucher_pdf

    holder = holder if holder is not None else parent

    def written(result) -> None:
        holder.last_preview = VoucherPreviewDialog(books, result, parent)
        holder.last_preview.open()

    return run_op(parent, books, lambda own: write_voucher_pdf(own, book, number, year), written,
                  label="Đang lập phiếu chi…")


def open_handover(parent, books: Books, handover_id: int, *, holder=None) -> Task:
    from desktop.reports.payout_prints import write_handover_pdf

    holder = holder if holder is not None else parent

    def written(result) -> None:
        holder.last_preview = PdfPreviewDialog(Path(result.path), "Biên bản bàn giao hiện vật", parent)
        holder.last_preview.open()

    return run_op(parent, books, lambda own: write_handover_pdf(own, handover_id), written,
                  label="Đang lập biên bản bàn giao…")


def open_payout_document(parent, books: Books, outcome, *, holder=None) -> Task | None:
    """After a payout: its phiếu chi, or the handover record of support in kind; None when it has neither."""
    voucher = getattr(outcome, "voucher", None)
    if voucher is not None:
        return open_voucher(parent, books, voucher.book, voucher.number, voucher.year, holder=holder)
    handover = getattr(outcome, "handover", None)
    if handover is not None:
        return open_handover(parent, books, handover.id, holder=holder)
    return None
