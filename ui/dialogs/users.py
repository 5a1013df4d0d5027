"""The office's people in Cài đặt: the list (name, role, password or not, retired), adding a user, setting a
password. The core decides who may do what (with sign-in on, only an accountant or the chairman adds users;
a password is set by its user or by them); the window shows its refusal in the form.

Without sign-in the window cannot know who sits at the PC, so an act that needs a registered user (setting a
password, asking for or confirming a void) names one in a "Người thực hiện" box; with sign-in on, it is the
signed-in user and nobody else."""

from __future__ import annotations

import dataclasses
from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from desktop.books import Books
from desktop.changes import Changes
from desktop.services.users import Role, add_user, list_everyone, list_users, set_password, sign_in_required
from ui.operations import refusal_shown_in, run_op, subscribe
from ui.record_model import RecordTableModel
from ui.widgets import ErrorLabel, compact, fit_to_screen, lay_out_form_dialog, mark_invalid

USER_COLUMNS = [("name", "Họ tên", "text"), ("role_label", "Vai trò", "text"), ("password", "Mật khẩu", "text"),
                ("retired", "Thôi làm", "text")]


def in_window_words(message: str) -> str:
    """The core's refusals name the command line's way of saying who acts; the window has its own."""
    for cli in (" (đăng nhập bằng --as)", " (đã đăng nhập bằng --as)", " (--as TÊN)", " (user password)"):
        message = message.replace(cli, "")
    return message


def refusal_in_window_words(label, parent):
    """``refusal_shown_in`` for these forms: the refusal in the window's words."""
    return refusal_shown_in(label, parent, also=lambda refusal: label.show_message(in_window_words(refusal.message)))


def as_user(books: Books, name: str | None) -> Books:
    """The same books acting as ``name`` (the operation's records and audit rows name that user)."""
    return dataclasses.replace(books, actor=name) if name else books


def acting_box(books: Books, default: str = "") -> QComboBox | None:
    """Who does it, when the window has no signed-in user: a box of the current users; None with sign-in on."""
    if sign_in_required(books.conn):
        return None
    box = QComboBox()
    for user in list_users(books.conn):
        box.addItem(f"{user.name} — {user.role.label}", user.name)
    index = box.findData(default or books.actor)
    box.setCurrentIndex(max(0, index))
    return box


def _password_fields() -> tuple[QLineEdit, QLineEdit]:
    first, again = QLineEdit(), QLineEdit()
    for field in (first, again):
        field.setEchoMode(QLineEdit.EchoMode.Password)
    first.setPlaceholderText("ít nhất 6 ký tự")
    again.setPlaceholderText("gõ lại mật khẩu")
    return first, again


def _same_password(dialog, first: QLineEdit, again: QLineEdit) -> bool:
    mark_invalid(again, False)
    if first.text() != again.text():
        mark_invalid(again, True)
        dialog.error.show_message("Hai lần nhập mật khẩu không giống nhau: hãy gõ lại.")
        return False
    return True


class AddUserDialog(QDialog):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.setWindowTitle("Thêm người dùng")
        self.result_info = None
        self.task = None
        self.name = QLineEdit(placeholderText="họ tên, ví dụ Phạm Thị Thu")
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.password, self.again = _password_fields()
        note = QLabel("Mật khẩu không bắt buộc. Khi đã có người dùng có mật khẩu, mỗi lần mở chương trình sẽ hỏi "
                      "ai đang làm và mật khẩu của người đó.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        form = QFormLayout()
        form.addRow("Họ tên:", self.name)
        form.addRow("Vai trò:", self.role)
        form.addRow("Mật khẩu:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.again)
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, note, self.error, save_text="&Thêm (Enter)")
        fit_to_screen(self, 480, 260)

    def submit(self) -> None:
        if not _same_password(self, self.password, self.again) or (self.task is not None
                                                                     and not self.task.delivered):
            return
        name, role, password = self.name.text(), self.role.currentData(), self.password.text() or None

        def added(outcome) -> None:
            self.result_info = outcome
            self.accept()

        self.task = run_op(self, self.books, lambda books: add_user(books, name, role, password), added,
                           refusal_in_window_words(self.error, self), busy=self.save)


class PasswordDialog(QDialog):
    def __init__(self, books: Books, user: str = "", parent=None):
        super().__init__(parent)
        self.books = books
        self.setWindowTitle("Đặt mật khẩu")
        self.result_info = None
        self.task = None
        self.user = QComboBox()
        for u in list_users(books.conn):
            self.user.addItem(f"{u.name} — {u.role.label}" + (" (đã có mật khẩu)" if u.has_password else ""), u.name)
        self.user.setCurrentIndex(max(0, self.user.findData(user or books.actor)))
        self.password, self.again = _password_fields()
        self.remove = QCheckBox("Bỏ mật khẩu của người này")
        self.remove.toggled.connect(lambda on: [f.setEnabled(not on) for f in (self.password, self.again)])
        self.acting = acting_box(books, self.user.currentData() or "")
        form = QFormLayout()
        form.addRow("Người dùng:", self.user)
        form.addRow("Mật khẩu mới:", self.password)
        form.addRow("Nhập lại:", self.again)
        form.addRow("", self.remove)
        if self.acting is not None:
            form.addRow("Người thực hiện:", self.acting)
            self.user.currentIndexChanged.connect(
                lambda: self.acting.setCurrentIndex(max(0, self.acting.findData(self.user.currentData()))))
        else:
            form.addRow("Người thực hiện:", QLabel(books.actor))
        note = QLabel("Chỉ chính người dùng đó, hoặc kế toán, chủ tịch, được đặt mật khẩu.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        self.error = ErrorLabel()
        self.save = lay_out_form_dialog(self, form, note, self.error, save_text="&Đặt mật khẩu (Enter)")
        fit_to_screen(self, 480, 280)

    def submit(self) -> None:
        if self.task is not None and not self.task.delivered:
            return
        remove = self.remove.isChecked()
        if not remove and not self.password.text():
            mark_invalid(self.password, True)
            self.error.show_message("Chưa nhập mật khẩu mới (hoặc đánh dấu “Bỏ mật khẩu”).")
            return
        mark_invalid(self.password, False)
        if not remove and not _same_password(self, self.password, self.again):
            return
        name, password = self.user.currentData(), None if remove else self.password.text()
        actor = self.acting.currentData() if self.acting is not None else None

        def done(outcome) -> None:
            self.result_info = outcome
            self.accept()

        self.task = run_op(self, as_user(self.books, actor), lambda books: set_password(books, name, password),
                           done, refusal_in_window_words(self.error, self), busy=self.save)


class UsersBox(QGroupBox):
    """Cài đặt › Người dùng."""

    def __init__(self, books: Books, parent=None):
        super().__init__("Người dùng", parent)
        self.books = books
        self.model = RecordTableModel(USER_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        self.status = QLabel()
        self.status.setWordWrap(True)
        add = QPushButton("Thêm người &dùng…")
        add.clicked.connect(lambda: self.add_user())
        password = QPushButton("Đặt mật k&hẩu…")
        password.clicked.connect(lambda: self.set_password())
        self.password_button = password
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(password)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reload()
        subscribe(self, Changes.SETTINGS, self.reload)

    def reload(self) -> None:
        everyone = list_everyone(self.books.conn)
        self.model.set_rows([{**u, "password": "Có" if u["has_password"] else "Không",
                              "retired": (u["retired_at"] or "")[:10], "voided_at": u["retired_at"]}
                             for u in everyone])
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.password_button.setEnabled(any(not u["retired_at"] for u in everyone))
        if sign_in_required(self.books.conn):
            self.status.setText(f"Đăng nhập: <b>bật</b> (có người dùng có mật khẩu). Đang làm: "
                                f"<b>{escape(self.books.actor)}</b>. Chỉ kế toán hoặc chủ tịch thêm được người dùng.")
        else:
            self.status.setText("Đăng nhập: tắt (chưa ai có mật khẩu). Mỗi việc ghi vào sổ mang tên người dùng "
                                f"đang làm: <b>{escape(self.books.actor)}</b>.")

    def selected_name(self) -> str:
        index = self.table.currentIndex()
        return self.model.row(index.row())["name"] if index.isValid() else ""

    def add_user(self) -> AddUserDialog:
        self.dialog = AddUserDialog(self.books, self)
        self.dialog.open()
        return self.dialog

    def set_password(self) -> PasswordDialog:
        self.dialog = PasswordDialog(self.books, self.selected_name(), self)
        self.dialog.open()
        return self.dialog
