"""Spend management cost (kinh phí quản lý): amount, date, what for, the project it belongs to (optional),
who receives the money. Save shows the confirmation (the amount in figures and words, what is left of the
allowance after it); only the confirmation writes the spending and its phiếu chi, which then opens in its
preview."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit

from desktop import clock
from desktop.books import Books
from desktop.dates import format_date
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.services import management
from desktop.services.projects import list_projects, require_project
from ui.confirm import ConfirmDialog, ask, money_line
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, MoneyEdit, fit_to_screen, lay_out_form_dialog, mark_invalid, searchable


class ManagementSpendDialog(QDialog):
    spent = Signal(object)  # the ManagementSpent outcome

    def __init__(self, books: Books, parent=None, *, project: str | None = None):
        super().__init__(parent)
        self.books = books
        self.result_info = None
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        self.setWindowTitle("Chi kinh phí quản lý")
        summary = management.summary(books.conn, clock.today())
        about = QLabel(f"Kinh phí quản lý đến hôm nay: được trích {format_vnd(summary['accrued'])} đ, đã chi "
                       f"{format_vnd(summary['spent'])} đ, còn <b>{format_vnd(summary['balance'])} đ</b>. Mỗi "
                       "khoản chi có phiếu chi riêng.")
        about.setWordWrap(True)
        self.amount = MoneyEdit()
        self.spent_on = DateEdit(clock.today())
        self.reason = QLineEdit(placeholderText="ví dụ: văn phòng phẩm, họp bình xét thôn Đông")
        self.project = searchable(QComboBox())
        self.project.addItem("Không gắn dự án (chung của xã)", None)
        for p in list_projects(books):
            self.project.addItem(f"{p['code']} — {p['name']}", p["code"])
        if project:
            self.project.setCurrentIndex(max(0, self.project.findData(project)))
        self.recipient = QLineEdit(placeholderText="để trống: thủ quỹ "
                                   + (books.setting("signer_cashier", "") or "của xã"))
        form = QFormLayout()
        form.addRow("Số tiền (đồng):", self.amount)
        form.addRow("Ngày chi:", self.spent_on)
        form.addRow("Nội dung chi:", self.reason)
        form.addRow("Dự án:", self.project)
        form.addRow("Người nhận tiền:", self.recipient)
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, self.error, save_text="&Ghi khoản chi… (Enter)", above=about)
        fit_to_screen(self, 560, 320)
        self.amount.setFocus()

    def submit(self) -> None:
        for widget in (self.amount, self.reason):
            mark_invalid(widget, False)
        if (self.confirmation is not None and self.confirmation.isVisible()) or \
                (self.task is not None and not self.task.delivered):
            return
        try:
            amount = self.amount.amount()
        except Refused as refusal:
            mark_invalid(self.amount, True)
            self.error.show_message(refusal.message)
            return
        reason = self.reason.text().strip()
        if not reason:
            mark_invalid(self.reason, True)
            self.error.show_message("Phải ghi nội dung chi kinh phí quản lý.")
            return
        on, project, recipient = self.spent_on.value(), self.project.currentData(), self.recipient.text().strip()
        try:
            left = self._left_after(amount, on, project)
        except Refused as refusal:
            mark_invalid(self.amount, True)
            self.error.show_message(refusal.message)
            return
        lines = [money_line(self.books, "Số tiền chi", amount),
                 f"Ngày chi: {format_date(on)} · nội dung: {escape(reason)}",
                 f"Dự án: {escape(self.project.currentText())}",
                 f"Người nhận tiền: {escape(recipient or self.recipient.placeholderText().removeprefix('để trống: '))}",
                 f"Kinh phí quản lý của xã còn <b>{format_vnd(left)} đ</b> sau khoản chi này"]
        self.confirmation = ask(self, "Xác nhận chi kinh phí quản lý", lines, "&Ghi khoản chi",
                                lambda: self._spend(amount, on, reason, project, recipient))

    def _left_after(self, amount: int, on, project: str | None) -> int:
        """What the commune keeps after the spending on its date; the same lowest-balance rule as the write
        says no before the confirmation rather than after it."""
        conn = self.books.conn
        scopes = ([(require_project(conn, project)["id"], f"dự án {project}")] if project else []) + [(None, "xã")]
        for project_id, where in scopes:
            low, low_day = management.low_point(conn, on, project_id)
            if amount > low:
                raise Refused(f"Kinh phí quản lý của {where} còn {format_vnd(max(low, 0))} đ (thấp nhất vào ngày "
                              f"{format_date(low_day)}): không chi được {format_vnd(amount)} đ ngày {format_date(on)}."
                              " Kinh phí chỉ được trích khi đã chi hỗ trợ từ ngân sách; hãy giảm số tiền hoặc chi "
                              "vào ngày sau.")
        return management.balance(conn, on) - amount

    def _spend(self, amount: int, on, reason: str, project: str | None, recipient: str) -> None:
        if self.task is not None and not self.task.delivered:
            return

        def done(outcome) -> None:
            self.result_info = outcome
            self.spent.emit(outcome)
            self.accept()
            from ui.dialogs.voucher_preview import open_payout_document

            self.document_task = open_payout_document(self.parentWidget() or self, self.books, outcome, holder=self)

        self.task = run_op(self, self.books,
                           lambda books: management.spend(books, amount, on, reason, project=project,
                                                          recipient=recipient),
                           done, refusal_shown_in(self.error, self), busy=self.save)
