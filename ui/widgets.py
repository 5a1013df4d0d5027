"""Small widgets every form uses: amounts as the clerk types them, dd/mm/yyyy dates, red invalid fields,
compact tables, and combo boxes the clerk can type into to find an entry."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QIdentityProxyModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
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
from desktop.text import fold


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


# What availableGeometry leaves out of the window itself: the title bar above it and the borders around it.
FRAME_ROOM_WIDTH, FRAME_ROOM_HEIGHT = 16, 40


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Size ``window`` (a dialog) to what it wants, but never beyond the screen it opens on: a 1366×768
    laptop at 125 % leaves 1093×614 under the taskbar, and a window taller than that has its buttons off the
    bottom of the screen. Its layout then shrinks or scrolls what is inside."""
    parent = window.parentWidget()
    screen = (parent.window() if parent is not None else window).screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    window.resize(min(width, room.width() - FRAME_ROOM_WIDTH), min(height, room.height() - FRAME_ROOM_HEIGHT))


def lay_out_form_dialog(dialog: QDialog, form: QFormLayout, *below: QWidget,
                        save_text: str = "&Lưu (Enter)", cancel_text: str = "&Hủy (Esc)",
                        above: QWidget | None = None, default: bool = True) -> QPushButton:
    """Every form dialog looks and answers the same: what the form is ``above`` it, the form, then the lines
    ``below`` it (warnings, the error), then the save button (default: Enter) and Hủy (Esc) on the right.
    Returns the save button; it calls ``dialog.submit``."""
    save = QPushButton(save_text)
    save.setDefault(default)
    cancel = QPushButton(cancel_text)
    save.clicked.connect(dialog.submit)
    cancel.clicked.connect(dialog.reject)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(save)
    buttons.addWidget(cancel)
    layout = QVBoxLayout(dialog)
    if above is not None:
        layout.addWidget(above)
    layout.addLayout(form)
    for widget in below:
        layout.addWidget(widget)
    layout.addLayout(buttons)
    return save


# ---------------------------------------------------------------------------------------------- type-to-search
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 70
# Other names an entry answers to when typed, "|" between them (a province merged in 2025 finds the unit that
# took it over).
ALIASES_ROLE = Qt.ItemDataRole.UserRole + 71


def _searched_text(text: str, aliases) -> str:
    return fold(f"{text} {str(aliases).replace('|', ' ')}" if aliases else text)


class _FoldedNames(QIdentityProxyModel):
    """The combo box's own entries, each also readable without case or diacritics ("hai duong" for
    "30 — Tỉnh Hải Dương"): the completer matches on that, the popup shows the real text."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role == FOLDED_ROLE:
            return _searched_text(str(super().data(index, Qt.ItemDataRole.DisplayRole) or ""),
                                  super().data(index, ALIASES_ROLE))
        return super().data(index, role)


class _FoldingCompleter(QCompleter):
    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex) -> str:  # noqa: N802 - Qt's name
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        """Tab while the list of matches is open chooses the best match and goes on to the next box, as Tab
        does everywhere (Qt would only close the list)."""
        if watched is self.popup() and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.popup().isVisible():
            combo = self.parent()
            self.popup().hide()
            settle_typed(combo)
            QApplication.sendEvent(combo, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers()))
            return True
        return super().eventFilter(watched, event)


def best_match(combo: QComboBox, text: str) -> int:
    """The entry the typed text names: the one that reads the same without diacritics, else the first that
    contains it; -1 when none does."""
    wanted = fold(text)
    if not wanted:
        return -1
    folded = [fold(combo.itemText(i)) for i in range(combo.count())]
    for i, name in enumerate(folded):
        if name == wanted:
            return i
    searched = [_searched_text(combo.itemText(i), combo.itemData(i, ALIASES_ROLE)) for i in range(combo.count())]
    return next((i for i, name in enumerate(searched) if wanted in name), -1)


class _SettleOnEnter(QObject):
    """Enter in the box first settles on the entry typed (and stays there: the dialog's default button does
    not fire on a half-typed name); Enter again, once the box shows a real entry, goes on as usual. Leaving
    the box settles too."""

    def __init__(self, combo: QComboBox):
        super().__init__(combo)
        self.combo = combo

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return settle_typed(self.combo)
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.combo.completer().popup().hide()  # (with the list open, no focus-out reaches the box)
            settle_typed(self.combo)
            return False  # and Tab goes on to the next box
        if event.type() == QEvent.Type.FocusOut and watched is self.combo \
                and event.reason() != Qt.FocusReason.PopupFocusReason:
            settle_typed(self.combo)  # Tab or a click elsewhere: the box never keeps a half-typed name
        return False


def settle_typed(combo: QComboBox) -> bool:
    """Choose the entry the clerk typed (see ``best_match``), or put back the chosen one's text when nothing
    matches. Returns True when the text had to change, i.e. the typing was not yet a choice."""
    text = combo.lineEdit().text()
    current = combo.currentIndex()
    if current >= 0 and text == combo.itemText(current):
        return False
    index = best_match(combo, text)
    if index >= 0:
        combo.setCurrentIndex(index)
        combo.setEditText(combo.itemText(index))
        combo.activated.emit(index)  # as if picked from the list: the form fills what depends on it
    else:
        combo.setEditText(combo.itemText(current) if current >= 0 else "")
    return True


def searchable(combo: QComboBox) -> QComboBox:
    """Type-to-search in a long list (provinces, projects, policies, hamlets): the clerk types any part of
    the name, with or without diacritics, and the list narrows to the entries that contain it; Enter or
    leaving the box chooses the best match. Nothing typed is ever added to the list."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    names = _FoldedNames(combo)
    names.setSourceModel(combo.model())
    completer = _FoldingCompleter(names, combo)
    completer.setCompletionRole(FOLDED_ROLE)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(12)
    combo.setCompleter(completer)
    # Keys reach the box itself when it has the focus, its text field when the list of matches is open.
    enter = _SettleOnEnter(combo)
    combo.installEventFilter(enter)
    combo.lineEdit().installEventFilter(enter)
    combo.lineEdit().editingFinished.connect(lambda: settle_typed(combo))
    return combo
