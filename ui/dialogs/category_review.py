"""Record the outcome of a poverty review for one household (xếp loại lại); earlier categories stay."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit

from desktop.books import Books
from desktop.domain import Category
from desktop.services.households import set_category
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, lay_out_form_dialog, mark_invalid


class CategoryReviewDialog(QDialog):
    category_set = Signal(object)  # the CategorySet outcome

    def __init__(self, books: Books, code: str, parent=None):
        super().__init__(parent)
        self.books, self.code = books, code
        self.setWindowTitle(f"Xếp loại lại hộ {code}")
        self.category = QComboBox()
        for category in Category:
            self.category.addItem(category.label, category)
        self.effective_on = DateEdit()
        self.note = QLineEdit(placeholderText="ví dụ: kết quả rà soát cuối năm")
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Phân loại mới:", self.category)
        form.addRow("Có hiệu lực từ:", self.effective_on)
        form.addRow("Ghi chú:", self.note)
        self.save = lay_out_form_dialog(self, form, self.error, save_text="&Ghi (Enter)")

    def submit(self) -> None:
        mark_invalid(self.effective_on, False)
        code, category, on, note = self.code, self.category.currentData(), self.effective_on.value(), self.note.text()

        def done(outcome) -> None:
            self.category_set.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books, lambda books: set_category(books, code, category, on, note), done,
                           refusal_shown_in(self.error, self, also=lambda _: mark_invalid(self.effective_on, True)))
