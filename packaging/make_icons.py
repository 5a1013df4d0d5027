"""Rasterise resources/icons/vonxoay.svg into the PNG (window, Linux menu) and ICO (Windows) the bundle ships.

    .venv/bin/python packaging/make_icons.py

Run again after editing the SVG; the outputs are committed so a build needs no SVG renderer.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QImage painting needs an application object
    renderer = QSvgRenderer(str(ICONS / "vonxoay.svg"))
    if not renderer.isValid():
        sys.exit("vonxoay.svg could not be read")
    render(renderer, 256).save(ICONS / "vonxoay.png", optimize=True)
    render(renderer, 48).save(ICONS / "vonxoay-48.png", optimize=True)
    largest = render(renderer, 256)
    largest.save(ICONS / "vonxoay.ico", sizes=[(s, s) for s in ICO_SIZES])
    print(f"wrote {', '.join(p.name for p in sorted(ICONS.glob('vonxoay*')) if p.suffix != '.svg')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
