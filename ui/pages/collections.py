"""Thu hồi vốn: who owes now (overdue, or due within 30 days), and the payment dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop import clock
from desktop.books import Books
from desktop.changes import Changes
from desktop.money import format_vnd
from desktop.services.schedules import due_list
from desktop.text import fold
from ui.operations import subscribe
from ui.record_model import RecordTableModel, fit_columns
from ui.widgets import compact, page_title
from ui.workers import Loader

COLUMNS = [("hamlet", "Thôn", "text"), ("household", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"),
           ("project", "Dự án", "text"), ("seq", "Kỳ", "number"), ("due_on", "Hạn trả", "date"),
           ("outstanding", "Còn phải trả", "money"), ("days_overdue", "Ngày quá hạn", "number")]


# The due list: installments, what was paid on them, the households and hamlets they belong to.
SHOWS = Changes.SCHEDULES | Changes.RECEIPTS | Changes.SUPPORTS | Changes.HOUSEHOLDS | Changes.HAMLETS


class CollectionsPage(QWidget):
    payment_requested = Signal(str, str)  # household code ("" = let the clerk search), project code

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.model = RecordTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        fit_columns(self.table, stretch=2)
        self.table.doubleClicked.connect(lambda index: self.take_payment(index.row()))
        self.filter = QLineEdit(placeholderText="Lọc theo tên, mã hộ, thôn (không dấu cũng được)")
        self.filter.textChanged.connect(self._apply_filter)
        self.summary = QLabel()
        new = QPushButton("&Ghi phiếu thu mới… (F2)")
        new.clicked.connect(lambda: self.payment_requested.emit("", ""))
        pay = QPushButton("&Thu tiền hộ đã chọn…")
        pay.clicked.connect(lambda: self.take_payment(self.table.currentIndex().row()))
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(new)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(pay)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Thu hồi vốn — quá hạn và đến hạn trong 30 ngày"))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._rows: list[dict] = []
        self.loader = Loader(self, books)
        self.refresh()
        subscribe(self, SHOWS, self.refresh)

    def refresh(self) -> None:
        self.loader.run(lambda books: due_list(books, clock.today(), within_days=30), self._show)

    def _show(self, result: dict) -> None:
        self._rows = result["rows"]
        self.summary.setText(f"{len(self._rows)} kỳ trả · còn phải thu {format_vnd(result['total_outstanding'])} đ"
                             f" · trong đó quá hạn {format_vnd(result['total_overdue'])} đ")
        self._apply_filter()

    def _apply_filter(self) -> None:
        words = fold(self.filter.text()).split()
        rows = [r for r in self._rows
                if all(w in fold(f"{r['household']} {r['head_name']} {r['hamlet']}") for w in words)]
        self.model.set_rows(rows)

    def take_payment(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            due = self.model.row(row)
            self.payment_requested.emit(due["household"], due["project"])
