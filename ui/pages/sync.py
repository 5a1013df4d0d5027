"""Đồng bộ: the commune's identity and signing key, and the package actions plugged in through
``ui.hooks.SYNC_ACTIONS`` (export a signed package, history, and in upper mode importing many)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.books import Books
from desktop.services.settings import KNOWN_SETTINGS
from desktop.signing import key_fingerprint
from ui import hooks
from ui.widgets import page_title


class SyncPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        settings = books.settings()
        upper_mode = settings.get("mode") == "upper"
        form = QFormLayout()
        for key in ("commune_code", "commune_name", "upper_name"):
            form.addRow(KNOWN_SETTINGS[key] + ":", QLabel(settings.get(key, "")))
        form.addRow(KNOWN_SETTINGS["mode"] + ":", QLabel("Cấp trên — tổng hợp số liệu các xã" if upper_mode
                                                         else "Xã — ghi sổ và gửi số liệu lên cấp trên"))
        fingerprint = key_fingerprint(books.conn) or "chưa có"
        key_label = QLabel(f"<code>{fingerprint}</code>")
        key_label.setWordWrap(True)
        form.addRow("Dấu vân tay khóa ký:", key_label)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Đồng bộ với cấp trên"))
        intro = QLabel("Gói đồng bộ là một tệp chứa toàn bộ số liệu của xã, có chữ ký số của xã. Mang tệp lên cấp "
                       "trên (USB, thư điện tử); gói sau luôn đầy đủ nên mất một gói cũng không sao.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        self.actions = [a for a in hooks.SYNC_ACTIONS if upper_mode or not a.upper_mode_only]
        for action in self.actions:
            button = QPushButton(action.title)
            button.clicked.connect(lambda _=False, a=action: a.run(self.window()))
            layout.addWidget(button)
        if not self.actions:
            missing = QLabel("<i>Chức năng xuất và nhập gói đồng bộ chưa có trong phiên bản này.</i>")
            missing.setWordWrap(True)
            layout.addWidget(missing)
        layout.addStretch(1)
