"""Edit a copy of a fund policy: the chosen policy's text with a new code, checked and saved into the data
folder by ``desktop.policy.save_policy_copy``; new projects can then choose it. Nothing is edited in place."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from desktop.errors import Refused
from desktop.policy import check_policy_text, save_policy_copy
from desktop.policy_summary import describe
from ui.widgets import ErrorLabel, fit_to_screen

_CODE = re.compile(r'^code\s*=\s*"([^"]*)"', re.MULTILINE)


class PolicyCopyDialog(QDialog):
    saved = Signal(str)  # path of the new policy file

    def __init__(self, source: Path, folder: Path, parent=None):
        super().__init__(parent)
        self.folder = folder
        self.setWindowTitle("Sửa một bản sao quy định quỹ")
        text = Path(source).read_text(encoding="utf-8")
        text = _CODE.sub(lambda m: f'code = "{m.group(1)}-ban-sao"', text, count=1)
        intro = QLabel("Sửa các con số rồi đặt mã mới (dòng <code>code = …</code>). Bản sao được kiểm tra như "
                       "quy định gốc và lưu thành quy định mới; các dự án đã phê duyệt vẫn giữ quy định của chúng.")
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(text)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.error = ErrorLabel()
        # What the file means, read back as the program reads it: the clerk sees each category's support,
        # share, grace, installments and return in kind before saving.
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        check = QPushButton("&Kiểm tra")
        check.clicked.connect(self.check)
        save = QPushButton("&Lưu bản sao")
        save.clicked.connect(self.save)
        cancel = QPushButton("&Hủy")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(check)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        fit_to_screen(self, 860, 640)
        self.check()

    def check(self) -> bool:
        """Read the text as the program would and show what it means, or every problem in it."""
        try:
            policy = check_policy_text(self.editor.toPlainText())
        except Refused as refusal:
            self.summary.setText("")
            self.error.show_message(refusal.message)
            return False
        self.error.show_message("")
        self.summary.setText("\n".join(describe(policy)))
        return True

    def save(self) -> Path | None:
        try:
            path, policy = save_policy_copy(self.folder, self.editor.toPlainText())
        except Refused as refusal:
            self.error.show_message(refusal.message)  # what was typed stays in the editor
            return None
        self.saved.emit(str(path))
        self.accept()
        return path
