"""Small widgets every form uses: amounts as the clerk types them, dd/mm/yyyy dates, red invalid fields,
and compact tables."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import Refused
from desktop.money import format_vnd, parse_amount


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Red border through the style sheet's [invalid="true"] rule; the text the clerk typed stays."""
    widget.setProperty("invalid", "true" if invalid else "false")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class MoneyEdit(QLineEdit):
    """Accepts "7.000.000", "7000000" or "7 000 000 đ"; shows 7.000.000 after editing."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("ví dụ 2.333.000")
        self.editingFinished.connect(self._reformat)

    def amount(self) -> int:
        """The amount in đồng; raises Refused with the reason when the text is not an amount."""
        return parse_amount(self.text())

    def set_amount(self, amount: int) -> None:
        self.setText(format_vnd(amount))

    def _reformat(self) -> None:
        try:
            self.set_amount(self.amount())
        except Refused:
            pass  # leave what was typed; the form says what is wrong


class DateEdit(QDateEdit):
    def __init__(self, value: date | None = None, parent=None):
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        self.set_date(value or clock.today())

    def set_date(self, value: date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        """Tab goes to the next field, as in every other box of the form, instead of stepping through
        day, month and year (typing "23112026" or the arrow keys still move between them)."""
        return QWidget.focusNextPrevChild(self, next)

    def value(self) -> date:
        d = self.date()
        return date(d.year(), d.month(), d.day())


class ErrorLabel(QLabel):
    """The form's message line: empty when all is well, the Vietnamese reason in red otherwise."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("error")
        self.setWordWrap(True)

    def show_message(self, text: str) -> None:
        self.setText(text)


def compact(table: QTableView) -> None:
    """One line per row, as in a spreadsheet: no wrapping, no row numbers, whole rows selected."""
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    # Rows fitted to wrapped text (long reasons) never get shorter than a plain row.
    table.verticalHeader().setMinimumSectionSize(table.fontMetrics().height() + 8)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)


def wrap_rows(table: QTableView) -> None:
    """Long texts (reasons, lists of places) wrapped inside their cell, rows fitted by ``resizeRowsToContents``.
    The scroll bar is always there, so the rows are measured at the width they are drawn at: a bar appearing
    afterwards would narrow the column and cut the last words of a row that just fitted."""
    table.setWordWrap(True)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle")
    return label


def card(title: str) -> tuple[QFrame, QLabel, QLabel]:
    """A dashboard figure: a title, a big value and a small note under it."""
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    head = QLabel(title)
    head.setObjectName("cardTitle")
    value = QLabel("…")
    value.setObjectName("cardValue")
    note = QLabel("")
    note.setWordWrap(True)
    layout.addWidget(head)
    layout.addWidget(value)
    layout.addWidget(note)
    return frame, value, note


def lay_out_form_dialog(dialog: QDialog, form: QFormLayout, *below: QWidget,
                        save_text: str = "Lưu (Enter)") -> QPushButton:
    """Every form dialog looks and answers the same: the form, then the lines ``below`` it (warnings, the
    error), then the save button (default: Enter) and Hủy (Esc) on the right. Returns the save button;
    it calls ``dialog.submit``."""
    save = QPushButton(save_text)
    save.setDefault(True)
    cancel = QPushButton("Hủy (Esc)")
    save.clicked.connect(dialog.submit)
    cancel.clicked.connect(dialog.reject)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(save)
    buttons.addWidget(cancel)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    for widget in below:
        layout.addWidget(widget)
    layout.addLayout(buttons)
    return save
