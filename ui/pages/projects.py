"""Dự án: every project with its fund figures, search and a status filter; opens the project page."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.changes import Changes
from desktop.domain import ProjectStatus
from desktop.queries.fund import fund_figures
from desktop.services.projects import list_projects
from desktop.text import fold
from ui.dialogs.project_form import ProjectForm
from ui.dialogs.project_view import ProjectView
from ui.operations import subscribe
from ui.record_model import RecordTableModel
from ui.widgets import compact, page_title
from ui.workers import Loader

PROJECT_COLUMNS = [
    ("code", "Mã", "text"), ("name", "Tên dự án", "text"), ("programme_code", "Chương trình", "text"),
    ("status_label", "Tình trạng", "text"), ("households", "Số hộ", "number"), ("disbursed", "Đã hỗ trợ", "money"),
    ("recovered", "Đã thu hồi", "money"), ("outstanding", "Còn phải thu", "money"), ("balance", "Số dư quỹ", "money"),
]


# Projects with their members and fund figures.
SHOWS = Changes.PROJECTS | Changes.SUPPORTS | Changes.FUND | Changes.RECEIPTS


class ProjectsPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.search = QLineEdit(placeholderText="Tìm theo mã hoặc tên dự án")
        self.status = QComboBox()
        self.status.addItem("Mọi tình trạng", None)
        for status in ProjectStatus:
            self.status.addItem(status.label, status.value)
        add = QPushButton("Đăng &ký dự án… (Ctrl+Shift+N)")
        add.clicked.connect(self.add_project)
        open_button = QPushButton("&Mở dự án…")
        open_button.clicked.connect(self.open_selected)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(add)
        top.addWidget(open_button)
        self.model = RecordTableModel(PROJECT_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        self.table.doubleClicked.connect(lambda index: self.open_project(self.model.row(index.row())["code"]))
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Dự án"))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.search.textChanged.connect(self._apply_filter)
        self.status.currentIndexChanged.connect(self._apply_filter)
        self.loader = Loader(self, books)
        self.refresh()
        subscribe(self, SHOWS, self.refresh)

    def refresh(self) -> None:
        def read(books) -> list[dict]:
            return [{**p, **fund_figures(books.conn, p["id"]), "status_label": ProjectStatus(p["status"]).label}
                    for p in list_projects(books)]

        self.loader.run(read, self._show)

    def _show(self, rows: list[dict]) -> None:
        self._rows = rows
        self._apply_filter()
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, 260)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def _apply_filter(self) -> None:
        words = fold(self.search.text()).split()
        status = self.status.currentData()
        self.model.set_rows([r for r in self._rows if all(w in fold(f"{r['code']} {r['name']}") for w in words)
                             and (status is None or r["status"] == status)])

    def add_project(self) -> ProjectForm:
        form = ProjectForm(self.books, self)
        form.open()
        return form

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_project(self.model.row(index.row())["code"])

    def open_project(self, code: str) -> ProjectView:
        view = ProjectView(self.books, code, self)
        view.open()
        return view
