"""Phiếu thu: the receipt register by book and date; print one (a copy after the first print), void with
a reason, and print a whole selection in the background."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.books import Books
from desktop.changes import Changes
from desktop.dates import format_date
from desktop.errors import Cancelled
from desktop.money import format_vnd
from desktop.queries.receipts import ReceiptFilter
from desktop.reports.receipt_prints import write_receipt_pdf
from desktop.services.dashboard import receipt_books, receipt_register
from desktop.services.receipts import receipt_view
from desktop.validation import file_part
from ui.dialogs.pdf_preview import ReceiptPreviewDialog
from ui.dialogs.void_receipt import VoidReceiptDialog
from ui.operations import run_op, subscribe
from ui.receipt_check import ReceiptCheckBox
from ui.record_model import RecordTableModel, fit_columns
from ui.widgets import DateEdit, compact, page_title
from ui.workers import Loader

COLUMNS = [("book", "Quyển", "text"), ("number", "Số", "number"), ("issued_on", "Ngày", "date"),
           ("household", "Mã hộ", "text"), ("payer", "Người nộp", "text"), ("project", "Dự án", "text"),
           ("amount", "Số tiền", "money"), ("status", "Tình trạng", "text")]


STATUS = [key for key, _, _ in COLUMNS].index("status")


class _RegisterModel(RecordTableModel):
    """The register's rows; a state too long for its cell (a void's reason) reads whole in its tooltip."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == STATUS:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)


def _status(row: dict) -> str:
    if row["voided_at"]:
        return f"ĐÃ HỦY từ {format_date(row['voided_on'])} — {row['void_reason']}"
    return ("Hiện vật" if row["method"] == "in_kind" else "Tiền mặt") + (" · đã in" if row["printed"] else "")


# The receipt register: receipts, their print marks, the households' names.
SHOWS = Changes.RECEIPTS | Changes.PRINTS | Changes.HOUSEHOLDS


class ReceiptsPage(QWidget):
    batch_printed = Signal(str)  # path of the PDF
    receipt_voided = Signal(object)  # the ReceiptVoided outcome

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.book = QComboBox()
        self.use_dates = QCheckBox("Từ ngày")
        self.date_from = DateEdit(clock.today().replace(month=1, day=1))
        self.date_to = DateEdit(clock.today())
        show = QPushButton("&Xem")
        show.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(QLabel("Quyển:"))
        top.addWidget(self.book)
        top.addWidget(self.use_dates)
        top.addWidget(self.date_from)
        top.addWidget(QLabel("đến"))
        top.addWidget(self.date_to)
        top.addWidget(show)
        top.addStretch(1)
        self.model = _RegisterModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        # Every column fitted to its content, the payer's name never cut; the state, last, takes the width left,
        # so a void's reason is cut only when longer than all that room (and reads whole in its tooltip).
        fit_columns(self.table, stretch=-1)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.print_selected())
        self.summary = QLabel()
        reprint = QPushButton("&In phiếu đã chọn… (Ctrl+P)")
        void = QPushButton("&Hủy phiếu… (Del)")
        batch = QPushButton("In &tất cả phiếu đang xem…")
        requests = QPushButton("Yêu cầu hủy chờ xác &nhận…")  # two-person voids: the second person's list
        requests.clicked.connect(lambda: self.open_void_requests())
        reprint.clicked.connect(self.print_selected)
        void.clicked.connect(self.void_selected)
        batch.clicked.connect(self.print_batch)
        # The count and total wrap above the buttons: on one line with four buttons the page would be wider than
        # a 1366-pixel screen at 125 %.
        self.summary.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for button in (reprint, void, batch, requests):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Phiếu thu"))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.receipt_check = ReceiptCheckBox(books)
        layout.addWidget(self.receipt_check)
        self.loader = Loader(self, books)
        self.reload_books()
        self.refresh()
        subscribe(self, SHOWS, self.refresh)
        subscribe(self, Changes.SETTINGS | Changes.RECEIPTS, self.reload_books)

    def reload_books(self) -> None:
        self.book.clear()
        self.book.addItem("Mọi quyển", None)
        for book in receipt_books(self.books):
            self.book.addItem(book, book)

    def selected_receipts(self) -> ReceiptFilter:
        """The receipts the book and date choices select."""
        if not self.use_dates.isChecked():
            return ReceiptFilter(book=self.book.currentData())
        return ReceiptFilter(book=self.book.currentData(), date_from=self.date_from.value(),
                             date_to=self.date_to.value())

    def refresh(self) -> None:
        wanted = self.selected_receipts()
        self.loader.run(lambda books: receipt_register(books, wanted), self._show)

    def _show(self, register: list[dict]) -> None:
        rows = [{**r, "status": _status(r)} for r in register]
        self.model.set_rows(rows)
        live = [r for r in rows if not r["voided_at"]]
        self.summary.setText(f"{len(rows)} phiếu ({len(rows) - len(live)} đã hủy) · "
                             f"tổng thu {format_vnd(sum(r['amount'] for r in live))} đ")

    def selected(self) -> dict | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _pdf_path(self, name: str) -> Path:
        folder = self.books.data_dir.exports / "phieu-thu"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def print_selected(self):
        """The first print of a receipt is its original; any later one is stamped BẢN SAO. The preview logs
        the print when it is printed or saved, not when it is shown."""
        row = self.selected()
        if row is None:
            return None
        path = self._pdf_path(f"phieu-thu-{file_part(row['book'])}-{row['year']}-{row['number']:05d}-in-lai.pdf")

        def op(books):
            return write_receipt_pdf(books, [receipt_view(books, row["book"], row["number"], row["year"])], path)

        def printed(written) -> None:
            self.last_preview = ReceiptPreviewDialog(self.books, written,
                                                     f"Phiếu thu số {row['number']}/{row['year']}", self)
            self.last_preview.open()

        return run_op(self, self.books, op, printed, label="Đang in phiếu thu…")

    def open_void_requests(self):
        from ui.dialogs.void_requests import VoidRequestsDialog

        self.requests_dialog = VoidRequestsDialog(self.books, self)
        self.requests_dialog.open()
        return self.requests_dialog

    def void_selected(self) -> VoidReceiptDialog | None:
        row = self.selected()
        if row is None or row["voided_at"]:
            return None
        dialog = VoidReceiptDialog(self.books, row, self)
        dialog.receipt_voided.connect(self.receipt_voided)
        dialog.open()
        return dialog

    def print_batch(self):
        """Every receipt in the register as shown, into one PDF, in a worker with progress and Cancel."""
        wanted = [(r["book"], r["number"], r["year"]) for r in reversed(self.model.rows())]
        if not wanted:
            return None
        out = self._pdf_path(f"phieu-thu-in-loat-{clock.today():%Y%m%d}-{len(wanted)}.pdf")

        def op(books, progress, cancelled):
            views = []
            for i, (book, number, year) in enumerate(wanted, start=1):
                if cancelled():
                    raise Cancelled()
                views.append(receipt_view(books, book, number, year))
                progress(i, len(wanted) + 1)
            printed = write_receipt_pdf(books, views, out)
            progress(len(wanted) + 1, len(wanted) + 1)
            return printed

        def done(written) -> None:
            self.batch_printed.emit(str(out))
            self.last_preview = ReceiptPreviewDialog(self.books, written, f"In {len(wanted)} phiếu thu", self)
            self.last_preview.open()

        return run_op(self, self.books, op, done, label=f"Đang chuẩn bị {len(wanted)} phiếu thu…",
                      show_progress=True)
