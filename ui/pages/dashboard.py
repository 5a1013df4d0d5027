"""Tổng quan: what is due and overdue, what came back this year, the fund balance, re-lending reach,
recovery by month, and the installments due in the next 30 days (double-click: take the payment)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.changes import Changes
from desktop.fund import AGING_BUCKETS
from desktop.money import format_vnd
from desktop.services.dashboard import Dashboard, dashboard
from ui.chart import BarChart
from ui.operations import subscribe
from ui.record_model import RecordTableModel, fit_columns
from ui.widgets import card, compact, page_title
from ui.workers import Loader

DUE_COLUMNS = [("due_on", "Hạn trả", "date"), ("household", "Mã hộ", "text"), ("head_name", "Chủ hộ", "text"),
               ("hamlet", "Thôn", "text"), ("project", "Dự án", "text"), ("outstanding", "Còn phải trả", "money")]


# The first day's work in a new commune, in the order it has to be done, with where to do it.
FIRST_STEPS = [
    ("hamlets", "Thêm các thôn của xã (khi khởi tạo xã, hoặc cùng danh sách hộ nhập từ Excel)"),
    ("households", "Thêm hộ gia đình (trang Hộ gia đình: thêm từng hộ hoặc nhập từ Excel)"),
    ("project", "Đăng ký dự án (trang Dự án)"),
    ("support", "Ghi hỗ trợ cho hộ (mở dự án ở trang Dự án, rồi ghi hỗ trợ)"),
]


class FirstStepsBox(QGroupBox):
    """A checklist on an empty commune's dashboard: each step ticked once done, the box gone when all are."""

    def __init__(self, parent=None):
        super().__init__("Bắt đầu làm việc với VốnXoay", parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Xã mới chưa có số liệu. Hãy làm lần lượt các bước sau:"))
        self.items: dict[str, QCheckBox] = {}
        for key, text in FIRST_STEPS:
            item = QCheckBox(text)
            # A tick shows what the books say; clicking it changes nothing, so it takes no clicks or focus.
            item.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            item.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.items[key] = item
            layout.addWidget(item)
        self.hide()

    def show_steps(self, steps) -> None:
        if steps is None or steps.done:
            self.hide()
            return
        for key, item in self.items.items():
            item.setChecked(bool(getattr(steps, key)))
        self.show()


def _vnd(amount: int) -> str:
    return f"{format_vnd(amount)} đ"


# Due and overdue money, recovery, fund balances and re-lent households.
SHOWS = Changes.RECEIPTS | Changes.SCHEDULES | Changes.FUND | Changes.SUPPORTS | Changes.HOUSEHOLDS | Changes.PROJECTS


class DashboardPage(QWidget):
    payment_requested = Signal(str, str)  # household code, project code
    figures_loaded = Signal(object)

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.figures: Dashboard | None = None
        grid = QGridLayout()
        self.cards = {}
        for i, (key, title) in enumerate((("month", "Đến hạn trong tháng"), ("overdue", "Quá hạn"),
                                          ("recovered", "Đã thu hồi năm nay"), ("balance", "Số dư quỹ luân chuyển"),
                                          ("relent", "Hộ được vay quay vòng"))):
            frame, value, note = card(title)
            self.cards[key] = (value, note)
            grid.addWidget(frame, 0, i)
            grid.setColumnStretch(i, 1)
        self.chart = BarChart("Thu hồi vốn theo tháng (12 tháng gần nhất)")
        self.due_model = RecordTableModel(DUE_COLUMNS, self)
        self.due_table = QTableView()
        self.due_table.setModel(self.due_model)
        compact(self.due_table)
        fit_columns(self.due_table, stretch=2)  # the head's name: never cut while another column has room
        self.due_table.doubleClicked.connect(lambda index: self.take_payment(index.row()))
        self.pay_button = pay = QPushButton("&Thu tiền hộ đã chọn…")
        pay.clicked.connect(lambda: self.take_payment(self.due_table.currentIndex().row()))
        # Only a chosen installment can be taken: with none (a new commune's empty list) the button is off.
        pay.setEnabled(False)
        self.due_table.selectionModel().selectionChanged.connect(self._show_pay_state)
        self.due_model.modelReset.connect(self._show_pay_state)
        self.due_title = QLabel("<b>Đến hạn trong 30 ngày tới</b> (bấm đúp để thu tiền)")
        lower = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.chart, 1)
        right = QVBoxLayout()
        right.addWidget(self.due_title)
        right.addWidget(self.due_table, 1)
        right.addWidget(pay)
        # The due list gets the larger share: its names and sums must be read whole, the chart only at a glance.
        lower.addLayout(left, 2)
        lower.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Tổng quan"))
        self.first_steps = FirstStepsBox()
        layout.addWidget(self.first_steps)
        layout.addLayout(grid)
        layout.addLayout(lower, 1)
        self.loader = Loader(self, books)
        self.refresh()
        subscribe(self, SHOWS, self.refresh)

    def refresh(self) -> None:
        """Figures are computed in a worker on its own connection; the window stays usable meanwhile."""
        self.loader.run(dashboard, self.show_figures)  # an older computation finishing late never wins

    def show_figures(self, figures: Dashboard) -> None:
        self.figures = figures
        cards = self.cards
        cards["month"][0].setText(_vnd(figures.due_this_month_amount))
        cards["month"][1].setText(f"{figures.due_this_month_count} kỳ trả")
        cards["overdue"][0].setText(_vnd(figures.overdue_amount))
        cards["overdue"][1].setText(" · ".join(
            f"{label} ngày: {figures.overdue_by_bucket[label][0]}" for label, _, _ in AGING_BUCKETS))
        cards["recovered"][0].setText(_vnd(figures.recovered_this_year))
        cards["recovered"][1].setText(f"từ 01/01/{figures.as_of.year}")
        cards["balance"][0].setText(_vnd(figures.fund_balance))
        cards["balance"][1].setText("tiền thu hồi chưa cho vay lại")
        cards["relent"][0].setText(f"{figures.households_relent:,}".replace(",", "."))
        cards["relent"][1].setText("hộ nhận vốn vòng 2 trở đi")
        self.first_steps.show_steps(figures.first_steps)
        self.chart.set_bars(figures.recovery_by_month)
        self.due_model.set_rows(figures.due_soon)
        self.due_title.setText(f"<b>Đến hạn trong 30 ngày tới: {len(figures.due_soon)} kỳ</b> "
                               "(bấm đúp để thu tiền)")
        self.figures_loaded.emit(figures)

    def _show_pay_state(self, *_) -> None:
        self.pay_button.setEnabled(self.due_table.selectionModel().hasSelection())

    def take_payment(self, row: int) -> None:
        if 0 <= row < self.due_model.rowCount():
            due = self.due_model.row(row)
            self.payment_requested.emit(due["household"], due["project"])
