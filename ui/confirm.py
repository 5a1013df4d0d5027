"""The one confirmation before money moves (a receipt, a support, a re-lend, a void): what will be written,
for whom, the amount in figures and in words, the date, what follows from it, and any unusual amount in bold.

Why the confirm button is not the default: the clerk's hands are on the keyboard and the form before this
one was sent with Enter, so a second Enter (a bounce, a key held a little long, a habit) arrives here
before the eyes do. The default button is "Quay lại sửa": Enter and Esc both go back to the form with
everything typed still there, which costs nothing. Confirming takes a deliberate act: the underlined
Alt+letter of the confirm button, or a click. The confirm button also takes no keyboard focus (Tab never
lands on it), so Space or Enter can never press it either; and this is a plain QDialog, not a QMessageBox,
which would press a button on its letter typed without Alt.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from desktop.books import Books
from desktop.money import amount_in_words, format_vnd
from desktop.services.settings import words_options


def in_words(books: Books, amount: int) -> str:
    """The amount spelt out the way this commune writes it on receipts."""
    return amount_in_words(amount, **words_options(books))


def money_line(books: Books, label: str, amount: int) -> str:
    """"Số tiền: <b>1.500.000 đ</b> (Một triệu năm trăm nghìn đồng)" as rich text."""
    return f"{escape(label)}: <b>{format_vnd(amount)} đ</b> <i>({escape(in_words(books, amount))})</i>"


def unusual_amount(amount: int, rounding_unit: int, *, above: int | None = None,
                   above_what: str = "kỳ tới", policy_amount: int | None = None) -> list[str]:
    """Why an amount deserves a second look (not refused: the clerk may mean it). Plain text lines."""
    notes = []
    if rounding_unit > 1 and amount < rounding_unit:
        notes.append(f"Số tiền {format_vnd(amount)} đ nhỏ hơn đơn vị làm tròn {format_vnd(rounding_unit)} đ "
                     "của quy định.")
    elif rounding_unit > 1 and amount % rounding_unit:
        notes.append(f"Số tiền {format_vnd(amount)} đ không chẵn theo đơn vị làm tròn "
                     f"{format_vnd(rounding_unit)} đ của quy định.")
    if above is not None and above > 0 and amount > above:
        notes.append(f"Số tiền lớn hơn {above_what} ({format_vnd(above)} đ).")
    if policy_amount is not None and amount != policy_amount:
        notes.append(f"Số tiền khác mức theo quy định ({format_vnd(policy_amount)} đ).")
    return notes


class ConfirmDialog(QDialog):
    """Shows ``lines`` (rich text, already escaped) and ``notes`` (plain text, shown in bold red) and emits
    ``confirmed`` only on the confirm button; see the module's docstring for why it is not the default."""

    confirmed = Signal()

    def __init__(self, parent, title: str, lines: list[str], confirm_text: str, *, notes: list[str] = (),
                 back_text: str = "&Quay lại sửa (Esc)"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        body = "<br>".join(lines)
        if notes:
            body += "<br><br>" + "<br>".join(f"<b style='color:#b00020'>Lưu ý: {escape(n)}</b>" for n in notes)
        self.text = QLabel(body)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = list(notes)
        self.confirm = QPushButton(confirm_text)
        self.confirm.setAutoDefault(False)
        self.confirm.setDefault(False)
        self.confirm.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back = QPushButton(back_text)
        self.back.setAutoDefault(True)
        self.back.setDefault(True)
        self.confirm.clicked.connect(self._confirm)
        self.back.clicked.connect(self.reject)
        hint = QLabel(f"Kiểm tra lại rồi bấm “{confirm_text.replace('&', '')}” "
                      f"(Alt+{_mnemonic(confirm_text)}). Enter hoặc Esc: quay lại sửa.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)
        buttons.addWidget(self.back)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())
        self.back.setFocus()

    def plain_text(self) -> str:
        """What the clerk reads, without the markup (for the tests and the log)."""
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(self.text.text())
        return document.toPlainText()

    def _confirm(self) -> None:
        self.accept()
        self.confirmed.emit()


def _mnemonic(text: str) -> str:
    at = text.find("&")
    return text[at + 1].upper() if 0 <= at < len(text) - 1 else ""


def ask(parent, title: str, lines: list[str], confirm_text: str, then: Callable[[], None], *,
        notes: list[str] = ()) -> ConfirmDialog:
    """Open the confirmation (window-modal, not blocking) and call ``then`` only if the clerk confirms."""
    dialog = ConfirmDialog(parent, title, lines, confirm_text, notes=notes)
    dialog.confirmed.connect(then)
    dialog.open()
    return dialog


def household_line(books: Books, code: str) -> str:
    """"Hộ: <b>H00001</b> — Nguyễn Văn A, Thôn Đông" from the books (code alone if it cannot be found)."""
    from desktop.services.households import HouseholdQuery, list_households

    rows = list_households(books, HouseholdQuery(search=code), limit=5)
    row = next((r for r in rows if r["code"] == code.upper()), None)
    if row is None:
        return f"Hộ: <b>{escape(code)}</b>"
    return f"Hộ: <b>{escape(row['code'])}</b> — {escape(row['head_name'])}, {escape(row['hamlet'] or '')}"
