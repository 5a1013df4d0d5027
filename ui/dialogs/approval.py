"""Who decided: the project's "Phê duyệt" tab (its decisions, in force or superseded, printed as the decision
or the selection meeting's minutes) and the form that records a decision — number, date, round, signer, the
households picked by typing with each one's agreed amount, the meeting if there was one, and the decision it
corrects. Recording goes through the confirmation; a refusal stays in the form and nothing is written."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.books import Books
from desktop.dates import format_date
from desktop.domain import Category
from desktop.errors import Refused
from desktop.money import format_vnd, parse_amount
from desktop.queries import rules
from desktop.services.approvals import (
    ApprovalInput,
    assess_approval,
    decision_document,
    list_decisions,
    record_approval,
)
from desktop.services.hamlets import list_hamlets
from desktop.services.households import HouseholdQuery, list_households
from desktop.services.projects import project_policy, require_project
from ui.confirm import ConfirmDialog, ask, money_line
from ui.errors import show_error
from ui.household_picker import HouseholdPicker
from ui.operations import refusal_shown_in, run_op
from ui.record_model import RecordTableModel
from ui.widgets import DateEdit, ErrorLabel, compact, fit_to_screen, lay_out_form_dialog, mark_invalid, searchable

DECISION_COLUMNS = [("decision", "Số quyết định", "text"), ("decided_on", "Ngày", "date"),
                    ("round", "Vòng", "number"), ("count", "Số hộ", "number"), ("total", "Tổng tiền", "money"),
                    ("state", "Hiệu lực", "text"), ("meeting", "Họp bình xét", "text"),
                    ("recorded_by", "Người ghi", "text")]
CODE, NAME, HAMLET, CATEGORY, AMOUNT = range(5)


def decision_rows(books: Books, project: str) -> list[dict]:
    """The project's decisions as the tab lists them; a superseded one is grey and says by which."""
    rows = []
    for d in list_decisions(books.conn, project):
        state = "Còn hiệu lực" if d["in_force"] else f"Đã thay thế bằng {d['superseded_by']}"
        if d["supersedes"]:
            state += f" (thay thế {d['supersedes']})"
        rows.append({**d, "count": len(d["households"]), "state": state,
                     "meeting": "Có biên bản" if d["meeting_id"] is not None else "",
                     "voided_at": None if d["in_force"] else "superseded"})
    return rows


class ApprovalsTab(QWidget):
    """The tab of the project view: the decisions, and the buttons to record and print them."""

    def __init__(self, books: Books, project: str, parent=None, *, can_record: bool = True):
        super().__init__(parent)
        self.books, self.project = books, project
        self.rows = decision_rows(books, project)
        self.model = RecordTableModel(DECISION_COLUMNS, self)
        self.model.set_rows(self.rows)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        if self.rows:
            self.table.selectRow(0)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.households = QLabel()
        self.households.setWordWrap(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_households())
        required = rules.approval_required(books.conn)
        note = QLabel("Hộ chỉ được ghi hỗ trợ hoặc cho vay lại khi có trong quyết định còn hiệu lực của dự án, "
                      "cùng vòng, ký trước hoặc đúng ngày hỗ trợ." if required else
                      "Sổ này không bắt buộc quyết định phê duyệt trước khi hỗ trợ; quyết định vẫn được ghi và in.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        self.record_button = QPushButton("Ghi &quyết định…")
        self.record_button.setEnabled(can_record)
        self.record_button.clicked.connect(lambda: self.record())
        self.print_decision_button = QPushButton("&In quyết định")
        self.print_decision_button.clicked.connect(lambda: self.print_decision())
        self.print_minutes_button = QPushButton("In biên bản họ&p")
        self.print_minutes_button.clicked.connect(lambda: self.print_minutes())
        buttons = QHBoxLayout()
        for button in (self.record_button, self.print_decision_button, self.print_minutes_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.households)
        layout.addLayout(buttons)
        self._enable()
        self._show_households()

    def selected(self) -> dict | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _enable(self) -> None:
        chosen = self.selected()
        self.print_decision_button.setEnabled(chosen is not None)
        self.print_minutes_button.setEnabled(chosen is not None and chosen["meeting_id"] is not None)

    def _show_households(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.households.setText("Dự án chưa có quyết định phê duyệt nào.")
            return
        self.households.setText("Các hộ của quyết định " + escape(chosen["decision"]) + ": " + "; ".join(
            f"{escape(h['code'])} {escape(h['head_name'])} ({format_vnd(h['amount'])} đ)"
            for h in chosen["households"]))

    def record(self) -> ApprovalDialog:
        self.dialog = ApprovalDialog(self.books, self.project, self)
        self.dialog.open()
        return self.dialog

    def _out(self, kind: str, decision: dict) -> Path:
        folder = self.books.data_dir.exports / "phe-duyet"
        folder.mkdir(parents=True, exist_ok=True)
        number = "".join(c if c.isalnum() else "-" for c in decision["decision"])
        return folder / f"{kind}-{self.project}-{number}-{decision['decided_on']}.pdf"

    def print_decision(self) -> Path | None:
        return self._print(minutes=False)

    def print_minutes(self) -> Path | None:
        return self._print(minutes=True)

    def _print(self, *, minutes: bool) -> Path | None:
        from desktop.reports.approval_pdf import decision_pdf, minutes_pdf
        from ui.dialogs.pdf_preview import PdfPreviewDialog

        chosen = self.selected()
        if chosen is None:
            return None
        try:
            doc = decision_document(self.books.conn, chosen["id"])
            path = (minutes_pdf if minutes else decision_pdf)(
                self._out("bien-ban" if minutes else "quyet-dinh", chosen), doc)
        except Refused as refusal:
            show_error(self, refusal)
            return None
        title = ("Biên bản họp bình xét" if minutes else "Quyết định") + f" {chosen['decision']} — {self.project}"
        self.preview = PdfPreviewDialog(path, title, self)
        self.preview.open()
        return path


class ApprovalDialog(QDialog):
    """Record the chairman's decision (and the hamlet meeting before it) for households of one project."""

    approval_recorded = Signal(object)  # the ApprovalRecorded outcome

    def __init__(self, books: Books, project: str, parent=None):
        super().__init__(parent)
        self.books = books
        self.project = require_project(books.conn, project)["code"]
        self.policy = project_policy(require_project(books.conn, project))
        self.setWindowTitle(f"Ghi quyết định phê duyệt — dự án {self.project}")
        self.result_info = None
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        self.number = QLineEdit(placeholderText="ví dụ 12/QĐ-UBND")
        self.decided_on = DateEdit(clock.today())
        self.round = QSpinBox()
        self.round.setRange(1, 99)
        self.round.setToolTip("Vòng 1: hỗ trợ từ ngân sách; vòng 2, 3…: cho vay lại từ quỹ luân chuyển")
        self.signer = QLineEdit(books.settings_on(clock.today()).get("signer_chairman", ""))
        self.signer.setPlaceholderText("để trống: chủ tịch theo cài đặt vào ngày quyết định")
        self.supersedes = QComboBox()
        self.supersedes.addItem("Không (quyết định mới)", None)
        self.decisions = list_decisions(books.conn, self.project)
        for d in self.decisions:
            if d["in_force"]:
                self.supersedes.addItem(f"{d['decision']} ngày {format_date(d['decided_on'])}, vòng {d['round']}, "
                                        f"{len(d['households'])} hộ", d["decision"])
        # The selection meeting (biên bản bình xét) is optional: its fields open when the box is ticked.
        self.with_meeting = QCheckBox("Có biên bản họp bình xét ở thôn")
        self.meeting_on = DateEdit(clock.today())
        self.hamlet = QComboBox()
        self.hamlet.addItem("", "")
        for hamlet in list_hamlets(books):
            self.hamlet.addItem(hamlet["name"], hamlet["name"])
        searchable(self.hamlet)
        self.chair = QLineEdit(placeholderText="trưởng thôn chủ trì")
        self.attendees = QSpinBox()
        self.attendees.setRange(0, 10000)
        self.meeting_fields = (self.meeting_on, self.hamlet, self.chair, self.attendees)
        self.with_meeting.toggled.connect(self._meeting_toggled)
        self.supersedes.currentIndexChanged.connect(lambda *_: self._take_old())
        self._meeting_toggled(False)
        self.picker = HouseholdPicker(books)
        self.picker.table.setMaximumHeight(110)
        self.picker.household_chosen.connect(self.add_household)
        self.chosen = QTableWidget(0, 5)
        self.chosen.setHorizontalHeaderLabels(["Mã hộ", "Chủ hộ", "Thôn", "Phân loại", "Số tiền (đồng)"])
        compact(self.chosen)
        self.chosen.setEditTriggers(QTableWidget.EditTrigger.AllEditTriggers)
        self.chosen.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.chosen.setMinimumHeight(120)
        self.remove_button = QPushButton("&Bỏ hộ đang chọn")
        self.remove_button.clicked.connect(self.remove_selected)
        self.total = QLabel()
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.total, 1)
        chosen_row.addWidget(self.remove_button)
        self.chosen.itemChanged.connect(lambda *_: self._show_total())
        self.decided_on.dateChanged.connect(lambda *_: self._refresh_categories())
        form = QFormLayout()
        top = QHBoxLayout()
        top.addWidget(self.number, 2)
        top.addWidget(QLabel("Ngày ký:"))
        top.addWidget(self.decided_on)
        top.addWidget(QLabel("Vòng:"))
        top.addWidget(self.round)
        form.addRow("Số quyết định:", top)
        form.addRow("Người ký:", self.signer)
        form.addRow("Thay thế quyết định:", self.supersedes)
        form.addRow("", self.with_meeting)
        meeting = QHBoxLayout()
        meeting.addWidget(self.meeting_on)
        meeting.addWidget(QLabel("Thôn:"))
        meeting.addWidget(self.hamlet, 1)
        meeting.addWidget(QLabel("Chủ trì:"))
        meeting.addWidget(self.chair, 1)
        meeting.addWidget(QLabel("Số người dự:"))
        meeting.addWidget(self.attendees)
        form.addRow("Ngày họp:", meeting)
        form.addRow("Tìm hộ:", self.picker)
        form.addRow("Hộ được duyệt:", self.chosen)
        form.addRow("", chosen_row)
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, self.error, save_text="&Ghi quyết định… (Enter)")
        fit_to_screen(self, 900, 640)
        self._show_total()
        self.number.setFocus()

    # ------------------------------------------------------------------ households
    def _meeting_toggled(self, on: bool) -> None:
        for widget in self.meeting_fields:
            widget.setEnabled(on)

    def codes(self) -> list[str]:
        return [self.chosen.item(r, CODE).text() for r in range(self.chosen.rowCount())]

    def add_household(self, row: dict) -> None:
        """The household picked goes to the list with the policy's amount for its category on the decision's
        date (the clerk may change the amount in its cell); picking it again changes nothing."""
        if row["code"] in self.codes():
            self.picker.search.selectAll()
            return
        category = self._category(row["code"])
        amount = self._policy_amount(category)
        r = self.chosen.rowCount()
        self.chosen.blockSignals(True)
        self.chosen.insertRow(r)
        for column, text in ((CODE, row["code"]), (NAME, row["head_name"]), (HAMLET, row.get("hamlet") or ""),
                             (CATEGORY, category.label if category else "")):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.chosen.setItem(r, column, item)
        money = QTableWidgetItem(format_vnd(amount) if amount else "")
        money.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.chosen.setItem(r, AMOUNT, money)
        self.chosen.blockSignals(False)
        self.chosen.resizeColumnToContents(CODE)
        self.chosen.resizeColumnToContents(CATEGORY)
        mark_invalid(self.picker.search, False)
        self.picker.search.clear()
        self.picker.model.set_rows([])
        self.picker.search.setFocus()  # the next household is typed straight away
        self._show_total()

    def _take_old(self) -> None:
        """A correction usually keeps most of the old decision: its round, households and amounts come into
        an empty list, to be changed."""
        number = self.supersedes.currentData()
        old = next((d for d in self.decisions if d["decision"] == number), None)
        if old is None or self.codes():
            return
        self.round.setValue(old["round"])
        for h in old["households"]:
            rows = list_households(self.books, HouseholdQuery(search=h["code"]), limit=5)
            row = next((r for r in rows if r["code"] == h["code"]), None)
            if row is not None:
                self.add_household(row)
                self.chosen.item(self.chosen.rowCount() - 1, AMOUNT).setText(format_vnd(h["amount"]))
        self._show_total()

    def remove_selected(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.removeRow(row)
            self._show_total()

    def _category(self, code: str) -> Category | None:
        found = self.books.conn.execute("SELECT id FROM household WHERE code = ?", (code,)).fetchone()
        if found is None:
            return None
        try:
            return rules.category_in_force(self.books.conn, found[0], self.decided_on.value()).category
        except (IndexError, TypeError):
            return None  # no category registered: the core says so when the decision is checked

    def _policy_amount(self, category: Category | None) -> int:
        if category is None or not category.is_target:
            return 0
        try:
            return self.policy.support_for(category)
        except KeyError:
            return 0

    def _refresh_categories(self) -> None:
        """The category (and so the policy's amount) is the one in force on the decision's date."""
        for r in range(self.chosen.rowCount()):
            category = self._category(self.chosen.item(r, CODE).text())
            self.chosen.item(r, CATEGORY).setText(category.label if category else "")

    def amounts(self) -> list[int]:
        """Each household's amount as typed; Refused naming the household whose amount is not one."""
        found = []
        for r in range(self.chosen.rowCount()):
            text = self.chosen.item(r, AMOUNT).text()
            if not text.strip():
                found.append(0)  # the core names the household whose amount is missing
                continue
            try:
                found.append(parse_amount(text))
            except Refused as refusal:
                self.chosen.setCurrentCell(r, AMOUNT)
                raise Refused(f"Số tiền của hộ {self.chosen.item(r, CODE).text()}: {refusal.message}") from None
        return found

    def _show_total(self) -> None:
        try:
            total = sum(self.amounts())
        except Refused:
            total = None
        count = self.chosen.rowCount()
        self.total.setText(f"{count} hộ" + (f", tổng {format_vnd(total)} đ" if total is not None and count else ""))

    # ------------------------------------------------------------------ record
    def data(self) -> ApprovalInput:
        meeting = self.with_meeting.isChecked()
        return ApprovalInput(
            project=self.project, decision=self.number.text().strip(), decided_on=self.decided_on.value(),
            households=tuple(self.codes()), round=self.round.value(), amounts=tuple(self.amounts()),
            signer=self.signer.text().strip(), meeting_on=self.meeting_on.value() if meeting else None,
            hamlet=(self.hamlet.currentData() or "") if meeting else "",
            attendees=self.attendees.value() if meeting and self.attendees.value() else None,
            chair=self.chair.text().strip() if meeting else "", supersedes=self.supersedes.currentData())

    def submit(self) -> None:
        for widget in (self.number, self.picker.search):
            mark_invalid(widget, False)
        if (self.confirmation is not None and self.confirmation.isVisible()) or \
                (self.task is not None and not self.task.delivered):
            return
        try:
            data = self.data()
            if not data.households:
                mark_invalid(self.picker.search, True)
                raise Refused("Chưa chọn hộ nào: gõ tên hoặc mã hộ vào ô Tìm hộ rồi Enter để thêm vào quyết định.")
            plan = assess_approval(self.books.conn, data)
        except Refused as refusal:
            self._refused(refusal)
            return
        self.error.show_message("")
        self.confirmation = self._confirm(data, plan)

    def _confirm(self, data: ApprovalInput, plan) -> ConfirmDialog:
        lines = [f"Quyết định số <b>{escape(data.decision)}</b> ngày {format_date(data.decided_on)} — dự án "
                 f"{escape(self.project)}, vòng {data.round}",
                 f"Người ký: {escape(plan.signer) or '—'}",
                 f"<b>{len(plan.households)} hộ</b>: " + "; ".join(
                     f"{escape(h['code'])} {escape(h['head_name'])} {format_vnd(a)} đ"
                     for h, a in zip(plan.households, plan.amounts, strict=True)),
                 money_line(self.books, "Tổng số tiền phê duyệt", sum(plan.amounts))]
        if data.meeting_on is not None:
            where = f", {escape(plan.hamlet['name'])}" if plan.hamlet is not None else ""
            lines.append(f"Họp bình xét ngày {format_date(data.meeting_on)}{where}"
                         + (f", chủ trì {escape(data.chair)}" if data.chair else "")
                         + (f", {data.attendees} người dự" if data.attendees else ""))
        if plan.supersedes is not None:
            lines.append(f"Thay thế quyết định <b>{escape(plan.supersedes['number'])}</b>: từ nay các hộ của quyết "
                         "định cũ không còn được tính.")
        lines.append("Quyết định đã ghi không sửa được; muốn sửa phải ghi quyết định mới thay thế.")
        notes = [f"Số tiền của hộ {h['code']} ({format_vnd(a)} đ) khác mức theo quy định "
                 f"({format_vnd(self.policy.support_for(c))} đ)."
                 for h, c, a in zip(plan.households, plan.categories, plan.amounts, strict=True)
                 if data.round == 1 and a != self._policy_amount(c)]
        return ask(self, "Xác nhận ghi quyết định phê duyệt", lines, "&Ghi quyết định", lambda: self._record(data),
                   notes=notes)

    def _record(self, data: ApprovalInput) -> None:
        if self.task is not None and not self.task.delivered:
            return

        def recorded(outcome) -> None:
            self.result_info = outcome
            self.approval_recorded.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books, lambda books: record_approval(books, data), recorded,
                           refusal_shown_in(self.error, self, also=self._refused), busy=self.save)

    def _refused(self, refusal: Refused) -> None:
        text = refusal.message.replace(" (--supersedes)", " (ô “Thay thế quyết định”)").replace(
            " (--meeting-on)", "").replace(" (--households H1,H2)", "")
        if text.startswith("Chưa ghi số") or "đã có quyết định số" in text:
            mark_invalid(self.number, True)
        self.error.show_message(text)
