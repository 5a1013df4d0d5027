"""Cài đặt: commune details, signatories (from a date), receipt book and options, the period lock, the fund
policies (view), backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.books import DATED_SETTINGS, Books
from desktop.errors import Refused
from desktop.policy import load_policy, policy_files
from desktop.policy_summary import describe as describe_policy
from desktop.provinces import merged_notice
from desktop.services.backup import backup_now, keep_days, restore, verify_backup
from desktop.services.dashboard import receipt_book_summary
from desktop.services.period_lock import lock_period, locked_to, unlock_period
from desktop.services.settings import KNOWN_SETTINGS, update_settings
from ui.dialogs.policy_copy import PolicyCopyDialog
from ui.dialogs.users import UsersBox
from ui.errors import show_error
from ui.operations import refusal_shown_in, run_op
from ui.widgets import DateEdit, ErrorLabel, mark_invalid, page_title, searchable
from ui.workers import run_task

COMMUNE_KEYS = ("commune_code", "commune_name", "upper_code", "upper_name", "province_code", "province_name",
                "unit_budget_code")
SIGNER_KEYS = ("signer_chairman", "signer_accountant", "signer_cashier", "signer_clerk")
RECEIPT_KEYS = ("receipt_book", "receipt_debit_account", "receipt_credit_account", "receipt_reason_label",
                "receipt_attachments")
FROZEN = {"commune_code"}



def _policy_title(path: Path) -> str:
    """The policy's own Vietnamese name ("Nhân rộng mô hình giảm nghèo — Hải Dương 2019"), not its file's code;
    a file that does not read as a policy is listed by its file name, so it can still be opened and fixed."""
    try:
        return load_policy(path).name or path.stem
    except Exception:  # noqa: BLE001 - a broken copy must not keep the settings page from opening
        return path.stem

class SettingsPage(QWidget):
    settings_saved = Signal()
    backup_written = Signal(str)
    books_restored = Signal()

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.fields: dict[str, QLineEdit] = {}
        settings = books.settings()
        upper_mode = settings.get("mode") == "upper"  # the upper level issues no receipts and runs no fund
        columns = QHBoxLayout()
        left = QVBoxLayout()
        groups = (("Đơn vị", COMMUNE_KEYS), ("Người ký", SIGNER_KEYS)) if upper_mode else (
            ("Đơn vị", COMMUNE_KEYS), ("Người ký trên phiếu thu", SIGNER_KEYS), ("Phiếu thu", RECEIPT_KEYS))
        for title, keys in groups:
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key in keys:
                field = QLineEdit(settings.get(key, ""))
                field.setReadOnly(key in FROZEN)
                self.fields[key] = field
                form.addRow(KNOWN_SETTINGS[key].split(" (")[0] + ":", field)
            if keys is COMMUNE_KEYS:
                # The province as typed at set-up stays here; the documents carry the unit of their date.
                self.province_note = QLabel(merged_notice(settings.get("province_code", ""),
                                                          settings.get("province_name", ""), clock.today()))
                self.province_note.setWordWrap(True)
                self.province_note.setStyleSheet("color: #8a5a00;")
                self.province_note.setVisible(bool(self.province_note.text()))
                form.addRow(self.province_note)
            left.addWidget(box)
        books_box = QGroupBox("Quyển phiếu thu đã dùng")
        books_layout = QVBoxLayout(books_box)
        summary = receipt_book_summary(books)
        books_text = QLabel("<br>".join(
            f"Quyển <b>{r['book']}</b> năm {r['year']}: {r['receipts']} phiếu (số cuối {r['last_number']}, "
            f"{r['voided']} phiếu hủy)" for r in summary[:6]) or "Chưa có phiếu thu nào.")
        books_text.setWordWrap(True)
        books_layout.addWidget(books_text)
        # Names of people and units hold from a date: what was printed before keeps the old names.
        effective_row = QHBoxLayout()
        self.effective_on = DateEdit(clock.today())
        self.effective_on.setMaximumDate(self.effective_on.date())  # a change is recorded on the day it starts
        effective_row.addWidget(QLabel("Áp dụng từ ngày:"))
        effective_row.addWidget(self.effective_on)
        effective_row.addStretch(1)
        effective_note = QLabel("Tên đơn vị, tỉnh, cấp trên, người ký, mã QHNS, tài khoản và nhãn lý do nộp đổi từ "
                                "ngày này. Phiếu thu và báo cáo lập trước ngày đó vẫn in tên và người ký cũ.")
        effective_note.setWordWrap(True)
        left.addLayout(effective_row)
        left.addWidget(effective_note)
        self.error = ErrorLabel()
        save = QPushButton("&Lưu cài đặt")
        save.clicked.connect(self.save)
        left.addWidget(self.error)
        left.addWidget(save)
        self.lock_box = self._lock_section()
        self.lock_box.setVisible(not upper_mode)
        left.addWidget(self.lock_box)
        self.users_box = UsersBox(books)
        left.addWidget(self.users_box)
        left.addStretch(1)
        right = QVBoxLayout()
        policy_box = QGroupBox("Quy định quỹ luân chuyển (mỗi dự án giữ bản sao lúc phê duyệt)")
        policy_layout = QVBoxLayout(policy_box)
        self.policy = QComboBox()
        # Long policy names shrink with the window (the full name is in the list and the text below) instead
        # of pushing the page wider than a 1366-pixel screen at 125 %.
        self.policy.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.policy.setMinimumContentsLength(24)
        self._fill_policies()
        searchable(self.policy)
        copy_policy = QPushButton("Sửa một &bản sao…")
        copy_policy.clicked.connect(lambda: self.copy_policy())
        self.policy_text = QPlainTextEdit()
        self.policy_text.setReadOnly(True)
        self.policy_text.setMaximumHeight(190)
        self.policy.currentIndexChanged.connect(self._show_policy)
        # The name takes the box's whole width (so it is read whole at 125 %); the button goes below the text.
        policy_layout.addWidget(self.policy)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(copy_policy)
        policy_layout.addWidget(self.policy_text, 1)
        policy_layout.addLayout(copy_row)
        backup_box = QGroupBox("Sao lưu và khôi phục")
        backup_layout = QVBoxLayout(backup_box)
        self.backup_status = QLabel(f"Các bản sao lưu nằm trong {books.data_dir.backups}")
        self.backup_status.setWordWrap(True)
        backup = QPushButton("Sao lưu &ngay")
        backup.clicked.connect(self.backup)
        self.keep_days = QSpinBox()
        self.keep_days.setRange(1, 3650)
        self.keep_days.setValue(keep_days(books))
        self.keep_days.setSuffix(" ngày")
        keep_row = QHBoxLayout()
        keep_label = QLabel("Mỗi ngày tự động sao lưu một bản khi mở chương trình; giữ các bản tự động trong")
        keep_label.setWordWrap(True)  # wraps rather than widening the page at 125 %
        keep_row.addWidget(keep_label, 1)
        keep_row.addWidget(self.keep_days)
        self.restore_path = QLineEdit(placeholderText="tệp sao lưu .sqlite")
        browse = QPushButton("&Chọn…")
        browse.clicked.connect(self._browse)
        check = QPushButton("Kiểm &tra tệp")
        check.clicked.connect(self.check_backup)
        # A check box does not wrap its text: a short box, and the consequence on a wrapping line below it.
        self.restore_confirm = QCheckBox("Tôi hiểu: số liệu hiện tại được thay bằng bản sao lưu")
        self.restore_confirm.setStyleSheet("QCheckBox { spacing: 6px; }")
        restore_note = QLabel("Bản hiện tại vẫn được giữ một bản trong thư mục sao lưu.")
        restore_note.setWordWrap(True)
        restore_button = QPushButton("&Khôi phục")
        restore_button.clicked.connect(self.restore)
        row = QHBoxLayout()
        row.addWidget(self.restore_path, 1)
        row.addWidget(browse)
        row.addWidget(check)
        backup_layout.addWidget(self.backup_status)
        backup_layout.addLayout(keep_row)
        backup_layout.addWidget(backup)
        backup_layout.addLayout(row)
        backup_layout.addWidget(self.restore_confirm)
        backup_layout.addWidget(restore_note)
        backup_layout.addWidget(restore_button)
        right.addWidget(policy_box)
        right.addWidget(books_box)
        right.addWidget(backup_box)
        right.addWidget(self._merge_section(upper_mode))
        policy_box.setVisible(not upper_mode)
        books_box.setVisible(not upper_mode)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(page_title("Cài đặt"))
        inner_layout.addLayout(columns, 1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The page scrolls down, never sideways: what does not fit the width wraps or shrinks.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._show_policy()

    def _merge_section(self, upper_mode: bool) -> QGroupBox:
        """Sáp nhập xã (2025): the books of the old communes come into this new commune's books."""
        box = QGroupBox("Sáp nhập xã")
        layout = QVBoxLayout(box)
        note = QLabel("Xã này được lập từ các xã cũ? Đưa sổ sách của các xã cũ vào sổ này (chạy thử trước, "
                      "không sửa sổ của xã cũ).")
        note.setWordWrap(True)
        merge = QPushButton("&Gộp sổ của xã cũ…")
        merge.clicked.connect(lambda: self.merge_books())
        layout.addWidget(note)
        layout.addWidget(merge)
        box.setVisible(not upper_mode)
        return box

    def merge_books(self):
        from ui.dialogs.merge_books import MergeBooksDialog

        dialog = MergeBooksDialog(self.books, self)
        dialog.open()
        return dialog

    def _lock_section(self) -> QGroupBox:
        """Khóa sổ: after the report for a period is sent, nothing dated in it can be written any more."""
        box = QGroupBox("Khóa sổ")
        layout = QVBoxLayout(box)
        self.lock_status = QLabel()
        self.lock_status.setWordWrap(True)
        self.lock_to = DateEdit(clock.today())
        self.lock_to.setMaximumDate(self.lock_to.date())
        lock = QPushButton("Khóa &sổ")
        lock.clicked.connect(self.lock)
        lock_row = QHBoxLayout()
        lock_row.addWidget(QLabel("Khóa đến hết ngày:"))
        lock_row.addWidget(self.lock_to)
        lock_row.addWidget(lock)
        lock_row.addStretch(1)
        self.unlock_reason = QLineEdit(placeholderText="lý do mở khóa (bắt buộc, được lưu và gửi cấp trên)")
        unlock = QPushButton("&Mở khóa sổ")
        unlock.clicked.connect(self.unlock)
        unlock_row = QHBoxLayout()
        unlock_row.addWidget(self.unlock_reason, 1)
        unlock_row.addWidget(unlock)
        self.lock_error = ErrorLabel()
        layout.addWidget(self.lock_status)
        layout.addLayout(lock_row)
        layout.addLayout(unlock_row)
        layout.addWidget(self.lock_error)
        self._show_lock()
        return box

    def _show_lock(self) -> None:
        closed = locked_to(self.books.conn)
        self.lock_status.setText(
            "Sổ đang mở: mọi ngày đều ghi được." if closed is None else
            f"Sổ đã khóa đến hết ngày <b>{closed:%d/%m/%Y}</b>: không ghi, hủy hay sửa gì có ngày từ đó trở về "
            "trước (báo cáo kỳ đó đã gửi đi).")

    def lock(self):
        day = self.lock_to.value()

        def done(outcome) -> None:
            self.lock_error.show_message("")
            self._show_lock()

        self.lock_task = run_op(self, self.books, lambda books: lock_period(books, day), done,
                                refusal_shown_in(self.lock_error, self))
        return self.lock_task

    def unlock(self):
        reason = self.unlock_reason.text()

        def done(outcome) -> None:
            self.lock_error.show_message("")
            self.unlock_reason.clear()
            self._show_lock()

        self.lock_task = run_op(self, self.books, lambda books: unlock_period(books, reason), done,
                                refusal_shown_in(self.lock_error, self))
        return self.lock_task

    def _fill_policies(self, select: str | None = None) -> None:
        self.policy.clear()
        for path in policy_files(self.books.data_dir.policies):
            own = path.parent == self.books.data_dir.policies
            try:
                name = load_policy(path).name  # the name the clerk knows, not the file's internal code
            except Refused:
                name = path.stem  # a damaged copy is still listed, so it can be looked at
            self.policy.addItem(name + (" (bản sao của xã)" if own else ""), str(path))
            self.policy.setItemData(self.policy.count() - 1, path.stem, Qt.ItemDataRole.ToolTipRole)
        if select:
            self.policy.setCurrentIndex(max(0, self.policy.findData(select)))

    def copy_policy(self) -> PolicyCopyDialog:
        dialog = PolicyCopyDialog(Path(self.policy.currentData()), self.books.data_dir.policies, self)
        dialog.saved.connect(lambda path: self._fill_policies(select=path))
        dialog.open()
        return dialog

    def _show_policy(self) -> None:
        path = self.policy.currentData()
        if self.policy.lineEdit() is not None:
            self.policy.lineEdit().setCursorPosition(0)  # a long name reads from its start, not its end
        if not path:
            self.policy_text.setPlainText("")
            return
        try:
            summary = "\n".join(describe_policy(load_policy(path)))
        except Refused as refusal:
            summary = refusal.message  # a damaged copy: say why, and still show its text
        self.policy_text.setPlainText(f"{summary}\n\n— Tệp quy định —\n{Path(path).read_text(encoding='utf-8')}")

    def save(self) -> dict | None:
        current = self.books.settings()
        changes = {k: w.text() for k, w in self.fields.items() if k not in FROZEN and w.text() != current.get(k, "")}
        if self.keep_days.value() != keep_days(self.books):
            changes["backup_keep_days"] = str(self.keep_days.value())
        for widget in self.fields.values():
            mark_invalid(widget, False)
        if not changes:
            self.error.show_message("Không có gì thay đổi.")
            return {}
        effective_on = self.effective_on.value()

        def saved(outcome) -> None:
            self.error.show_message("")
            dated = DATED_SETTINGS & set(outcome.values)
            since = f", áp dụng từ ngày {outcome.effective_on:%d/%m/%Y}" if dated else ""
            self.backup_status.setText(f"Đã lưu {len(outcome.values)} mục cài đặt{since}.")
            self.settings_saved.emit()

        self.task = run_op(self, self.books,
                           lambda books: update_settings(books, changes, effective_on=effective_on), saved,
                           refusal_shown_in(self.error, self))
        return changes

    def backup(self):
        data_dir, actor = self.books.data_dir, self.books.actor

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                return backup_now(books)

        def done(path):
            self.backup_status.setText(f"Đã sao lưu và kiểm tra: {path}")
            self.backup_written.emit(str(path))

        return run_task(self, "Đang sao lưu…", work, done)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(self.books.data_dir.backups),
                                              "SQLite (*.sqlite *.db)")
        if path:
            self.restore_path.setText(path)
            self.check_backup()

    def offer_restore(self, backup: Path | None) -> None:
        """The books were found damaged: say so here, where Khôi phục is, with the newest good copy filled in."""
        if backup is not None:
            self.restore_path.setText(str(backup))
            mark_invalid(self.restore_path, False)
            where = f"Bản sao lưu tốt gần nhất đã được điền sẵn: {backup.name}. Đánh dấu ô xác nhận rồi bấm Khôi phục."
        else:
            where = "Không thấy bản sao lưu nào còn tốt trong thư mục sao lưu: hãy chọn một bản từ USB hoặc máy khác."
        self.backup_status.setText(f"Tệp dữ liệu bị hỏng: chương trình không ghi thêm gì. {where}")

    def check_backup(self) -> dict | None:
        try:
            info = verify_backup(Path(self.restore_path.text().strip()))
        except Refused as refusal:
            mark_invalid(self.restore_path, True)
            self.backup_status.setText(refusal.message)
            return None
        mark_invalid(self.restore_path, False)
        self.backup_status.setText(f"Tệp hợp lệ: {info['commune_name']} ({info['commune_code']}), "
                                   f"lược đồ phiên bản {info['schema_version']}.")
        return info

    def restore(self) -> dict | None:
        if self.check_backup() is None:
            return None
        if not self.restore_confirm.isChecked():
            mark_invalid(self.restore_confirm, True)
            self.backup_status.setText("Hãy đánh dấu ô xác nhận trước khi khôi phục.")
            return None
        try:
            result = restore(self.books.data_dir, Path(self.restore_path.text().strip()))
        except Refused as refusal:
            show_error(self, refusal)
            return None
        self.restore_confirm.setChecked(False)
        self.backup_status.setText(f"Đã khôi phục từ {result['restored_from']}. Bản cũ được giữ tại "
                                   f"{result['replaced_copy'] or '—'}.")
        self.books_restored.emit()
        return result
