"""Sổ quỹ: the fund's cash book (sổ quỹ tiền mặt) for a period, all projects or one: opening balance, every
receipt and phiếu chi in date order with the running balance, the month totals, the closing balance; exported
XLSX/PDF as ``report cashbook`` writes them. Beside it, the management cost (accrued, spent, left) and the
button to spend some of it.

The closing balance is the rotating fund's balance of every other report (see ``desktop.queries.cashbook``);
reading and writing run in a worker on their own connection.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.books import Books
from desktop.changes import Changes
from desktop.dates import format_date
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.services.projects import list_projects
from ui.errors import show_error
from ui.export_bar import ExportedBar, ask_export_path, with_extension
from ui.operations import subscribe
from ui.period_chooser import PeriodChooser
from ui.record_model import RecordTableModel
from ui.widgets import compact, page_title, searchable
from ui.workers import Loader, run_task

COLUMNS = [("on", "Ngày", "date"), ("document", "Số chứng từ", "text"), ("kind_label", "Loại", "text"),
           ("description", "Diễn giải", "text"), ("in", "Thu", "money"), ("out", "Chi", "money"),
           ("balance", "Tồn quỹ", "money")]

KIND_LABELS = {"receipt": "Phiếu thu", "receipt_void": "Hủy phiếu thu", "budget_support": "Hỗ trợ ngân sách",
               "budget_support_void": "Hủy hỗ trợ", "relend": "Cho vay lại", "relend_void": "Hủy cho vay lại",
               "public_works": "Công trình công ích", "management": "Kinh phí quản lý",
               "management_void": "Hủy chi quản lý"}

# Receipts, supports, re-lends, transfers and management spending all move the book.
SHOWS = Changes.RECEIPTS | Changes.SUPPORTS | Changes.FUND | Changes.PROJECTS


def table_rows(book: dict) -> list[dict]:
    """The cash book as the table shows it: the opening line, the rows with a total after each month, the
    period's total and closing line (totals in bold, reversals grey)."""
    lines = [{"description": "Tồn quỹ đầu kỳ", "balance": book["opening_balance"], "_total": True}]
    months = {m["month"]: m for m in book["months"]}
    month_of = None
    for r in book["rows"]:
        if month_of and r["on"][:7] != month_of:
            lines.append(_month_line(months[month_of]))
        month_of = r["on"][:7]
        lines.append({**r, "kind_label": KIND_LABELS.get(r["kind"], r["kind"]),
                      "in": r["in"] or None, "out": r["out"] or None,
                      "voided_at": r["kind"].endswith("_void")})
    if month_of:
        lines.append(_month_line(months[month_of]))
    lines.append({"description": "Cộng phát sinh trong kỳ; tồn quỹ cuối kỳ", "in": book["total_in"],
                  "out": book["total_out"], "balance": book["closing_balance"], "_total": True})
    return lines


def _month_line(month: dict) -> dict:
    year, mon = month["month"].split("-")
    return {"description": f"Cộng tháng {mon}/{year}", "in": month["in"], "out": month["out"],
            "balance": month["closing"], "_total": True}


class CashbookPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.book: dict | None = None
        self.management: dict | None = None
        self.last_path: Path | None = None
        self.last_dialog = None
        self.task = None
        self.loader = Loader(self, books)
        self.period = PeriodChooser()
        today = clock.today()
        self.period.set_period(date(today.year, 1, 1), today)  # this year so far: closes on today's fund
        self.project = searchable(QComboBox())
        self.project.addItem("Tất cả các dự án", None)
        for p in list_projects(books):
            self.project.addItem(f"{p['code']} — {p['name']}", p["code"])
        self.project.setMaximumWidth(420)
        self.show_button = QPushButton("&Xem")
        self.xlsx_button = QPushButton("Xuất &Excel… (Ctrl+E)")
        self.pdf_button = QPushButton("Xuất &PDF…")
        self.spend_button = QPushButton("Chi phí &quản lý…")
        self.show_button.clicked.connect(self.reload)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.spend_button.clicked.connect(self.spend_management)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Kỳ:"))
        choose.addWidget(self.period, 1)
        choose.addWidget(QLabel("Dự án:"))
        choose.addWidget(self.project)
        buttons = QHBoxLayout()
        for button in (self.show_button, self.xlsx_button, self.pdf_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.management_line = QLabel()
        self.management_line.setWordWrap(True)
        costs = QFrame()
        costs.setObjectName("managementCost")
        costs.setStyleSheet("#managementCost { background: #f3f6fa; border: 1px solid #c9d3df; border-radius: 4px; }")
        cost_row = QHBoxLayout(costs)
        cost_row.setContentsMargins(8, 4, 8, 4)
        cost_row.addWidget(self.management_line, 1)
        cost_row.addWidget(self.spend_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        # The description takes what the figures leave, so the running balance is never scrolled out of sight.
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.exported = ExportedBar()
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Sổ quỹ tiền mặt"))
        layout.addLayout(choose)
        layout.addLayout(buttons)
        layout.addWidget(costs)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.exported)
        self.period.changed.connect(self.reload)
        self.project.currentIndexChanged.connect(self.reload)
        subscribe(self, SHOWS, self.reload)
        self.reload()

    def chosen(self) -> tuple[date, date, str | None]:
        start, end = self.period.period()
        return start, end, self.project.currentData()

    # ------------------------------------------------------------------ reading
    def reload(self):
        from desktop.queries.cashbook import cashbook
        from desktop.services import management

        start, end, project = self.chosen()
        on = min(end, clock.today())

        def read(books):
            return cashbook(books.conn, start, end, project), management.summary(books.conn, on)

        if end < start:  # said on the page, not in a message box, while the clerk is still typing the dates
            self.summary.setText(f"Ngày cuối kỳ {format_date(end)} trước ngày đầu kỳ {format_date(start)}: "
                                 "hãy chọn lại kỳ.")
            return None
        self.summary.setText("Đang đọc sổ quỹ…")
        self.task = self.loader.run(read, self._show)
        return self.task

    def _show(self, result) -> None:
        self.book, self.management = result
        book, m = self.book, self.management
        self.model.set_rows(table_rows(book))
        scope = f"dự án {book['project']}" if book["project"] else "tất cả các dự án"
        self.summary.setText(
            f"<b>Sổ quỹ {scope}</b> từ {format_date(book['from'])} đến {format_date(book['to'])}: "
            f"tồn đầu kỳ <b>{format_vnd(book['opening_balance'])} đ</b> · thu {format_vnd(book['total_in'])} đ · "
            f"chi {format_vnd(book['total_out'])} đ · tồn cuối kỳ <b>{format_vnd(book['closing_balance'])} đ</b>"
            f" · {len(book['rows'])} chứng từ")
        self.management_line.setText(
            f"Kinh phí quản lý đến {format_date(m['on'])}: được trích <b>{format_vnd(m['accrued'])} đ</b>, "
            f"đã chi {format_vnd(m['spent'])} đ, còn <b>{format_vnd(m['balance'])} đ</b>")

    # ------------------------------------------------------------------ files
    def default_path(self, fmt: str) -> Path:
        from desktop.validation import file_part

        start, end, project = self.chosen()
        folder = self.books.data_dir.exports / "bao-cao"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"so-quy-{file_part(project or 'tat-ca')}-{start}-{end}.{fmt}"

    def export(self, fmt: str, path: Path | None = None):
        """The cash book as ``report cashbook`` writes it, in a worker; then its path and "Mở thư mục"."""
        if path is None:
            path = ask_export_path(self, self.books.data_dir, self.default_path(fmt), fmt, "Lưu sổ quỹ")
            if path is None:
                return None
        path = with_extension(path, fmt)
        start, end, project = self.chosen()
        data_dir, actor = self.books.data_dir, self.books.actor

        def work(progress, cancelled):
            from desktop.queries.cashbook import cashbook
            from desktop.reports import tabular
            from desktop.reports.cashbook import cashbook_doc

            with Books.open(data_dir, actor=actor) as books:
                data = cashbook(books.conn, start, end, project)
                return tabular.write(path, cashbook_doc(books.settings(), data), fmt)

        def done(written) -> None:
            self.last_path = Path(written)
            self.exported.show_path(self.last_path, "Đã ghi sổ quỹ")

        def failed(exc) -> None:
            show_error(self, exc)

        self.task = run_task(self, f"Đang ghi {path.name}…", work, done, failed)
        return self.task

    # ------------------------------------------------------------------ management cost
    def spend_management(self):
        from ui.dialogs.management_spend import ManagementSpendDialog

        try:
            self.last_dialog = ManagementSpendDialog(self.books, self, project=self.project.currentData())
        except Refused as refusal:
            show_error(self, refusal)
            return None
        self.last_dialog.open()
        return self.last_dialog
