"""The main window: the commune header (name, as-of date, last backup), side navigation, one page each.

Pages are built the first time they are shown, so the window is usable at once even on 100 000 households.
An upper-level store (``init --mode upper``) gets its own pages — consolidation, package import, duplicates,
import log — instead of the commune's books, payments and receipts.
"""

from __future__ import annotations

import html
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

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

from desktop import clock
from desktop.books import Books
from desktop.changes import Changes
from desktop.dates import format_date
from desktop.services.dashboard import last_backup_at
from ui.operations import subscribe
from ui.widgets import fit_to_screen

if TYPE_CHECKING:
    from ui.dialogs.payment import PaymentDialog

# Each page's class as "module:Class", imported when the page is first shown: importing every page up front
# (and with them reportlab, openpyxl, pdfium) doubled the time to a usable window.
PAGES = (
    ("dashboard", "Tổng quan", "ui.pages.dashboard:DashboardPage"),
    ("projects", "Dự án", "ui.pages.projects:ProjectsPage"),
    ("households", "Hộ gia đình", "ui.pages.households:HouseholdsPage"),
    ("collections", "Thu hồi vốn", "ui.pages.collections:CollectionsPage"),
    ("receipts", "Phiếu thu", "ui.pages.receipts:ReceiptsPage"),
    ("reports", "Báo cáo", "ui.pages.reports:ReportsPage"),
    ("sync", "Đồng bộ", "ui.pages.sync:SyncPage"),
    ("cashbook", "Sổ quỹ", "ui.pages.cashbook:CashbookPage"),
    ("settings", "Cài đặt", "ui.pages.settings:SettingsPage"),
)
KEYS = [key for key, _, _ in PAGES]
UPPER_PAGES = (
    ("consolidated", "Tổng hợp", "ui.pages.consolidated:ConsolidatedPage"),
    ("upper_import", "Nhập gói", "ui.pages.upper_import:UpperImportPage"),
    ("duplicates", "Trùng lặp", "ui.pages.upper_lists:DuplicatesPage"),
    ("import_log", "Nhật ký", "ui.pages.upper_lists:ImportLogPage"),
    ("settings", "Cài đặt", "ui.pages.settings:SettingsPage"),
)
UPPER_KEYS = [key for key, _, _ in UPPER_PAGES]


class MainWindow(QMainWindow):
    def __init__(self, books: Books, *, start_page: str | None = None):
        super().__init__()
        self.books = books
        self.upper_mode = books.setting("mode") == "upper"
        self.page_specs = UPPER_PAGES if self.upper_mode else PAGES
        self.keys = [key for key, _, _ in self.page_specs]
        self._pages: dict[str, QWidget] = {}
        self.header = QFrame()
        self.header.setObjectName("header")
        self.commune_label = QLabel()
        self.commune_label.setTextFormat(Qt.TextFormat.RichText)
        self.as_of_label = QLabel()
        self.backup_label = QLabel()
        self.user_label = QLabel()  # who acts: the signed-in user (or the computer's login name)
        self.user_label.setTextFormat(Qt.TextFormat.RichText)
        head = QHBoxLayout(self.header)
        head.setContentsMargins(12, 6, 12, 6)
        head.addWidget(self.commune_label, 1)
        head.addWidget(self.as_of_label)
        head.addSpacing(24)
        head.addWidget(self.backup_label)
        head.addSpacing(24)
        head.addWidget(self.user_label)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(170)
        self.pages = QStackedWidget()
        for _, title, _ in self.page_specs:
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
        subscribe(self, Changes.SETTINGS, self.refresh_header)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        QShortcut(QKeySequence("F2"), self, activated=lambda: self.open_payment())
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self._print)
        self._page_shortcuts()
        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.new_household())
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=lambda: self.new_project())
        QShortcut(QKeySequence("Ctrl+E"), self, activated=lambda: self.export_current())
        QShortcut(QKeySequence("Ctrl+D"), self, activated=lambda: self.void_current())
        QShortcut(QKeySequence("F1"), self, activated=lambda: self.show_shortcuts())
        fit_to_screen(self, 1366, 768)  # a 1366×768 laptop at 125 % has only 1093×614 of it
        self.nav.setCurrentRow(self.keys.index(start_page or self.keys[0]))

    # ------------------------------------------------------------------ keyboard
    def _page_shortcuts(self) -> None:
        """Alt+1… and Ctrl+1… open the side bar's pages in their order (shown as each entry's tooltip, and by F1)."""
        for row, (key, _, _) in enumerate(self.page_specs):
            number = row + 1
            for modifier in ("Alt", "Ctrl"):
                QShortcut(QKeySequence(f"{modifier}+{number}"), self,
                          activated=lambda key=key: self.go(key))
            item = self.nav.item(row)
            item.setToolTip(f"Alt+{number} hoặc Ctrl+{number}")

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """What F1 lists: every shortcut of this window, in the mode it is in."""
        last = len(self.page_specs)
        rows = [(f"Alt+1 … Alt+{last} (hoặc Ctrl+1 … Ctrl+{last})",
                 "Chuyển trang: " + ", ".join(f"{n} {title}" for n, (_, title, _) in enumerate(self.page_specs, 1)))]
        if not self.upper_mode:
            rows += [("F2", "Ghi phiếu thu mới (thu tiền)"),
                     ("Ctrl+N", "Thêm hộ mới"),
                     ("Ctrl+Shift+N", "Đăng ký dự án mới"),
                     ("Ctrl+F", "Tìm hộ (trang Hộ gia đình)"),
                     ("Del hoặc Ctrl+D", "Hủy phiếu thu đang chọn (trang Phiếu thu)"),
                     ("Ctrl+P", "In phiếu đang chọn (trang Phiếu thu) hoặc báo cáo (trang Báo cáo)")]
        rows += [("Ctrl+E", "Xuất Excel báo cáo đang xem (trang Báo cáo"
                  + (", Tổng hợp" if self.upper_mode else ", Sổ quỹ") + ")"),
                 ("Alt + chữ gạch dưới", "Bấm nút có chữ đó"),
                 ("Tab / Shift+Tab", "Sang ô sau / ô trước"),
                 ("Enter", "Nút chính của hộp thoại (Lưu, Tiếp…)"),
                 ("Esc", "Đóng hộp thoại, không ghi gì"),
                 ("F1", "Bảng phím tắt này")]
        return rows

    def show_shortcuts(self):
        from ui.dialogs.shortcuts import ShortcutsDialog

        self.last_dialog = ShortcutsDialog(self.shortcut_rows(), self)
        self.last_dialog.open()
        return self.last_dialog

    def current_key(self) -> str:
        return self.keys[self.nav.currentRow()]

    def new_household(self):
        if self.upper_mode:
            return None
        self.last_dialog = self.go("households").add_household()
        return self.last_dialog

    def new_project(self):
        if self.upper_mode:
            return None
        self.last_dialog = self.go("projects").add_project()
        return self.last_dialog

    def export_current(self) -> None:
        """Ctrl+E on a report page: its "Xuất Excel…" button, when it is enabled (a report to export)."""
        if self.current_key() in ("reports", "consolidated", "cashbook"):
            button = self.page(self.current_key()).xlsx_button
            if button.isEnabled():
                button.click()

    def void_current(self):
        if self.current_key() != "receipts":
            return None
        self.last_dialog = self.page("receipts").void_selected()
        return self.last_dialog

    # ------------------------------------------------------------------ pages
    def page(self, key: str) -> QWidget:
        """The page, built on first use."""
        if key not in self._pages:
            index = self.keys.index(key)
            module, _, name = self.page_specs[index][2].partition(":")
            page = getattr(importlib.import_module(module), name)(self.books)
            self._connect(key, page)
            old = self.pages.widget(index)
            self.pages.insertWidget(index, page)
            self.pages.removeWidget(old)
            old.deleteLater()
            self._pages[key] = page
        return self._pages[key]

    def _connect(self, key: str, page: QWidget) -> None:
        """Requests a page makes of the window (open the payment dialog, the books were restored). Figures
        are never refreshed from here: each page reloads itself from the change hub."""
        if key in ("dashboard", "collections"):
            page.payment_requested.connect(lambda household, project: self.open_payment(household, project))
        elif key == "households":
            page.payment_requested.connect(lambda household: self.open_payment(household))
        elif key == "receipts":
            # Del voids the receipt selected in the register; only there, so Del still deletes text elsewhere.
            QShortcut(QKeySequence.StandardKey.Delete, page.table, activated=lambda: self.void_current(),
                      context=Qt.ShortcutContext.WidgetShortcut)
        elif key == "settings":
            page.backup_written.connect(lambda _: self.refresh_header())
            page.books_restored.connect(self.books_replaced)

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self.keys):
            self.page(self.keys[row])
            self.pages.setCurrentIndex(row)

    def go(self, key: str) -> QWidget:
        self.nav.setCurrentRow(self.keys.index(key))
        return self.page(key)

    def refresh_header(self) -> None:
        s = self.books.settings_on(clock.today())  # today's names: after the 2025 merger, the new province
        name = s.get("commune_name", "")
        self.setWindowTitle(f"VốnXoay — {name}")
        places = " · ".join(dict.fromkeys(p for p in (s.get("upper_name", ""), s.get("province_name", "")) if p))
        self.commune_label.setText(f"<b style='font-size:13pt'>{name}</b>&nbsp;&nbsp;{places}"
                                   + ("&nbsp;&nbsp;<i>(xã mẫu)</i>" if s.get("demo") == "1" else ""))
        self.as_of_label.setText(f"Số liệu đến ngày <b>{format_date(clock.today())}</b>")
        self.as_of_label.setTextFormat(Qt.TextFormat.RichText)
        last = last_backup_at(self.books.data_dir)
        self.backup_label.setText("Sao lưu gần nhất: " + (f"{last:%H:%M %d/%m/%Y}" if last else "chưa có"))
        self.user_label.setText(f"Người dùng: <b>{html.escape(self.books.actor)}</b>")

    def books_replaced(self) -> None:
        """After a restore every figure may differ: rebuild the pages from the restored books."""
        current = self.nav.currentRow()
        for key in list(self._pages):
            index = self.keys.index(key)
            old = self._pages.pop(key)
            self.pages.insertWidget(index, QWidget())
            self.pages.removeWidget(old)
            old.deleteLater()
        self.refresh_header()
        self._show_page(current)

    def offer_restore(self, backup: Path | None) -> None:
        """The books refused a write because their file is damaged: the settings page offers the restore."""
        self.page("settings").offer_restore(backup)
        self.statusBar().showMessage("Tệp dữ liệu bị hỏng: hãy khôi phục bản sao lưu (Cài đặt › Sao lưu và khôi "
                                     "phục).")

    def backup_if_due(self):
        """The day's automatic backup: the first start of a day copies the books into backups/ (in a
        worker; the clerk can work meanwhile) and removes automatic copies older than the kept days.
        Returns the task, or None when today's copy exists."""
        last = last_backup_at(self.books.data_dir)
        if last is not None and last.date() >= clock.today():
            return None
        data_dir, actor = self.books.data_dir, self.books.actor

        def work(progress, cancelled):
            from desktop.services.backup import automatic_backup

            with Books.open(data_dir, actor=actor) as books:
                return automatic_backup(books)

        def done(result) -> None:
            path, removed = result
            self.refresh_header()
            pruned = f"; đã xóa {len(removed)} bản tự động cũ" if removed else ""
            self.statusBar().showMessage(f"Đã tự động sao lưu: {path}{pruned}", 10000)

        from ui.workers import run_task

        return run_task(self, "Đang sao lưu tự động…", work, done, show_progress=False)

    # ------------------------------------------------------------------ actions
    def open_payment(self, household: str = "", project: str = "") -> PaymentDialog | None:
        if self.upper_mode:
            return None  # the upper level keeps no books of its own
        from ui.dialogs.payment import PaymentDialog

        dialog = PaymentDialog(self.books, self, household=household or None, project=project or None)
        dialog.receipt_issued.connect(self._receipt_issued)
        dialog.open()
        return dialog

    def _receipt_issued(self, info: dict) -> None:
        from ui.dialogs.pdf_preview import ReceiptPreviewDialog

        receipt = info["receipt"]
        self.last_preview = ReceiptPreviewDialog(self.books, info["written"],
                                                 f"Phiếu thu số {receipt.number}/{receipt.year}", self)
        self.last_preview.open()

    def _focus_search(self) -> None:
        if self.upper_mode:
            return
        page = self.go("households")
        page.search.setFocus()
        page.search.selectAll()

    def _print(self) -> None:
        current = self.keys[self.nav.currentRow()]
        if current == "receipts":
            self.page("receipts").print_selected()
        elif current == "reports":
            self.page("reports").print_report()
