"""Void a support recorded by mistake: the clerk picks the support, gives a reason and the date the void
takes effect, and confirms what the void does. The core refuses while a valid receipt or a re-lend rests
on it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from desktop.books import Books
from desktop.dates import format_date
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.queries.rules import fund_room
from desktop.services.projects import require_project
from desktop.services.support_void import void_support
from desktop.services.two_person import two_person_voids
from desktop.services.void_requests import request_support_void
from ui.confirm import ConfirmDialog, ask, household_line, money_line
from ui.dialogs.void_requests import ask_for_void, confirm_lines, requester_row
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, fit_to_screen, lay_out_form_dialog, mark_invalid


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
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Khoản hỗ trợ:", self.support)
        form.addRow("Lý do hủy:", self.reason)
        form.addRow("Hủy từ ngày:", self.on)
        self.requester = requester_row(books, form)  # two-person voids: who asks
        self.result_info = None
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        self.ok = lay_out_form_dialog(self, form, self.error, save_text="&Hủy khoản hỗ trợ…",
                                      cancel_text="&Không hủy (Esc)", above=about, default=False)
        self.ok.setEnabled(bool(self.choices))
        fit_to_screen(self, 600, 280)

    def submit(self) -> None:
        """Check the reason, then show the confirmation; only the confirmation voids the support."""
        mark_invalid(self.reason, False)
        if not self.reason.text().strip():
            mark_invalid(self.reason, True)
            self.error.show_message("Phải ghi lý do hủy khoản hỗ trợ.")
            return
        if not self.choices or (self.confirmation is not None and self.confirmation.isVisible()) or \
                (self.task is not None and not self.task.delivered):
            return
        chosen = self.choices[self.support.currentIndex()]
        reason, on = self.reason.text().strip(), self.on.value()
        lines = [f"Hủy khoản hỗ trợ vòng {chosen['round']} ngày {format_date(chosen['supported_on'])} — dự án "
                 f"{escape(self.project)}",
                 household_line(self.books, chosen["code"]),
                 money_line(self.books, "Số tiền hỗ trợ", chosen["support_amount"]),
                 f"Hủy từ ngày: {format_date(on)} · lý do: {escape(reason)}",
                 "Từ ngày hủy, khoản này và lịch hoàn trả của nó không còn được tính.", *self._fund_line(chosen, on)]
        verb = "&Gửi yêu cầu hủy" if two_person_voids(self.books.conn) else "&Hủy khoản hỗ trợ"
        self.confirmation = ask(self, "Xác nhận hủy khoản hỗ trợ", lines + confirm_lines(self.books), verb,
                                lambda: self._void(chosen, reason, on))

    def _fund_line(self, chosen: dict, on) -> list[str]:
        """A re-lend came out of the fund and goes back to it; a round-1 support came from the budget."""
        try:
            fund = fund_room(self.books.conn, require_project(self.books.conn, self.project)["id"], on).balance
        except Refused:
            return []
        back = chosen["support_amount"] if chosen["round"] > 1 else 0
        return [f"Quỹ còn <b>{format_vnd(fund + back)} đ</b> sau khi hủy"]

    def _void(self, chosen: dict, reason: str, on) -> None:
        if self.task is not None and not self.task.delivered:
            return
        project = self.project
        if two_person_voids(self.books.conn):
            self.task = ask_for_void(self, self.books, self.requester, lambda books: request_support_void(
                books, project, chosen["code"], reason, round=chosen["round"], on=on), self.ok)
            return

        def voided(outcome) -> None:
            self.support_voided.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books,
                           lambda books: void_support(books, project, chosen["code"], reason,
                                                      round=chosen["round"], on=on),
                           voided, refusal_shown_in(self.error, self), busy=self.ok)
