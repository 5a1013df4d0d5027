"""Báo cáo: choose a report and its period (and project), preview it as a table, write it as PDF/XLSX.

The reports listed here are those the core can make today (due/overdue, project fund, support list, public
notice); more arrive through ``ui.hooks.register_report`` without touching this page.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.domain import Category
from desktop.errors import Refused
from desktop.services.projects import list_projects, project_members
from desktop.services.schedules import due_list, fund_report
from ui import hooks
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.errors import show_error
from ui.record_model import RecordTableModel
from ui.widgets import DateEdit, compact, page_title

DUE_COLUMNS = [("hamlet", "Thôn", "text"), ("household", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"),
               ("project", "Dự án", "text"), ("due_on", "Hạn trả", "date"), ("outstanding", "Còn phải trả", "money"),
               ("days_overdue", "Ngày quá hạn", "number"), ("aging", "Nhóm", "text")]
FUND_COLUMNS = [("line", "Khoản mục", "text"), ("amount", "Số tiền (đồng)", "money")]
MEMBER_COLUMNS = [("code", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"), ("hamlet", "Thôn", "text"),
                  ("category", "Phân loại", "text"), ("supported_on", "Ngày hỗ trợ", "date"),
                  ("support_amount", "Mức hỗ trợ", "money"), ("in_kind", "Hiện vật", "text")]
FUND_LINES = (("disbursed", "Tổng hỗ trợ"), ("from_budget", "Từ ngân sách"), ("to_return", "Phải hoàn trả"),
              ("recovered", "Đã thu hồi"), ("relent", "Đã cho vay lại"), ("public_works", "Chuyển công trình công ích"),
              ("balance", "Số dư quỹ"), ("outstanding", "Còn phải thu"))


def _due_table(books, project, start, end):
    rows = due_list(books, start, within_days=max(0, (end - start).days))["rows"]
    if project:
        rows = [r for r in rows if r["project"] == project]
    return DUE_COLUMNS, rows


def _fund_table(books, project, start, end):
    report = fund_report(books, project)
    return FUND_COLUMNS, [{"line": label, "amount": report[key]} for key, label in FUND_LINES]


def _members_table(books, project, start, end):
    _, members = project_members(books, project)
    return MEMBER_COLUMNS, [{**m, "category": Category(m["category_at_entry"]).label} for m in members]


def _support_list_pdf(books, project, start, end, path: Path) -> Path:
    from desktop.reports.lists_pdf import support_list

    details, members = project_members(books, project)
    return support_list(path, books.settings(), details, members)


def _notice_pdf(books, project, start, end, path: Path) -> Path:
    from desktop.reports.lists_pdf import public_notice

    details, members = project_members(books, project)
    return public_notice(path, books.settings(), details, members, posted_from=start,
                         posted_to=max(end, start + timedelta(days=10)))


for _spec in (
        hooks.ReportSpec("due", "Đến hạn và quá hạn theo thôn", False, _due_table),
        hooks.ReportSpec("fund", "Quỹ luân chuyển của dự án", True, _fund_table),
        hooks.ReportSpec("support_list", "Bảng kê hỗ trợ hộ gia đình", True, _members_table, pdf=_support_list_pdf),
        hooks.ReportSpec("notice", "Danh sách công khai hộ được hỗ trợ", True, _members_table, pdf=_notice_pdf)):
    if not any(r.key == _spec.key for r in hooks.REPORTS):
        hooks.register_report(_spec)


class ReportsPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.specs = list(hooks.REPORTS)
        self.choice = QListWidget()
        for spec in self.specs:
            self.choice.addItem(spec.title)
        self.choice.setFixedWidth(300)
        self.project = QComboBox()
        for p in list_projects(books):
            self.project.addItem(f"{p['code']} — {p['name']}", p["code"])
        self.project.setMaximumWidth(380)
        self.date_from = DateEdit(date.today())
        self.date_to = DateEdit(date.today() + timedelta(days=30))
        self.preview_button = QPushButton("Xem")
        self.pdf_button = QPushButton("Xuất PDF…")
        self.xlsx_button = QPushButton("Xuất Excel…")
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        options = QHBoxLayout()
        options.addWidget(QLabel("Dự án:"))
        options.addWidget(self.project, 1)
        options.addWidget(QLabel("Từ"))
        options.addWidget(self.date_from)
        options.addWidget(QLabel("đến"))
        options.addWidget(self.date_to)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.xlsx_button)
        buttons.addStretch(1)
        self.model = RecordTableModel([], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        self.status = QLabel()
        right = QVBoxLayout()
        right.addLayout(options)
        right.addLayout(buttons)
        right.addWidget(self.table, 1)
        right.addWidget(self.status)
        body = QHBoxLayout()
        body.addWidget(self.choice)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Báo cáo"))
        layout.addLayout(body, 1)
        self.choice.currentRowChanged.connect(self._chosen)
        self.choice.setCurrentRow(0)

    def spec(self) -> hooks.ReportSpec:
        return self.specs[max(0, self.choice.currentRow())]

    def _chosen(self) -> None:
        spec = self.spec()
        self.project.setEnabled(spec.needs_project)
        self.pdf_button.setEnabled(spec.pdf is not None)
        self.xlsx_button.setEnabled(spec.xlsx is not None)
        self.preview()

    def _args(self):
        return self.books, self.project.currentData(), self.date_from.value(), self.date_to.value()

    def preview(self) -> int:
        spec = self.spec()
        if spec.needs_project and self.project.currentData() is None:
            self.status.setText("Chưa có dự án nào.")
            return 0
        try:
            columns, rows = spec.table(*self._args())
        except Refused as refusal:
            show_error(self, refusal)
            return 0
        self.model = RecordTableModel(columns, self)
        self.model.set_rows(rows)
        self.table.setModel(self.model)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.status.setText(f"{len(rows)} dòng")
        return len(rows)

    def _out(self, suffix: str) -> Path:
        folder = self.books.data_dir.exports / "bao-cao"
        folder.mkdir(parents=True, exist_ok=True)
        project = self.project.currentData() if self.spec().needs_project else "xa"
        return folder / f"{self.spec().key}-{project}-{date.today():%Y%m%d}.{suffix}"

    def export_pdf(self, *, preview: bool = True) -> Path | None:
        spec = self.spec()
        if spec.pdf is None:
            return None
        try:
            path = spec.pdf(*self._args(), self._out("pdf"))
        except Refused as refusal:
            show_error(self, refusal)
            return None
        self.status.setText(f"Đã ghi {path}")
        if preview:
            PdfPreviewDialog(path, spec.title, self).open()
        return path

    def export_xlsx(self) -> Path | None:
        spec = self.spec()
        if spec.xlsx is None:
            return None
        target, _ = QFileDialog.getSaveFileName(self, "Xuất Excel", str(self._out("xlsx")), "Excel (*.xlsx)")
        if not target:
            return None
        try:
            path = spec.xlsx(*self._args(), Path(target))
        except Refused as refusal:
            show_error(self, refusal)
            return None
        self.status.setText(f"Đã ghi {path}")
        return path
