"""A project's page: policy, budget by source, members, schedule and fund ledger, with its actions
(add support, lend from the fund, transfer to public works, print the support list or public notice)."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.books import Books
from desktop.changes import Changes
from desktop.dates import format_date
from desktop.domain import Category, FundingSource, ProjectStatus
from desktop.errors import Refused
from desktop.leads import describe_lead
from desktop.money import format_vnd
from desktop.policy_summary import describe as describe_policy
from desktop.services.project_leads import project_lead
from desktop.services.projects import project_members, project_policy, require_project
from desktop.services.schedules import fund_report, schedule, transfer_to_public_works
from ui.dialogs.approval import ApprovalsTab
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.dialogs.support import SupportDialog
from ui.dialogs.void_support import VoidSupportDialog
from ui.errors import show_error
from ui.operations import refusal_shown_in, run_op, subscribe
from ui.record_model import RecordTableModel
from ui.widgets import DateEdit, ErrorLabel, compact, fit_to_screen

MEMBER_COLUMNS = [("code", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"), ("hamlet", "Thôn", "text"),
                  ("category", "Phân loại khi vào", "text"), ("round", "Vòng", "number"),
                  ("source_label", "Nguồn", "text"), ("supported_on", "Ngày", "date"),
                  ("support_amount", "Hỗ trợ", "money"), ("status", "Trạng thái", "text")]
SCHEDULE_COLUMNS = [("household", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"), ("seq", "Kỳ", "number"),
                    ("due_on", "Hạn", "date"), ("amount", "Phải trả", "money"), ("paid", "Đã trả", "money"),
                    ("outstanding", "Còn nợ", "money"), ("days_overdue", "Ngày quá hạn", "number")]
LEDGER_LINES = (("from_budget", "Hỗ trợ từ ngân sách (vòng 1)"), ("to_return", "Phải hoàn trả"),
                ("recovered", "Đã thu hồi"), ("relent", "Đã cho vay lại từ quỹ"),
                ("public_works", "Chuyển công trình công ích"), ("balance", "Số dư quỹ luân chuyển"),
                ("outstanding", "Còn phải thu"))
VOUCHER_COLUMNS = [("book", "Quyển", "text"), ("number", "Số", "number"), ("issued_on", "Ngày", "date"),
                   ("kind_label", "Loại chi", "text"), ("household", "Mã hộ", "text"),
                   ("recipient", "Người nhận", "text"), ("amount", "Số tiền", "money"), ("status", "Hủy", "text")]
HANDOVER_COLUMNS = [("delivered_on", "Ngày giao", "date"), ("household", "Mã hộ", "text"),
                    ("receiver", "Người nhận", "text"), ("item", "Hiện vật", "text"), ("quantity", "SL", "number"),
                    ("unit", "ĐVT", "text"), ("value", "Giá trị", "money"), ("status", "Hủy", "text")]
FULL_TAB_NAMES = {"Kinh phí": "Kinh phí theo nguồn", "Sổ quỹ": "Sổ quỹ luân chuyển",
                  "Bàn giao": "Bàn giao hiện vật (biên bản bàn giao)"}
LEAD_MEMBER_COLUMNS = [("code", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"), ("hamlet", "Thôn", "text")]
BUDGET_LINES = (("budget_central", "Ngân sách trung ương"), ("budget_local", "Ngân sách địa phương"),
                ("budget_other", "Vốn huy động khác"), ("budget_counterpart", "Vốn đối ứng của hộ"))


def _table(columns, rows) -> QTableView:
    table = QTableView()
    model = RecordTableModel(columns, table)
    model.set_rows(rows)
    table.setModel(model)
    compact(table)
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


def _table_page(table: QTableView, actions, *, enabled: bool = True) -> QWidget:
    """A tab of the project window: a list and, under it, the buttons that act on its selected row."""
    buttons = QHBoxLayout()
    for text, slot in actions:
        button = QPushButton(text)
        button.clicked.connect(slot)
        button.setEnabled(enabled)
        buttons.addWidget(button)
    buttons.addStretch(1)
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(table, 1)
    layout.addLayout(buttons)
    return page


def _figures(lines, values: dict) -> QWidget:
    page = QWidget()
    form = QFormLayout(page)
    for key, label in lines:
        value = QLabel(f"{format_vnd(values[key])} đ")
        value.setStyleSheet("font-weight: bold;")
        form.addRow(label + ":", value)
    return page


class PublicWorksDialog(QDialog):
    def __init__(self, books: Books, project: str, parent=None):
        super().__init__(parent)
        self.books, self.project = books, project
        self.confirmation = None
        self.setWindowTitle(f"Chuyển quỹ dự án {project} sang công trình công ích")
        self.decided_on = DateEdit()
        self.decision = QLineEdit(placeholderText="số quyết định của UBND xã")
        self.note = QLineEdit()
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Ngày quyết định:", self.decided_on)
        form.addRow("Số quyết định:", self.decision)
        form.addRow("Ghi chú:", self.note)
        ok = QPushButton("&Chuyển toàn bộ số dư")
        cancel = QPushButton("&Hủy")
        ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def submit(self) -> None:
        """The confirmation first (the balance that leaves, in figures and words); then the transfer and its
        phiếu chi in a preview."""
        from ui.confirm import ask, money_line

        if self.confirmation is not None and self.confirmation.isVisible():
            return
        project, on, decision, note = self.project, self.decided_on.value(), self.decision.text(), self.note.text()
        balance = fund_report(self.books, project)["balance"]
        lines = [f"Dự án: <b>{html.escape(project)}</b> — chuyển toàn bộ số dư quỹ luân chuyển sang công trình "
                 "công ích", money_line(self.books, "Số tiền", balance),
                 f"Ngày quyết định: {format_date(on)} · số quyết định {html.escape(decision or '—')}",
                 "Sau khi chuyển, dự án thôi cho vay quay vòng."]
        self.confirmation = ask(self, "Xác nhận chuyển sang công trình công ích", lines, "&Chuyển số dư",
                                lambda: self._transfer(project, on, decision, note))

    def _transfer(self, project, on, decision, note) -> None:
        def done(outcome) -> None:
            self.accept()
            from ui.dialogs.voucher_preview import open_payout_document

            self.document_task = open_payout_document(self.parentWidget() or self, self.books, outcome, holder=self)

        self.task = run_op(self, self.books,
                           lambda books: transfer_to_public_works(books, project, on, decision, note),
                           done, refusal_shown_in(self.error, self))


class ProjectView(QDialog):
    project_changed = Signal(str)

    def __init__(self, books: Books, code: str, parent=None):
        super().__init__(parent)
        self.books = books
        self.code = require_project(books.conn, code)["code"]
        self.body = QVBoxLayout(self)
        fit_to_screen(self, 1000, 620)
        self._build()
        # A support, a re-lend or a transfer made here (or anywhere) changes what this view shows.
        subscribe(self, Changes.SUPPORTS | Changes.FUND | Changes.PROJECTS | Changes.RECEIPTS | Changes.SCHEDULES,
                  self._after_change)

    def _build(self) -> None:
        # A rebuild after a change keeps the tab the clerk was on (a decision just recorded stays in sight).
        shown_tab = self.tabs.currentIndex() if getattr(self, "tabs", None) is not None else 0
        while self.body.count():
            item = self.body.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
            elif item.layout():
                _drop_layout(item.layout())
        books, code = self.books, self.code
        project, every_support = project_members(books, code, include_voided=True)
        members = [m for m in every_support if not m["voided_on"]]
        policy = project_policy(require_project(books.conn, code))
        report = fund_report(books, code)
        status = ProjectStatus(project["status"])
        self.setWindowTitle(f"Dự án {code} — {project['name']}")
        head = QLabel(f"<b>{code} — {project['name']}</b><br>{project['programme_code'] or ''} "
                      f"{project['component'] or ''} · {status.label} · Quyết định {project['decision_number'] or '—'}"
                      f" {format_date(project['decision_date'])}")
        head.setWordWrap(True)
        lead = project_lead(books.conn, project["id"])
        self.lead_line = QLabel(_lead_text(lead))
        self.lead_line.setWordWrap(True)
        self.lead_line.setVisible(lead is not None)
        tabs = QTabWidget()
        policy_text = QLabel(
            f"<b>{policy.code}</b> — {html.escape(policy.name)}<br>Căn cứ: {html.escape(policy.source)}<br><br>"
            + "<br>".join(html.escape(line) for line in describe_policy(policy)))
        policy_text.setWordWrap(True)
        # Voided supports stay listed, grey, with their void date and reason.
        member_rows = [{**m, "category": Category(m["category_at_entry"]).label,
                        "source_label": FundingSource(m["source"]).label, "voided_at": m["voided_on"],
                        "status": f"Đã hủy từ {format_date(m['voided_on'])}: {m['void_reason']}" if m["voided_on"]
                        else ""} for m in every_support]
        tabs.addTab(policy_text, "Quy định quỹ")
        tabs.addTab(_figures(BUDGET_LINES, project), "Kinh phí")
        tabs.addTab(_table(MEMBER_COLUMNS, member_rows), f"Hộ tham gia ({len(members)})")
        self.approvals = ApprovalsTab(books, code, self, can_record=status is ProjectStatus.ACTIVE)
        tabs.addTab(self.approvals, f"Phê duyệt ({len(self.approvals.rows)})")
        tabs.addTab(_table(SCHEDULE_COLUMNS, schedule(books, code)), "Lịch hoàn trả")
        tabs.addTab(_figures(LEDGER_LINES, report), "Sổ quỹ")
        tabs.addTab(self._vouchers_page(project["id"]), f"Phiếu chi ({len(self.voucher_model.rows())})")
        tabs.addTab(self._lead_page(lead), f"Đơn vị chủ trì ({len(lead['members'])} hộ)" if lead
                    else "Đơn vị chủ trì")
        handovers = self._handovers_page(project["id"])
        if handovers is not None:  # only a project that gave goods in kind has handover records
            tabs.addTab(handovers, f"Bàn giao ({self.handover_model.rowCount()})")
        # Short titles, so that every tab is in sight on a 1366-pixel screen at 125 %; the full name on hover.
        for index in range(tabs.count()):
            full = FULL_TAB_NAMES.get(tabs.tabText(index).split(" (")[0])
            if full:
                tabs.setTabToolTip(index, full)
        self.tabs = tabs
        tabs.setCurrentIndex(shown_tab)
        active = status is ProjectStatus.ACTIVE
        actions = QHBoxLayout()
        for text, slot, enabled in (
                ("&Ghi hỗ trợ…", self.add_support, active),
                ("Cho &vay từ quỹ…", self.lend_from_fund, active and report["balance"] > 0),
                ("&Chuyển công trình công ích…", self.public_works, active and report["balance"] > 0),
                ("&Hủy khoản hỗ trợ…", self.void_support, bool(members)),
                ("In &bảng kê hỗ trợ", self.print_support_list, bool(members)),
                ("In danh sách công &khai", self.print_notice, bool(members))):
            button = QPushButton(text)
            button.setEnabled(enabled)
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        close = QPushButton("Đó&ng")
        close.clicked.connect(self.accept)
        actions.addWidget(close)
        self.body.addWidget(head)
        self.body.addWidget(self.lead_line)
        self.body.addWidget(tabs, 1)
        self.body.addLayout(actions)

    def _lead_page(self, lead: dict | None) -> QWidget:
        """The lead's details and its member households (a cooperative's or a group's own households)."""
        page = QWidget()
        layout = QVBoxLayout(page)
        if lead is None:
            layout.addWidget(QLabel("Dự án do UBND xã trực tiếp thực hiện, chưa ghi đơn vị chủ trì "
                                    "(hợp tác xã, tổ hợp tác hay nhóm hộ)."))
            layout.addStretch(1)
            return page
        form = QFormLayout()
        for label, value in (("Tên", lead["name"]), ("Loại", lead["kind_label"]),
                             ("Người đại diện", lead["representative"] or "—"),
                             ("Mã số thuế / số đăng ký", lead["registration_code"] or "—")):
            form.addRow(label + ":", QLabel(value))
        layout.addLayout(form)
        layout.addWidget(QLabel(f"<b>Hộ thành viên ({len(lead['members'])})</b>"))
        self.lead_members = _table(LEAD_MEMBER_COLUMNS, lead["members"])
        layout.addWidget(self.lead_members, 1)
        return page

    def _vouchers_page(self, project_id: int) -> QWidget:
        """The project's phiếu chi, newest first, voided ones grey with their date and reason; reprint or void
        the one selected."""
        from desktop.queries.vouchers import voucher_register

        rows = [{**v, "voided_at": v["voided_on"], "status": f"Đã hủy từ {format_date(v['voided_on'])}: "
                 f"{v['void_reason']}" if v["voided_on"] else ""}
                for v in voucher_register(self.books.conn, project_id)]
        self.voucher_table = _table(VOUCHER_COLUMNS, rows)
        self.voucher_model = self.voucher_table.model()
        header = self.voucher_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.voucher_table.doubleClicked.connect(lambda _: self.reprint_voucher())
        return _table_page(self.voucher_table, (("In lạ&i phiếu chi…", self.reprint_voucher),
                                                ("Hủ&y phiếu chi…", self.void_voucher)), enabled=bool(rows))

    def _handovers_page(self, project_id: int) -> QWidget | None:
        """The project's handover records (biên bản bàn giao), by delivery day; reprint the one selected, or the
        list of its delivery day for the households to sign. None when the project gave nothing in kind."""
        from desktop.services.handovers import HANDOVER_ROWS

        found = self.books.conn.execute(HANDOVER_ROWS + " WHERE m.project_id = ? ORDER BY ho.delivered_on DESC, "
                                        "hm.name, h.code, ho.id", (project_id,)).fetchall()
        if not found:
            self.handover_table = self.handover_model = None
            return None
        rows = [{**dict(r), "voided_at": r["voided_on"], "status": f"Khoản hỗ trợ đã hủy từ "
                 f"{format_date(r['voided_on'])}" if r["voided_on"] else ""} for r in found]
        self.handover_table = _table(HANDOVER_COLUMNS, rows)
        self.handover_model = self.handover_table.model()
        header = self.handover_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.handover_table.doubleClicked.connect(lambda _: self.reprint_handover())
        return _table_page(self.handover_table, (("In &lại biên bản bàn giao…", self.reprint_handover),
                                                 ("In &danh sách ngày giao…", self.print_delivery_day)))

    def selected_handover(self) -> dict | None:
        if self.handover_table is None:
            return None
        index = self.handover_table.currentIndex()
        if not index.isValid():
            return self.handover_model.row(0) if self.handover_model.rowCount() == 1 else None
        return self.handover_model.row(index.row())

    def reprint_handover(self):
        """The selected handover record in the preview (a handover record keeps no print log: every print is
        the same document, signed on paper)."""
        from ui.dialogs.voucher_preview import open_handover

        chosen = self.selected_handover()
        if chosen is None:
            show_error(self, Refused("Hãy chọn một biên bản bàn giao trong danh sách."))
            return None
        return open_handover(self, self.books, chosen["id"])

    def print_delivery_day(self):
        """Every household that received goods of this project on the selected record's day, in one list."""
        from datetime import date

        from desktop.reports.payout_prints import write_handover_day_pdf

        chosen = self.selected_handover()
        if chosen is None:
            show_error(self, Refused("Hãy chọn một dòng của ngày giao cần in danh sách."))
            return None
        project_id, day = require_project(self.books.conn, self.code)["id"], date.fromisoformat(chosen["delivered_on"])

        def written(result) -> None:
            self.last_preview = PdfPreviewDialog(Path(result.path), f"Danh sách bàn giao ngày {format_date(day)}",
                                                 self)
            self.last_preview.open()

        return run_op(self, self.books, lambda own: write_handover_day_pdf(own, project_id, day), written,
                      label="Đang lập danh sách bàn giao…")

    def selected_voucher(self) -> dict | None:
        index = self.voucher_table.currentIndex()
        if not index.isValid():
            return self.voucher_model.row(0) if self.voucher_model.rowCount() == 1 else None
        return self.voucher_model.row(index.row())

    def reprint_voucher(self):
        """The selected voucher in the preview: the original if it was never printed, a BẢN SAO after."""
        from ui.dialogs.voucher_preview import open_voucher

        v = self.selected_voucher()
        if v is None:
            show_error(self, Refused("Hãy chọn một phiếu chi trong danh sách."))
            return None
        return open_voucher(self, self.books, v["book"], v["number"], v["year"])

    def void_voucher(self):
        from ui.dialogs.void_voucher import VoidVoucherDialog

        v = self.selected_voucher()
        if v is None:
            show_error(self, Refused("Hãy chọn một phiếu chi trong danh sách."))
            return None
        if v["voided_on"]:
            show_error(self, Refused(f"Phiếu chi số {v['number']}/{v['year']} đã bị hủy từ ngày "
                                     f"{format_date(v['voided_on'])}."))
            return None
        self.last_dialog = VoidVoucherDialog(self.books, v, self)
        self.last_dialog.open()
        return self.last_dialog

    def _after_change(self) -> None:
        self.project_changed.emit(self.code)
        self._build()

    def add_support(self, *, from_fund: bool = False) -> SupportDialog:
        dialog = SupportDialog(self.books, self.code, self, from_fund=from_fund)
        dialog.open()
        return dialog

    def record_approval(self):
        """Ghi quyết định… of the Phê duyệt tab (shown first)."""
        self.tabs.setCurrentWidget(self.approvals)
        return self.approvals.record()

    def lend_from_fund(self) -> SupportDialog:
        return self.add_support(from_fund=True)

    def void_support(self) -> VoidSupportDialog:
        _, members = project_members(self.books, self.code)
        dialog = VoidSupportDialog(self.books, self.code, members, self)
        dialog.open()
        return dialog

    def public_works(self) -> PublicWorksDialog:
        dialog = PublicWorksDialog(self.books, self.code, self)
        dialog.open()
        return dialog

    def _out(self, kind: str) -> Path:
        folder = self.books.data_dir.exports / "danh-sach"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{kind}-{self.code}-{clock.today():%Y%m%d}.pdf"

    def print_support_list(self) -> Path | None:
        from desktop.reports.beneficiaries import beneficiaries
        from desktop.reports.lists_pdf import support_list

        try:
            project, members = beneficiaries(self.books.conn, self.code)
            path = support_list(self._out("bang-ke"), self.books.settings(), project, members)
        except Refused as refusal:
            show_error(self, refusal)
            return None
        PdfPreviewDialog(path, f"Bảng kê hỗ trợ — {self.code}", self).open()
        return path

    def print_notice(self) -> Path | None:
        from desktop.reports.beneficiaries import beneficiaries
        from desktop.reports.lists_pdf import public_notice

        try:
            project, members = beneficiaries(self.books.conn, self.code)
            start = clock.today()
            path = public_notice(self._out("cong-khai"), self.books.settings(), project, members,
                                 posted_from=start, posted_to=start + timedelta(days=10))
        except Refused as refusal:
            show_error(self, refusal)
            return None
        PdfPreviewDialog(path, f"Danh sách công khai — {self.code}", self).open()
        return path


def _lead_text(lead: dict | None) -> str:
    if lead is None:
        return ""
    described = describe_lead(lead["kind"], lead["name"], lead["representative"], lead["registration_code"])
    return f"Đơn vị chủ trì: {described} — {len(lead['members'])} hộ thành viên"


def _drop_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget():
            item.widget().deleteLater()
        elif item.layout():
            _drop_layout(item.layout())
