"""A read-only table model over a short list of dicts (projects, schedules): columns are (key, title, kind)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTableView

from desktop.dates import format_date
from desktop.money import format_vnd


class RecordTableModel(QAbstractTableModel):
    """``kind`` is "text", "number" (right-aligned), "money" (7.000.000, right-aligned) or "date" (dd/mm/yyyy).
    A row with a true ``voided_at`` is shown grey: voided receipts stay in the register, visibly; a row with a
    true ``_total`` (a totals line) is bold; a row with a true ``_refused`` (a line that will not be taken) is red."""

    def __init__(self, columns: list[tuple[str, str, str]], parent=None):
        super().__init__(parent)
        self._columns = columns
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key, _, kind = self._columns[index.column()]
        value = self._rows[index.row()].get(key)
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            if kind == "money":
                return format_vnd(int(value))
            if kind == "date":
                return format_date(value)
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("money", "number"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._rows[index.row()].get("voided_at"):
            return QColor("#9a9a9a")
        if role == Qt.ItemDataRole.ForegroundRole and self._rows[index.row()].get("_refused"):
            return QColor("#b00020")
        if role == Qt.ItemDataRole.FontRole and self._rows[index.row()].get("_total"):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][1]
        return None

    def row(self, row: int) -> dict:
        return self._rows[row]

    def rows(self) -> list[dict]:
        return list(self._rows)


# A column of free text (a reason, a note) is not allowed to push the name column out of sight.
WIDEST_OTHER_COLUMN = 320


class _ColumnFitter(QObject):
    """Keeps a table's columns fitted to their content: every column as wide as its widest text (and its
    title), and the ``stretch`` column (the names) taking what room is left but never less than its own
    content, so "Nguyễn Hữu Hiếu" is never cut to "Nguyễn Hữu Hi…" while another column has room to spare.
    When there is not room for all, a horizontal scroll bar appears rather than an elided name."""

    def __init__(self, table: QTableView, stretch: int):
        super().__init__(table)
        self.table, self.stretch = table, stretch
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.viewport().installEventFilter(self)
        model = table.model()
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged, model.dataChanged):
            signal.connect(self.fit)
        self.fit()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def content_width(self, column: int) -> int:
        header = self.table.horizontalHeader()
        return max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))

    def fit(self, *_) -> None:
        table, header = self.table, self.table.horizontalHeader()
        columns = table.model().columnCount()
        used = 0
        for column in range(columns):
            if column != self.stretch and not table.isColumnHidden(column):
                width = min(self.content_width(column), WIDEST_OTHER_COLUMN)
                header.resizeSection(column, width)
                used += width
        if 0 <= self.stretch < columns:
            free = table.viewport().width() - used
            header.resizeSection(self.stretch, max(self.content_width(self.stretch), free))


def fit_columns(table: QTableView, stretch: int) -> None:
    """Size ``table``'s columns to their content, now and whenever its rows or its width change."""
    _ColumnFitter(table, stretch)
