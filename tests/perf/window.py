"""The window: start-up beside a bare PySide6 window, and search as you type on the households page."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from desktop.books import Books
from desktop.paths import DataDir
from tests.perf.common import PEAKS, report, timed

_WINDOW_CHILD = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
start = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
if sys.argv[1] == "bare":
    from PySide6.QtWidgets import QLabel, QMainWindow
    window = QMainWindow()
    window.setCentralWidget(QLabel("VốnXoay"))
else:
    from desktop.books import Books
    from desktop.paths import DataDir
    from pathlib import Path
    from ui.main_window import MainWindow
    from ui.theme import apply_theme
    apply_theme(app)
    books = Books.open(DataDir(Path(sys.argv[2])))
    window = MainWindow(books, start_page=sys.argv[3])
window.resize(1366, 768)
window.show()
app.processEvents()
usable = time.perf_counter() - start
if sys.argv[1] != "bare" and sys.argv[3] == "dashboard":
    from PySide6.QtCore import QEventLoop
    page = window.page("dashboard")
    if page.figures is None:
        loop = QEventLoop()
        page.figures_loaded.connect(loop.quit)
        loop.exec()
def peak_kb():
    # VmHWM belongs to this program image; ru_maxrss would carry over the parent's size from before exec.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(usable, time.perf_counter() - start, peak_kb())
"""


def bench_window(data_dir: DataDir) -> None:
    """Start-up to a usable main window on this database (a fresh process each time, interpreter
    included), beside a bare PySide6 window started the same way in the same run."""
    import subprocess

    root = Path(__file__).resolve().parents[2]

    peak_kb = {}

    def run(*args: str) -> tuple[float, float]:
        best = (float("inf"), float("inf"))
        for _ in range(3):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", _WINDOW_CHILD, *args], check=True, capture_output=True,
                                 text=True, cwd=root).stdout.split()
            wall = time.perf_counter() - start
            # Whole process until usable = wall time minus what the child spent after it was usable.
            usable = wall - (float(out[1]) - float(out[0]))
            best = min(best, (usable, wall))
            peak_kb[args[0]] = max(peak_kb.get(args[0], 0), int(out[2]))
        return best

    bare, _ = run("bare")
    households_usable, _ = run("vonxoay", str(data_dir.root), "households")
    dashboard_usable, dashboard_full = run("vonxoay", str(data_dir.root), "dashboard")
    report("window usable, Hộ gia đình page (process start to shown)", households_usable, bare,
           floor_name="bare PySide6 window process")
    report("window usable, Tổng quan page (figures still computing)", dashboard_usable, bare,
           floor_name="bare PySide6 window process")
    report("Tổng quan with every figure shown", dashboard_full, bare, floor_name="bare PySide6 window process")
    # Measured inside each child, as its own high-water mark (see peak_kb in the child script).
    line = (f"window process on this database: {peak_kb['vonxoay'] / 1024:.0f} MB "
            f"(bare PySide6 window process: {peak_kb['bare'] / 1024:.0f} MB)")
    print(f"  peak memory (max RSS), {line}", flush=True)
    PEAKS.append(line)


def bench_search_as_you_type(data_dir: DataDir) -> None:
    """Each keystroke of a name typed without diacritics, from the query starting to the household table
    showing its count and first page (worker thread, own connection), beside the same LIKE count and first
    page as bare SQL on an open connection."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from desktop.text import fold
    from ui.pages.households import HouseholdsPage

    _app = QApplication.instance() or QApplication([])  # kept alive while the page exists
    with Books.open(data_dir) as books:
        name = books.conn.execute("SELECT head_name FROM household ORDER BY id LIMIT 1 "
                                  "OFFSET (SELECT count(*) / 3 FROM household)").fetchone()[0]
        typed = fold(name)
        prefixes = [typed[:i] for i in range(1, len(typed) + 1)]
        page = HouseholdsPage(books)
        shown: list[int] = []
        page.results_shown.connect(shown.append)

        def keystroke(prefix: str) -> None:
            page.search.blockSignals(True)  # no debounce timer: measure the query itself
            page.search.setText(prefix)
            page.search.blockSignals(False)
            loop = QEventLoop()
            page.results_shown.connect(loop.quit)
            page.apply_filters()
            loop.exec()
            page.results_shown.disconnect(loop.quit)

        per_key = [timed(lambda p=prefix: keystroke(p), repeat=3) for prefix in prefixes]
        conn = books.conn

        def bare(prefix: str) -> None:
            conn.execute("SELECT count(*) FROM household WHERE search_key LIKE ?", (f"%{prefix}%",)).fetchone()
            conn.execute("SELECT * FROM household WHERE search_key LIKE ? ORDER BY code LIMIT 500",
                         (f"%{prefix}%",)).fetchall()

        floor = [timed(lambda p=prefix: bare(p), repeat=3) for prefix in prefixes]
    report(f"search as you type “{typed}”, mean per keystroke ({len(prefixes)} keys, {shown[-1]} found)",
           sum(per_key) / len(per_key), sum(floor) / len(floor), floor_name="bare LIKE count + first 500 rows")
    report("search as you type, slowest keystroke", max(per_key), max(floor), floor_name="bare, slowest keystroke")
