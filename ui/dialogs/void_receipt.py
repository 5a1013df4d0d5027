"""Void a receipt: the reason is required and the clerk ticks a confirmation; the number stays used."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from desktop.books import Books
from desktop.dates import format_date
from desktop.money import format_vnd
from desktop.services.payments import void_receipt
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, mark_invalid


class VoidReceiptDialog(QDialog):
    receipt_voided = Signal(object)  # the ReceiptVoided outcome

    def __init__(self, books: Books, receipt: dict, parent=None):
        super().__init__(parent)
        self.books, self.receipt = books, receipt
        self.setWindowTitle(f"Hủy phiếu thu quyển {receipt['book']} số {receipt['number']}/{receipt['year']}")
        about = QLabel(f"Phiếu số <b>{receipt['number']}</b> ngày {format_date(receipt['issued_on'])}, hộ "
                       f"{receipt['household']} ({receipt['payer']}), <b>{format_vnd(receipt['amount'])} đ</b>.<br>"
                       "Phiếu bị hủy vẫn được giữ và giữ số; số tiền sẽ lại thành khoản hộ còn phải trả.")
        about.setWordWrap(True)
        self.reason = QLineEdit(placeholderText="ví dụ: ghi nhầm số tiền")
        # Valid before this day, voided from it: a report already made for an earlier period stays true.
        self.on = DateEdit()
        self.on.setToolTip("Phiếu vẫn có hiệu lực trước ngày này và bị hủy từ ngày này")
        self.confirm = QCheckBox("Tôi xác nhận hủy phiếu thu này")
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Lý do hủy:", self.reason)
        form.addRow("Hủy từ ngày:", self.on)
        form.addRow("", self.confirm)
        self.ok = QPushButton("Hủy phiếu")
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
        self.resize(520, 240)

    def submit(self) -> None:
        mark_invalid(self.reason, False)
        mark_invalid(self.confirm, False)
        if not self.reason.text().strip():
            mark_invalid(self.reason, True)
            self.error.show_message("Phải ghi lý do hủy phiếu thu.")
            return
        if not self.confirm.isChecked():
            mark_invalid(self.confirm, True)
            self.error.show_message("Hãy đánh dấu ô xác nhận trước khi hủy.")
            return
        r, reason, on = self.receipt, self.reason.text(), self.on.value()

        def voided(outcome) -> None:
            self.receipt_voided.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books, lambda books: void_receipt(books, r["book"], r["number"], reason,
                                                                        year=r["year"], on=on),
                           voided, refusal_shown_in(self.error, self))
