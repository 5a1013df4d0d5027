"""Preview of a PDF the program wrote (a receipt, a list), with Print (Ctrl+P) and Save PDF.

``delivered`` tells when the document left the program: a print job accepted or the PDF saved. A receipt's
preview logs its print then (``ReceiptPreviewDialog``), never on a print dialog cancelled."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.errors import show_error
from ui.printing import print_pdf, render_pages
from ui.widgets import fit_to_screen

PREVIEW_DPI = 80
PREVIEW_PAGES = 20  # a batch of hundreds previews its first pages; printing sends them all


class PdfPreviewDialog(QDialog):
    delivered = Signal(str)  # "printer", or the path the PDF was saved to

    def __init__(self, path: Path, title: str, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(title)
        self.pages = render_pages(self.path, PREVIEW_DPI, last=PREVIEW_PAGES - 1)
        column = QWidget()
        self.pages_layout = QVBoxLayout(column)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[QLabel] = []
        for image in self.pages:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("border: 1px solid #999; background: white;")
            self.pages_layout.addWidget(label)
            self.page_labels.append(label)
        self.scroll = scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet("QScrollArea { background: #808080; }")
        # Pages are read downwards; the bar always there keeps the width they are scaled to steady.
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        scroll.viewport().installEventFilter(self)
        self.where = QLabel(f"Tệp: {self.path}")
        self.where.setWordWrap(True)
        self.print_button = QPushButton("&In… (Ctrl+P)")
        self.save_button = QPushButton("&Lưu PDF…")
        close = QPushButton("Đó&ng")
        self.print_button.clicked.connect(self.choose_printer)
        self.save_button.clicked.connect(self.choose_save_path)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.where, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.choose_printer)
        width = max((i.width() for i in self.pages), default=500) + 60
        fit_to_screen(self, min(width, 1000), 700)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_pages()
        return super().eventFilter(watched, event)

    def fit_pages(self) -> None:
        """Each page as wide as the window leaves room for, never wider than drawn: on a small screen the
        whole width of the page is in sight, without a sideways scroll."""
        margins = self.pages_layout.contentsMargins()
        room = self.scroll.viewport().width() - margins.left() - margins.right() - 2  # the page's border
        for label, image in zip(self.page_labels, self.pages, strict=True):
            width = max(1, min(image.width(), room))
            if label.pixmap().width() != width:
                smooth = Qt.TransformationMode.SmoothTransformation
                label.setPixmap(QPixmap.fromImage(image).scaledToWidth(width, smooth))

    def choose_printer(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        try:
            pages = print_pdf(printer, self.path)
        except Exception as exc:  # noqa: BLE001 - shown and logged; the PDF stays saved
            show_error(self, exc)
            return 0
        if pages:
            self.delivered.emit("printer")
        return pages

    def choose_save_path(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Lưu PDF", str(Path.home() / self.path.name), "PDF (*.pdf)")
        if target:
            self.save_to(Path(target))

    def save_to(self, target: Path) -> Path:
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            from desktop.errors import Refused

            show_error(self, Refused(f"Không lưu được tệp {target}: {exc.strerror}."))
            return target
        self.delivered.emit(str(target))
        return target


class ReceiptPreviewDialog(PdfPreviewDialog):
    """A receipt's (or a batch's) preview: its pages are logged as printed when they leave the program, so
    the next print is a BẢN SAO only if this one really reached paper or a saved file."""

    prints_recorded = Signal(object)  # the ReceiptsPrinted outcome

    def __init__(self, books, written, title: str, parent=None):
        super().__init__(Path(written.path), title, parent)
        self.books, self.written = books, written
        self.delivered.connect(self._record)

    def _record(self, _where: str) -> None:
        from desktop.reports.receipt_prints import record_receipt_prints
        from ui.operations import run_op

        written = self.written
        run_op(self, self.books, lambda books: record_receipt_prints(books, written), self.prints_recorded.emit,
               label="Đang ghi sổ in phiếu…")
