"""Fonts shipped with the program and the window's look: diacritics render the same on every machine."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.resources import resource_path

UI_FAMILY = "Liberation Sans"

STYLE = """
QListWidget#nav { background: #1f4e79; color: white; border: none; font-size: 11pt; outline: 0; }
QListWidget#nav::item { padding: 9px 12px; }
QListWidget#nav::item:selected { background: #2e75b6; color: white; }
QFrame#header { background: #eaf1f8; border-bottom: 1px solid #b4c7dc; }
QLabel#pageTitle { font-size: 14pt; font-weight: bold; color: #1f4e79; }
QLabel#error { color: #b00020; }
QLineEdit[invalid="true"], QComboBox[invalid="true"], QSpinBox[invalid="true"] {
    border: 2px solid #d00000; background: #fff0f0; }
QFrame#card { background: white; border: 1px solid #c9d6e3; border-radius: 4px; }
QLabel#cardValue { font-size: 15pt; font-weight: bold; color: #1f4e79; }
QLabel#cardTitle { color: #40566b; }
"""


def load_fonts() -> list[str]:
    """Register every bundled TTF with Qt; returns the families found (empty if the files are missing)."""
    families: list[str] = []
    for path in sorted(resource_path("fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def apply_theme(app: QApplication) -> None:
    families = load_fonts()
    if UI_FAMILY in families:
        app.setFont(QFont(UI_FAMILY, 10))
    app.setStyleSheet(STYLE)
