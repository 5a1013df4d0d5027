"""Add or edit a household, with the service's checks shown on the form: the wrong field turns red, the
reason is written under it in Vietnamese, and nothing the clerk typed is lost."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
)

from desktop.books import Books
from desktop.domain import Category
from desktop.errors import Refused
from desktop.idnumbers import read_identity
from desktop.services.hamlets import list_hamlets
from desktop.services.households import (
    HouseholdChanges,
    HouseholdInput,
    add_household,
    edit_household,
    next_household_code,
)
from desktop.text import fold
from ui.errors import show_error
from ui.operations import run_op
from ui.widgets import DateEdit, ErrorLabel, fit_to_screen, lay_out_form_dialog, mark_invalid, searchable

# Which field a refusal is about, found from words the service's messages use.
_FIELD_WORDS = (("cccd", "id_number"), ("cmnd", "id_number"), ("ma ho", "code"), ("ho ten", "head_name"),
                ("nhan khau", "members"), ("thon", "hamlet"), ("ngay", "category_on"))


class HouseholdForm(QDialog):
    household_saved = Signal(str)  # the household code

    def __init__(self, books: Books, parent=None, *, household: dict | None = None):
        super().__init__(parent)
        self.books = books
        self.editing = household
        self.setWindowTitle("Sửa thông tin hộ" if household else "Thêm hộ gia đình")
        self.code = QLineEdit(household["code"] if household else next_household_code(books))
        self.code.setReadOnly(bool(household))
        self.head_name = QLineEdit(household["head_name"] if household else "")
        self.hamlet = QComboBox()
        for hamlet in list_hamlets(books):
            self.hamlet.addItem(hamlet["name"])
        self.category = QComboBox()
        for category in Category:
            self.category.addItem(category.label, category)
        self.category_on = DateEdit()
        self.id_number = QLineEdit(placeholderText="12 chữ số (CCCD) hoặc để trống")
        # An old 9-digit CMND is accepted but kept in the notes: say so before the clerk saves.
        self.id_hint = QLabel("")
        self.id_hint.setWordWrap(True)
        self.id_hint.setStyleSheet("color: #8a5a00;")
        self.id_hint.hide()
        self.id_number.textChanged.connect(self._show_id_hint)
        self.members = QSpinBox()
        self.members.setRange(0, 99)
        self.members.setSpecialValueText("chưa rõ")
        self.phone = QLineEdit()
        self.ethnic_minority = QCheckBox("Dân tộc thiểu số")
        self.female_head = QCheckBox("Chủ hộ là nữ")
        self.notes = QLineEdit()
        if household:
            self.hamlet.setCurrentText(household["hamlet"])
            self.id_number.setText(household.get("id_number") or "")
            self.members.setValue(household.get("members") or 0)
            self.phone.setText(household.get("phone") or "")
            self.ethnic_minority.setChecked(bool(household.get("ethnic_minority")))
            self.female_head.setChecked(bool(household.get("female_head")))
            self.notes.setText(household.get("notes") or "")
        searchable(self.hamlet)  # after the household's hamlet is chosen from the list
        form = QFormLayout()
        form.addRow("Mã hộ:", self.code)
        form.addRow("Họ tên chủ hộ:", self.head_name)
        form.addRow("Thôn:", self.hamlet)
        if not household:  # a later category is a poverty review (Hộ gia đình → Xếp loại), never an edit
            form.addRow("Phân loại:", self.category)
            form.addRow("Xếp loại từ ngày:", self.category_on)
        form.addRow("Số CCCD:", self.id_number)
        form.addRow("", self.id_hint)
        form.addRow("Số nhân khẩu:", self.members)
        form.addRow("Điện thoại:", self.phone)
        form.addRow("", self.ethnic_minority)
        form.addRow("", self.female_head)
        form.addRow("Ghi chú:", self.notes)
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, self.error)
        fit_to_screen(self, 520, 460)
        self.head_name.setFocus()  # the code is filled in already (and fixed when editing)

    def _show_id_hint(self, text: str) -> None:
        try:
            warning = read_identity(text).warning
        except Refused:
            warning = ""  # a malformed number is refused on saving, with the reason beside the field
        self.id_hint.setText(warning[:1].upper() + warning[1:] + "." if warning else "")
        self.id_hint.setVisible(bool(warning))

    def _fields(self) -> dict:
        return {"code": self.code, "head_name": self.head_name, "hamlet": self.hamlet, "id_number": self.id_number,
                "members": self.members, "category_on": self.category_on}

    def _show_refusal(self, message: str) -> None:
        folded = fold(message)
        for words, name in _FIELD_WORDS:
            if words in folded:
                mark_invalid(self._fields()[name], True)
                self._fields()[name].setFocus()
                break
        self.error.show_message(message)

    def submit(self) -> None:
        for widget in self._fields().values():
            mark_invalid(widget, False)
        if not self.head_name.text().strip():
            self._show_refusal("Chưa nhập họ tên chủ hộ.")
            return
        members = self.members.value() or None
        if self.editing:
            code = self.editing["code"]
            changes = HouseholdChanges(
                head_name=self.head_name.text(), hamlet=self.hamlet.currentText(), id_number=self.id_number.text(),
                members=members, phone=self.phone.text(), ethnic_minority=self.ethnic_minority.isChecked(),
                female_head=self.female_head.isChecked(), notes=self.notes.text())

            def op(books):
                return edit_household(books, code, changes)
        else:
            data = HouseholdInput(
                code=self.code.text(), head_name=self.head_name.text(), hamlet=self.hamlet.currentText(),
                category=self.category.currentData(), category_on=self.category_on.value(),
                id_number=self.id_number.text().strip() or None, members=members, phone=self.phone.text(),
                ethnic_minority=self.ethnic_minority.isChecked(), female_head=self.female_head.isChecked(),
                notes=self.notes.text())

            def op(books):
                return add_household(books, data)

        def saved(outcome) -> None:
            self.household_saved.emit(outcome.code)
            self.accept()

        def failed(exc) -> None:
            if isinstance(exc, Refused):
                self._show_refusal(exc.message)
            else:
                show_error(self, exc)

        self.task = run_op(self, self.books, op, saved, failed)
