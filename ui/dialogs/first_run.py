"""The first start on a machine with no books: set up the commune, open the demo commune, or restore a backup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.books import Books
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.paths import DataDir
from desktop.provinces import provinces
from desktop.services.backup import restore, verify_backup
from desktop.services.demo import make_demo
from desktop.services.hamlets import add_hamlet
from desktop.services.settings import CommuneSetup, init_books, update_settings, validate_setup
from desktop.text import fold
from ui.widgets import ALIASES_ROLE, ErrorLabel, fit_to_screen, mark_invalid, searchable
from ui.workers import run_task

NEW, DEMO, RESTORE = 0, 1, 2
COMMUNE_LEVEL, UPPER_LEVEL = 0, 1
SIGNERS = (("signer_chairman", "Chủ tịch UBND:"), ("signer_accountant", "Kế toán:"),
           ("signer_cashier", "Thủ quỹ:"), ("signer_clerk", "Người lập phiếu:"))
_FIELD_WORDS = (("ma xa", "commune_code"), ("ten don vi", "commune_name"), ("ma cap tren", "upper_code"),
                ("ten cap tren", "upper_name"), ("ma tinh", "province_code"), ("ten tinh", "province_name"),
                ("ma don vi", "commune_code"))
# The commune step's labels and hints for each level. In upper mode the first two fields name the consolidating
# unit itself and the next two its own upper level (a province has none), as ``init --mode upper`` does.
_LABELS = {
    COMMUNE_LEVEL: {
        "commune_code": ("Mã xã (5 số):", "ví dụ 10507"), "commune_name": ("Tên xã:", "ví dụ Xã Đức Chính"),
        "upper_code": ("Mã cấp trên:", "tỉnh 2 số (huyện trước 7/2025: 3 số)"),
        "upper_name": ("Tên cấp trên:", "ví dụ Thành phố Hải Phòng"),
    },
    UPPER_LEVEL: {
        "commune_code": ("Mã đơn vị tổng hợp:", "tỉnh 2 số, ví dụ 31 (huyện trước 7/2025: 3 số)"),
        "commune_name": ("Tên đơn vị tổng hợp:", "ví dụ Thành phố Hải Phòng"),
        "upper_code": ("Mã cấp trên của đơn vị:", "không bắt buộc"),
        "upper_name": ("Tên cấp trên của đơn vị:", "để trống nếu là tỉnh"),
    },
}


class FirstRunWizard(QDialog):
    """Step 1: what to do. Step 2: the level (commune or upper) and the unit's details. Step 3, a commune only:
    signatories, the first receipt book and the hamlets (the upper level issues no receipts and keeps no
    households of its own; its signatories can be added later in Cài đặt)."""

    def __init__(self, data_dir: DataDir, parent=None):
        super().__init__(parent)
        self.data_dir = data_dir
        self.books: Books | None = None
        self.setWindowTitle("VốnXoay — bắt đầu")
        self.steps = QStackedWidget()
        self.steps.addWidget(self._choice_step())
        self.steps.addWidget(self._commune_step())
        self.steps.addWidget(self._signers_step())
        self.error = ErrorLabel()
        self.back = QPushButton("< &Quay lại")
        self.next = QPushButton("&Tiếp >")  # the default button: Enter (Ctrl+Enter in the hamlets box)
        self.next.setDefault(True)
        cancel = QPushButton("T&hoát")
        self.back.clicked.connect(self.go_back)
        self.next.clicked.connect(self.go_next)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back, self.next, cancel):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.level.idToggled.connect(lambda *_: self._update_buttons())  # upper mode ends on this step
        self.steps.currentChanged.connect(self._focus_step)
        self._update_buttons()
        fit_to_screen(self, 600, 440)

    # ------------------------------------------------------------------ steps
    def _choice_step(self) -> QWidget:
        page = QWidget()
        intro = QLabel("<b>Chào mừng đến với VốnXoay.</b><br>Máy này chưa có sổ sách. Chọn cách bắt đầu:")
        intro.setWordWrap(True)
        self.choice = QButtonGroup(page)
        options = ("Thiết lập đơn vị của tôi: một xã, hoặc cấp trên (huyện/tỉnh) tổng hợp các xã",
                   "Mở xã mẫu để xem thử (dữ liệu giả lập, có thể xóa sau)",
                   "Khôi phục từ một bản sao lưu")
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        for index, text in enumerate(options):
            radio = QRadioButton(text)
            self.choice.addButton(radio, index)
            layout.addWidget(radio)
        self.choice.button(NEW).setChecked(True)
        self.backup_path = QLineEdit(placeholderText="Tệp sao lưu (.sqlite)")
        browse = QPushButton("&Chọn tệp…")
        browse.clicked.connect(self._browse_backup)
        row = QHBoxLayout()
        row.addWidget(self.backup_path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        layout.addStretch(1)
        self.choice.idToggled.connect(lambda *_: self._update_buttons())
        return page

    def _commune_step(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.level = QButtonGroup(page)
        levels = QHBoxLayout()
        for index, text in ((COMMUNE_LEVEL, "Xã (cấp cơ sở)"), (UPPER_LEVEL, "Cấp trên (huyện hoặc tỉnh tổng hợp)")):
            radio = QRadioButton(text)
            self.level.addButton(radio, index)
            levels.addWidget(radio)
        levels.addStretch(1)
        self.level.button(COMMUNE_LEVEL).setChecked(True)
        form.addRow("Đơn vị là:", levels)
        self.level_hint = QLabel()
        self.level_hint.setWordWrap(True)
        form.addRow(self.level_hint)
        self.fields: dict[str, QLineEdit] = {}
        self.field_labels: dict[str, QLabel] = {}
        for key, label, hint in (
                ("commune_code", "", ""), ("commune_name", "", ""), ("upper_code", "", ""), ("upper_name", "", ""),
                ("province_code", "Mã tỉnh (2 số):", "ví dụ 31"),
                ("province_name", "Tên tỉnh:", "ví dụ Thành phố Hải Phòng")):
            self.fields[key] = QLineEdit(placeholderText=hint)
            # A refusal shown for a field goes away as soon as the clerk corrects it.
            self.fields[key].textEdited.connect(lambda _text, key=key: self._field_edited(key))
            self.field_labels[key] = QLabel(label)
            if key == "province_code":
                form.addRow("Chọn tỉnh:", self._province_picker())
            form.addRow(self.field_labels[key], self.fields[key])
        self._server_rows(form)
        self.level.idToggled.connect(lambda *_: self._level_changed())
        self._level_changed()
        return page

    def _field_edited(self, key: str) -> None:
        field = self.fields[key]
        if field.property("invalid") == "true":
            mark_invalid(field, False)
            self.error.show_message("")

    def _server_rows(self, form: QFormLayout) -> None:
        """Upper level only: where its store lives. Empty keeps it in this computer's data folder; an address
        puts it on the province's PostgreSQL server, where several officers import and report at once."""
        self.server = QLineEdit(placeholderText="postgresql://người_dùng@máy_chủ:5432/vonxoay")
        self.server_label = QLabel("&Máy chủ PostgreSQL:")
        self.server_label.setBuddy(self.server)
        self.server_label.setWordWrap(True)
        self.server_error = ErrorLabel()
        self.server_hint = QLabel("Để trống: dữ liệu lưu trong máy này. Mật khẩu nên đặt trong tệp .pgpass của máy, "
                                  "không ghi trong địa chỉ.")
        self.server_hint.setWordWrap(True)
        form.addRow(self.server_label, self.server)
        form.addRow("", self.server_error)  # a refusal of the address shows right under it
        form.addRow("", self.server_hint)
        self.server_rows = (self.server_label, self.server, self.server_hint, self.server_error)

    def upper_level(self) -> bool:
        return self.level.checkedId() == UPPER_LEVEL

    def choose_level(self, upper: bool) -> None:
        self.level.button(UPPER_LEVEL if upper else COMMUNE_LEVEL).setChecked(True)

    def _level_changed(self) -> None:
        level = UPPER_LEVEL if self.upper_level() else COMMUNE_LEVEL
        for widget in self.server_rows:
            widget.setVisible(level == UPPER_LEVEL)
        for key, (label, hint) in _LABELS[level].items():
            self.field_labels[key].setText(label)
            self.fields[key].setPlaceholderText(hint)
        self.level_hint.setText(
            "Cấp trên nhận gói dữ liệu của các xã và lập báo cáo tổng hợp; không thu tiền, không in phiếu thu."
            if level == UPPER_LEVEL else "Xã quản lý hộ, dự án, thu hồi vốn và gửi gói dữ liệu lên cấp trên.")

    def _province_picker(self) -> QWidget:
        """Pick from the shipped list to fill the province's code and name; typing them stays possible."""
        self.province = QComboBox()
        self.province.setMinimumContentsLength(24)
        # Typing "hai duong" (any part of the code or name, diacritics or not) narrows the list and picks it.
        searchable(self.province)
        self.province.lineEdit().setPlaceholderText("gõ tên hoặc mã tỉnh để tìm")
        self.old_provinces = QCheckBox("&Danh sách 63 tỉnh trước 7/2025")
        self.old_provinces.toggled.connect(self._fill_provinces)
        self.province.activated.connect(self._province_chosen)
        self._typed_province = ""
        self.province.lineEdit().textEdited.connect(self._remember_typed)
        self._fill_provinces()
        # A province merged in 2025, typed by its old name, finds the unit that took it over; this says so.
        self.province_note = QLabel()
        self.province_note.setWordWrap(True)
        self.province_note.setStyleSheet("color: #8a5a00;")
        self.province_note.hide()
        row = QWidget()
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout()
        layout.addWidget(self.province, 1)
        layout.addWidget(self.old_provinces)
        column.addLayout(layout)
        column.addWidget(self.province_note)
        return row

    def _remember_typed(self, text: str) -> None:
        self._typed_province = text

    def _fill_provinces(self) -> None:
        self.province.clear()
        self.province.addItem("", None)  # nothing chosen: the box shows its hint and takes typing as is
        old = self.old_provinces.isChecked()
        merged: dict[str, list[str]] = {}
        for before in ([] if old else provinces(before_2025=True)):
            merged.setdefault(before.merged_into, []).append(before.name)
        for p in provinces(before_2025=old):
            self.province.addItem(f"{p.code} — {p.name}", (p.code, p.name))
            names = [n for n in merged.get(p.code, []) if fold(n) != fold(p.name)]
            if names:
                self.province.setItemData(self.province.count() - 1, "|".join(names), ALIASES_ROLE)

    def choose_province(self, code: str) -> None:
        index = next(i for i in range(self.province.count()) if (self.province.itemData(i) or ("",))[0] == code)
        self.province.setCurrentIndex(index)
        self._province_chosen(index)

    def _province_chosen(self, index: int) -> None:
        chosen = self.province.itemData(index)
        if chosen:
            self.fields["province_code"].setText(chosen[0])
            self.fields["province_name"].setText(chosen[1])
        typed = fold(self._typed_province)
        aliases = str(self.province.itemData(index, ALIASES_ROLE) or "").split("|")
        old_name = next((name for name in aliases if typed and typed in fold(name)), None) \
            if chosen and typed not in fold(chosen[1]) else None
        self.province_note.setText(f"{old_name} đã hợp nhất vào {chosen[1]} từ 01/07/2025: đã chọn {chosen[1]}. "
                                   "Cần tỉnh cũ thì đánh dấu “Danh sách 63 tỉnh trước 7/2025”." if old_name else "")
        self.province_note.setVisible(bool(old_name))

    def _signers_step(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(QLabel("Họ tên người ký in trên phiếu thu (sửa được sau trong Cài đặt):"))
        self.signers: dict[str, QLineEdit] = {}
        for key, label in SIGNERS:
            self.signers[key] = QLineEdit()
            form.addRow(label, self.signers[key])
        self.receipt_book = QLineEdit("01")
        form.addRow("Quyển phiếu thu đầu tiên:", self.receipt_book)
        self.hamlets = QPlainTextEdit()
        self.hamlets.setPlaceholderText("Mỗi dòng một thôn, ví dụ:\nThôn Đông\nThôn Tây\n(Tab: sang ô sau; "
                                        "Ctrl+Enter: bắt đầu)")
        self.hamlets.setMaximumHeight(90)
        # Enter starts a new hamlet line, so Tab leaves the box (a hamlet name has no tab in it) and
        # Ctrl+Enter does what Enter does everywhere else in the wizard.
        self.hamlets.setTabChangesFocus(True)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.hamlets, activated=lambda: self.next.click(),
                      context=Qt.ShortcutContext.WidgetShortcut)
        form.addRow("Các thôn của xã:", self.hamlets)
        return page

    def _focus_step(self, step: int) -> None:
        """Each step opens with the cursor in its first box, so the clerk types on without the mouse."""
        first = {0: self.choice.checkedButton(), 1: self.fields["commune_code"],
                 2: self.signers[SIGNERS[0][0]]}[step]
        first.setFocus(Qt.FocusReason.TabFocusReason)

    def _browse_backup(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(Path.home()), "SQLite (*.sqlite *.db)")
        if path:
            self.backup_path.setText(path)
            self.choice.button(RESTORE).setChecked(True)

    def _update_buttons(self) -> None:
        step = self.steps.currentIndex()
        self.back.setEnabled(step > 0)
        last = step == 2 or (step == 0 and self.choice.checkedId() != NEW) or (step == 1 and self.upper_level())
        self.next.setText("&Bắt đầu" if last else "&Tiếp >")

    def go_back(self) -> None:
        self.error.show_message("")
        self.steps.setCurrentIndex(max(0, self.steps.currentIndex() - 1))
        self._update_buttons()

    def _setup(self) -> CommuneSetup:
        f = {k: w.text() for k, w in self.fields.items()}
        mode = Mode.UPPER if self.upper_level() else Mode.COMMUNE
        return CommuneSetup(f["commune_code"], f["commune_name"], f["upper_code"], f["upper_name"],
                            f["province_code"], f["province_name"], mode, receipt_book=self.receipt_book.text())

    def go_next(self) -> None:
        self.error.show_message("")
        self.server_error.show_message("")
        for widget in (*self.fields.values(), self.server):
            mark_invalid(widget, False)
        step = self.steps.currentIndex()
        if step == 1 and self.upper_level() and self.server.text().strip():
            self._start_on_server(self.server.text().strip())
            return
        try:
            if step == 0 and self.choice.checkedId() == DEMO:
                make_demo(self.data_dir, households=1500)
                self.books = Books.open(self.data_dir)
            elif step == 0 and self.choice.checkedId() == RESTORE:
                source = Path(self.backup_path.text().strip())
                verify_backup(source)
                restore(self.data_dir, source)
                self.books = Books.open(self.data_dir)
            elif step == 1 and self.upper_level():
                self.books, _ = init_books(self.data_dir, self._setup())
            elif step == 1:
                validate_setup(self._setup())  # check before moving on, so the clerk fixes it here
                self.steps.setCurrentIndex(2)
                self._update_buttons()
                return
            elif step == 2:
                # One entry per hamlet however it was typed, so a repeated line cannot fail after set-up.
                hamlets = list({fold(n): n.strip() for n in self.hamlets.toPlainText().splitlines()
                                if n.strip()}.values())
                books, _ = init_books(self.data_dir, self._setup())
                try:
                    signers = {k: w.text().strip() for k, w in self.signers.items() if w.text().strip()}
                    if signers:
                        update_settings(books, signers)
                    for hamlet in hamlets:
                        add_hamlet(books, hamlet)
                except BaseException:
                    books.close()
                    raise
                self.books = books
            else:
                self.steps.setCurrentIndex(step + 1)
                self._update_buttons()
                return
        except Refused as refusal:
            self._show_refusal(refusal.message)
            return
        self.accept()

    def _start_on_server(self, url: str) -> None:
        """Set the upper level up with its store on the server, in a worker: reaching a server (or failing
        to) takes seconds. The unit's details are checked first, here; a refusal of the server is shown
        under its field and nothing is created, in the data folder or on the server."""
        try:
            setup = validate_setup(self._setup())
        except Refused as refusal:
            self._show_refusal(refusal.message)
            return
        from desktop.sync.upper_setup import init_upper_on_server

        data_dir = self.data_dir

        def work(progress, cancelled):
            books, _ = init_upper_on_server(data_dir, setup, url)
            books.close()  # opened again in the window's thread: a connection never crosses threads
            return True

        def done(_result) -> None:
            self.books = Books.open(self.data_dir)
            self.accept()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            if isinstance(exc, Refused):
                mark_invalid(self.server, True)
                self.server_error.show_message(exc.message)
                self.server.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                from ui.errors import show_error

                show_error(self, exc)

        self._set_busy(True)
        self.task = run_task(self, "Đang kết nối máy chủ PostgreSQL…", work, done, failed)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.next, self.back, self.server):
            widget.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    def _show_refusal(self, message: str) -> None:
        folded = fold(message)
        for words, key in _FIELD_WORDS:
            if words in folded:
                mark_invalid(self.fields[key], True)
                if self.steps.currentIndex() != 1:
                    self.steps.setCurrentIndex(1)
                    self._update_buttons()
                self.fields[key].setFocus(Qt.FocusReason.OtherFocusReason)
                break
        self.error.show_message(message)
