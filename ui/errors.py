"""What the clerk sees when something goes wrong: a plain Vietnamese message, with the details in a log file."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import Refused

log = logging.getLogger("vonxoay.ui")
_log_file: Path | None = None


def setup_logging(logs_dir: Path) -> Path:
    """Log to ``logs/vonxoay.log`` beside the data (rotated, so it never fills the disk)."""
    global _log_file
    logs_dir.mkdir(parents=True, exist_ok=True)
    _log_file = logs_dir / "vonxoay.log"
    root = logging.getLogger("vonxoay")
    for old in [h for h in root.handlers if isinstance(h, RotatingFileHandler)]:
        if Path(old.baseFilename) == _log_file.resolve():
            return _log_file
        root.removeHandler(old)  # another data folder was opened before: log beside the current one
        old.close()
    handler = RotatingFileHandler(_log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return _log_file


def message_for(exc: BaseException) -> str:
    """A refusal says what was wrong; anything else is our fault and points to the log."""
    if isinstance(exc, Refused):
        return exc.message
    where = f"\nChi tiết đã được ghi vào {_log_file}." if _log_file else ""
    return f"Đã có lỗi ngoài dự kiến; dữ liệu chưa bị thay đổi.{where}"


def log_exception(exc: BaseException) -> None:
    if isinstance(exc, Refused):
        log.info("refused: %s", exc.message)
    else:
        log.error("unexpected error\n%s", "".join(traceback.format_exception(exc)))


_unparented: set[QMessageBox] = set()


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    log_exception(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, "VốnXoay", message_for(exc), parent=parent)
    if parent is None:
        # Without a parent nothing on the Qt side owns the box: keep it until the clerk closes it.
        _unparented.add(box)
        box.finished.connect(lambda _: _unparented.discard(box))
    box.open()  # not exec(): the window keeps running and tests are never blocked
    return box


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask yes/no; the default answer is No, so a stray Enter never voids or overwrites anything."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def install_excepthook() -> None:
    """An exception escaping a slot is logged and shown, instead of silently killing the program."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        log.error("uncaught\n%s", "".join(traceback.format_exception(kind, value, tb)))
        try:
            show_error(None, value)
        except Exception:  # noqa: BLE001 - the hook must never raise itself
            previous(kind, value, tb)

    sys.excepthook = hook
