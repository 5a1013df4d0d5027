"""Báo cáo: choose a report and its options, preview it as a table, export XLSX/PDF or print.

Each report is the very document the CLI's ``report …`` writes, taken from the same catalogue
(``desktop.reports.catalogue``): the preview shows its lines, the exports write it with
``catalogue.write_document`` (its table, or its own printed form, as the formal periodic report).
Building and writing run in a worker on their own connection, so a 100 000-household register never freezes
the window; the preview shows its first lines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.books import Books
from desktop.domain import Category, ProjectStatus
from desktop.errors import Refused
from desktop.reports.catalogue import REPORTS, Report, ReportInputs, write_document
from desktop.services.hamlets import list_hamlets
from desktop.services.projects import list_projects
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.doc_model import DocTableModel
from ui.errors import show_error
from ui.export_bar import ExportedBar, ask_export_path, with_extension
from ui.grouped_header import GroupedHeader
from ui.period_chooser import PeriodChooser
from ui.widgets import DateEdit, compact, page_title, searchable
from ui.workers import run_task

PREVIEW_LINES = 2000


class ReportsPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.reports = REPORTS
        self.task = None
        self.last_path: Path | None = None
        self.last_preview: PdfPreviewDialog | None = None
        self._generation = 0
        self.shown_generation = 0  # the request whose preview (or refusal) is on screen
        # A combo box above the table, not a list beside it: the periodic report's table needs the full width.
        self.choice = QComboBox()
        for report in self.reports:
            self.choice.addItem(report.title, report.key)
        self.choice.setMinimumContentsLength(40)
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # The options, each shown only for the reports that read it.
        self.period = PeriodChooser()
        self.as_of = DateEdit(clock.today())
        self.project = searchable(QComboBox())  # type part of a project's code or name
        self.programme = QComboBox()
        self.programme.addItem("Mọi chương trình", None)
        seen = set()
        for p in list_projects(books):
            self.project.addItem(f"{p['code']} — {p['name']}", p["code"])
            if p["programme_code"] and p["programme_code"] not in seen:
                seen.add(p["programme_code"])
                self.programme.addItem(p["programme_code"], p["programme_code"])
        self.project.setMaximumWidth(420)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Mọi trạng thái", None)
        for status in ProjectStatus:
            self.status_filter.addItem(status.label, status.value)
        self.search = QLineEdit(placeholderText="tên, mã hộ, CCCD (không dấu cũng được)")
        self.hamlet = searchable(QComboBox())
        self.hamlet.addItem("Tất cả các thôn", None)
        for hamlet in list_hamlets(books):
            self.hamlet.addItem(hamlet["name"], hamlet["name"])
        self.category = QComboBox()
        self.category.addItem("Mọi phân loại", None)
        for category in Category:
            self.category.addItem(category.label, category)
        self.options = QFormLayout()
        # Options as wide as their content, not stretched across the page over the table.
        self.options.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.search.setMinimumWidth(360)
        self.options.addRow("Báo cáo:", self.choice)
        # Keyed by the catalogue's input each widget gives; the period chooser gives ``start`` and ``end``, and
        # the due list's horizon (``within_days``) stays at the catalogue's default here.
        self._option_rows = {"start": ("Kỳ báo cáo:", self.period), "as_of": ("Tính đến ngày:", self.as_of),
                             "project": ("Dự án:", self.project), "programme": ("Chương trình:", self.programme),
                             "status": ("Trạng thái:", self.status_filter), "search": ("Tìm:", self.search),
                             "hamlet": ("Thôn:", self.hamlet), "category": ("Phân loại hộ:", self.category)}
        for label, widget in self._option_rows.values():
            self.options.addRow(label, widget)
        self.preview_button = QPushButton("&Xem")
        self.xlsx_button = QPushButton("Xuất &Excel… (Ctrl+E)")
        self.pdf_button = QPushButton("Xuất &PDF…")
        self.print_button = QPushButton("&In… (Ctrl+P)")
        # The periodic report's narrative sections, written here and printed in its PDF and XLSX.
        self.texts_button = QPushButton("Viết phần &nhận xét…")
        self.texts_button.clicked.connect(self.write_texts)
        self.preview_button.clicked.connect(self.preview)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.print_button.clicked.connect(self.print_report)
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.xlsx_button, self.pdf_button, self.print_button, self.texts_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.model = DocTableModel(self)
        self.table = QTableView()
        self.table.setHorizontalHeader(GroupedHeader(self.table))
        self.table.setModel(self.model)
        compact(self.table)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Báo cáo"))
        layout.addLayout(self.options)
        layout.addLayout(buttons)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.exported = ExportedBar()
        layout.addWidget(self.exported)
        self.choice.currentIndexChanged.connect(self._chosen)
        self._chosen()

    def report(self) -> Report:
        return self.reports[max(0, self.choice.currentIndex())]

    def select(self, key: str) -> None:
        row = [r.key for r in self.reports].index(key)
        if row == self.choice.currentIndex():
            self.preview()
        else:
            self.choice.setCurrentIndex(row)

    def _chosen(self) -> None:
        used = self.report().inputs
        for key, (_, widget) in self._option_rows.items():
            self.options.setRowVisible(widget, key in used)
        self.texts_button.setVisible(self.report().key == "period")
        self.preview()

    def values(self) -> ReportInputs:
        start, end = self.period.period()
        return ReportInputs(start=start, end=end, as_of=self.as_of.value(), project=self.project.currentData(),
                            programme=self.programme.currentData(), status=self.status_filter.currentData(),
                            search=self.search.text().strip(), hamlet=self.hamlet.currentData(),
                            category=self.category.currentData())

    def write_texts(self):
        """The dialog for the chosen period's results, difficulties and proposals."""
        from ui.dialogs.report_texts import ReportTextsDialog

        start, end = self.period.period()
        dialog = ReportTextsDialog(self.books, start, end, self)
        dialog.saved.connect(lambda outcome: self.status.setText(
            "Đã lưu phần nhận xét; báo cáo xuất ra sẽ in nội dung mới."))
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ preview
    def preview(self):
        report, inputs = self.report(), self.values()
        data_dir, actor = self.books.data_dir, self.books.actor
        self._generation += 1
        generation = self._generation
        self.status.setText("Đang lập báo cáo…")

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                doc = report.doc(books, inputs)
                lines, count = [], 0
                for kind, values in doc.lines:  # a register streams: keep the first lines, count the rest
                    if kind == "row":
                        count += 1
                    if len(lines) < PREVIEW_LINES or kind == "total":
                        lines.append((kind, list(values)))
                    if count % 2000 == 0 and cancelled():
                        return None
                return doc.columns, lines, count, doc.title, doc.subtitles

        def done(result) -> None:
            if generation != self._generation or result is None:
                return
            self.shown_generation = generation
            columns, lines, count, title, subtitles = result
            self.model.set_doc(columns, lines)
            self.table.resizeColumnsToContents()
            for column in range(self.model.columnCount()):
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), 300))
            self.heading.setText(f"<b>{title}</b><br><i>{' — '.join(subtitles)}</i>")
            shown = sum(1 for kind, _ in lines if kind == "row")
            self.status.setText(f"{count} dòng" + (f" (xem trước {shown} dòng đầu; tệp xuất có đủ)"
                                                   if shown < count else ""))

        def failed(exc) -> None:
            if generation != self._generation:
                return
            self.shown_generation = generation
            self.model.set_doc([], [])
            self.heading.setText("")
            self.status.setText(exc.message if isinstance(exc, Refused) else "")
            if not isinstance(exc, Refused):
                show_error(self, exc)

        self.task = run_task(self, "Đang lập báo cáo…", work, done, failed, show_progress=False)
        return self.task

    # ------------------------------------------------------------------ files
    def default_path(self, fmt: str) -> Path:
        folder = self.books.data_dir.exports / "bao-cao"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self.report().stem(self.values())}.{fmt}"

    def export(self, fmt: str, path: Path | None = None, *, then: Callable[[Path], None] | None = None):
        """Write the report as XLSX or PDF in a worker; ``then(path)`` runs once it is written."""
        if path is None:
            path = ask_export_path(self, self.books.data_dir, self.default_path(fmt), fmt, "Lưu báo cáo")
            if path is None:
                return None
        path = with_extension(path, fmt)
        report, inputs = self.report(), self.values()
        data_dir, actor = self.books.data_dir, self.books.actor

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                return write_document(report, books, inputs, path, fmt)

        def done(written: Path) -> None:
            self.last_path = written
            self.status.setText("")
            self.exported.show_path(written, "Đã ghi báo cáo")
            if then is not None:
                then(written)

        self.task = run_task(self, f"Đang ghi {path.name}…", work, done)
        return self.task

    def print_report(self):
        """Write the PDF, then show it with its Print button (pages go to the printer as images of the PDF)."""
        def show(path: Path) -> None:
            self.last_preview = PdfPreviewDialog(path, self.report().title, self)
            self.last_preview.open()

        return self.export("pdf", self.default_path("pdf"), then=show)
