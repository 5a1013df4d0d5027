"""PDF pages as images (pypdfium2, instead of the 60 MB QtPdf add-on) for the preview and for the printer.

Printing paints each page image at the printer's own resolution, scaled to fit the printable page, so the
receipt prints from the very PDF that was saved.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

MAX_PRINT_DPI = 300  # enough for text and the QR code; higher only makes the spool bigger


def page_count(path: Path) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pages(path: Path, dpi: float = 96, *, first: int = 0, last: int | None = None) -> list[QImage]:
    """Pages ``first``..``last`` (inclusive, 0-based) of a PDF as RGB images at ``dpi``."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        last = len(pdf) - 1 if last is None else min(last, len(pdf) - 1)
        images = []
        for index in range(first, last + 1):
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888).copy()  # copy: the buffer dies with the bitmap
            images.append(image)
            page.close()
        return images
    finally:
        pdf.close()


def print_pdf(printer: QPrinter, path: Path, *, progress=None, cancelled=None) -> int:
    """Send every page of the PDF to ``printer``; returns the number of pages printed."""
    total = page_count(path)
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        from desktop.errors import Refused

        raise Refused("Không mở được máy in. Hãy kiểm tra máy in đã bật và đã chọn đúng.")
    printed = 0
    try:
        for index in range(total):
            if cancelled is not None and cancelled():
                break
            if index:
                printer.newPage()
            image = render_pages(path, dpi, first=index, last=index)[0]
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
            printed += 1
            if progress is not None:
                progress(printed, total)
    finally:
        painter.end()
    return printed
