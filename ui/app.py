"""Start the window: open the commune's books (a demo commune when there are none yet)."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.books import Books
from desktop.errors import Refused
from desktop.paths import resolve_data_dir
from desktop.resources import resource_path
from desktop.services.demo import make_demo
from ui.main_window import MainWindow


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vonxoay", description="VốnXoay — sổ quỹ vốn luân chuyển của xã")
    parser.add_argument("--data-dir", help="thư mục dữ liệu")
    parser.add_argument("--version", action="version", version=f"VốnXoay {__version__}")
    parser.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)
    # For the bundle's smoke test: open the window on the books, draw it once, say what it shows, exit 0.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def open_or_create_books(data_dir_arg: str | None) -> Books:
    data_dir = resolve_data_dir(data_dir_arg)
    if not data_dir.database.exists():
        make_demo(data_dir)
    return Books.open(data_dir)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("VốnXoay")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons", "vonxoay.png"))))
    try:
        books = open_or_create_books(args.data_dir)
    except Refused as refusal:
        QMessageBox.critical(None, "VốnXoay", refusal.message)
        return 2
    window = MainWindow(books)
    window.show()
    if args.smoke_test:
        app.processEvents()
        print(f"smoke-test: {window.windowTitle()}", flush=True)
        window.close()
        books.close()
        return 0
    if args.quit_after is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(args.quit_after, app.quit)
    code = app.exec()
    books.close()
    return code
