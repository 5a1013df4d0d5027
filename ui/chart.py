"""A bar chart painted with QPainter (no QtCharts add-on): money recovered per month."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from desktop.money import format_vnd


def short_money(amount: int) -> str:
    """Axis labels stay short: 1,2 tỷ / 350 tr / 12 nghìn."""
    if amount >= 1_000_000_000:
        return f"{amount / 1e9:.1f} tỷ".replace(".", ",")
    if amount >= 1_000_000:
        return f"{amount / 1e6:.0f} tr"
    if amount >= 1000:
        return f"{amount // 1000} nghìn"
    return format_vnd(amount)


class BarChart(QWidget):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.bars: list[tuple[str, int]] = []
        self.setMinimumHeight(200)

    def set_bars(self, bars: list[tuple[str, int]]) -> None:
        self.bars = bars
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.setPen(QColor("#1f4e79"))
        painter.drawText(QRectF(8, 4, self.width() - 16, line + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        if not self.bars:
            return
        top = line * 2 + 8
        bottom = self.height() - line - 10
        left, right = 8, self.width() - 8
        peak = max((v for _, v in self.bars), default=0) or 1
        slot = (right - left) / len(self.bars)
        painter.setPen(QColor("#b4c7dc"))
        painter.drawLine(left, int(bottom), right, int(bottom))
        # A figure wider than its bar's slot ("105 tr" on a narrow window) is drawn in a smaller font rather
        # than cut; the month labels keep the normal size.
        value_font = painter.font()
        widest = max((metrics.horizontalAdvance(short_money(v)) for _, v in self.bars if v), default=0)
        if widest > slot - 2 and value_font.pointSizeF() > 0:
            value_font.setPointSizeF(max(6.0, value_font.pointSizeF() * (slot - 2) / widest))
        normal_font = painter.font()
        for i, (label, value) in enumerate(self.bars):
            height = (bottom - top) * value / peak
            x = left + i * slot
            bar = QRectF(x + slot * 0.15, bottom - height, slot * 0.7, height)
            painter.fillRect(bar, QColor("#2e75b6"))
            painter.setPen(QColor("#333333"))
            if value:
                painter.setFont(value_font)
                painter.drawText(QRectF(x, bottom - height - line - 2, slot, line), Qt.AlignmentFlag.AlignHCenter,
                                 short_money(value))
                painter.setFont(normal_font)
            # "01/26" when it fits under its bar, else the month alone ("01"): labels never run into each other.
            month = label[:2] + "/" + label[-2:]
            if metrics.horizontalAdvance(month) + 4 > slot:
                month = label[:2]
            painter.drawText(QRectF(x, bottom + 4, slot, line), Qt.AlignmentFlag.AlignHCenter, month)
