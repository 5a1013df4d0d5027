"""What an export ends with: the file's path and size in plain sight, and a "Mở thư mục" button that opens
the folder in the file manager, so the clerk can copy the file to a stick or attach it to a message at once.

The folder the clerk last wrote to (a USB stick, say) is remembered per data folder, in a small file beside
the database: a drive letter means something only on this machine, so it is not one of the commune's settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.paths import DataDir
from desktop.text import format_size

MACHINE_FILE = "may-nay.ini"
LAST_EXPORT_DIR = "last_export_dir"


def machine_settings(data_dir: DataDir) -> QSettings:
    return QSettings(str(data_dir.root / MACHINE_FILE), QSettings.Format.IniFormat)


def last_export_dir(data_dir: DataDir, default: Path, kind: str = "documents") -> Path:
    """The folder chosen last time for this kind of file, if it is still there (a stick may have been taken
    out); else ``default``. Documents (reports, lists) and sync packages remember their folders apart: a
    report saved to the desktop must not send the next package there."""
    value = machine_settings(data_dir).value(_key(kind), "")
    folder = Path(str(value)) if value else None
    return folder if folder is not None and folder.is_dir() else default


def remember_export_dir(data_dir: DataDir, folder: Path, kind: str = "documents") -> None:
    settings = machine_settings(data_dir)
    settings.setValue(_key(kind), str(folder))
    settings.sync()


def _key(kind: str) -> str:
    # Documents keep the key they always had, so the folder a clerk chose before is still offered.
    return LAST_EXPORT_DIR if kind == "documents" else f"{LAST_EXPORT_DIR}_{kind}"


def ask_export_path(parent: QWidget, data_dir: DataDir, suggested: Path, fmt: str, title: str) -> Path | None:
    """The save dialog of an export: starts in the folder chosen last time (remembered for the next), and the
    file keeps its format's extension even when the clerk typed a name without it. None when cancelled."""
    start = last_export_dir(data_dir, suggested.parent) / suggested.name
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start),
                                            "Excel (*.xlsx)" if fmt == "xlsx" else "PDF (*.pdf)")
    if not chosen:
        return None
    path = Path(chosen)
    remember_export_dir(data_dir, path.parent)
    return with_extension(path, fmt)


def with_extension(path: Path, fmt: str) -> Path:
    return path if path.suffix.lower() == f".{fmt}" else path.with_name(path.name + f".{fmt}")


def open_folder(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class ExportedBar(QFrame):
    """Hidden until a file is written; then "Đã ghi … (17,8 MB)" and the button to open its folder."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("exportedBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#exportedBar { background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; }")
        self.path: Path | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.open_button = QPushButton("&Mở thư mục")
        self.open_button.clicked.connect(self.open_folder)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.open_button)
        self.hide()

    def show_path(self, path: Path, what: str = "Đã ghi tệp") -> None:
        self.path = Path(path)
        size = f" ({format_size(self.path.stat().st_size)})" if self.path.exists() else ""
        self.label.setText(f"{what}: <b>{self.path}</b>{size}")
        self.show()

    def open_folder(self) -> bool:
        return self.path is not None and open_folder(self.path.parent)
