"""Gộp sổ của xã cũ: the 2025 reform's merge of old communes' books into the new commune's, in the window.

The clerk chooses the old communes' data folders, runs a dry run (read only, in a worker) that shows what
each old book holds and every person found in two books, decides each such person (same person or two
people), confirms, and the merge runs with its progress. It is ``books merge`` (desktop.services.merge):
the same refusals, word for word, shown under the form; nothing is written before the confirmation, and a
refusal writes nothing at all.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop.books import Books
from desktop.errors import Refused
from desktop.services.merge import DIFFERENT, SAME, MergeResult, merge_books
from ui.confirm import ConfirmDialog
from ui.operations import run_op
from ui.widgets import ErrorLabel, compact, fit_to_screen
from ui.workers import run_task

# The decision offered for each person found in two books; the first means "not decided yet".
DECISIONS = (("", "— chưa quyết định —"), (SAME, "Cùng một người (giữ một hộ)"),
             (DIFFERENT, "Hai người khác nhau (giữ cả hai hộ)"))
COUNT_HEADERS = ("Mã xã", "Tên xã cũ", "Dự án", "Hộ", "Khoản hỗ trợ", "Phiếu thu", "Thư mục")
DUPLICATE_HEADERS = ("Số định danh", "Các hộ có số này", "Quyết định")


class MergeBooksDialog(QDialog):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.setWindowTitle("Gộp sổ của xã cũ")
        self.preview: MergeResult | None = None  # the dry run of the folders as listed now
        self.result_outcome: MergeResult | None = None
        self.confirmation: ConfirmDialog | None = None
        self.task = None
        intro = QLabel(
            f"Đưa sổ sách của các xã cũ (trước sáp nhập) vào sổ của <b>{escape(books.setting('commune_name', ''))}"
            f"</b> ({escape(books.setting('commune_code', ''))}). Sổ của xã cũ chỉ được đọc, không bị sửa. Mã hộ, "
            "mã dự án và quyển phiếu thu được thêm mã xã cũ ở đầu (H001 → 10507-H001), số phiếu giữ nguyên. "
            "Hãy chạy thử trước, quyết định từng người có mặt ở hai sổ, rồi mới gộp.")
        intro.setWordWrap(True)
        self.folders = QListWidget()
        self.folders.setMaximumHeight(110)
        add = QPushButton("&Thêm thư mục xã cũ…")
        add.clicked.connect(self.choose_folder)
        remove = QPushButton("&Bỏ thư mục đã chọn")
        remove.clicked.connect(self.remove_folder)
        self.dry_run_button = QPushButton("&Chạy thử (xem trước)")
        self.dry_run_button.clicked.connect(self.dry_run)
        folder_row = QHBoxLayout()
        folder_row.addWidget(add)
        folder_row.addWidget(remove)
        folder_row.addStretch(1)
        folder_row.addWidget(self.dry_run_button)
        self.summary = QLabel("Chưa chạy thử.")
        self.summary.setWordWrap(True)
        self.counts = QTableWidget(0, len(COUNT_HEADERS))
        self.counts.setHorizontalHeaderLabels(COUNT_HEADERS)
        self.counts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.counts.horizontalHeader().setSectionResizeMode(len(COUNT_HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.counts.setMaximumHeight(130)
        compact(self.counts)
        self.duplicates_label = QLabel("<b>Người có mặt ở hai sổ (cùng số định danh)</b>")
        self.duplicates = QTableWidget(0, len(DUPLICATE_HEADERS))
        self.duplicates.setHorizontalHeaderLabels(DUPLICATE_HEADERS)
        self.duplicates.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.duplicates.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        compact(self.duplicates)
        self.error = ErrorLabel()
        self.outcome_text = QLabel()
        self.outcome_text.setWordWrap(True)
        self.merge_button = QPushButton("&Gộp sổ…")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        close = QPushButton("Đó&ng")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("<b>Thư mục dữ liệu của các xã cũ</b>"))
        layout.addWidget(self.folders)
        layout.addLayout(folder_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.counts)
        layout.addWidget(self.duplicates_label)
        layout.addWidget(self.duplicates, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome_text)
        layout.addLayout(buttons)
        fit_to_screen(self, 980, 640)

    # -- the folders ----------------------------------------------------------------------------------

    def chosen(self) -> list[Path]:
        return [Path(self.folders.item(i).text()) for i in range(self.folders.count())]

    def add_folders(self, folders: list[Path]) -> None:
        """Add folders to the list (the file dialog's choice, or a test's); a change asks for a new dry run."""
        listed = {str(p) for p in self.chosen()}
        for folder in folders:
            if str(folder) not in listed:
                self.folders.addItem(str(folder))
                listed.add(str(folder))
        self._forget_preview()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục dữ liệu của một xã cũ",
                                                  str(self.books.data_dir.root.parent))
        if folder:
            self.add_folders([Path(folder)])

    def remove_folder(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))
        self._forget_preview()

    def _forget_preview(self) -> None:
        self.preview = None
        self.merge_button.setEnabled(False)
        self.summary.setText("Danh sách thư mục đã đổi: hãy chạy thử lại." if self.folders.count()
                             else "Chưa chạy thử.")
        self.counts.setRowCount(0)
        self.duplicates.setRowCount(0)

    # -- the dry run ----------------------------------------------------------------------------------

    def dry_run(self):
        folders = self.chosen()
        self.error.show_message("")
        self.outcome_text.setText("")
        if not folders:
            self.error.show_message("Chưa chọn thư mục dữ liệu của xã cũ nào: bấm “Thêm thư mục xã cũ…”.")
            return None
        data_dir, actor = self.books.data_dir, self.books.actor
        decisions = self.decisions()

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as own:
                return merge_books(own, folders, dry_run=True, decisions=decisions)

        self.dry_run_button.setEnabled(False)
        self.task = run_task(self, "Đang đọc sổ của các xã cũ…", work, self._show_preview, self._refused,
                             show_progress=True)
        return self.task

    def _show_preview(self, result: MergeResult) -> None:
        self.dry_run_button.setEnabled(True)
        self.preview = result
        self.summary.setText(
            f"Chạy thử: sẽ gộp <b>{len(result.communes)}</b> sổ — {result.projects} dự án, {result.households} hộ, "
            f"{result.receipts} phiếu thu. Chưa ghi gì vào sổ. "
            + (f"Có <b>{len(result.duplicates)}</b> người có mặt ở hai sổ: hãy quyết định từng người."
               if result.duplicates else "Không có ai trùng số định danh giữa các sổ."))
        self.counts.setRowCount(len(result.communes))
        for row, commune in enumerate(result.communes):
            for column, value in enumerate((commune["commune_code"], commune["commune_name"], commune["projects"],
                                            commune["households"], commune["supports"], commune["receipts"],
                                            commune["path"])):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.counts.setItem(row, column, item)
        self.counts.resizeColumnsToContents()
        self.duplicates.setRowCount(len(result.duplicates))
        for row, duplicate in enumerate(result.duplicates):
            self.duplicates.setItem(row, 0, QTableWidgetItem(duplicate["id_number"]))
            people = "; ".join(f"{h['head_name']} — xã {h['commune_code']}, hộ {h['code']}, {h['hamlet']}"
                               for h in duplicate["households"])
            self.duplicates.setItem(row, 1, QTableWidgetItem(people))
            choice = QComboBox()
            for value, label in DECISIONS:
                choice.addItem(label, value)
            choice.setCurrentIndex(next(i for i, (v, _) in enumerate(DECISIONS)
                                        if v == (duplicate["decision"] or "")))
            self.duplicates.setCellWidget(row, 2, choice)
        self.duplicates.resizeColumnToContents(0)
        self.duplicates.resizeColumnToContents(2)
        self.duplicates.resizeRowsToContents()
        self.duplicates_label.setVisible(bool(result.duplicates))
        self.duplicates.setVisible(bool(result.duplicates))
        self.merge_button.setEnabled(True)

    def _refused(self, exc: BaseException) -> None:
        self.dry_run_button.setEnabled(True)
        self.merge_button.setEnabled(self.preview is not None)
        if isinstance(exc, Refused):
            self.error.show_message(exc.message)
        else:
            from ui.errors import show_error

            show_error(self, exc)

    # -- the decisions and the merge --------------------------------------------------------------------

    def decision_box(self, row: int) -> QComboBox:
        return self.duplicates.cellWidget(row, 2)

    def decisions(self) -> dict[str, str]:
        """The clerk's decision for each person shown, by ID number (undecided ones left out)."""
        chosen = {}
        for row in range(self.duplicates.rowCount()):
            value = self.decision_box(row).currentData()
            if value:
                chosen[self.duplicates.item(row, 0).text()] = value
        return chosen

    def merge(self) -> ConfirmDialog | None:
        preview = self.preview
        if preview is None:
            self.error.show_message("Hãy chạy thử với các thư mục đã chọn trước khi gộp.")
            return None
        decisions = self.decisions()
        undecided = [d["id_number"] for d in preview.duplicates if d["id_number"] not in decisions]
        if undecided:
            # The same refusal the merge itself gives, before the confirmation rather than after it.
            self.error.show_message(
                f"Còn {len(undecided)} người có mặt ở hai sổ chưa quyết định (số định danh "
                f"{', '.join(undecided[:5])}): chọn “Cùng một người” hoặc “Hai người khác nhau” cho từng người; "
                "chưa gộp gì.")
            return None
        self.error.show_message("")
        same = sum(1 for v in decisions.values() if v == SAME)
        lines = [f"Gộp vào sổ của <b>{escape(self.books.setting('commune_name', ''))}</b>:"]
        lines += [f"• {escape(c['commune_name'])} ({escape(c['commune_code'])}): {c['projects']} dự án, "
                  f"{c['households']} hộ, {c['supports']} khoản hỗ trợ, {c['receipts']} phiếu thu"
                  for c in preview.communes]
        kept = [text for count, text in ((same, f"{same} người giữ làm một hộ"),
                                         (len(decisions) - same, f"{len(decisions) - same} trường hợp là hai "
                                                                 "người khác nhau, giữ cả hai hộ")) if count]
        if kept:
            lines.append(f"Người có mặt ở hai sổ: {'; '.join(kept)}.")
        lines.append("Việc gộp không hoàn tác được (nên sao lưu trước); sổ của các xã cũ không bị sửa.")
        self.confirmation = ConfirmDialog(self, "Xác nhận gộp sổ", lines, "&Gộp sổ")
        self.confirmation.confirmed.connect(lambda: self._run_merge(decisions))
        self.confirmation.open()
        return self.confirmation

    def _run_merge(self, decisions: dict[str, str]) -> None:
        folders = self.chosen()
        self.merge_button.setEnabled(False)
        self.dry_run_button.setEnabled(False)

        def op(books, progress, cancelled):
            return merge_books(books, folders, decisions=decisions, progress=progress, cancelled=cancelled)

        self.task = run_op(self, self.books, op, self._merged, self._refused, label="Đang gộp sổ các xã cũ…",
                           show_progress=True, on_cancelled=self._cancelled)

    def _merged(self, result: MergeResult) -> None:
        self.result_outcome = result
        self.preview = None
        self.dry_run_button.setEnabled(True)
        names = ", ".join(f"{c['commune_name']} ({c['commune_code']})" for c in result.communes)
        self.outcome_text.setText(
            f"<b>Đã gộp sổ của {names}</b>: {result.projects} dự án, {result.households} hộ, {result.receipts} "
            "phiếu thu. Hãy chạy “Kiểm tra sổ” rồi sao lưu; phiếu thu cũ tìm theo quyển có mã xã cũ ở đầu.")

    def _cancelled(self) -> None:
        self.dry_run_button.setEnabled(True)
        self.merge_button.setEnabled(self.preview is not None)
        self.error.show_message("Đã hủy: chưa gộp gì, sổ của xã mới không thay đổi.")
