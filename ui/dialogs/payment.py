"""Thu hồi vốn: the payment dialog. Find the household by typing, see what it owes, Enter shows what the
receipt will say; only the confirmation records the payment through ``desktop.services.payments``, and the
receipt PDF opens in the preview."""

from __future__ import annotations

import uuid
from html import escape
from pathlib import Path

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

from desktop import clock
from desktop.books import Books
from desktop.dates import format_date
from desktop.errors import Refused, os_error_text
from desktop.money import format_vnd
from desktop.reports.receipt_prints import ReceiptsWritten
from desktop.reports.receipt_prints import write_receipt_pdf as write_receipts_pdf
from desktop.services.dashboard import household_dues, receipt_books
from desktop.services.households import HouseholdQuery, list_households
from desktop.services.payments import IssuedReceipt, PaymentInput, PaymentRecorded, record_payment
from desktop.services.projects import project_policy, require_project
from desktop.services.receipts import receipt_view
from desktop.validation import file_part
from ui.confirm import ConfirmDialog, ask, money_line, unusual_amount
from ui.household_picker import HouseholdPicker
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, MoneyEdit, fit_to_screen, mark_invalid


def receipt_pdf_path(books: Books, receipt: IssuedReceipt) -> Path:
    name = f"phieu-thu-{file_part(receipt.book)}-{receipt.year}-{receipt.number:05d}.pdf"
    return books.data_dir.exports / "phieu-thu" / name


def write_receipt_pdf(books: Books, receipt: IssuedReceipt, path: Path) -> ReceiptsWritten:
    """The receipt's PDF, built from the books after the payment was recorded (the original until one was
    printed); logged as printed only when the preview prints or saves it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused(f"Không tạo được thư mục {path.parent}: {os_error_text(exc)}.") from exc
    return write_receipts_pdf(books, [receipt_view(books, receipt.book, receipt.number, receipt.year)], path)


class PaymentDialog(QDialog):
    receipt_issued = Signal(dict)  # {"outcome": PaymentRecorded, "pdf": the receipt file written}

    def __init__(self, books: Books, parent=None, *, household: str | None = None, project: str | None = None):
        super().__init__(parent)
        self.books = books
        self.setWindowTitle("Thu hồi vốn — ghi phiếu thu")
        self.result_info: dict | None = None
        # One key for the payment this dialog takes: whatever happens after the button is pressed (a failed
        # print, a second Enter, a retry) the books hold at most one receipt for it.
        self.request_key = uuid.uuid4().hex
        self.outcome: PaymentRecorded | None = None
        self.task = None
        self.confirmation: ConfirmDialog | None = None
        self.household_code = ""
        self._household: dict = {}
        self._dues: list[dict] = []
        self.picker = HouseholdPicker(books)
        self.search = self.picker.search
        self.household_label = QLabel("Chưa chọn hộ.")
        self.household_label.setWordWrap(True)
        self.project = QComboBox()
        self.due_label = QLabel("")
        self.due_label.setWordWrap(True)
        self.amount = MoneyEdit()
        self.paid_on = DateEdit(clock.today())
        # Receipts go into a book in date order; money taken earlier and forgotten goes into another book,
        # which the clerk opens by typing its name here.
        self.book = QComboBox()
        self.book.setEditable(True)
        self.book.addItems(receipt_books(books))
        self.book.setCurrentText(books.setting("receipt_book", "01"))
        self.book.setToolTip("Quyển phiếu thu. Phiếu trong một quyển ghi theo thứ tự ngày; tiền thu từ trước "
                             "mà quên ghi thì ghi vào một quyển khác (gõ tên quyển mới).")
        self.payer = QLineEdit()
        self.in_kind_box = QCheckBox("Nộp bằng hiện vật")
        self.in_kind = QLineEdit(placeholderText="Mô tả hiện vật (ví dụ: 1 con bê cái 8 tháng tuổi)")
        self.in_kind.setEnabled(False)
        self.error = ErrorLabel()
        self.ok = QPushButton("&Ghi phiếu thu… (Enter)")
        self.ok.setDefault(True)
        self.cancel = QPushButton("&Hủy (Esc)")
        form = QFormLayout()
        form.addRow("Tìm hộ:", self.picker)
        form.addRow("Hộ nộp:", self.household_label)
        form.addRow("Dự án:", self.project)
        form.addRow("Còn phải trả:", self.due_label)
        form.addRow("Số tiền (đồng):", self.amount)
        form.addRow("Ngày thu:", self.paid_on)
        form.addRow("Quyển phiếu thu:", self.book)
        form.addRow("Người nộp:", self.payer)
        form.addRow(self.in_kind_box, self.in_kind)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.picker.household_chosen.connect(lambda row: self.choose_household(row["code"]))
        self.project.currentIndexChanged.connect(self._project_changed)
        self.amount.textChanged.connect(self._check_amount)
        self.in_kind_box.toggled.connect(self.in_kind.setEnabled)
        self.ok.clicked.connect(self.record)
        self.cancel.clicked.connect(self.reject)
        fit_to_screen(self, 620, 470)
        if household:
            self.choose_household(household, project)
        else:
            self.search.setFocus()

    # ------------------------------------------------------------------ choosing
    def choose_household(self, code: str, project: str | None = None) -> None:
        try:
            self._dues = [d for d in household_dues(self.books, code) if d["outstanding"] > 0]
            row = list_households(self.books, HouseholdQuery(search=code), limit=30)
        except Refused as refusal:
            self.error.show_message(refusal.message)
            return
        head = next((r for r in row if r["code"] == code.upper()), None)
        self.household_code = code.upper()
        self._household = dict(head) if head else {"code": self.household_code, "head_name": "", "hamlet": ""}
        name = head["head_name"] if head else ""
        self.household_label.setText(f"<b>{self.household_code}</b> — {name}"
                                     + (f", {head['hamlet']}" if head else ""))
        self.payer.setText(name)
        self.project.blockSignals(True)
        self.project.clear()
        for due in self._dues:
            self.project.addItem(f"{due['project']} — {due['project_name']}", due["project"])
        self.project.blockSignals(False)
        if not self._dues:
            self.due_label.setText("Hộ này không còn khoản nào phải trả.")
            self.amount.clear()
            self.ok.setEnabled(False)
            return
        index = max(0, self.project.findData(project)) if project else 0
        self.project.setCurrentIndex(index)
        self._project_changed()
        self.amount.setFocus()
        self.amount.selectAll()

    def _current_due(self) -> dict | None:
        index = self.project.currentIndex()
        return self._dues[index] if 0 <= index < len(self._dues) else None

    def _project_changed(self) -> None:
        due = self._current_due()
        if due is None:
            return
        if due["overdue"]:  # the oldest unpaid installment is late: say so, not "next"
            next_text = (f"; <span style='color:#b00020'>quá hạn {format_vnd(due['overdue'])} đ từ "
                         f"{format_date(due['overdue_since'])}</span>")
        elif due["next_due_on"]:
            next_text = f"; kỳ tới {format_vnd(due['next_amount'])} đ, hạn {format_date(due['next_due_on'])}"
        else:
            next_text = ""
        self.due_label.setText(f"<b>{format_vnd(due['outstanding'])} đ</b>{next_text}")
        self.amount.set_amount(due["next_amount"] or due["outstanding"])
        self._check_amount()

    def _check_amount(self) -> bool:
        """Live check: a wrong or too large amount turns the field red and the button off, before Enter."""
        due = self._current_due()
        try:
            amount = self.amount.amount()
            if amount <= 0:
                raise Refused("Số tiền nộp phải lớn hơn 0.")
            if due is not None and amount > due["outstanding"]:
                raise Refused(f"Số tiền {format_vnd(amount)} đ lớn hơn số hộ còn phải trả "
                              f"{format_vnd(due['outstanding'])} đ.")
        except Refused as refusal:
            mark_invalid(self.amount, True)
            self.error.show_message(refusal.message)
            self.ok.setEnabled(False)
            return False
        mark_invalid(self.amount, False)
        self.error.show_message("")
        self.ok.setEnabled(due is not None)
        return True

    # ------------------------------------------------------------------ recording
    def record(self):
        """Enter: show what the receipt will say; the confirmation records the payment (once), then the
        receipt is written and shown."""
        if self.outcome is not None:  # recorded already: the button now only prints the receipt again
            return self.print_receipt()
        if self.task is not None and not self.task.delivered:
            return None  # a second Enter while the first is being written
        if self.confirmation is not None and self.confirmation.isVisible():
            return None
        due = self._current_due()
        if due is None or not self._check_amount():
            return None
        in_kind = self.in_kind.text().strip() if self.in_kind_box.isChecked() else ""
        if self.in_kind_box.isChecked() and not in_kind:
            mark_invalid(self.in_kind, True)
            self.error.show_message("Hãy mô tả hiện vật hộ nộp.")
            return None
        mark_invalid(self.in_kind, False)
        data = PaymentInput(project=due["project"], household=self.household_code, amount=self.amount.amount(),
                            paid_on=self.paid_on.value(), payer=self.payer.text(), in_kind=in_kind,
                            book=self.book.currentText(), request_key=self.request_key)
        self.confirmation = self._confirm(data, due)
        return self.confirmation

    def _confirm(self, data: PaymentInput, due: dict) -> ConfirmDialog:
        """The receipt as it will be issued, and what the household still owes after it."""
        h = self._household
        lines = [f"Hộ: <b>{escape(h['code'])}</b> — {escape(h['head_name'])}, {escape(h['hamlet'] or '')}",
                 f"Dự án: {escape(due['project'])} — {escape(due['project_name'])}",
                 money_line(self.books, "Số tiền", data.amount),
                 f"Ngày thu: {format_date(data.paid_on)} · quyển {escape(data.book)} · người nộp "
                 f"{escape(data.payer)}" + (f" · hiện vật: {escape(data.in_kind)}" if data.in_kind else ""),
                 f"Còn phải trả sau phiếu này: <b>{format_vnd(due['outstanding'] - data.amount)} đ</b>"]
        try:
            unit = project_policy(require_project(self.books.conn, due["project"])).rounding_unit
        except Refused:
            unit = 1
        notes = unusual_amount(data.amount, unit, above=due["next_amount"] or None, above_what="kỳ tới phải trả")
        return ask(self, "Xác nhận ghi phiếu thu", lines, "&Ghi phiếu thu", lambda: self._issue(data), notes=notes)

    def _issue(self, data: PaymentInput):
        if self.outcome is not None or (self.task is not None and not self.task.delivered):
            return self.task
        self.task = run_op(self, self.books, lambda books: record_payment(books, data), self._recorded,
                           refusal_shown_in(self.error, self), busy=self.ok)
        return self.task

    def _recorded(self, outcome: PaymentRecorded) -> None:
        """The payment is in the books: nothing on the form may change it any more; print its receipt."""
        self.outcome = outcome
        self.due_label.setText(f"Sau phiếu này còn phải trả <b>{format_vnd(outcome.outstanding)} đ</b>")
        for widget in (self.picker, self.project, self.amount, self.paid_on, self.book, self.payer,
                       self.in_kind_box, self.in_kind):
            widget.setEnabled(False)
        self.print_receipt()

    def print_receipt(self):
        receipt = self.outcome.receipt
        path = receipt_pdf_path(self.books, receipt)

        def printed(written: ReceiptsWritten) -> None:
            self.result_info = {"outcome": self.outcome, "receipt": self.outcome.receipt, "pdf": str(path),
                                "written": written}
            self.receipt_issued.emit(self.result_info)
            self.accept()

        def not_printed(exc: BaseException) -> None:
            reason = exc.message if isinstance(exc, Refused) else str(exc)
            self.error.show_message(
                f"Đã ghi phiếu thu số {receipt.number}/{receipt.year} ({format_vnd(receipt.amount)} đ), "
                f"chưa in được: {reason} Khắc phục rồi bấm “In lại phiếu”; phiếu không bị ghi thêm lần nữa.")
            self.ok.setText("&In lại phiếu (Enter)")
            self.cancel.setText("Đó&ng (Esc)")

        self.task = run_op(self, self.books, lambda books: write_receipt_pdf(books, receipt, path), printed,
                           not_printed, label="Đang in phiếu thu…", busy=self.ok)
        return self.task
