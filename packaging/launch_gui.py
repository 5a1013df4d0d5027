"""PyInstaller entry of the window (``vonxoay``): the same ``ui.app:main`` as the installed gui-script.

``vonxoay --smoke-render PDF PNG [MODULE ...]`` is for the bundle's smoke test only: it imports each
MODULE (every module of ui/, so that a page or dialog whose Qt module or library was left out of the bundle
fails here), then draws page 1 of PDF through ``ui.printing`` (pypdfium2's native library, as the receipt
preview and printing use it) into PNG, and says how much of the page is ink.
"""

import sys


def smoke_render(pdf: str, png: str, *modules: str) -> int:
    import importlib
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - pages need one to exist
    for name in modules:
        importlib.import_module(name)
    from ui.printing import page_count, render_pages

    pages = page_count(Path(pdf))
    image = render_pages(Path(pdf), dpi=60, last=0)[0]
    if not image.save(png):
        print(f"smoke-render: could not write {png}", flush=True)
        return 1
    # A blank page would mean pdfium loaded but drew nothing: count the dark pixels, every 2nd in each direction.
    ink = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
              if image.pixelColor(x, y).lightness() < 128)
    print(f"smoke-render: {len(modules)} modules imported, {pages} pages, page 1 {image.width()}x{image.height()} px, "
          f"{ink} dark samples", flush=True)
    return 0 if ink else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--smoke-render"] and len(sys.argv) >= 4:
        sys.exit(smoke_render(*sys.argv[2:]))
    from ui.app import main  # it waits for background tasks before the application goes (see ui/app.py)

    sys.exit(main())
