"""Start the window: fonts, log file, one copy per data folder, then the books — the first-run wizard when
there are none (or, for ``python -m ui`` in development, a demo commune)."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop import __version__
from desktop.books import Books
from desktop.errors import Refused
from desktop.paths import resolve_data_dir
from desktop.resources import resource_path
from ui.errors import install_excepthook, setup_logging
from ui.lock import DataLock, ShowRequests, already_open_message, ask_to_show, bring_forward, tell
from ui.theme import apply_theme
from ui.workers import wait_for_workers

QT_TRANSLATION = ("translations", "qt_vi.qm")


def install_qt_translation(app: QCoreApplication) -> bool:
    """Qt's own strings in Vietnamese: the standard buttons of every message box (Có, Không, Hủy…), the file
    and print dialogs Qt draws, a text box's right-click menu. Qt ships no Vietnamese, so the program carries its
    own, compiled at set-up from resources/translations/qt_vi.ts. Returns False (English stays) when the
    compiled file is missing, e.g. in a checkout not yet set up.

    File dialogs: on Windows the system's own dialog is kept (in the language of Windows, with the drives and
    USB sticks the clerk knows from Explorer); elsewhere the desktop's native dialog may well be English, so Qt
    draws it, translated."""
    if getattr(app, "_vonxoay_translator", None) is not None:
        return True
    translator = QTranslator(app)
    if not translator.load(str(resource_path(*QT_TRANSLATION))):
        return False
    app.installTranslator(translator)
    app._vonxoay_translator = translator  # kept alive as long as the application
    if sys.platform != "win32":
        app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    return True


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vonxoay", description="VốnXoay — sổ quỹ vốn luân chuyển của xã")
    parser.add_argument("--data-dir", help="thư mục dữ liệu")
    parser.add_argument("--demo", action="store_true", help="khi chưa có dữ liệu: tạo ngay một xã mẫu")
    parser.add_argument("--first-run", action="store_true", help="khi chưa có dữ liệu: hỏi bằng hộp thoại bắt đầu")
    parser.add_argument("--version", action="version", version=f"VốnXoay {__version__}")
    parser.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)
    # For the bundle's smoke test: open the window on the books, draw it once, say what it shows, exit 0.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def signed_in(books: Books) -> bool:
    """Once any user has a password, the window opens only for a user who gives theirs (who then acts)."""
    from desktop.services.users import sign_in_required

    if not sign_in_required(books.conn):
        return True
    from ui.dialogs.sign_in import sign_in

    return sign_in(books)


def main(argv: list[str] | None = None, *, demo_when_empty: bool = False) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("VốnXoay")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons", "vonxoay.png"))))
    apply_theme(app)
    install_qt_translation(app)
    data_dir = resolve_data_dir(args.data_dir)
    setup_logging(data_dir.logs)
    install_excepthook()
    lock = DataLock(data_dir)
    try:
        acquired = lock.acquire()
    except Refused as refusal:
        tell(refusal.message)
        QMessageBox.critical(None, "VốnXoay", refusal.message)
        return 2
    if not acquired:
        # Nothing of the data folder is opened: the copy that holds it is told to come forward, and this one
        # says so and stops.
        text = already_open_message(lock.holder(), ask_to_show(data_dir))
        tell(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "VốnXoay", text)
        if args.quit_after is not None:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(args.quit_after, box.accept)
        box.exec()
        return 3
    try:
        if data_dir.database.exists():
            books = Books.open(data_dir)
        elif args.demo or (demo_when_empty and not args.first_run):
            from desktop.services.demo import make_demo  # only on a first start: its import is not free

            make_demo(data_dir)
            books = Books.open(data_dir)
        else:
            from ui.dialogs.first_run import FirstRunWizard

            wizard = FirstRunWizard(data_dir)
            if wizard.exec() != QDialog.DialogCode.Accepted or wizard.books is None:
                return 0
            books = wizard.books
    except Refused as refusal:
        QMessageBox.critical(None, "VốnXoay", refusal.message)
        lock.release()
        return 2
    if not signed_in(books):
        books.close()
        lock.release()
        return 0
    from ui.main_window import MainWindow

    window = MainWindow(books)
    window.show()
    requests = ShowRequests(data_dir, window)
    requests.show_requested.connect(lambda: bring_forward(window))
    if args.smoke_test:
        app.processEvents()
        wait_for_workers()
        print(f"smoke-test: {window.windowTitle()}", flush=True)
        window.close()
        books.close()
        lock.release()
        return 0
    window.backup_if_due()
    if args.quit_after is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(args.quit_after, app.quit)
    code = app.exec()
    # Background work (dashboard figures, a backup) must finish while the application still exists: a task
    # that outlives main() would touch Qt after the QApplication is gone and abort the process at exit.
    wait_for_workers()
    requests.close()
    window.close()
    window.deleteLater()
    books.close()
    lock.release()
    return code
