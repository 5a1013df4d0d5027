"""Record the outcome of a poverty review for one household (xếp loại lại); earlier categories stay."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit

from desktop.books import Books
from desktop.domain import Category
from desktop.errors import Refused
from desktop.services.households import set_category
from ui.widgets import DateEdit, ErrorLabel, lay_out_form_dialog, mark_invalid


class CategoryReviewDialog(QDialog):
    category_set = Signal(dict)

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
        self.save = lay_out_form_dialog(self, form, self.error, save_text="Ghi (Enter)")

    def submit(self) -> None:
        mark_invalid(self.effective_on, False)
        try:
            result = set_category(self.books, self.code, self.category.currentData(), self.effective_on.value(),
                                  self.note.text())
        except Refused as refusal:
            mark_invalid(self.effective_on, True)
            self.error.show_message(refusal.message)
            return
        self.category_set.emit(result)
        self.accept()
