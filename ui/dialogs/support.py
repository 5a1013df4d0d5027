"""Record support for a household in a project (from the budget, or re-lent from the fund). Save shows the
confirmation: the household, the amount in figures and words, the repayment schedule it creates and the rule
warnings the service raises; only the confirmation records it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from desktop import clock
from desktop.books import Books
from desktop.dates import format_date
from desktop.domain import FundingSource
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.services.households import HouseholdQuery, list_households
from desktop.services.support import SupportInput, record_support
from desktop.services.support_check import support_preview
from ui.approved_picker import ApprovedHouseholdPicker, in_window_terms
from ui.confirm import ConfirmDialog, ask, money_line, unusual_amount
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, MoneyEdit, fit_to_screen, lay_out_form_dialog, mark_invalid


class SupportDialog(QDialog):
    support_recorded = Signal(object)  # the SupportRecorded outcome

    def __init__(self, books: Books, project: str, parent=None, *, from_fund: bool = False):
        super().__init__(parent)
        self.books = books
        self.project = project
        self.result_info: dict | None = None
        self.setWindowTitle(("Cho vay lại từ quỹ" if from_fund else "Ghi hỗ trợ") + f" — dự án {project}")
        # Households on a decision in force for the project come first (and are listed before any typing).
        self.picker = ApprovedHouseholdPicker(books, project, relend=from_fund)
        self.household = QLabel("Chưa chọn hộ.")
        self.household_code = ""
        self._household: dict = {}
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        self.picker.household_chosen.connect(self._chosen)
        self.amount = MoneyEdit()
        self.amount.setPlaceholderText("để trống: mức theo quy định của dự án")
        self.supported_on = DateEdit(clock.today())
        self.source = QComboBox()
        for source in FundingSource:
            if source is not FundingSource.FUND:
                self.source.addItem(source.label, source)
        self.from_fund = QCheckBox("Cho vay lại từ vốn luân chuyển thu hồi (vòng 2, 3, …)")
        self.from_fund.setChecked(from_fund)
        self.from_fund.toggled.connect(lambda on: self.source.setEnabled(not on))
        self.from_fund.toggled.connect(self.picker.set_relend)
        self.source.setEnabled(not from_fund)
        self.in_kind = QLineEdit(placeholderText="nếu hỗ trợ bằng hiện vật: mô tả (ví dụ 2 con bò cái)")
        self.counterpart = MoneyEdit()
        self.counterpart.setText("0")
        form = QFormLayout()
        form.addRow("Tìm hộ:", self.picker)
        form.addRow("Hộ nhận hỗ trợ:", self.household)
        form.addRow("Số tiền hỗ trợ (đồng):", self.amount)
        form.addRow("Ngày hỗ trợ:", self.supported_on)
        form.addRow("Nguồn vốn:", self.source)
        form.addRow("", self.from_fund)
        form.addRow("Hiện vật:", self.in_kind)
        form.addRow("Vốn đối ứng của hộ:", self.counterpart)
        self.warnings = QLabel("")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a5a00;")
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, self.warnings, self.error, save_text="&Ghi hỗ trợ… (Enter)")
        fit_to_screen(self, 780, 520)  # room for the decision that approves each household
        self.picker.search.setFocus()  # the clerk starts by typing who
        for signal in (self.amount.textChanged, self.supported_on.dateChanged,
                       self.from_fund.toggled, self.source.currentIndexChanged):
            signal.connect(self._changed)

    def _chosen(self, row: dict) -> None:
        self.household_code = row["code"]
        self._household = dict(row)
        self.household.setText(f"<b>{row['code']}</b> — {row['head_name']}, {row['hamlet']}")
        mark_invalid(self.picker.search, False)
        approval = self.picker.approval_of(row["code"])
        if approval is not None and not approval["supported"] and not self.amount.text().strip():
            self.amount.set_amount(approval["amount"])  # the amount the decision agreed
        self._changed()
        self.amount.setFocus()

    def set_household(self, code: str) -> None:
        rows = list_households(self.books, HouseholdQuery(search=code), limit=5)
        row = next((r for r in rows if r["code"] == code.upper()), None)
        if row:
            self._chosen(row)

    def submit(self) -> None:
        for widget in (self.picker.search, self.amount, self.counterpart):
            mark_invalid(widget, False)
        code = self.household_code
        if not code:
            mark_invalid(self.picker.search, True)
            self.error.show_message("Chưa chọn hộ nhận hỗ trợ.")
            return
        try:
            amount = self.amount.amount() if self.amount.text().strip() else None
        except Refused as refusal:
            mark_invalid(self.amount, True)
            self.error.show_message(refusal.message)
            return
        try:
            counterpart = self.counterpart.amount() if self.counterpart.text().strip() else 0
        except Refused as refusal:
            mark_invalid(self.counterpart, True)
            self.error.show_message(refusal.message)
            return
        data = SupportInput(project=self.project, household=code, supported_on=self.supported_on.value(),
                            amount=amount, in_kind=self.in_kind.text(), from_fund=self.from_fund.isChecked(),
                            source=self.source.currentData(), counterpart=counterpart)
        if self.confirmation is not None and self.confirmation.isVisible():
            return
        if self.task is not None and not self.task.delivered:
            return  # the confirmed support is being written
        try:
            preview = support_preview(self.books, data)
            if preview["refused"]:
                # A control says no: the clerk reads why instead of confirming into a refusal.
                raise Refused(preview["refused"])
        except Refused as refusal:
            self._refused(refusal)
            return
        warnings = [w.message for w in preview["warnings"]]
        self.warnings.setText("Lưu ý trước khi ghi:\n" + "\n".join("• " + w for w in warnings) if warnings else "")
        self.confirmation = self._confirm(data, preview, warnings)

    def _confirm(self, data: SupportInput, preview: dict, warnings: list[str]) -> ConfirmDialog:
        """The support as it will be written and the schedule the household will owe."""
        h, amount = self._household, preview["amount"]
        what = "cho vay lại từ quỹ" if data.from_fund else f"hỗ trợ từ {escape(self.source.currentText())}"
        lines = [f"Hộ: <b>{escape(h['code'])}</b> — {escape(h['head_name'])}, {escape(h['hamlet'] or '')}",
                 f"Dự án: {escape(self.project)} — {what}",
                 money_line(self.books, "Số tiền", amount),
                 f"Ngày hỗ trợ: {format_date(data.supported_on)}"
                 + (f" · hiện vật: {escape(data.in_kind)}" if data.in_kind.strip() else "")]
        schedule = preview["schedule"]
        if schedule:
            each = sorted({i[2] for i in schedule})
            per = (f"{format_vnd(each[0])} đ" if len(each) == 1
                   else " / ".join(f"{format_vnd(a)} đ" for a in (i[2] for i in schedule)))
            lines.append(f"Lịch trả: <b>{len(schedule)} kỳ, {per} mỗi kỳ</b>, kỳ đầu "
                         f"{format_date(schedule[0][1])}; tổng phải trả {format_vnd(sum(i[2] for i in schedule))} đ")
        else:
            lines.append("Hộ không phải hoàn trả khoản này.")
        if data.from_fund and preview.get("fund_after") is not None:
            lines.append(f"Quỹ còn <b>{format_vnd(preview['fund_after'])} đ</b> sau khoản cho vay này")
        notes = unusual_amount(amount, preview["rounding_unit"], policy_amount=preview["policy_amount"]) + warnings
        verb = "&Ghi cho vay lại" if data.from_fund else "&Ghi hỗ trợ"
        return ask(self, "Xác nhận " + verb.replace("&", "").lower(), lines, verb, lambda: self._issue(data),
                   notes=notes)

    def _issue(self, data: SupportInput) -> None:
        if self.task is not None and not self.task.delivered:
            return

        def recorded(outcome) -> None:
            self.result_info = outcome
            self.support_recorded.emit(outcome)
            self.accept()
            self._show_document(outcome)

        self.task = run_op(self, self.books, lambda books: record_support(books, data), recorded,
                           refusal_shown_in(self.error, self, also=self._refused), busy=self.save)

    def _show_document(self, outcome) -> None:
        """The phiếu chi the support issued (or its handover record, in kind) opens at once, over the window
        this form came from; kept as ``self.last_preview``."""
        from ui.dialogs.voucher_preview import open_payout_document

        self.document_task = open_payout_document(self.parentWidget() or self, self.books, outcome, holder=self)

    def _refused(self, refusal: Refused) -> None:
        if refusal.message.startswith("Hộ"):
            mark_invalid(self.picker.search, True)
        self.error.show_message(in_window_terms(refusal.message))

    def _changed(self) -> None:
        """Any edit clears the warnings of the previous look; the confirmation shows them afresh."""
        self.warnings.setText("")
