"""Nhập từ Excel: the commune's household list in, through the same dry run and import as ``household import``.

The dry run (``plan_import``) and the import (``apply_import``, one transaction) run in a worker with progress
and Cancel. The report lists every row with what would happen to it or why it is refused; columns the program
did not recognise can be mapped to a field and the file planned again. The sheet read is named, and another
visible sheet of the file can be chosen (hidden sheets are never offered). Nothing is written before "Nhập".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from desktop.books import Books
from desktop.errors import Cancelled, Refused
from desktop.importing.households_xlsx import ImportPlan, ImportResult, apply_import, plan_import
from desktop.importing.sheet import FIELD_LABELS, FIELDS
from desktop.importing.template import write_template
from desktop.services.hamlets import list_hamlets
from ui.errors import show_error
from ui.operations import run_op
from ui.record_model import RecordTableModel
from ui.widgets import ErrorLabel, compact, fit_to_screen, wrap_rows
from ui.workers import run_task

ACTIONS = {"insert": "Thêm mới", "update": "Cập nhật", "unchanged": "Không đổi"}
REPORT_COLUMNS = [("row", "Dòng", "number"), ("result", "Kết quả", "text"), ("head_name", "Chủ hộ", "text"),
                  ("hamlet", "Thôn", "text"), ("reason", "Ghi chú / lý do", "text")]


def report_rows(plan: ImportPlan) -> list[dict]:
    """One line per spreadsheet row, in file order: valid rows with their action, refused rows with the reason."""
    rows = [{"row": r.row, "result": ACTIONS[r.action], "head_name": r.values.get("head_name", ""),
             "hamlet": r.values.get("hamlet", ""), "valid": True,
             "reason": "; ".join(filter(None, (_changes(r.changes), *(f"Lưu ý: {w}" for w in r.warnings))))}
            for r in plan.rows]
    # A refused row shows the name and hamlet as the file gave them, so the clerk can find it in the sheet.
    rows += [{"row": p.row, "result": "Lỗi", "head_name": p.head_name, "hamlet": p.hamlet, "reason": p.reason,
              "valid": False, "_refused": True} for p in plan.rejected]
    return sorted(rows, key=lambda r: r["row"])


def _changes(changes: dict) -> str:
    return "; ".join(f"{FIELD_LABELS.get(k, k)}: {before or '—'} → {after or '—'}"
                     for k, (before, after) in changes.items())


def save_template(parent, books: Books, path: Path | None = None) -> Path | None:
    """Write the blank household list (with the commune's hamlets) where the clerk chooses."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "Lưu mẫu danh sách hộ",
                                                str(Path.home() / "mau-danh-sach-ho.xlsx"), "Excel (*.xlsx)")
        if not chosen:
            return None
        path = Path(chosen)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    try:
        return write_template(path, [h["name"] for h in list_hamlets(books)])
    except (Refused, OSError) as exc:
        show_error(parent, exc)
        return None


class ExcelImportDialog(QDialog):
    imported = Signal(object)  # the ImportResult, after households were written

    def __init__(self, books: Books, parent=None, *, path: Path | None = None):
        super().__init__(parent)
        self.books = books
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.mapping: dict[str, str] = {}
        self.chosen_sheet: str | None = None  # None: the sheet the file opens on
        self.task = None
        self.setWindowTitle("Nhập danh sách hộ từ Excel")
        self.path = QLineEdit(str(path) if path else "", placeholderText="tệp Excel .xlsx")
        self.path.textEdited.connect(self._new_file)
        browse = QPushButton("&Chọn tệp…")
        browse.clicked.connect(self._browse)
        template = QPushButton("Tải &mẫu Excel…")
        template.clicked.connect(lambda: self.save_template())
        self.check_button = QPushButton("&Kiểm tra (chưa ghi gì)")
        self.check_button.clicked.connect(self.check)
        top = QHBoxLayout()
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        top.addWidget(self.check_button)
        top.addWidget(template)
        # Which sheet is read, and the other visible ones: filled in by each dry run.
        self.sheet = QComboBox()
        self.sheet.activated.connect(lambda _: self.choose_sheet(self.sheet.currentText()))
        self.sheet_row = QHBoxLayout()
        self.sheet_label = QLabel("Trang tính:")
        self.sheet_row.addWidget(self.sheet_label)
        self.sheet_row.addWidget(self.sheet)
        self.sheet_row.addStretch(1)
        self.sheet_label.hide()
        self.sheet.hide()
        self.summary = QLabel("Chọn tệp rồi bấm Kiểm tra: chương trình đọc từng dòng và báo dòng nào nhập được, "
                              "dòng nào lỗi, trước khi ghi.")
        self.summary.setWordWrap(True)
        self.mapping_box = QGroupBox("Cột chưa nhận ra: chọn trường tương ứng rồi bấm Kiểm tra lại")
        self.mapping_form = QFormLayout(self.mapping_box)
        self.mapping_box.hide()
        self.combos: dict[str, QComboBox] = {}
        self.model = RecordTableModel(REPORT_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact(self.table)
        wrap_rows(self.table)  # a refusal's reason is read in full
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 60), (1, 90), (2, 180), (3, 120)):
            self.table.setColumnWidth(column, width)
        self.error = ErrorLabel()
        self.apply_button = QPushButton("&Nhập")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        close = QPushButton("Đó&ng")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.sheet_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 980, 600)

    # ------------------------------------------------------------------ the file
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn danh sách hộ", str(Path.home()), "Excel (*.xlsx)")
        if path:
            self.path.setText(path)
            self.mapping.clear()
            self.chosen_sheet = None
            self.check()

    def _new_file(self, _text: str = "") -> None:
        self.chosen_sheet = None  # another file opens on its own sheet

    def choose_sheet(self, name: str) -> None:
        """Read another visible sheet of the file (what the clerk does in the sheet box)."""
        if name and name != (self.plan.sheet if self.plan else None):
            self.chosen_sheet = name
            self.mapping.clear()  # the columns of one sheet say nothing of another's
            self.check()

    def save_template(self, path: Path | None = None) -> Path | None:
        written = save_template(self, self.books, path)
        if written:
            self.summary.setText(f"Đã lưu mẫu vào {written}. Điền từ dòng 4 rồi chọn tệp để nhập.")
        return written

    # ------------------------------------------------------------------ dry run
    def _current_mapping(self) -> dict[str, str]:
        for title, combo in self.combos.items():
            field = combo.currentData()
            if field:
                self.mapping[title] = field
            else:
                self.mapping.pop(title, None)
        return dict(self.mapping)

    def check(self):
        """Plan the import in a worker; the report replaces the previous one when it arrives."""
        path = Path(self.path.text().strip())
        mapping = self._current_mapping()
        sheet = self.chosen_sheet
        data_dir, actor = self.books.data_dir, self.books.actor
        self.apply_button.setEnabled(False)
        self.error.show_message("")

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                return plan_import(books, path, mapping, sheet=sheet, progress=progress, cancelled=cancelled)

        def failed(exc) -> None:
            self.plan = None
            self.model.set_rows([])
            self.error.show_message(exc.message if isinstance(exc, Refused) else str(exc))

        self.task = run_task(self, "Đang đọc tệp Excel…", work, self.show_plan, failed)
        return self.task

    def show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.model.set_rows(report_rows(plan))
        if self.model.rowCount() <= 2000:  # measuring rows walks them all; a huge file keeps one line each
            self.table.resizeRowsToContents()
        inserts, updates = plan.count("insert"), plan.count("update")
        text = (f"Trang “{plan.sheet}”, tiêu đề ở dòng {plan.header_row}. Sẽ thêm <b>{inserts}</b> hộ, cập nhật "
                f"<b>{updates}</b> hộ, {plan.count('unchanged')} hộ không đổi; <b style='color:#b00020'>"
                f"{len(plan.rejected)}</b> dòng lỗi sẽ bị bỏ qua.")
        if plan.new_hamlets:
            text += f" Thôn mới: {', '.join(plan.new_hamlets)}."
        if plan.warnings:
            text += f" {len(plan.warnings)} dòng cần lưu ý (xem cột ghi chú)."
        self.summary.setText(text)
        self._show_sheets(plan)
        self._show_mapping(plan)
        self.apply_button.setText(f"&Nhập {inserts + updates} hộ")
        self.apply_button.setEnabled(inserts + updates > 0)

    def _show_sheets(self, plan: ImportPlan) -> None:
        self.sheet.clear()
        self.sheet.addItems(list(plan.sheets) or [plan.sheet])
        self.sheet.setCurrentText(plan.sheet)
        several = len(plan.sheets) > 1
        self.sheet.setEnabled(several)
        self.sheet.setToolTip("" if several else "Tệp chỉ có một trang tính đang hiện.")
        self.sheet_label.show()
        self.sheet.show()

    def _show_mapping(self, plan: ImportPlan) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.combos = {}
        titles = list(plan.unmapped) + [t for t in self.mapping if t not in plan.unmapped]
        for title in titles:
            combo = QComboBox()
            combo.addItem("(bỏ qua)", None)
            for field in FIELDS:
                combo.addItem(FIELD_LABELS[field], field)
            if title in self.mapping:
                combo.setCurrentIndex(max(0, combo.findData(self.mapping[title])))
            self.combos[title] = combo
            self.mapping_form.addRow(f"“{title}”:", combo)
        self.mapping_box.setVisible(bool(titles))

    def map_column(self, title: str, field: str) -> None:
        """Choose the field a column feeds (what the clerk does in the combo box)."""
        combo = self.combos[title]
        combo.setCurrentIndex(combo.findData(field))

    # ------------------------------------------------------------------ import
    def apply(self):
        plan = self.plan
        if plan is None:
            return None
        self.apply_button.setEnabled(False)

        def op(books, progress, cancelled):
            if cancelled():
                raise Cancelled()
            return apply_import(books, plan, progress=progress, cancelled=cancelled)

        def done(result: ImportResult) -> None:
            self.result = result
            self.plan = None
            self.summary.setText(f"Đã thêm <b>{result.inserted}</b> hộ, cập nhật <b>{result.updated}</b> hộ; "
                                 f"{result.unchanged} hộ không đổi, {len(result.rejected)} dòng lỗi bỏ qua.")
            self.apply_button.setText("Đã nhập")
            self.imported.emit(result)

        def failed(exc) -> None:
            self.apply_button.setEnabled(True)
            show_error(self, exc)

        def cancelled() -> None:
            self.apply_button.setEnabled(True)
            self.summary.setText("Đã dừng nhập theo yêu cầu: không có hộ nào được ghi. " + self.summary.text())

        self.task = run_op(self, self.books, op, done, failed, label="Đang nhập danh sách hộ…", show_progress=True,
                           on_cancelled=cancelled)
        return self.task
