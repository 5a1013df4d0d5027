"""Two-person voids in the window. With the setting ``two_person_voids`` the void dialogs ask for the void
instead of doing it (the clerk is told it waits for a second person), and "Yêu cầu hủy chờ xác nhận…" lists
what waits, where a second user with an approving role (accountant or chairman) confirms it. The core refuses
the same user, another role, or a void whose rules no longer hold on its date; nothing is written then."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.changes import Changes
from desktop.dates import format_date
from desktop.services.two_person import two_person_voids
from desktop.services.users import APPROVING_ROLES, find_user, list_users, sign_in_required
from desktop.services.void_requests import confirm_void, list_requests
from ui.confirm import ConfirmDialog, ask
from ui.dialogs.users import acting_box, as_user, refusal_in_window_words
from ui.operations import run_op, subscribe
from ui.record_model import RecordTableModel
from ui.widgets import ErrorLabel, compact, fit_to_screen

REQUEST_COLUMNS = [("id", "Số", "number"), ("label", "Chứng từ", "text"), ("reason", "Lý do", "text"),
                   ("void_on", "Hủy từ ngày", "date"), ("requested_by", "Người yêu cầu", "text"),
                   ("requested", "Lúc yêu cầu", "text")]
SECOND_PERSON = "cần một người khác (kế toán hoặc chủ tịch) xác nhận ở Phiếu thu › Yêu cầu hủy chờ xác nhận…"


def requester_row(books: Books, form: QFormLayout):
    """In a void dialog of books with two-person voids: who asks (a box without sign-in, the signed-in name
    with it). Returns the box, or None; with the setting off, adds nothing."""
    if not two_person_voids(books.conn):
        return None
    box = acting_box(books)
    form.addRow("Người yêu cầu hủy:", box if box is not None else QLabel(escape(books.actor)))
    return box


def confirm_lines(books: Books) -> list[str]:
    """The confirmation's last line when the void will only be asked for."""
    if not two_person_voids(books.conn):
        return []
    return [f"<b>Sổ này cần hai người để hủy:</b> bấm xác nhận chỉ ghi yêu cầu; {escape(SECOND_PERSON)}"]


def ask_for_void(dialog: QDialog, books: Books, requester, op: Callable, busy: QWidget):
    """Run the request (``op``: the core's ``request_…_void``) as the requester; on success close the void
    dialog and tell the clerk that nothing is voided yet and who must confirm it."""
    name = requester.currentData() if requester is not None else None

    def requested(outcome) -> None:
        dialog.result_info = outcome
        parent = dialog.parentWidget()
        dialog.accept()
        notice = QMessageBox(QMessageBox.Icon.Information, "Đã gửi yêu cầu hủy",
                             f"Đã ghi yêu cầu hủy số {outcome.request_id} ({outcome.label}) của "
                             f"{outcome.requested_by}. Chứng từ chưa bị hủy: {SECOND_PERSON}", parent=parent)
        notice.open()
        dialog.notice = notice

    return run_op(dialog, as_user(books, name), op, requested, refusal_in_window_words(dialog.error, dialog),
                  busy=busy)


class VoidRequestsDialog(QDialog):
    """Yêu cầu hủy chờ xác nhận: what waits, and the second person's confirmation."""

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.setWindowTitle("Yêu cầu hủy chờ xác nhận")
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        self.result_info = None
        self.model = RecordTableModel(REQUEST_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.confirmer = acting_box(books)
        if self.confirmer is not None and find_user(books.conn, books.actor) is None:
            # Nobody named at this PC: offer the first who may confirm (an accountant or the chairman).
            approving = [u.name for u in list_users(books.conn) if u.role in APPROVING_ROLES]
            if approving:
                self.confirmer.setCurrentIndex(self.confirmer.findData(approving[0]))
        who = QFormLayout()
        who.addRow("Người xác nhận:", self.confirmer if self.confirmer is not None
                   else QLabel(f"<b>{escape(books.actor)}</b> (đang đăng nhập)"))
        self.error = ErrorLabel()
        self.ok = QPushButton("&Xác nhận hủy…")
        self.ok.clicked.connect(self.submit)
        close = QPushButton("Đó&ng")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(self.table, 1)
        layout.addLayout(who)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit_to_screen(self, 980, 420)
        self.reload()
        subscribe(self, Changes.RECEIPTS | Changes.SUPPORTS, self.reload)

    def reload(self) -> None:
        rows = [{**r, "requested": f"{r['requested_at'][11:16]} {format_date(r['requested_at'][:10])}"}
                for r in list_requests(self.books.conn)]
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if rows:
            self.table.selectRow(0)
        self.ok.setEnabled(bool(rows))
        on = "" if two_person_voids(self.books.conn) else " (Sổ hiện không bật hủy hai người.)"
        self.about.setText(f"{len(rows)} yêu cầu đang chờ. Người xác nhận phải là người khác người yêu cầu, là kế "
                           f"toán hoặc chủ tịch; việc hủy có hiệu lực từ ngày đã yêu cầu.{on}"
                           if rows else "Không có yêu cầu hủy nào đang chờ." + on)

    def selected(self) -> dict | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def submit(self) -> None:
        chosen = self.selected()
        if chosen is None or (self.confirmation is not None and self.confirmation.isVisible()) or \
                (self.task is not None and not self.task.delivered):
            return
        name = self.confirmer.currentData() if self.confirmer is not None else self.books.actor
        lines = [f"Hủy {escape(chosen['label'])}",
                 f"Lý do: {escape(chosen['reason'])} · hủy từ ngày {format_date(chosen['void_on'])}",
                 f"Người yêu cầu: {escape(chosen['requested_by'])} · người xác nhận: <b>{escape(name)}</b>"]
        self.confirmation = ask(self, "Xác nhận hủy", lines, "&Xác nhận hủy", lambda: self._confirm(chosen))

    def _confirm(self, chosen: dict) -> None:
        if self.task is not None and not self.task.delivered:
            return
        name = self.confirmer.currentData() if self.confirmer is not None and not sign_in_required(
            self.books.conn) else None
        request_id = chosen["id"]

        def confirmed(outcome) -> None:
            self.result_info = outcome
            self.error.show_message("")
            self.reload()

        self.task = run_op(self, as_user(self.books, name), lambda books: confirm_void(books, request_id), confirmed,
                           refusal_in_window_words(self.error, self), busy=self.ok)
