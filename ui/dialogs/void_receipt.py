"""Void a receipt: the reason is required and the clerk confirms what the void does (what the household owes
again, what the fund keeps); the number stays used."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit

from desktop.books import Books
from desktop.dates import format_date
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.queries.rules import fund_room
from desktop.services.dashboard import household_dues
from desktop.services.payments import void_receipt
from desktop.services.projects import require_project
from desktop.services.two_person import two_person_voids
from desktop.services.void_requests import request_receipt_void
from ui.confirm import ConfirmDialog, ask, household_line, money_line
from ui.dialogs.void_requests import ask_for_void, confirm_lines, requester_row
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, fit_to_screen, lay_out_form_dialog, mark_invalid


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
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Lý do hủy:", self.reason)
        form.addRow("Hủy từ ngày:", self.on)
        self.requester = requester_row(books, form)  # two-person voids: who asks
        self.result_info = None
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        self.ok = lay_out_form_dialog(self, form, self.error, save_text="Hủy &phiếu…",
                                      cancel_text="&Không hủy (Esc)", above=about, default=False)
        fit_to_screen(self, 520, 240)

    def submit(self) -> None:
        """Check the reason, then show the confirmation; only the confirmation voids the receipt."""
        mark_invalid(self.reason, False)
        if not self.reason.text().strip():
            mark_invalid(self.reason, True)
            self.error.show_message("Phải ghi lý do hủy phiếu thu.")
            return
        if (self.confirmation is not None and self.confirmation.isVisible()) or \
                (self.task is not None and not self.task.delivered):
            return
        r, reason, on = self.receipt, self.reason.text().strip(), self.on.value()
        lines = [f"Hủy phiếu thu quyển {escape(str(r['book']))} số <b>{r['number']}/{r['year']}</b> ngày "
                 f"{format_date(r['issued_on'])}",
                 household_line(self.books, r["household"]),
                 money_line(self.books, "Số tiền của phiếu", r["amount"]),
                 f"Hủy từ ngày: {format_date(on)} · lý do: {escape(reason)}", *self._consequence(on)]
        verb = "&Gửi yêu cầu hủy" if two_person_voids(self.books.conn) else "&Hủy phiếu thu"
        self.confirmation = ask(self, "Xác nhận hủy phiếu thu", lines + confirm_lines(self.books), verb,
                                lambda: self._void(reason, on))

    def _consequence(self, on) -> list[str]:
        """What the household owes again and what the fund keeps, when the receipt's project is known."""
        r = self.receipt
        if not r.get("project"):
            return [f"Số tiền {format_vnd(r['amount'])} đ lại thành khoản hộ còn phải trả."]
        try:
            owed = next((d["outstanding"] for d in household_dues(self.books, r["household"])
                         if d["project"] == r["project"]), 0)
            fund = fund_room(self.books.conn, require_project(self.books.conn, r["project"])["id"], on).balance
        except Refused:
            return [f"Số tiền {format_vnd(r['amount'])} đ lại thành khoản hộ còn phải trả."]
        return [f"Hộ còn phải trả sau khi hủy: <b>{format_vnd(owed + r['amount'])} đ</b>",
                f"Quỹ còn <b>{format_vnd(fund - r['amount'])} đ</b> sau khi hủy"]

    def _void(self, reason: str, on) -> None:
        if self.task is not None and not self.task.delivered:
            return
        r = self.receipt
        if two_person_voids(self.books.conn):
            self.task = ask_for_void(self, self.books, self.requester, lambda books: request_receipt_void(
                books, r["book"], r["number"], reason, year=r["year"], on=on), self.ok)
            return

        def voided(outcome) -> None:
            self.receipt_voided.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books, lambda books: void_receipt(books, r["book"], r["number"], reason,
                                                                        year=r["year"], on=on),
                           voided, refusal_shown_in(self.error, self), busy=self.ok)
