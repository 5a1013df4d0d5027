"""Edit a copy of a fund policy: the chosen policy's text with a new code, checked and saved into the data
folder by ``desktop.policy.save_policy_copy``; new projects can then choose it. Nothing is edited in place."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from desktop.errors import Refused
from desktop.policy import save_policy_copy
from ui.widgets import ErrorLabel

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
        save = QPushButton("&Lưu bản sao")
        save.clicked.connect(self.save)
        cancel = QPushButton("&Hủy")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)
        self.resize(760, 600)

    def save(self) -> Path | None:
        try:
            path, policy = save_policy_copy(self.folder, self.editor.toPlainText())
        except Refused as refusal:
            self.error.show_message(refusal.message)  # what was typed stays in the editor
            return None
        self.saved.emit(str(path))
        self.accept()
        return path
