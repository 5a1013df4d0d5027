"""The main window: commune header, side navigation and the pages built so far."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.dates import format_date
from desktop.domain import Category
from desktop.services.fundbook import fund_figures
from desktop.services.hamlets import list_hamlets
from desktop.services.households import HouseholdQuery
from desktop.services.projects import list_projects
from ui.household_model import HouseholdTableModel
from ui.record_model import RecordTableModel

SEARCH_DELAY_MS = 150


def _compact(table: QTableView) -> None:
    """One line per row, as in a spreadsheet: no wrapping, no row numbers."""
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)


class HouseholdsPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Tìm theo tên, mã hộ, số CCCD — gõ không dấu cũng được (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.hamlet = QComboBox()
        self.hamlet.addItem("Tất cả các thôn", None)
        for hamlet in list_hamlets(books):
            self.hamlet.addItem(hamlet["name"], hamlet["name"])
        self.category = QComboBox()
        self.category.addItem("Mọi phân loại", None)
        for category in Category:
            self.category.addItem(category.label, category)
        self.count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.hamlet)
        filters.addWidget(self.category)
        self.model = HouseholdTableModel(books, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        _compact(self.table)
        # Fixed widths: measuring contents would walk rows that are not fetched yet.
        for column, width in ((0, 90), (2, 150), (3, 160), (4, 120), (5, 80), (6, 110)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        # Typing fires a query only after a short pause, so fast typists never wait on every key.
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.hamlet.currentIndexChanged.connect(self.apply_filters)
        self.category.currentIndexChanged.connect(self.apply_filters)
        self._show_count()

    def apply_filters(self) -> None:
        self.model.set_query(HouseholdQuery(search=self.search.text(), hamlet=self.hamlet.currentData(),
                                            category=self.category.currentData()))
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(f"{self.model.total:,} hộ".replace(",", "."))


PROJECT_COLUMNS = [
    ("code", "Mã", "text"), ("name", "Tên dự án", "text"), ("programme_code", "Chương trình", "text"),
    ("households", "Số hộ", "text"), ("disbursed", "Đã hỗ trợ", "money"), ("recovered", "Đã thu hồi", "money"),
    ("outstanding", "Còn phải thu", "money"), ("balance", "Số dư quỹ", "money"),
]


class ProjectsPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.model = RecordTableModel(PROJECT_COLUMNS, self)
        rows = [{**p, **fund_figures(books.conn, p["id"])} for p in list_projects(books)]
        self.model.set_rows(rows)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        _compact(self.table)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)


class MainWindow(QMainWindow):
    def __init__(self, books: Books):
        super().__init__()
        self.books = books
        name = books.setting("commune_name", "")
        self.setWindowTitle(f"VốnXoay — {name}")
        header = QLabel(f"<b>{name}</b> · {books.setting('upper_name', '')} · "
                        f"{books.setting('province_name', '')} &nbsp;&nbsp; Số liệu đến ngày "
                        f"{format_date(date.today())}")
        header.setTextFormat(Qt.TextFormat.RichText)
        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.pages = QStackedWidget()
        self.households_page = HouseholdsPage(books)
        self.projects_page = ProjectsPage(books)
        for title, page in (("Hộ gia đình", self.households_page), ("Dự án", self.projects_page)):
            self.nav.addItem(title)
            self.pages.addWidget(page)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(header)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        self.resize(1280, 720)

    def _focus_search(self) -> None:
        self.nav.setCurrentRow(0)
        self.households_page.search.setFocus()
        self.households_page.search.selectAll()
