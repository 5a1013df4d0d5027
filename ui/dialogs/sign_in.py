"""Sign-in before the books open, once any user has a password: who is at the PC (a box of the office's
users) and that user's password. A wrong password is refused and asked again; the name signed in becomes
the books' actor, so every record and audit row of the session names that person."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit

from desktop.books import Books
from desktop.errors import Refused
from desktop.services.users import acting_user, list_users
from ui.widgets import ErrorLabel, fit_to_screen, lay_out_form_dialog, mark_invalid


class SignInDialog(QDialog):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.signed_in: str | None = None
        commune = books.setting("commune_name") or ""
        self.setWindowTitle(f"Đăng nhập — VốnXoay {commune}".rstrip())
        self.user = QComboBox()
        for user in list_users(books.conn):
            self.user.addItem(f"{user.name} — {user.role.label}", user.name)
        # The last one who worked here is the likeliest to be at the PC again.
        self.user.setCurrentIndex(max(0, self.user.findData(books.actor)))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        about = QLabel("Sổ này dùng chung cho nhiều người: hãy chọn tên mình và nhập mật khẩu. Mọi việc ghi vào "
                       "sổ sẽ mang tên người đăng nhập.")
        about.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Người dùng:", self.user)
        form.addRow("Mật khẩu:", self.password)
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, self.error, save_text="&Đăng nhập (Enter)",
                                        cancel_text="&Thoát (Esc)", above=about)
        fit_to_screen(self, 460, 220)
        self.password.setFocus()

    def submit(self) -> None:
        name = self.user.currentData()
        try:
            acting = acting_user(self.books.conn, name, explicit=True, password=self.password.text())
        except Refused as refusal:
            mark_invalid(self.password, True)
            self.error.show_message(refusal.message.replace(" Không có gì được ghi.", " Hãy nhập lại."))
            self.password.clear()
            self.password.setFocus()
            return
        self.signed_in = acting
        self.books.actor = acting or name
        self.accept()


def sign_in(books: Books) -> bool:
    """Ask who works (blocking, before the window); False when the clerk leaves without signing in."""
    dialog = SignInDialog(books)
    return dialog.exec() == QDialog.DialogCode.Accepted and dialog.signed_in is not None
