"""The household table as a Qt model that fetches rows in pages, so 100 000 households scroll smoothly."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from desktop.books import Books
from desktop.domain import Category
from desktop.services.households import HouseholdQuery, count_households, list_households

PAGE = 500
COLUMNS = [
    ("code", "Mã hộ"),
    ("head_name", "Chủ hộ"),
    ("hamlet", "Thôn"),
    ("category", "Phân loại"),
    ("id_number", "Số CCCD"),
    ("members", "Nhân khẩu"),
    ("phone", "Điện thoại"),
]


class HouseholdTableModel(QAbstractTableModel):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self._books = books
        self._query = HouseholdQuery()
        self._rows: list[dict] = []
        self._total = 0
        self.set_query(HouseholdQuery())

    def set_query(self, query: HouseholdQuery) -> None:
        self.beginResetModel()
        self._query = query
        self._total = count_households(self._books, query)
        self._rows = list_households(self._books, query, limit=PAGE)
        self.endResetModel()

    def show_results(self, query: HouseholdQuery, total: int, first_page: list[dict]) -> None:
        """Show a query's count and first page computed elsewhere (a worker), then fetch lazily as usual."""
        self.beginResetModel()
        self._query = query
        self._total = total
        self._rows = first_page
        self.endResetModel()

    @property
    def query(self) -> HouseholdQuery:
        """The search and filters whose results are shown."""
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        more = list_households(self._books, self._query, limit=PAGE, offset=len(self._rows))
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = COLUMNS[index.column()][0]
        value = self._rows[index.row()][key]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "category" and value:
                return Category(value).label
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "members":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def row_at(self, row: int) -> dict:
        return self._rows[row]

    def rows_for(self, code: str) -> list[dict]:
        """The household with this exact code (searched, so it need not be among the fetched rows)."""
        found = list_households(self._books, HouseholdQuery(search=code), limit=50)
        return [r for r in found if r["code"] == code.upper()]
