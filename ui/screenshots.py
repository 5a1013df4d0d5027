"""Screenshots of every page of the window over a demo commune, for the README and for review.

``python -m ui.screenshots [OUT_DIR]`` (default docs/screenshots); runs offscreen, needs no display.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.books import Books  # noqa: E402
from desktop.paths import DataDir  # noqa: E402
from desktop.services.demo import make_demo  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

SIZE = (1366, 768)  # the commune office's usual laptop screen


def slug(title: str) -> str:
    from desktop.text import fold

    return fold(title).replace(" ", "-")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = DataDir(Path(tmp))
        make_demo(data_dir, households=3000, seed=7)
        with Books.open(data_dir) as books:
            window = MainWindow(books)
            window.resize(*SIZE)
            window.show()
            for row in range(window.nav.count()):
                window.nav.setCurrentRow(row)
                app.processEvents()
                path = out / f"{row + 1:02d}-{slug(window.nav.item(row).text())}.png"
                window.grab().save(str(path))
                print(path)
            window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
