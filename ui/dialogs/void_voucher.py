"""Void a phiếu chi: a voided voucher means the money did not go out, so its payout (the support, the re-lend,
the management spending) is voided with it, on the same date and under that payout's rules. The reason is
required, the confirmation comes first; the number stays used and the voucher stays in the book."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit

from desktop.books import Books
from desktop.dates import format_date
from desktop.money import format_vnd
from desktop.services.voucher_void import void_voucher
from ui.confirm import ConfirmDialog, ask, money_line
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, fit_to_screen, lay_out_form_dialog, mark_invalid

# What else goes with the voucher, in the clerk's words.
WITH_IT = {"budget_support": "Khoản hỗ trợ của hộ và lịch hoàn trả của nó bị hủy cùng phiếu chi.",
           "relend": "Khoản cho vay lại của hộ và lịch hoàn trả của nó bị hủy cùng phiếu chi; số tiền trở lại quỹ.",
           "management": "Khoản chi kinh phí quản lý bị hủy cùng phiếu chi; số tiền trở lại kinh phí quản lý."}


class VoidVoucherDialog(QDialog):
    voucher_voided = Signal(object)  # the VoucherVoided outcome

    def __init__(self, books: Books, voucher: dict, parent=None):
        """``voucher``: a row of ``voucher_register``."""
        super().__init__(parent)
        self.books, self.voucher = books, voucher
        v = voucher
        self.setWindowTitle(f"Hủy phiếu chi quyển {v['book']} số {v['number']}/{v['year']}")
        about = QLabel(f"Phiếu chi số <b>{v['number']}</b> ngày {format_date(v['issued_on'])}, "
                       f"{escape(v['kind_label'].lower())}, người nhận {escape(v['recipient'])}, "
                       f"<b>{format_vnd(v['amount'])} đ</b>.<br>"
                       + escape(WITH_IT.get(v["kind"], "")) + " Phiếu bị hủy vẫn được giữ và giữ số.")
        about.setWordWrap(True)
        self.reason = QLineEdit(placeholderText="ví dụ: hộ không nhận tiền, ghi nhầm hộ")
        self.on = DateEdit()
        self.on.setToolTip("Khoản chi vẫn có hiệu lực trước ngày này và bị hủy từ ngày này")
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Lý do hủy:", self.reason)
        form.addRow("Hủy từ ngày:", self.on)
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        self.ok = lay_out_form_dialog(self, form, self.error, save_text="Hủy &phiếu chi…",
                                      cancel_text="&Không hủy (Esc)", above=about, default=False)
        fit_to_screen(self, 560, 260)

    def submit(self) -> None:
        mark_invalid(self.reason, False)
        if not self.reason.text().strip():
            mark_invalid(self.reason, True)
            self.error.show_message("Phải ghi lý do hủy phiếu chi.")
            return
        if (self.confirmation is not None and self.confirmation.isVisible()) or \
                (self.task is not None and not self.task.delivered):
            return
        v, reason, on = self.voucher, self.reason.text().strip(), self.on.value()
        lines = [f"Hủy phiếu chi quyển {escape(v['book'])} số <b>{v['number']}/{v['year']}</b> ngày "
                 f"{format_date(v['issued_on'])}",
                 f"Người nhận: {escape(v['recipient'])}" + (f" · hộ {escape(v['household'])}" if v["household"]
                                                             else ""),
                 money_line(self.books, "Số tiền của phiếu", v["amount"]),
                 f"Hủy từ ngày: {format_date(on)} · lý do: {escape(reason)}"]
        if v["kind"] in WITH_IT:
            lines.append(escape(WITH_IT[v["kind"]]))
        self.confirmation = ask(self, "Xác nhận hủy phiếu chi", lines, "&Hủy phiếu chi",
                                lambda: self._void(reason, on))

    def _void(self, reason: str, on) -> None:
        if self.task is not None and not self.task.delivered:
            return
        v = self.voucher

        def voided(outcome) -> None:
            self.voucher_voided.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books, lambda books: void_voucher(books, v["book"], v["number"], reason,
                                                                        year=v["year"], on=on),
                           voided, refusal_shown_in(self.error, self), busy=self.ok)
