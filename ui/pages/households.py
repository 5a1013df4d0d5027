"""Hộ gia đình: every household in a lazily fetched table, search as you type (diacritics and đ/d
forgiven), filters by hamlet and category; open, add and edit households."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.changes import Changes
from desktop.domain import Category
from desktop.services.hamlets import list_hamlets
from desktop.services.households import HouseholdQuery, count_households, list_households
from ui.dialogs.household_form import HouseholdForm
from ui.dialogs.household_view import HouseholdView
from ui.household_model import PAGE, HouseholdTableModel
from ui.operations import subscribe
from ui.record_model import fit_columns
from ui.widgets import compact, page_title, searchable
from ui.workers import run_task

if TYPE_CHECKING:
    from ui.dialogs.excel_import import ExcelImportDialog

SEARCH_DELAY_MS = 150


# The register: households, their hamlets and categories.
SHOWS = Changes.HOUSEHOLDS | Changes.HAMLETS


class HouseholdsPage(QWidget):
    payment_requested = Signal(str)  # household code: open the payment dialog for it
    results_shown = Signal(int)  # a search or filter finished: how many households match

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self._generation = 0
        self.search = QLineEdit(placeholderText="Tìm theo tên, mã hộ, số CCCD — gõ không dấu cũng được (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.hamlet = searchable(QComboBox())  # type part of a hamlet's name
        self.category = QComboBox()
        self.reload_filters()
        subscribe(self, Changes.HAMLETS, self.reload_filters)
        subscribe(self, SHOWS, self.apply_filters)
        self.count = QLabel()
        add = QPushButton("&Thêm hộ… (Ctrl+N)")
        open_button = QPushButton("&Xem hộ…")
        edit = QPushButton("&Sửa…")
        add.clicked.connect(self.add_household)
        open_button.clicked.connect(self.open_selected)
        edit.clicked.connect(self.edit_selected)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.hamlet)
        filters.addWidget(self.category)
        self.model = HouseholdTableModel(books, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        # Measured over the rows fetched so far (a page at a time), the name taking the room that is left.
        fit_columns(self.table, stretch=1)
        self.table.doubleClicked.connect(lambda index: self.open_household(self.model.row_at(index.row())["code"]))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        for button in (add, open_button, edit):
            bottom.addWidget(button)
        import_button = QPushButton("&Nhập từ Excel…")
        import_button.clicked.connect(lambda: self.open_import())
        template_button = QPushButton("Tải &mẫu Excel…")
        template_button.clicked.connect(lambda: self.save_template())
        bottom.addWidget(import_button)
        bottom.addWidget(template_button)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Hộ gia đình"))
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        # Typing fires a query only after a short pause, so fast typists never wait on every key.
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.hamlet.currentIndexChanged.connect(self.apply_filters)
        self.category.currentIndexChanged.connect(self.apply_filters)
        self._show_count()

    def reload_filters(self) -> None:
        self.hamlet.blockSignals(True)
        self.hamlet.clear()
        self.hamlet.addItem("Tất cả các thôn", None)
        for hamlet in list_hamlets(self.books):
            self.hamlet.addItem(hamlet["name"], hamlet["name"])
        self.hamlet.blockSignals(False)
        if self.category.count() == 0:
            self.category.addItem("Mọi phân loại", None)
            for category in Category:
                self.category.addItem(category.label, category)

    def apply_filters(self) -> None:
        """Count and first page are computed in a worker on its own connection, so typing never stalls on
        100 000 households; a result that a newer keystroke has overtaken is dropped."""
        search, hamlet = self.search.text(), self.hamlet.currentData()
        # Search results and a hamlet's households read by name (Vietnamese order); the whole commune stays in
        # code order, the register's own, which pages through 100 000 households without sorting them all.
        query = HouseholdQuery(search=search, hamlet=hamlet, category=self.category.currentData(),
                               order="name" if search.strip() or hamlet else "code")
        self._generation += 1
        generation = self._generation
        data_dir, actor = self.books.data_dir, self.books.actor

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                return count_households(books, query), list_households(books, query, limit=PAGE)

        def done(result) -> None:
            if generation != self._generation:
                return
            total, rows = result
            self.model.show_results(query, total, rows)
            self._show_count()
            self.results_shown.emit(total)

        run_task(self, "Đang tìm…", work, done, show_progress=False)

    def _show_count(self) -> None:
        self.count.setText(f"{self.model.total:,} hộ".replace(",", "."))

    def selected_code(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row())["code"] if index.isValid() else None

    def add_household(self) -> HouseholdForm:
        form = HouseholdForm(self.books, self)
        form.household_saved.connect(self._saved)
        form.open()
        return form

    def _saved(self, code: str) -> None:
        self.search.setText(code)  # the hub reloads the list; this shows the new household in it

    def open_import(self) -> ExcelImportDialog:
        from ui.dialogs.excel_import import ExcelImportDialog  # openpyxl loads when the clerk asks for it

        dialog = ExcelImportDialog(self.books, self)
        dialog.open()
        return dialog

    def save_template(self, path=None):
        from ui.dialogs.excel_import import save_template

        written = save_template(self, self.books, path)
        if written:
            self.count.setText(f"Đã lưu mẫu danh sách hộ vào {written}")
        return written

    def open_selected(self) -> None:
        code = self.selected_code()
        if code:
            self.open_household(code)

    def edit_selected(self) -> None:
        code = self.selected_code()
        if code:
            self.edit_household(code)

    def open_household(self, code: str) -> HouseholdView:
        view = HouseholdView(self.books, code, self)
        view.edit_requested.connect(self.edit_household)
        view.payment_requested.connect(self.payment_requested)
        view.open()
        return view

    def edit_household(self, code: str) -> HouseholdForm | None:
        rows = self.model.rows_for(code)
        if not rows:
            return None
        form = HouseholdForm(self.books, self, household=rows[0])
        form.open()
        return form
