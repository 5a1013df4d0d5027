"""Record support for a household in a project (from the budget, or re-lent from the fund). Save shows the
confirmation: the household, the amount in figures and words, the repayment schedule it creates and the rule
warnings the service raises; only the confirmation records it.

Support in kind is documented by a handover record instead of a phiếu chi: once the clerk describes the goods,
the form takes what the record needs (quantity, unit, unit price, supplier, witnesses), as the command line
does; for cash those fields stay disabled."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from desktop import clock
from desktop.books import Books
from desktop.dates import format_date
from desktop.domain import FundingSource
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.services import handovers
from desktop.services.handovers import HandoverInput
from desktop.services.households import HouseholdQuery, list_households
from desktop.services.support import SupportInput, record_support
from desktop.services.support_check import support_preview
from desktop.text import nfc
from ui.approved_picker import ApprovedHouseholdPicker, in_window_terms
from ui.confirm import ConfirmDialog, ask, money_line, unusual_amount
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, MoneyEdit, fit_to_screen, lay_out_form_dialog, mark_invalid

HANDOVER_REMEDY = "Hãy sửa số lượng hoặc đơn giá sao cho số lượng × đơn giá bằng số tiền hỗ trợ."


def in_form_terms(message: str) -> str:
    """The core's refusal of a handover's figures names the command-line option; the form names its fields."""
    at = message.find("Hãy ghi đơn giá (--unit-price)")
    return message if at < 0 else message[:at] + HANDOVER_REMEDY


class HandoverFields:
    """What the handover record says besides the item, laid out as two rows of the support form (it must still
    fit a laptop screen at 125 %). The unit price follows the amount over the quantity, when that divides
    exactly, until the clerk types a price of their own; left empty, the service divides and checks."""

    def __init__(self, amount: MoneyEdit):
        self.amount = amount
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 1_000_000)
        self.quantity.setValue(1)
        self.unit = QLineEdit(placeholderText="con, cây, kg…")
        self.unit_price = MoneyEdit()
        self.unit_price.setPlaceholderText("số tiền ÷ số lượng")
        self.supplier = QLineEdit(placeholderText="nơi bán hoặc cung cấp hiện vật")
        self.witnesses = QLineEdit(placeholderText="ví dụ trưởng thôn")
        self.price_typed = False
        self.unit_price.textEdited.connect(self._typed)
        self.quantity.valueChanged.connect(self.follow_amount)
        amount.textChanged.connect(self.follow_amount)
        self.quantity_label = _label("Số &lượng:", self.quantity)
        self.items = _row(self.quantity, _label("Đơn vị &tính:", self.unit), self.unit,
                          _label("Đơ&n giá (đồng):", self.unit_price), self.unit_price)
        self.supplier_label = _label("Đơn vị &cung ứng:", self.supplier)
        self.people = _row(self.supplier, _label("Người chứng &kiến:", self.witnesses), self.witnesses)
        self.set_enabled(False)

    def add_to(self, form: QFormLayout) -> None:
        form.addRow(self.quantity_label, self.items)
        form.addRow(self.supplier_label, self.people)

    def widgets(self) -> list[QWidget]:
        """In the order the form reads, for Tab."""
        return [self.quantity, self.unit, self.unit_price, self.supplier, self.witnesses]

    def set_enabled(self, on: bool) -> None:
        for widget in (self.quantity_label, self.items, self.supplier_label, self.people):
            widget.setEnabled(on)

    def value(self) -> HandoverInput:
        """As the command line gives it; an unreadable price raises Refused."""
        price = self.unit_price.amount() if self.unit_price.text().strip() else None
        return HandoverInput(quantity=self.quantity.value(), unit=self.unit.text(), unit_price=price,
                             supplier=self.supplier.text(), witnesses=self.witnesses.text())

    def follow_amount(self) -> None:
        if self.price_typed:
            return
        try:
            amount = self.amount.amount()
        except Refused:
            amount = 0  # none yet (the policy's amount is known only to the service)
        count = self.quantity.value()
        self.unit_price.setText(format_vnd(amount // count) if amount and amount % count == 0 else "")

    def _typed(self, text: str) -> None:
        # Emptied by the clerk, the price follows the amount again at the next change (not at once: they may
        # be deleting it to type another).
        self.price_typed = bool(text.strip())


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 0 if isinstance(widget, (QLabel, QSpinBox)) else 1)
    return row


def items_line(handover: HandoverInput, item: str, amount: int) -> str:
    """"Hiện vật: 2 con bò cái — 2 con × 3.500.000 đ" (and who supplies it, who witnesses) as rich text."""
    quantity, price = handovers.plan(handover, item, amount)
    unit = nfc(handover.unit)
    line = (f"Hiện vật: <b>{escape(item)}</b> — <b>{quantity}{' ' + escape(unit) if unit else ''} × "
            f"{format_vnd(price)} đ</b>")
    for label, text in (("đơn vị cung ứng", handover.supplier), ("người chứng kiến", handover.witnesses)):
        if nfc(text):
            line += f" · {label}: {escape(nfc(text))}"
    return line


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
        self.handover = HandoverFields(self.amount)
        self.in_kind.textChanged.connect(lambda text: self.handover.set_enabled(bool(nfc(text))))
        self.counterpart = MoneyEdit()
        self.counterpart.setText("0")
        form = QFormLayout()
        form.addRow("Tìm hộ:", self.picker)
        form.addRow("Hộ nhận hỗ trợ:", self.household)
        form.addRow("Số tiền hỗ trợ (đồng):", self.amount)
        form.addRow("Ngày hỗ trợ:", self.supported_on)
        form.addRow("Nguồn vốn:", self.source)
        form.addRow("", self.from_fund)
        form.addRow("Hiện &vật:", self.in_kind)
        self.handover.add_to(form)
        form.addRow("Vốn đối ứng của hộ:", self.counterpart)
        self.warnings = QLabel("")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a5a00;")
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, self.warnings, self.error, save_text="&Ghi hỗ trợ… (Enter)")
        fit_to_screen(self, 780, 520)  # room for the decision that approves each household
        self.picker.search.setFocus()  # the clerk starts by typing who
        chain = [self.in_kind, *self.handover.widgets(), self.counterpart]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        for signal in (self.amount.textChanged, self.supported_on.dateChanged, self.from_fund.toggled,
                       self.source.currentIndexChanged, self.in_kind.textChanged,
                       self.handover.quantity.valueChanged, self.handover.unit_price.textChanged):
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
        for widget in (self.picker.search, self.amount, self.counterpart, self.handover.quantity,
                       self.handover.unit_price):
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
        handover = HandoverInput()
        if nfc(self.in_kind.text()):
            try:
                handover = self.handover.value()
            except Refused as refusal:
                mark_invalid(self.handover.unit_price, True)
                self.error.show_message("Đơn giá: " + refusal.message)
                return
        data = SupportInput(project=self.project, household=code, supported_on=self.supported_on.value(),
                            amount=amount, in_kind=self.in_kind.text(), from_fund=self.from_fund.isChecked(),
                            source=self.source.currentData(), counterpart=counterpart, handover=handover)
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
                 f"Ngày hỗ trợ: {format_date(data.supported_on)}"]
        if nfc(data.in_kind):
            lines.append(items_line(data.handover, nfc(data.in_kind), amount))
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
        if refusal.message.startswith(("Hiện vật “", "Số lượng hiện vật")):
            # handovers.plan's, which the preview runs with the amount as recorded (typed or the policy's)
            mark_invalid(self.handover.quantity, True)
            mark_invalid(self.handover.unit_price, True)
        self.error.show_message(in_form_terms(in_window_terms(refusal.message)))

    def _changed(self) -> None:
        """Any edit clears the warnings of the previous look; the confirmation shows them afresh."""
        self.warnings.setText("")
