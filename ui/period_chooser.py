"""The report period: the presets the office reports on (first six months, whole year) or any two dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from desktop import clock
from ui.widgets import DateEdit

CUSTOM = "custom"


def presets(today: date) -> list[tuple[str, date, date]]:
    """This year's and last year's half-year and whole-year periods, most recent first."""
    result = []
    for year in (today.year, today.year - 1):
        result += [(f"6 tháng đầu năm {year}", date(year, 1, 1), date(year, 6, 30)),
                   (f"Cả năm {year}", date(year, 1, 1), date(year, 12, 31))]
    return result


class PeriodChooser(QWidget):
    changed = Signal()

    def __init__(self, parent=None, *, today: date | None = None):
        super().__init__(parent)
        self.preset = QComboBox()
        for label, start, end in presets(today or clock.today()):
            self.preset.addItem(label, (start, end))
        self.preset.addItem("Tùy chọn ngày", CUSTOM)
        self.date_from = DateEdit()
        self.date_to = DateEdit()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset)
        layout.addWidget(QLabel("từ"))
        layout.addWidget(self.date_from)
        layout.addWidget(QLabel("đến"))
        layout.addWidget(self.date_to)
        layout.addStretch(1)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.date_from.dateChanged.connect(self._typed)
        self.date_to.dateChanged.connect(self._typed)
        self._preset_chosen()

    def _preset_chosen(self) -> None:
        period = self.preset.currentData()
        if period != CUSTOM:
            for edit, value in zip((self.date_from, self.date_to), period, strict=True):
                edit.blockSignals(True)
                edit.set_date(value)
                edit.blockSignals(False)
        self.changed.emit()

    def _typed(self) -> None:
        """Dates typed by hand make the period a custom one."""
        custom = self.preset.findData(CUSTOM)
        if self.preset.currentIndex() != custom:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(custom)
            self.preset.blockSignals(False)
        self.changed.emit()

    def set_period(self, start: date, end: date) -> None:
        self.date_from.set_date(start)
        self.date_to.set_date(end)

    def period(self) -> tuple[date, date]:
        return self.date_from.value(), self.date_to.value()
