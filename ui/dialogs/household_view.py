"""One household's file: details and category history, projects and supports, schedule, receipts."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
)

from desktop.books import Books
from desktop.dates import format_date
from desktop.domain import Category, FundingSource
from desktop.services.dashboard import household_file
from ui.dialogs.category_review import CategoryReviewDialog
from ui.record_model import RecordTableModel
from ui.widgets import compact, fit_to_screen

CATEGORY_COLUMNS = [("effective_on", "Từ ngày", "date"), ("label", "Phân loại", "text"), ("note", "Ghi chú", "text")]
MEMBERSHIP_COLUMNS = [("project", "Dự án", "text"), ("project_name", "Tên dự án", "text"), ("round", "Vòng", "number"),
                      ("source_label", "Nguồn vốn", "text"), ("supported_on", "Ngày hỗ trợ", "date"),
                      ("support_amount", "Hỗ trợ", "money"), ("to_return", "Phải hoàn trả", "money"),
                      ("status", "Trạng thái", "text")]
SCHEDULE_COLUMNS = [("project", "Dự án", "text"), ("seq", "Kỳ", "number"), ("due_on", "Hạn trả", "date"),
                    ("amount", "Phải trả", "money"), ("paid", "Đã trả", "money"), ("outstanding", "Còn nợ", "money")]
RECEIPT_COLUMNS = [("book", "Quyển", "text"), ("number", "Số", "number"), ("issued_on", "Ngày", "date"),
                   ("project", "Dự án", "text"), ("amount", "Số tiền", "money"), ("status", "Tình trạng", "text")]


def _table(columns, rows) -> QTableView:
    model = RecordTableModel(columns)
    model.set_rows(rows)
    table = QTableView()
    table.setModel(model)
    model.setParent(table)
    compact(table)
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


class HouseholdView(QDialog):
    edit_requested = Signal(str)
    payment_requested = Signal(str)

    def __init__(self, books: Books, code: str, parent=None):
        super().__init__(parent)
        self.books = books
        data = household_file(books, code)
        self.data = data
        h = data["household"]
        self.setWindowTitle(f"Hộ {h['code']} — {h['head_name']}")
        flags = [t for t, on in (("dân tộc thiểu số", h["ethnic_minority"]), ("chủ hộ nữ", h["female_head"])) if on]
        current = data["categories"][-1] if data["categories"] else None
        summary = QLabel(
            f"<b>{h['code']} — {h['head_name']}</b><br>{h['hamlet']}"
            f" · CCCD: {h['id_number'] or 'chưa có'} · Nhân khẩu: {h['members'] or 'chưa rõ'}"
            f" · Điện thoại: {h['phone'] or '—'}"
            + (f"<br>Phân loại hiện tại: <b>{Category(current['category']).label}</b> từ "
               f"{format_date(current['effective_on'])}" if current else "")
            + (f" · {', '.join(flags)}" if flags else ""))
        summary.setWordWrap(True)
        tabs = QTabWidget()
        categories = [{**c, "label": Category(c["category"]).label} for c in data["categories"]]
        # A voided support or receipt stays listed, grey, with the date its void took effect.
        memberships = [{**m, "source_label": FundingSource(m["source"]).label,
                        "status": f"Đã hủy từ {format_date(m['voided_on'])}: {m['void_reason']}" if m["voided_at"]
                        else ""} for m in data["memberships"]]
        receipts = [{**r, "status": f"Đã hủy từ {format_date(r['voided_on'])}: {r['void_reason']}"
                     if r["voided_at"] else ("Hiện vật" if r["method"] == "in_kind" else "Tiền mặt")}
                    for r in data["receipts"]]
        tabs.addTab(_table(CATEGORY_COLUMNS, categories), "Lịch sử phân loại")
        tabs.addTab(_table(MEMBERSHIP_COLUMNS, memberships), f"Dự án ({len(memberships)})")
        tabs.addTab(_table(SCHEDULE_COLUMNS, data["schedule"]), "Lịch hoàn trả")
        tabs.addTab(_table(RECEIPT_COLUMNS, receipts), f"Phiếu thu ({len(receipts)})")
        self.tabs = tabs
        edit = QPushButton("&Sửa thông tin…")
        review = QPushButton("&Xếp loại lại…")
        review.clicked.connect(lambda: self.review_category(h["code"]))
        pay = QPushButton("&Thu tiền…")
        close = QPushButton("Đó&ng")
        edit.clicked.connect(lambda: (self.edit_requested.emit(h["code"]), self.accept()))
        pay.clicked.connect(lambda: (self.payment_requested.emit(h["code"]), self.accept()))
        pay.setEnabled(any(s["outstanding"] > 0 for s in data["schedule"]))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(edit)
        buttons.addWidget(review)
        buttons.addWidget(pay)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(tabs, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 820, 520)

    def review_category(self, code: str) -> CategoryReviewDialog:
        dialog = CategoryReviewDialog(self.books, code, self)
        dialog.category_set.connect(lambda _: self._reload_categories(code))
        dialog.open()
        return dialog

    def _reload_categories(self, code: str) -> None:
        categories = [{**c, "label": Category(c["category"]).label}
                      for c in household_file(self.books, code)["categories"]]
        self.tabs.widget(0).model().set_rows(categories)
