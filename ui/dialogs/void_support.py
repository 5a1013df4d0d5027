"""Void a support recorded by mistake: the clerk picks the support, gives a reason and the date the void
takes effect, and ticks a confirmation. The core refuses while a valid receipt or a re-lend rests on it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop.books import Books
from desktop.dates import format_date
from desktop.money import format_vnd
from desktop.services.support_void import void_support
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, mark_invalid


class VoidSupportDialog(QDialog):
    support_voided = Signal(object)  # the SupportVoided outcome

    def __init__(self, books: Books, project: str, members: list[dict], parent=None):
        """``members``: the project's supports (``project_members``); only those not voided are offered."""
        super().__init__(parent)
        self.books, self.project = books, project
        self.setWindowTitle(f"Hủy khoản hỗ trợ — dự án {project}")
        about = QLabel("Khoản hỗ trợ bị hủy vẫn được giữ trong sổ; từ ngày hủy, khoản đó và lịch hoàn trả của nó "
                       "không còn được tính. Phải hủy trước các phiếu thu đã nộp vào khoản này.")
        about.setWordWrap(True)
        self.support = QComboBox()
        self.choices = [m for m in members if not m.get("voided_on")]
        for m in self.choices:
            self.support.addItem(f"{m['code']} — {m['head_name']} — vòng {m['round']}, "
                                 f"{format_date(m['supported_on'])}, {format_vnd(m['support_amount'])} đ")
        self.reason = QLineEdit(placeholderText="ví dụ: ghi nhầm hộ")
        self.on = DateEdit()
        self.confirm = QCheckBox("Tôi xác nhận hủy khoản hỗ trợ này")
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Khoản hỗ trợ:", self.support)
        form.addRow("Lý do hủy:", self.reason)
        form.addRow("Hủy từ ngày:", self.on)
        form.addRow("", self.confirm)
        self.ok = QPushButton("Hủy khoản hỗ trợ")
        self.ok.setEnabled(bool(self.choices))
        cancel = QPushButton("Không hủy (Esc)")
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(600, 280)

    def submit(self) -> None:
        mark_invalid(self.reason, False)
        mark_invalid(self.confirm, False)
        if not self.reason.text().strip():
            mark_invalid(self.reason, True)
            self.error.show_message("Phải ghi lý do hủy khoản hỗ trợ.")
            return
        if not self.confirm.isChecked():
            mark_invalid(self.confirm, True)
            self.error.show_message("Hãy đánh dấu ô xác nhận trước khi hủy.")
            return
        chosen = self.choices[self.support.currentIndex()]
        project, reason, on = self.project, self.reason.text(), self.on.value()

        def voided(outcome) -> None:
            self.support_voided.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books,
                           lambda books: void_support(books, project, chosen["code"], reason,
                                                      round=chosen["round"], on=on),
                           voided, refusal_shown_in(self.error, self))
