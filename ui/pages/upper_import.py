"""Nhập gói (upper level): drop many commune packages (or pick them), each verified completely and imported in
a worker with a progress bar and Cancel; a result line per file says what happened and why.

A package signed with a key other than the one registered for its commune is refused; the operator can accept
the new key only by typing the fingerprint the commune reads out over the phone, and only when it is the
package's own; then the refused packages are imported again.

The page also gives the unit's encryption key file for its communes (they load it once, then every package
they send is encrypted to this unit), with the fingerprint to read them over the phone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.errors import Refused
from desktop.sync.envelope import KEY_FILE_SUFFIX, KeyFileWritten, upper_fingerprint, write_key_file
from desktop.sync.format import SUFFIX
from desktop.sync.upper import ImportResult, ImportStatus, accept_key_op, import_batch, normal_fingerprint
from ui.errors import show_error
from ui.operations import run_op
from ui.record_model import RecordTableModel
from ui.widgets import compact, page_title, wrap_rows

RESULT_COLUMNS = [("package", "Tệp", "text"), ("commune", "Xã", "text"), ("seq", "Gói số", "number"),
                  ("status_label", "Kết quả", "text"), ("reason", "Lý do / ghi chú", "text")]


class UpperImportPage(QWidget):
    imported = Signal()  # some package changed the store: the consolidated figures are stale

    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.results: list[ImportResult] = []
        self.task = None
        self._paths: dict[str, Path] = {}
        self.setAcceptDrops(True)
        intro = QLabel(f"Kéo thả các tệp gói đồng bộ ({SUFFIX}) của các xã vào đây, hoặc bấm “Chọn gói…”. Mỗi gói "
                       "được kiểm tra đầy đủ (chữ ký, nội dung) trước khi nhập; gói đã nhận thì không đổi, gói cũ hơn "
                       "bị bỏ qua, gói mới hơn thay số liệu của xã đó.")
        intro.setWordWrap(True)
        self.drop_zone = QLabel(f"⇩  Thả các tệp {SUFFIX} vào đây  ⇩")
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setStyleSheet("#dropZone { border: 2px dashed #8aa; border-radius: 6px; padding: 18px; "
                                     "color: #456; font-size: 12pt; }")
        choose = QPushButton("&Chọn gói…")
        choose.clicked.connect(lambda: self.choose())
        top = QHBoxLayout()
        top.addWidget(self.drop_zone, 1)
        top.addWidget(choose)
        try:
            fingerprint = upper_fingerprint(books)
        except Refused as refusal:
            fingerprint = refusal.message
        self.key_label = QLabel(f"Khóa nhận gói mã hóa của đơn vị: vân tay <code>{fingerprint}</code>. Gửi tệp khóa "
                                "cho các xã (một lần), rồi đọc vân tay này khi xã gọi điện đối chiếu.")
        self.key_label.setWordWrap(True)
        self.key_button = QPushButton("&Xuất tệp khóa cho các xã…")
        self.key_button.clicked.connect(lambda: self.export_key())
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        key_row.addWidget(self.key_button)
        self.model = RecordTableModel(RESULT_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        wrap_rows(self.table)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.accept_button = QPushButton("Chấp nhận &khóa mới…")
        self.accept_button.clicked.connect(lambda: self.accept_new_key())
        again = QHBoxLayout()
        again.addWidget(self.key_note, 1)
        again.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Nhập gói đồng bộ của các xã"))
        layout.addWidget(intro)
        layout.addLayout(key_row)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(again)
        self._update_accept()

    # ------------------------------------------------------------------ choosing files
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def choose(self):
        chosen, _ = QFileDialog.getOpenFileNames(self, "Chọn các gói đồng bộ", str(Path.home()),
                                                 f"Gói VốnXoay (*{SUFFIX});;Mọi tệp (*)")
        return self.import_files([Path(p) for p in chosen]) if chosen else None

    def export_key(self, path: Path | None = None) -> KeyFileWritten | None:
        """Write the public key file the communes load to encrypt their packages to this unit."""
        if path is None:
            code = self.books.setting("commune_code", "")
            suggested = self.books.data_dir.exports / f"khoa-ma-hoa_{code}{KEY_FILE_SUFFIX}"
            chosen, _ = QFileDialog.getSaveFileName(self, "Lưu tệp khóa cho các xã", str(suggested),
                                                    f"Khóa cấp trên VốnXoay (*{KEY_FILE_SUFFIX})")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            result = write_key_file(self.books, path)
        except Refused as refusal:
            show_error(self, refusal)
            return None
        self.summary.setText(f"Đã ghi tệp khóa {result.path}. Vân tay: <code>{result.fingerprint}</code>")
        return result

    # ------------------------------------------------------------------ importing
    def import_files(self, paths: list[Path]):
        self._paths.update({p.name: p for p in paths})

        def op(books, progress, cancelled):
            return import_batch(books, paths, cancelled=cancelled,
                                progress=lambda done, total, _name: progress(done, total))

        self.task = run_op(self, self.books, op, lambda outcome: self.show_results(list(outcome.results)),
                           label=f"Đang kiểm tra và nhập {len(paths)} gói…", show_progress=True)
        return self.task

    def show_results(self, results: list[ImportResult]) -> None:
        self.results = results
        rows = []
        for r in results:
            reason = r.reason
            if r.new_key and r.fingerprint not in reason:
                reason += f" Vân tay: {r.fingerprint}."
            rows.append({"package": r.package, "commune": f"{r.commune_code} {r.commune_name}".strip(),
                         "seq": r.seq, "status": r.status.value, "status_label": r.status.label, "reason": reason})
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 300))
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        counts = {s: sum(1 for r in results if r.status is s) for s in ImportStatus}
        self.summary.setText(", ".join(f"{s.label}: <b>{n}</b>" for s, n in counts.items() if n)
                             or "Không nhập gói nào.")
        self._update_accept()
        if counts[ImportStatus.IMPORTED]:
            self.imported.emit()  # the hub has already told every page showing the store

    def key_changed(self) -> list[ImportResult]:
        """The packages refused only because their commune's key is new to the upper level."""
        return [r for r in self.results if r.key_changed and r.package in self._paths]

    def _update_accept(self) -> None:
        waiting = self.key_changed()
        self.key_note.setVisible(bool(waiting))
        self.accept_button.setVisible(bool(waiting))
        if waiting:
            first = waiting[0]
            self.key_note.setText(f"Gói của xã {first.commune_code} {first.commune_name} được ký bằng khóa mới. Nếu "
                                  "xã đã cài lại máy, hãy gọi điện cho xã (theo số đã biết, không theo số ghi trong "
                                  "gói), nhờ đọc vân tay khóa ở máy của xã, rồi bấm “Chấp nhận khóa mới…”.")

    def accept_new_key(self, typed: str | None = None):
        """Ask for the fingerprint the commune reads out; accept the key only if it is the package's own, then
        import that commune's refused packages again."""
        waiting = self.key_changed()
        if not waiting:
            return None
        first = waiting[0]
        if typed is None:
            typed, ok = QInputDialog.getText(
                self, "Chấp nhận khóa mới",
                f"Xã {first.commune_code} {first.commune_name}: gõ vân tay khóa mà cán bộ xã đọc qua điện thoại "
                "(16 chữ số, ở trang Đồng bộ trên máy của xã):")
            if not ok:
                return None
        heard = normal_fingerprint(typed)
        if heard != first.fingerprint:
            self.key_note.setText(f"<b>Không chấp nhận:</b> vân tay xã đọc ({typed.strip() or 'trống'}) khác vân tay "
                                  f"khóa ký gói ({first.fingerprint}). Gói có thể không phải do xã gửi; hãy hỏi lại "
                                  "xã trước khi nhập.")
            return None
        paths = [self._paths[r.package] for r in waiting if r.commune_code == first.commune_code]
        return run_op(self, self.books, lambda books: accept_key_op(books, first.commune_code, heard),
                      lambda _outcome: self.import_files(paths), label="Đang chấp nhận khóa mới…")
