"""Đồng bộ (commune): export the signed package for the upper level, see every package sent and whether the
upper level acknowledged it, and load the acknowledgement file it gives back.

Packages are encrypted to the upper level's key: the page shows the key's fingerprint (to compare by phone)
and loads the key file the upper level gives; a package in clear only when the clerk ticks it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.changes import Changes
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.services.settings import KNOWN_SETTINGS
from desktop.signing import key_fingerprint
from desktop.sync.ack import ACK_SUFFIX, accept_ack
from desktop.sync.envelope import KEY_FILE_SUFFIX, RecipientSet, recipient_of, set_recipient
from desktop.sync.export import ExportResult, export_history, export_package
from desktop.text import format_size
from ui.errors import show_error
from ui.export_bar import last_export_dir, open_folder, remember_export_dir
from ui.operations import run_op, subscribe
from ui.record_model import RecordTableModel
from ui.widgets import compact, page_title

PACKAGES = "packages"  # the sync packages' own remembered folder
HISTORY_COLUMNS = [("seq", "Gói số", "number"), ("file_name", "Tệp", "text"), ("as_of", "Số liệu đến", "date"),
                   ("created", "Xuất lúc", "text"), ("size", "Dung lượng", "text"), ("ack", "Cấp trên", "text")]


def size_text(size: int) -> str:
    return format_size(size)


def _stamp(iso: str | None) -> str:
    """"2026-11-22T08:15:00+07:00" → "08:15 22/11/2026"."""
    if not iso:
        return ""
    from datetime import datetime

    moment = datetime.fromisoformat(iso)
    return f"{moment:%H:%M %d/%m/%Y}"


# Packages sent and acknowledged.
SHOWS = Changes.SYNC


class SyncPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.last_export: ExportResult | None = None
        self.task = None
        settings = books.settings()
        form = QFormLayout()
        for key in ("commune_code", "commune_name", "upper_name"):
            form.addRow(KNOWN_SETTINGS[key] + ":", QLabel(settings.get(key, "")))
        self.fingerprint = key_fingerprint(books.conn) or "chưa có"
        key_label = QLabel(f"<code>{self.fingerprint}</code>")
        key_label.setWordWrap(True)
        form.addRow("Dấu vân tay khóa ký:", key_label)
        self.recipient_label = QLabel()
        self.recipient_label.setWordWrap(True)
        self.recipient_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Mã hóa gửi cho:", self.recipient_label)
        intro = QLabel("Gói đồng bộ là một tệp chứa toàn bộ số liệu của xã, có chữ ký số của xã. Mang tệp lên cấp "
                       "trên (USB, thư điện tử, Zalo); gói sau luôn đầy đủ nên mất một gói cũng không sao. Lần đầu "
                       "cấp trên nhận gói, hãy đọc cho họ dấu vân tay ở trên để đối chiếu. Gói được mã hóa "
                       "cho cấp trên (theo tệp khóa cấp trên gửi): người khác có được tệp cũng không đọc được.")
        intro.setWordWrap(True)
        self.export_button = QPushButton("&Xuất gói đồng bộ")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.ack_button = QPushButton("&Nhập xác nhận…")
        self.ack_button.clicked.connect(lambda: self.load_ack())
        self.recipient_button = QPushButton("Nạp tệp &khóa của cấp trên…")
        self.recipient_button.clicked.connect(lambda: self.load_recipient())
        # Where the package goes: exports/ unless the clerk chose a folder (a USB stick) last time.
        self.destination = last_export_dir(books.data_dir, books.data_dir.exports, kind=PACKAGES)
        self.destination_label = QLabel()
        self.destination_label.setWordWrap(True)
        self.destination_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("&Chọn thư mục…")
        self.choose_button.setToolTip("Lưu gói thẳng vào USB hoặc một thư mục khác")
        self.choose_button.clicked.connect(lambda: self.choose_destination())
        self._show_destination()
        self.unencrypted = QCheckBox("Xuất gói không mã hóa (gói chứa số CCCD: chỉ khi thật cần)")
        self.open_folder_button = QPushButton("&Mở thư mục")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.clicked.connect(self.open_folder)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.ack_button)
        actions.addWidget(self.recipient_button)
        actions.addStretch(1)
        actions.addWidget(self.unencrypted)
        where = QHBoxLayout()
        where.addWidget(QLabel("Lưu gói vào:"))
        where.addWidget(self.destination_label, 1)
        where.addWidget(self.choose_button)
        result_box = QGroupBox("Gói vừa xuất")
        self.result = QLabel("Chưa xuất gói nào trong lần mở chương trình này.")
        self.result.setWordWrap(True)
        result_row = QHBoxLayout(result_box)
        result_row.addWidget(self.result, 1)
        result_row.addWidget(self.open_folder_button)
        self.model = RecordTableModel(HISTORY_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Đồng bộ với cấp trên"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(where)
        layout.addLayout(actions)
        layout.addWidget(result_box)
        layout.addWidget(QLabel("<b>Các gói đã xuất</b>"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.refresh()
        subscribe(self, SHOWS, self.refresh)

    def show_recipient(self) -> None:
        try:
            recipient = recipient_of(self.books)
        except Refused as refusal:
            self.recipient_label.setText(refusal.message)
            return
        if recipient is None:
            self.recipient_label.setText(
                "<b>chưa có khóa của cấp trên</b> — chưa xuất được gói mã hóa. Hãy xin cấp trên tệp khóa "
                f"({KEY_FILE_SUFFIX}), bấm “Nạp tệp khóa của cấp trên…”, rồi gọi điện đối chiếu vân tay.")
        else:
            self.recipient_label.setText(f"{recipient.name} — vân tay <code>{recipient.fingerprint}</code> "
                                         "(đối chiếu với cấp trên qua điện thoại)")

    def refresh(self) -> None:
        self.show_recipient()
        rows = export_history(self.books)
        self.model.set_rows([{**r, "created": _stamp(r["created_at"]), "size": size_text(r["bytes"]),
                              "ack": f"Đã nhận lúc {_stamp(r['acked_at'])}" if r["acked_at"] else "Chưa xác nhận"}
                             for r in reversed(rows)])
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def export(self):
        """Write the package in a worker (the clerk can keep working: the export reads a snapshot)."""
        unencrypted = self.unencrypted.isChecked()
        if not unencrypted and self._no_recipient():
            # Said with this page's own buttons (the export's own refusal names the command line's).
            show_error(self, Refused(
                "Chưa có khóa mã hóa của cấp trên, nên chưa xuất được gói: gói chứa số CCCD của người dân nên phải "
                "được mã hóa trước khi chép ra USB hay gửi qua Zalo, thư điện tử. Hãy xin cấp trên tệp khóa "
                f"({KEY_FILE_SUFFIX}), bấm “Nạp tệp khóa của cấp trên…” (Alt+K) ở trang này, rồi gọi điện đối "
                "chiếu vân tay. Chỉ khi thật cần mới đánh dấu ô “Xuất gói không mã hóa”."))
            return None
        self.export_button.setEnabled(False)
        destination = self.destination

        def op(books, progress, cancelled):
            return export_package(books, destination, encrypt=not unencrypted,
                                  progress=lambda done, total, _name: progress(done, total))

        def done(result: ExportResult) -> None:
            self.export_button.setEnabled(True)
            self.last_export = result
            self.result.setText(
                f"Đã lưu gói số <b>{result.seq}</b> vào <b>{result.path}</b><br>Dung lượng: {size_text(result.bytes)}"
                f" — {format_vnd(sum(result.rows.values()))} dòng số liệu<br>"
                f"Vân tay khóa ký: <code>{result.key_fingerprint}</code><br>"
                + (f"Đã mã hóa cho {result.recipient_name} (vân tay <code>{result.recipient_fingerprint}</code>): "
                   "chỉ đơn vị đó mở được gói." if result.encrypted else
                   "<b>Gói KHÔNG được mã hóa</b> và chứa số CCCD: chỉ chuyển qua đường an toàn, xóa bản chép sau "
                   "khi gửi."))
            self.unencrypted.setChecked(False)  # a package in clear is asked for each time
            self.open_folder_button.setEnabled(True)

        def failed(exc) -> None:
            self.export_button.setEnabled(True)
            show_error(self, exc)

        self.task = run_op(self, self.books, op, done, failed, label="Đang xuất gói đồng bộ…", show_progress=True)
        return self.task

    def _no_recipient(self) -> bool:
        try:
            return recipient_of(self.books) is None
        except Refused:
            return False  # a damaged stored key: the export itself says so

    def open_folder(self) -> bool:
        return open_folder(self.last_export.path.parent if self.last_export else self.destination)

    def _show_destination(self) -> None:
        default = self.destination == self.books.data_dir.exports
        self.destination_label.setText(f"<b>{self.destination}</b>" + (" (thư mục mặc định)" if default else ""))

    def choose_destination(self, folder: Path | None = None) -> Path | None:
        """A folder (a USB stick) for this and the next packages; remembered on this machine."""
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Chọn nơi lưu gói đồng bộ", str(self.destination))
            if not chosen:
                return None
            folder = Path(chosen)
        self.destination = folder
        remember_export_dir(self.books.data_dir, folder, kind=PACKAGES)
        self._show_destination()
        return folder

    def load_recipient(self, path: Path | None = None) -> RecipientSet | None:
        """The upper level's key file, loaded once (again only if the upper level's key changes)."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Chọn tệp khóa của cấp trên", str(Path.home()),
                                                    f"Khóa cấp trên VốnXoay (*{KEY_FILE_SUFFIX});;Mọi tệp (*)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            result = set_recipient(self.books, path)
        except Refused as refusal:
            show_error(self, refusal)
            return None
        replaced = f" (thay khóa cũ có vân tay {result.replaced})" if result.replaced else ""
        self.status.setText(f"Đã nạp khóa mã hóa của {result.name}{replaced}. Vân tay: <code>{result.fingerprint}"
                            "</code> — hãy gọi điện cho cấp trên và đối chiếu với vân tay hiển thị ở máy của họ.")
        self.show_recipient()
        return result

    def load_ack(self, path: Path | None = None) -> dict | None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Chọn tệp xác nhận của cấp trên", str(Path.home()),
                                                    f"Xác nhận VốnXoay (*{ACK_SUFFIX})")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            result = accept_ack(self.books, path)
        except Refused as refusal:
            show_error(self, refusal)
            return None
        self.status.setText(f"Gói số {result['seq']} ({result['file_name']}) đã được {result['acked_by']} nhận "
                            f"lúc {_stamp(result['acked_at'])}."
                            + (f" {result['catalogue']['note']}" if result.get("catalogue") else ""))
        self.refresh()
        return result
