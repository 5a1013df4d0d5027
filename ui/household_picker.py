"""Find a household by typing (name, code or ID number, diacritics optional) and pick it from a short list;
used wherever a form needs one household (payment, support).

Results come best match first (exact code or ID number, exact name, names starting with what was typed, whole
words, the rest), so that a full name typed without diacritics finds its household even among hundreds of
names sharing its words; when more matched than the list shows, a line under the list says how many more.

A household is chosen only by an explicit act: Enter in the search box (the highlighted result), Enter or a
double-click on a row of the list. Results narrowing to one household choose nothing: the clerk may still be
typing ("H0000" already matches one household before "1" is typed), and a form that moved the focus on
its own would send the rest of the code into whatever field got it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from desktop.books import Books
from desktop.services.households import HouseholdQuery, count_households, list_households
from ui.record_model import RecordTableModel
from ui.widgets import compact

MATCHES = 30
COLUMNS = [("code", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"), ("hamlet", "Thôn", "text"),
           ("category_label", "Phân loại", "text")]


class HouseholdPicker(QWidget):
    household_chosen = Signal(dict)  # the household row (code, head_name, hamlet, …)

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.search = QLineEdit(placeholderText="Gõ tên chủ hộ, mã hộ hoặc số CCCD (không dấu cũng được)")
        self.model = RecordTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        for column, width in ((0, 70), (2, 110), (3, 130)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(140)
        self.more = QLabel()
        self.more.setObjectName("hint")
        policy = self.more.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the form below must not jump as the clerk types
        self.more.setSizePolicy(policy)
        self.more.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(self.more)
        layout.addStretch(1)  # a form giving the picker more room keeps the line under the list, not below it
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.find)
        self.search.textEdited.connect(self._debounce.start)
        self.table.doubleClicked.connect(lambda index: self.choose(self.model.row(index.row())))
        # Enter in the search box or the list picks the household and goes no further: in a dialog it
        # would otherwise also press the default button and record something for the household just picked.
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if watched is self.search:
                self._choose_current()
            else:
                index = self.table.currentIndex()
                if index.isValid():
                    self.choose(self.model.row(index.row()))
            return True
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            if self.model.rowCount():
                self.table.setFocus()
                return True
        return super().eventFilter(watched, event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # A search typed just before Esc must not run after the dialog is gone (its books may be closed).
        self._debounce.stop()
        super().hideEvent(event)

    def find(self) -> list[dict]:
        from desktop.domain import Category

        text = self.search.text().strip()
        rows, total = self.matching(text, MATCHES)
        rows = [{**r, "category_label": Category(r["category"]).label if r["category"] else ""} for r in rows]
        self.model.set_rows(rows)
        self.show_more(total - len(rows))
        if rows:
            self.table.selectRow(0)  # highlighted for Enter; chosen only when the clerk says so
        return rows

    def matching(self, text: str, limit: int) -> tuple[list[dict], int]:
        """The best ``limit`` matches for the typed text and how many households matched in all."""
        if not text:
            return [], 0
        query = HouseholdQuery(search=text, order="match")
        rows = list_households(self.books, query, limit=limit)
        return rows, (count_households(self.books, query) if len(rows) == limit else len(rows))

    def show_more(self, left: int) -> None:
        """Tell the clerk the list is cut, so that they type more rather than look for a name not shown."""
        self.more.setText(f"Còn {left:,} hộ khớp nữa — gõ thêm để thu hẹp".replace(",", "."))
        self.more.setVisible(left > 0)

    def _choose_current(self) -> None:
        self._debounce.stop()
        self.find()
        index = self.table.currentIndex()
        if index.isValid():
            self.choose(self.model.row(index.row()))

    def choose(self, row: dict) -> None:
        self.household_chosen.emit(row)
