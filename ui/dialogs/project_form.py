"""Register a project: programme and component from the catalogue, approval decision, budget by source."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
)

from desktop.books import Books
from desktop.errors import Refused
from desktop.policy import load_policy, policy_files
from desktop.services.dashboard import programme_choices
from desktop.services.projects import ProjectInput, add_project
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, MoneyEdit, lay_out_form_dialog, mark_invalid, searchable

BUDGETS = (("budget_central", "Ngân sách trung ương:"), ("budget_local", "Ngân sách địa phương:"),
           ("budget_other", "Vốn huy động khác:"), ("budget_counterpart", "Vốn đối ứng của hộ:"))


class ProjectForm(QDialog):
    project_saved = Signal(str)

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.setWindowTitle("Đăng ký dự án")
        self.code = QLineEdit(placeholderText="ví dụ DA01")
        self.name = QLineEdit(placeholderText="ví dụ Nuôi bò sinh sản thôn Đông")
        self.programme = QComboBox()
        self.programme.addItem("(không thuộc chương trình)", None)
        self._programmes = programme_choices(books)
        for programme in self._programmes:
            self.programme.addItem(f"{programme['code']} — {programme['name']}", programme["code"])
        self.programme.setMaximumWidth(420)
        self.component = QComboBox()
        self.programme.currentIndexChanged.connect(self._programme_changed)
        self.policy = QComboBox()
        for path in policy_files(books.data_dir.policies):
            try:
                policy = load_policy(path)
            except Refused:
                continue  # a copy the rules no longer accept; Cài đặt lists it with the reason
            # The policy's name is what the clerk knows; its internal code only in the tooltip.
            self.policy.addItem(policy.name, str(path))
            self.policy.setItemData(self.policy.count() - 1, policy.code, Qt.ItemDataRole.ToolTipRole)
        self.policy.setMaximumWidth(420)
        for combo in (self.programme, self.policy):
            searchable(combo)
        self.decision_number = QLineEdit()
        self.has_date = QCheckBox("Có ngày quyết định")
        self.decision_date = DateEdit()
        self.authority = QLineEdit("UBND xã")
        self.budgets = {key: MoneyEdit() for key, _ in BUDGETS}
        form = QFormLayout()
        form.addRow("Mã dự án:", self.code)
        form.addRow("Tên dự án:", self.name)
        form.addRow("Chương trình:", self.programme)
        form.addRow("Dự án thành phần:", self.component)
        form.addRow("Quy định quỹ:", self.policy)
        form.addRow("Số quyết định:", self.decision_number)
        row = QHBoxLayout()
        row.addWidget(self.has_date)
        row.addWidget(self.decision_date, 1)
        form.addRow("Ngày quyết định:", row)
        form.addRow("Cơ quan phê duyệt:", self.authority)
        for key, label in BUDGETS:
            self.budgets[key].setText("0")
            form.addRow(label, self.budgets[key])
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, self.error)
        self._programme_changed()

    def _programme_changed(self) -> None:
        self.component.clear()
        self.component.addItem("", "")
        code = self.programme.currentData()
        for programme in self._programmes:
            if programme["code"] == code:
                for component in programme["components"]:
                    self.component.addItem(component, component)

    def submit(self) -> None:
        fields = [self.code, self.name, *self.budgets.values()]
        for widget in fields:
            mark_invalid(widget, False)
        budgets = {}
        for key, widget in self.budgets.items():
            try:
                budgets[key] = widget.amount() if widget.text().strip() else 0
            except Refused as refusal:
                mark_invalid(widget, True)
                self.error.show_message(refusal.message)
                return
        data = ProjectInput(code=self.code.text(), name=self.name.text(), programme=self.programme.currentData(),
                            component=self.component.currentData() or "", policy=self.policy.currentData(),
                            decision_number=self.decision_number.text(),
                            decision_date=self.decision_date.value() if self.has_date.isChecked() else None,
                            decision_authority=self.authority.text(), **budgets)
        def saved(outcome) -> None:
            self.project_saved.emit(outcome.code)
            self.accept()

        def mark(refusal: Refused) -> None:
            text = refusal.message.lower()
            if "mã dự án" in text:
                mark_invalid(self.code, True)
            elif "tên dự án" in text:
                mark_invalid(self.name, True)

        self.task = run_op(self, self.books, lambda books: add_project(books, data), saved,
                           refusal_shown_in(self.error, self, also=mark))
