"""The main window: the commune header (name, as-of date, last backup), side navigation, one page each.

Pages are built the first time they are shown, so the window is usable at once even on 100 000 households.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.dates import format_date
from desktop.services.dashboard import last_backup_at
from ui import hooks
from ui.dialogs.payment import PaymentDialog
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.pages.collections import CollectionsPage
from ui.pages.dashboard import DashboardPage
from ui.pages.households import HouseholdsPage
from ui.pages.projects import ProjectsPage
from ui.pages.receipts import ReceiptsPage
from ui.pages.reports import ReportsPage
from ui.pages.settings import SettingsPage
from ui.pages.sync import SyncPage

PAGES = (
    ("dashboard", "Tổng quan", DashboardPage),
    ("projects", "Dự án", ProjectsPage),
    ("households", "Hộ gia đình", HouseholdsPage),
    ("collections", "Thu hồi vốn", CollectionsPage),
    ("receipts", "Phiếu thu", ReceiptsPage),
    ("reports", "Báo cáo", ReportsPage),
    ("sync", "Đồng bộ", SyncPage),
    ("settings", "Cài đặt", SettingsPage),
)
KEYS = [key for key, _, _ in PAGES]


class MainWindow(QMainWindow):
    def __init__(self, books: Books, *, start_page: str = "dashboard"):
        super().__init__()
        hooks.load_extensions()
        self.books = books
        self._pages: dict[str, QWidget] = {}
        self.header = QFrame()
        self.header.setObjectName("header")
        self.commune_label = QLabel()
        self.commune_label.setTextFormat(Qt.TextFormat.RichText)
        self.as_of_label = QLabel()
        self.backup_label = QLabel()
        head = QHBoxLayout(self.header)
        head.setContentsMargins(12, 6, 12, 6)
        head.addWidget(self.commune_label, 1)
        head.addWidget(self.as_of_label)
        head.addSpacing(24)
        head.addWidget(self.backup_label)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(170)
        self.pages = QStackedWidget()
        for _, title, _ in PAGES:
            self.nav.addItem(title)
            self.pages.addWidget(QWidget())  # placeholder until first shown
        self.nav.currentRowChanged.connect(self._show_page)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        self.refresh_header()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        QShortcut(QKeySequence("F2"), self, activated=lambda: self.open_payment())
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self._print)
        self.resize(1366, 768)
        self.nav.setCurrentRow(KEYS.index(start_page))

    # ------------------------------------------------------------------ pages
    def page(self, key: str) -> QWidget:
        """The page, built on first use."""
        if key not in self._pages:
            index = KEYS.index(key)
            page = PAGES[index][2](self.books)
            self._connect(key, page)
            old = self.pages.widget(index)
            self.pages.insertWidget(index, page)
            self.pages.removeWidget(old)
            old.deleteLater()
            self._pages[key] = page
        return self._pages[key]

    def _connect(self, key: str, page: QWidget) -> None:
        if key in ("dashboard", "collections"):
            page.payment_requested.connect(lambda household, project: self.open_payment(household, project))
        elif key == "households":
            page.payment_requested.connect(lambda household: self.open_payment(household))
        elif key == "receipts":
            page.receipt_voided.connect(lambda _: self.refresh_after_payment())
        elif key == "settings":
            page.settings_saved.connect(self.refresh_header)
            page.backup_written.connect(lambda _: self.refresh_header())
            page.books_restored.connect(self.books_replaced)

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.page(KEYS[row])
            self.pages.setCurrentIndex(row)

    def go(self, key: str) -> QWidget:
        self.nav.setCurrentRow(KEYS.index(key))
        return self.page(key)

    def refresh_header(self) -> None:
        s = self.books.settings()
        name = s.get("commune_name", "")
        self.setWindowTitle(f"VốnXoay — {name}")
        places = " · ".join(p for p in (s.get("upper_name", ""), s.get("province_name", "")) if p)
        self.commune_label.setText(f"<b style='font-size:13pt'>{name}</b>&nbsp;&nbsp;{places}"
                                   + ("&nbsp;&nbsp;<i>(xã mẫu)</i>" if s.get("demo") == "1" else ""))
        self.as_of_label.setText(f"Số liệu đến ngày <b>{format_date(date.today())}</b>")
        self.as_of_label.setTextFormat(Qt.TextFormat.RichText)
        last = last_backup_at(self.books.data_dir)
        self.backup_label.setText("Sao lưu gần nhất: " + (f"{last:%H:%M %d/%m/%Y}" if last else "chưa có"))

    def refresh_after_payment(self) -> None:
        """A payment or a void changes what is owed and the register; only those pages reload."""
        for key in ("dashboard", "collections", "receipts"):
            if key in self._pages:
                self._pages[key].refresh()

    def books_replaced(self) -> None:
        """After a restore every figure may differ: rebuild the pages from the restored books."""
        current = self.nav.currentRow()
        for key in list(self._pages):
            index = KEYS.index(key)
            old = self._pages.pop(key)
            self.pages.insertWidget(index, QWidget())
            self.pages.removeWidget(old)
            old.deleteLater()
        self.refresh_header()
        self._show_page(current)

    def backup_if_due(self):
        """The day's automatic backup: the first start of a day copies the books into backups/ (in a
        worker; the clerk can work meanwhile). Returns the task, or None when today's copy exists."""
        last = last_backup_at(self.books.data_dir)
        if last is not None and last.date() >= date.today():
            return None
        data_dir, actor = self.books.data_dir, self.books.actor

        def work(progress, cancelled):
            from desktop.services.backup import backup_now

            with Books.open(data_dir, actor=actor) as books:
                return backup_now(books)

        def done(path) -> None:
            self.refresh_header()
            self.statusBar().showMessage(f"Đã tự động sao lưu: {path}", 10000)

        from ui.workers import run_task

        return run_task(self, "Đang sao lưu tự động…", work, done, show_progress=False)

    # ------------------------------------------------------------------ actions
    def open_payment(self, household: str = "", project: str = "") -> PaymentDialog:
        dialog = PaymentDialog(self.books, self, household=household or None, project=project or None)
        dialog.receipt_issued.connect(self._receipt_issued)
        dialog.open()
        return dialog

    def _receipt_issued(self, info: dict) -> None:
        self.refresh_after_payment()
        receipt = info["receipt"]
        self.last_preview = PdfPreviewDialog(info["pdf"], f"Phiếu thu số {receipt['number']}/{receipt['year']}", self)
        self.last_preview.open()

    def _focus_search(self) -> None:
        page = self.go("households")
        page.search.setFocus()
        page.search.selectAll()

    def _print(self) -> None:
        if self.nav.currentRow() == KEYS.index("receipts"):
            self.page("receipts").print_selected()
