"""Viết phần nhận xét: the three sections the clerk writes into the periodic report (results, difficulties,
proposals) for one period. Each save keeps a new version (the books never change what a sent report said);
the report's PDF and XLSX print the latest."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QPlainTextEdit

from desktop.books import Books
from desktop.dates import format_date
from desktop.services.report_texts import SECTIONS, report_texts, save_report_text
from ui.operations import refusal_shown_in, run_op
from ui.widgets import ErrorLabel, lay_out_form_dialog


class ReportTextsDialog(QDialog):
    saved = Signal(object)  # the last ReportTextSaved outcome

    def __init__(self, books: Books, start: date, end: date, parent=None):
        super().__init__(parent)
        self.books, self.start, self.end = books, start, end
        self.setWindowTitle("Viết phần nhận xét của báo cáo định kỳ")
        self.loaded = report_texts(books.conn, start, end)
        self.edits: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        for key, title in SECTIONS.items():
            edit = QPlainTextEdit(self.loaded.get(key, ""))
            edit.setPlaceholderText("Mỗi đoạn một dòng; để trống nếu chưa viết.")
            edit.setTabChangesFocus(True)
            edit.setMinimumSize(560, 110)
            label = QLabel(f"{title}:")
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.edits[key] = edit
        self.error = ErrorLabel()
        above = QLabel(f"Báo cáo từ ngày {format_date(start)} đến ngày {format_date(end)}. Nội dung được in vào "
                       "các mục tương ứng của báo cáo (PDF và Excel).")
        above.setWordWrap(True)
        # Enter starts a new line in the text boxes: saving is the button (Alt+L).
        self.save = lay_out_form_dialog(self, form, self.error, save_text="&Lưu", above=above, default=False)

    def changed(self) -> dict[str, str]:
        return {key: edit.toPlainText().strip() for key, edit in self.edits.items()
                if edit.toPlainText().strip() != self.loaded.get(key, "").strip()}

    def submit(self) -> None:
        changes = self.changed()
        if not changes:
            self.accept()
            return
        emptied = [SECTIONS[key] for key, text in changes.items() if not text]
        if emptied:
            # A saved section is never erased (what a sent report said stays readable): refuse before writing.
            self.error.show_message(f"Mục “{emptied[0]}” đã có nội dung lưu trước; không để trống được. Hãy viết "
                                    "nội dung mới (ví dụ “Không có.”).")
            return
        start, end = self.start, self.end

        def op(books: Books):
            outcome = None
            for key, text in changes.items():
                outcome = save_report_text(books, start, end, key, text)
            return outcome

        def done(outcome) -> None:
            self.saved.emit(outcome)
            self.accept()

        self.task = run_op(self, self.books, op, done, refusal_shown_in(self.error, self), busy=self.save)
