"""The clerk's laptop: 1366×768 at 125 % leaves 1093×614 under the taskbar. Every large window opens inside that
room with its buttons in sight (its content scrolls or shrinks), and the project window's tabs need no scroll
arrows. Run in a second process whose offscreen screen is that laptop's, scaled as Windows scales it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date

from desktop.services.demo import make_demo
from tests.conftest import REPO

LAPTOP = {"synchronousWindowSystemEvents": False, "windowFrameMargins": True,
          "screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96,
                       "logicalBaseDpi": 96, "dpr": 1}]}

# Opens each window on the books given, prints one JSON line per window: the screen's room, the window's frame,
# the bottom of its lowest visible button and, for the project window, whether its tabs fit.
PROBE = r"""
import json, sys
from pathlib import Path
from types import SimpleNamespace
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from desktop.books import Books
from desktop.paths import DataDir
from desktop.services import project_leads

app = QApplication([])
from ui.theme import apply_theme
apply_theme(app)
from ui.dialogs.excel_import import ExcelImportDialog
from ui.dialogs.merge_books import MergeBooksDialog
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.dialogs.voucher_preview import VoucherPreviewDialog
from ui.main_window import MainWindow

books = Books.open(DataDir(Path(sys.argv[1])))
members = [r[0] for r in books.conn.execute("SELECT code FROM household ORDER BY code LIMIT 2")]
project_leads.set_lead(books, "DA03", kind="cooperative", name="HTX Nông nghiệp Đức Chính",
                       representative="Phạm Văn Hùng", registration_code="0801234567")
project_leads.add_lead_members(books, "DA03", members)
window = MainWindow(books)
window.show()
QTest.qWait(300)
room = app.primaryScreen().availableGeometry()


def seen(name, dialog, **more):
    QTest.qWait(300)
    frame = dialog.frameGeometry()
    buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
    lowest = max(b.mapToGlobal(QPoint(0, b.height() - 1)).y() for b in buttons)
    print(json.dumps({"name": name, "room": [room.x(), room.y(), room.width(), room.height()],
                      "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                      "buttons": len(buttons), "lowest_button": lowest, **more}), flush=True)


view = window.page("projects").open_project("DA03")
bar = view.tabs.tabBar()
seen("project", view, tabs=[view.tabs.tabText(i) for i in range(view.tabs.count())],
     tips=[view.tabs.tabToolTip(i) for i in range(view.tabs.count())],
     tabs_need=bar.sizeHint().width(), tabs_room=view.tabs.width())
approval = view.record_approval()
seen("approval", approval)
approval.reject()
path = view.print_support_list()
preview = next(w for w in app.topLevelWidgets() if isinstance(w, PdfPreviewDialog) and w.isVisible())
seen("preview", preview, page_width=max(label.pixmap().width() for label in preview.page_labels),
     room_for_page=preview.scroll.viewport().width())
preview.reject()
view.reject()
written = SimpleNamespace(path=str(path), copy=False, book="01", number=1, year=2026)
voucher = VoucherPreviewDialog(books, written, window)
voucher.open()
seen("voucher", voucher)
voucher.reject()
for name, kind in (("merge", MergeBooksDialog), ("import", ExcelImportDialog)):
    dialog = kind(books, window)
    dialog.open()
    seen(name, dialog)
    dialog.reject()
window.close()
books.close()
"""


def _windows_on_the_laptop(tmp_path, data_dir) -> dict[str, dict]:
    make_demo(data_dir, households=300, seed=3, as_of=date(2026, 11, 30))  # the same books on any date
    screen = tmp_path / "laptop.json"
    screen.write_text(json.dumps(LAPTOP), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}", "QT_SCALE_FACTOR": "1.25",
           "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", PROBE, str(data_dir.root)], env=env, cwd=REPO,
                         capture_output=True, text=True, encoding="utf-8", timeout=240)
    assert run.returncode == 0, run.stderr
    return {line["name"]: line for line in map(json.loads, run.stdout.splitlines())}


def test_every_large_window_fits_the_laptop_screen_with_its_buttons_in_sight(tmp_path, data_dir):
    windows = _windows_on_the_laptop(tmp_path, data_dir)
    assert set(windows) == {"project", "approval", "preview", "voucher", "merge", "import"}
    for name, seen in windows.items():
        x, y, width, height = seen["room"]
        assert (width, height) == (1093, 614)  # the laptop at 125 %
        fx, fy, fwidth, fheight = seen["frame"]
        assert x <= fx and fx + fwidth <= x + width, (name, seen)
        assert y <= fy and fy + fheight <= y + height, (name, seen)
        assert seen["buttons"] >= 1 and seen["lowest_button"] < y + height, (name, seen)
    project = windows["project"]
    assert project["tabs_need"] <= project["tabs_room"], project  # every tab in sight, no scroll arrows
    # The demo of the day decides how many handover records DA03 has; the tab is there with its count.
    assert "Đơn vị chủ trì (2 hộ)" in project["tabs"] and any(
        re.fullmatch(r"Bàn giao \(\d+\)", tab) for tab in project["tabs"])
    assert {"Kinh phí theo nguồn", "Sổ quỹ luân chuyển"} <= set(project["tips"])  # shortened: full name on hover
    # The page is scaled to the room the preview has, never drawn wider than it.
    assert 0 < windows["preview"]["page_width"] <= windows["preview"]["room_for_page"]
