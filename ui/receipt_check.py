"""Kiểm tra phiếu thu: a field where the QR text of a paper receipt is pasted, or typed by a scanner (which
ends with Enter), and the verdict shown in words beside it. Used on the commune's receipts page and the upper
level's pages; the check itself is ``desktop.services.receipt_check``."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from desktop.books import Books
from desktop.errors import Refused
from desktop.services.receipt_check import ReceiptCheck, verify_receipt

# What each verdict looks like: a word the clerk reads first, in a colour that carries it.
VERDICTS = {"valid": ("HỢP LỆ", "#1b6e20"), "voided": ("ĐÃ HỦY", "#8a5a00"),
            "altered": ("BỊ SỬA / GIẢ", "#b00020"), "unknown": ("KHÔNG CÓ TRONG DỮ LIỆU", "#444444")}


class ReceiptCheckBox(QGroupBox):
    def __init__(self, books: Books, parent=None):
        super().__init__("Kiểm tra phiếu thu", parent)
        self.books = books
        self.last: ReceiptCheck | None = None
        self.text = QLineEdit(placeholderText="Quét mã QR trên phiếu thu, hoặc dán dòng chữ của mã (VXR1|…)")
        self.text.setClearButtonEnabled(True)
        self.text.returnPressed.connect(self.check)
        button = QPushButton("&Kiểm tra")
        button.clicked.connect(self.check)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.result)

    def check(self) -> ReceiptCheck | None:
        """Verify what the field holds; the text stays selected so the next scan replaces it."""
        try:
            self.last = verify_receipt(self.books, self.text.text())
        except Refused as refusal:
            self.last = None
            self.result.setText(f"<span style='color:#b00020'>{escape(refusal.message)}</span>")
        else:
            word, colour = VERDICTS[self.last.status]
            self.result.setText(f"<b style='color:{colour}'>{word}</b> — {escape(self.last.message)}")
        self.text.selectAll()
        return self.last
