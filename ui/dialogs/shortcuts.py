"""F1: the keyboard shortcuts of the window, listed where the clerk can see them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout

from ui.widgets import compact, fit_to_screen


class ShortcutsDialog(QDialog):
    """A two-column list, keys then what they do; Esc or Enter closes it."""

    def __init__(self, rows: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Phím tắt")
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Phím", "Việc"])
        compact(self.table)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        note = QLabel("Trên mỗi nút, chữ có gạch dưới là phím Alt của nút đó (ví dụ Alt+T: Thêm hộ).")
        note.setWordWrap(True)
        close = QPushButton("Đó&ng")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)
        width = self.table.horizontalHeader().length() + 40
        fit_to_screen(self, max(520, width), min(640, 120 + self.table.verticalHeader().length()))

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())]
