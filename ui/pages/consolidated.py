"""Tổng hợp (upper level): the periodic report over every imported commune — a row per commune and the
totals — with a drill-down to one commune's projects, and the XLSX/PDF the upper level files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.changes import Changes
from desktop.errors import Refused
from desktop.reports.consolidated import file_name, write_pdf, write_xlsx
from desktop.reports.consolidation import Consolidated
from desktop.sync.consolidate import consolidate
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.errors import show_error
from ui.export_bar import ask_export_path
from ui.operations import subscribe
from ui.period_chooser import PeriodChooser
from ui.receipt_check import ReceiptCheckBox
from ui.record_model import RecordTableModel
from ui.widgets import compact, page_title
from ui.workers import run_task

FIGURES = [("households", "Số hộ", "number"), ("disbursed_in_period", "Hỗ trợ trong kỳ", "money"),
           ("recovered_in_period", "Thu hồi trong kỳ", "money"), ("recovered_to_date", "Thu hồi lũy kế", "money"),
           ("outstanding", "Còn phải thu", "money"), ("overdue", "Quá hạn", "money"),
           ("fund_balance", "Số dư quỹ", "money")]
COMMUNE_COLUMNS = [("code", "Mã xã", "text"), ("name", "Xã", "text"), ("seq", "Gói số", "number"),
                   ("as_of", "Số liệu đến", "date"), *FIGURES]
PROJECT_COLUMNS = [("code", "Mã dự án", "text"), ("name", "Dự án", "text"), ("programme", "Chương trình", "text"),
                   *FIGURES]


def _figures(row) -> dict:
    return {key: getattr(row, key) for key, _, _ in FIGURES}


# The upper level's consolidated figures.
SHOWS = Changes.UPPER


class ConsolidatedPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.report: Consolidated | None = None
        self.task = None
        self._generation = 0
        self.period = PeriodChooser()
        self.show_button = QPushButton("&Xem")
        self.show_button.clicked.connect(self.compute)
        self.xlsx_button = QPushButton("Xuất &Excel… (Ctrl+E)")
        self.pdf_button = QPushButton("Xuất &PDF…")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        top = QHBoxLayout()
        top.addWidget(QLabel("Kỳ báo cáo:"))
        top.addWidget(self.period)
        top.addWidget(self.show_button)
        top.addStretch(1)
        top.addWidget(self.xlsx_button)
        top.addWidget(self.pdf_button)
        self.model = RecordTableModel(COMMUNE_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        self.table.clicked.connect(lambda index: self.drill_down(self.model.row(index.row())["code"]))
        self.table.activated.connect(lambda index: self.drill_down(self.model.row(index.row())["code"]))
        self.detail_title = QLabel("Bấm vào một xã để xem từng dự án của xã đó.")
        self.detail_model = RecordTableModel(PROJECT_COLUMNS, self)
        self.detail = QTableView()
        self.detail.setModel(self.detail_model)
        compact(self.detail)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail_title)
        lower_layout.addWidget(self.detail, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([340, 200])
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Tổng hợp số liệu các xã"))
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        # Anyone at the upper level can check a commune's paper receipt against the imported data.
        self.receipt_check = ReceiptCheckBox(books)
        layout.addWidget(self.receipt_check)
        self._enable_exports()
        self.compute()
        subscribe(self, SHOWS, self.compute)

    def _enable_exports(self) -> None:
        for button in (self.xlsx_button, self.pdf_button):
            button.setEnabled(self.report is not None)

    def compute(self):
        """The report runs each commune's period report: in a worker, with progress per commune."""
        start, end = self.period.period()
        data_dir, actor = self.books.data_dir, self.books.actor
        self._generation += 1
        generation = self._generation

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                return consolidate(books, start, end, progress=lambda done, total, _code: progress(done, total))

        def failed(exc) -> None:
            self.status.setText(exc.message if isinstance(exc, Refused) else "")
            if not isinstance(exc, Refused):
                show_error(self, exc)

        def done(report: Consolidated) -> None:
            if generation == self._generation:  # a newer request overtook this one: drop it
                self.show_report(report)

        self.task = run_task(self, "Đang tổng hợp số liệu các xã…", work, done, failed)
        return self.task

    def show_report(self, report: Consolidated) -> None:
        self.report = report
        rows = [{"code": c.code, "name": c.name, "seq": c.seq, "as_of": c.as_of,
                 **_figures(c.report.totals), "households": c.report.households_distinct} for c in report.communes]
        rows.append({"code": "", "name": f"Tổng cộng ({len(report.communes)} xã)", "_total": True,
                     **_figures(report.totals), "households": report.households_distinct})
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.detail_model.set_rows([])
        merged = "".join(f" {m.name} ({m.code}) {m.note}." for m in report.merged)
        self.status.setText(f"{len(report.communes)} xã, từ {report.start:%d/%m/%Y} đến {report.end:%d/%m/%Y}.{merged}"
                            if report.communes else "Chưa nhập gói của xã nào: vào trang “Nhập gói”.")
        self._enable_exports()

    def drill_down(self, code: str) -> int:
        line = next((c for c in self.report.communes if c.code == code), None) if self.report else None
        if line is None:
            return 0
        self.detail_title.setText(f"<b>{line.name}</b> ({line.code}) — {len(line.report.projects)} dự án")
        self.detail_model.set_rows([{"code": p.code, "name": p.name, "programme": p.programme, **_figures(p)}
                                    for p in line.report.projects])
        self.detail.resizeColumnsToContents()
        self.detail.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return len(line.report.projects)

    def export(self, fmt: str, path: Path | None = None, *, preview: bool = True) -> Path | None:
        if self.report is None:
            return None
        if path is None:
            self.books.data_dir.exports.mkdir(parents=True, exist_ok=True)
            path = ask_export_path(self, self.books.data_dir, self.books.data_dir.exports / file_name(self.report, fmt),
                                   fmt, "Lưu báo cáo tổng hợp")
            if path is None:
                return None
        try:
            written = (write_xlsx if fmt == "xlsx" else write_pdf)(path, self.report, self.books.settings())
        except (Refused, OSError) as exc:
            show_error(self, exc)
            return None
        self.status.setText(f"Đã ghi {written}")
        if fmt == "pdf" and preview:
            PdfPreviewDialog(written, "Báo cáo tổng hợp", self).open()
        return written
