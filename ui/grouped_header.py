"""A table header in two rows, as the printed reports have it: a group's title spans its columns, each column's
own title (wrapped on two lines) sits under it. Columns without a group use both rows.

The model gives a column's group under ``GROUP_ROLE`` and its own title under the display role. Without the
spanning row every column would repeat the group's title, and the wide periodic report would need twice the width.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader

GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
_PAD = 6  # around the text, inside a cell
_TEXT_LINES = 2  # a column's own title wraps on at most this many lines


class GroupedHeader(QHeaderView):
    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    # ------------------------------------------------------------------ what the model says
    def group(self, logical: int) -> str:
        model = self.model()
        if model is None or not 0 <= logical < self.count():
            return ""
        return str(model.headerData(logical, Qt.Orientation.Horizontal, GROUP_ROLE) or "")

    def title(self, logical: int) -> str:
        model = self.model()
        return str(model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "") \
            if model is not None else ""

    def grouped(self) -> bool:
        return any(self.group(i) for i in range(self.count()))

    def span(self, logical: int) -> tuple[int, int]:
        """The first and last visual index of the run of neighbouring columns sharing ``logical``'s group."""
        group, visual = self.group(logical), self.visualIndex(logical)
        first = last = visual
        while first > 0 and self.group(self.logicalIndex(first - 1)) == group:
            first -= 1
        while last < self.count() - 1 and self.group(self.logicalIndex(last + 1)) == group:
            last += 1
        return first, last

    # ------------------------------------------------------------------ sizes
    def _line(self) -> int:
        return self.fontMetrics().height() + _PAD

    def sectionSizeFromContents(self, logical: int) -> QSize:  # noqa: N802 - Qt's name
        size = super().sectionSizeFromContents(logical)
        if not self.grouped():
            return size
        metrics, text = self.fontMetrics(), self.title(logical)
        # The narrowest width at which the title fits on two lines, never narrower than its longest word.
        width = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
        full = metrics.horizontalAdvance(text)
        while width < full and metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap,
                                                    text).height() > _TEXT_LINES * metrics.lineSpacing():
            width += 4
        width = min(width, full) + 2 * _PAD
        group = self.group(logical)
        if group:  # the group's title must fit on one line across its columns: each takes its share
            first, last = self.span(logical)
            width = max(width, -(-(metrics.horizontalAdvance(group) + 2 * _PAD) // (last - first + 1)))
        return QSize(width, self._line() + _TEXT_LINES * metrics.lineSpacing() + _PAD)

    # ------------------------------------------------------------------ painting
    def _cell(self, painter, rect: QRect, text: str, logical: int) -> None:
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logical
        self.style().drawControl(QStyle.ControlElement.CE_HeaderSection, option, painter, self)
        painter.drawText(rect.adjusted(_PAD // 2, 1, -_PAD // 2, -1),
                         int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)

    def paintSection(self, painter, rect: QRect, logical: int) -> None:  # noqa: N802 - Qt's name
        group = self.group(logical)
        if not group:
            if self.grouped():
                self._cell(painter, rect, self.title(logical), logical)  # both rows, wrapped
            else:
                super().paintSection(painter, rect, logical)
            return
        line = self._line()
        first, last = self.span(logical)
        left = self.sectionViewportPosition(self.logicalIndex(first))
        right = self.sectionViewportPosition(self.logicalIndex(last)) + self.sectionSize(self.logicalIndex(last))
        painter.save()
        # Each column paints its slice of the group's cell: together they show one title across the run.
        painter.setClipRect(QRect(rect.left(), rect.top(), rect.width(), line))
        self._cell(painter, QRect(left, rect.top(), right - left, line), group, logical)
        painter.restore()
        self._cell(painter, rect.adjusted(0, line, 0, 0), self.title(logical), logical)
