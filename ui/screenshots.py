"""Screenshots of every page of the window over a demo commune, for the README and for review.

``python -m ui.screenshots [OUT_DIR]`` (default docs/screenshots); runs offscreen, needs no display.
Besides the eight pages it shows the payment dialog and a receipt preview, the screens used most.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.books import Books  # noqa: E402
from desktop.paths import DataDir  # noqa: E402
from desktop.services.demo import make_demo  # noqa: E402
from ui.main_window import KEYS, MainWindow  # noqa: E402
from ui.theme import apply_theme  # noqa: E402

SIZE = (1366, 768)  # the commune office's usual laptop screen


def slug(title: str) -> str:
    from desktop.text import fold

    return fold(title).replace(" ", "-")


def fold_name(name: str) -> str:
    from desktop.text import fold

    return fold(name)


def settle(app: QApplication, until=lambda: True, timeout: float = 20.0) -> None:
    """Let queued work (the dashboard's worker, layouts) finish before grabbing."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until():
            break
        time.sleep(0.02)
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = DataDir(Path(tmp))
        make_demo(data_dir, households=3000, seed=7)
        with Books.open(data_dir) as books:
            window = MainWindow(books)
            window.resize(*SIZE)
            window.show()
            for row, key in enumerate(KEYS):
                page = window.go(key)
                if key == "dashboard":
                    settle(app, lambda p=page: p.figures is not None)
                settle(app)
                path = out / f"{row + 1:02d}-{slug(window.nav.item(row).text())}.png"
                window.grab().save(str(path))
                print(path)
            dashboard = window.page("dashboard")
            due = dashboard.due_model.row(0) if dashboard.due_model.rowCount() else None
            dialog = window.open_payment(due["household"] if due else "", due["project"] if due else "")
            if due:  # show the search list as the clerk sees it after typing the name without diacritics
                dialog.search.setText(fold_name(due["head_name"]))
                dialog.picker.find()
            settle(app)
            dialog.grab().save(str(out / "09-thu-tien.png"))
            print(out / "09-thu-tien.png")
            if due:
                dialog.record()
                settle(app)
                preview = window.last_preview
                preview.resize(760, 740)
                settle(app)
                preview.grab().save(str(out / "10-xem-phieu-thu.png"))
                print(out / "10-xem-phieu-thu.png")
                preview.close()
            extra = (("11-du-an-chi-tiet.png", lambda: window.go("projects").open_project("DA01")),
                     ("12-ho-chi-tiet.png", lambda: window.go("households").open_household(due["household"])
                      if due else None))
            for name, opener in extra:
                dialog = opener()
                if dialog is None:
                    continue
                settle(app)
                dialog.tabs.setCurrentIndex(2)
                settle(app)
                dialog.grab().save(str(out / name))
                print(out / name)
                dialog.close()
            window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
