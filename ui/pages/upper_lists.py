"""Two upper-level lists: Trùng lặp (one person supported in several communes, or in several projects of one
programme — what no commune can see alone) and Nhật ký (the communes registered with their key fingerprint,
and every import that changed the store; the acknowledgement file for a commune's latest package)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop.books import Books
from desktop.changes import Changes
from desktop.errors import Refused
from desktop.sync.ack import make_ack
from desktop.sync.duplicates import describe, find_duplicates
from desktop.sync.upper import communes, import_log
from ui.errors import show_error
from ui.operations import subscribe
from ui.receipt_check import ReceiptCheckBox
from ui.record_model import RecordTableModel
from ui.widgets import compact, page_title, wrap_rows
from ui.workers import run_task

DUPLICATE_COLUMNS = [("id_number", "Số CCCD", "text"), ("why", "Trùng", "text"), ("places", "Nơi được hỗ trợ", "text")]
COMMUNE_COLUMNS = [("code", "Mã xã", "text"), ("name", "Xã", "text"), ("last_seq", "Gói mới nhất", "number"),
                   ("last_as_of", "Số liệu đến", "date"), ("locked_to", "Khóa sổ đến", "date"),
                   ("households", "Số hộ", "number"),
                   ("fingerprint", "Vân tay khóa ký", "text")]
LOG_COLUMNS = [("at", "Lúc", "text"), ("actor", "Người nhập", "text"), ("commune_code", "Mã xã", "text"),
               ("file_name", "Tệp", "text"), ("seq", "Gói số", "number"), ("rows", "Số dòng", "number")]


def _table(model: RecordTableModel, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    compact(table)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class DuplicatesPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.task = None
        self.found: list[dict] | None = None
        self.model = RecordTableModel(DUPLICATE_COLUMNS, self)
        self.table = _table(self.model, 2)
        wrap_rows(self.table)
        self.status = QLabel()
        self.status.setWordWrap(True)
        again = QPushButton("&Kiểm tra lại")
        again.clicked.connect(self.refresh)
        intro = QLabel("Một người (theo số CCCD) được hỗ trợ ở nhiều xã, hoặc ở nhiều dự án của cùng một chương "
                       "trình, trái nguyên tắc không hỗ trợ trùng. Chỉ cấp trên mới thấy được trường hợp giữa các xã.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Kiểm tra hỗ trợ trùng"))
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(again)
        self.refresh()
        subscribe(self, Changes.UPPER, self.refresh)

    def refresh(self):
        """Across hundreds of communes the check reads every membership: it runs in a worker."""
        data_dir, actor = self.books.data_dir, self.books.actor
        self.status.setText("Đang kiểm tra…")

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                return find_duplicates(books)

        self.task = run_task(self, "Đang kiểm tra hỗ trợ trùng…", work, self.show, show_progress=False)
        return self.task

    def show(self, found: list[dict]) -> int:
        rows = []
        for d in found:
            why = []
            if "communes" in d["kinds"]:
                why.append(f"{len(d['communes'])} xã")
            if "projects" in d["kinds"]:
                why.append(f"nhiều dự án ({', '.join(d['programmes'])})")
            # One place a line: easier to compare than a run-on sentence.
            places = "\n".join(f"{s['commune_name']}: hộ {s['household']} {s['head_name']}, dự án {s['project']}"
                                for s in d["supports"])
            rows.append({"id_number": d["id_number"], "why": ", ".join(why), "places": places,
                         "description": describe(d)})
        self.found = found
        self.model.set_rows(rows)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeRowsToContents()
        self.status.setText(f"{len(rows)} trường hợp trùng." if rows
                            else "Không phát hiện hỗ trợ trùng giữa các xã hoặc các dự án.")
        return len(rows)


class ImportLogPage(QWidget):
    def __init__(self, books: Books, parent=None):
        super().__init__(parent)
        self.books = books
        self.communes_model = RecordTableModel(COMMUNE_COLUMNS, self)
        self.log_model = RecordTableModel(LOG_COLUMNS, self)
        self.communes_table = _table(self.communes_model, 1)
        self.log_table = _table(self.log_model, 3)
        note = QLabel(f"Mọi lần thử nhập, kể cả gói bị từ chối, được ghi thêm vào tệp "
                      f"{books.data_dir.logs / 'upper-import.log'}.")
        note.setWordWrap(True)
        self.ack_button = QPushButton("&Lập tệp xác nhận đã nhận gói cho xã đang chọn")
        self.ack_button.clicked.connect(lambda: self.make_ack())
        self.ack_status = QLabel()
        self.ack_status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Nhật ký nhập gói"))
        layout.addWidget(QLabel("<b>Các xã đã đăng ký</b> (đối chiếu vân tay với máy của xã)"))
        layout.addWidget(self.communes_table, 1)
        ack_row = QHBoxLayout()
        ack_row.addWidget(self.ack_button)
        ack_row.addWidget(self.ack_status, 1)
        layout.addLayout(ack_row)
        layout.addWidget(QLabel("<b>Các lần nhập đã thay đổi số liệu</b>"))
        layout.addWidget(self.log_table, 2)
        layout.addWidget(note)
        self.receipt_check = ReceiptCheckBox(books)
        layout.addWidget(self.receipt_check)
        self.refresh()
        subscribe(self, Changes.UPPER, self.refresh)

    def make_ack(self) -> Path | None:
        """The signed file telling the selected commune which of its packages arrived (into exports/)."""
        index = self.communes_table.currentIndex()
        if not index.isValid():
            self.ack_status.setText("Hãy chọn một xã trong danh sách trên.")
            return None
        code = self.communes_model.row(index.row())["code"]
        try:
            path, body = make_ack(self.books, code)
        except Refused as refusal:
            show_error(self, refusal)
            return None
        self.ack_status.setText(f"Đã lập tệp xác nhận gói số {body['seq']} của {body['commune']['name']}: {path}. "
                                "Gửi tệp này cho xã để xã bấm “Nhập xác nhận…”.")
        return path

    def refresh(self) -> None:
        self.communes_model.set_rows(communes(self.books))
        self.log_model.set_rows([{**r, "at": r["at"].replace("T", " ")[:19]} for r in reversed(import_log(self.books))])
        for table in (self.communes_table, self.log_table):
            table.resizeColumnsToContents()
        self.communes_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.log_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
