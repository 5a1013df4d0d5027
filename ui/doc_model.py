"""A read-only table over a report document's lines (``desktop.reports.tabular``): the preview shows the same
columns, sections and totals as the XLSX/PDF written from that document, cell text formatted the same way."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.reports.tabular import cell_text
from desktop.reports.xlsxkit import Column
from ui.grouped_header import GROUP_ROLE

_BOLD = QFont()
_BOLD.setBold(True)


class DocTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._columns: list[Column] = []
        self._lines: list[tuple[str, Sequence]] = []

    def set_doc(self, columns: list[Column], lines: list[tuple[str, Sequence]]) -> None:
        self.beginResetModel()
        self._columns, self._lines = list(columns), list(lines)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def line(self, row: int) -> tuple[str, Sequence]:
        return self._lines[row]

    def column_index(self, header: str, group: str = "") -> int:
        return next(i for i, c in enumerate(self._columns) if c.header == header and (not group or c.group == group))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        kind, values = self._lines[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == "section":
                return str(values[0]) if index.column() == 0 else ""
            value = values[index.column()] if index.column() < len(values) else None
            return cell_text(value, column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric and kind != "section":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and kind in ("section", "total"):
            return _BOLD
        if role == Qt.ItemDataRole.BackgroundRole and kind in ("section", "total"):
            return QBrush(QColor("#eef2f5"))
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        """The column's own title; its group (shown spanning its columns by ``GroupedHeader``) under
        ``GROUP_ROLE``; both in the tooltip."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == GROUP_ROLE:
            return column.group or None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{column.group} — {column.header}" if column.group else column.header
        return None
