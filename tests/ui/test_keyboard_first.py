"""Keyboard-first and Vietnamese Qt: Qt's own strings (standard buttons, file dialog, a text box's menu) in
Vietnamese; Alt+N for the pages; shortcuts for the frequent actions and F1 to list them; the first-run wizard
with keys only; type-to-search in long combo boxes; a mnemonic on every button of every page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

from desktop.books import Books
from desktop.resources import resource_path
from ui.main_window import KEYS, UPPER_KEYS


@pytest.fixture
def vietnamese_qt(qapp):
    """Qt's strings in Vietnamese as the program loads them at start; taken off again afterwards."""
    from ui.app import install_qt_translation

    assert install_qt_translation(qapp)
    yield qapp
    qapp.removeTranslator(qapp._vonxoay_translator)
    qapp._vonxoay_translator = None
    qapp.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, False)


def _plain(text: str) -> str:
    return text.replace("&", "").split("\t")[0]


def _active(qtbot, widget):
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=20000)
    return widget


# ------------------------------------------------------------------------------------------ Vietnamese Qt
def test_message_box_standard_buttons_are_vietnamese(vietnamese_qt):
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, "VốnXoay", "Ghi?",
                      buttons.Yes | buttons.No | buttons.Ok | buttons.Cancel | buttons.Save | buttons.Close)
    texts = {_plain(box.button(b).text()) for b in (buttons.Yes, buttons.No, buttons.Ok, buttons.Cancel,
                                                      buttons.Save, buttons.Close)}
    assert texts == {"Có", "Không", "Đồng ý", "Hủy", "Lưu", "Đóng"}
    box.deleteLater()


def test_qt_drawn_file_dialog_is_vietnamese(vietnamese_qt):
    if not QApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs):
        pytest.skip("Windows keeps its own (native) file dialog")
    dialog = QFileDialog(None, "Lưu báo cáo")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = {_plain(label.text()) for label in dialog.findChildren(QLabel)}
    buttons = {_plain(button.text()) for button in dialog.findChildren(QPushButton)}
    assert {"Tìm trong:", "Tên tệp:", "Loại tệp:"} <= labels
    assert {"Lưu", "Hủy"} <= buttons
    assert not labels & {"Look in:", "File name:", "Files of type:"}
    dialog.deleteLater()


def test_line_edit_menu_is_vietnamese(vietnamese_qt):
    edit = QLineEdit("Thôn Đông")
    menu = edit.createStandardContextMenu()
    texts = [_plain(action.text()) for action in menu.actions() if action.text()]
    assert {"Hoàn tác", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"} <= set(texts)
    menu.deleteLater()


def test_print_dialog_is_vietnamese(vietnamese_qt):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer)
    buttons = {_plain(b.text()) for b in dialog.findChildren(QPushButton)}
    assert {"In", "Hủy", "Thuộc tính"} <= buttons
    assert "Số bản:" in {_plain(label.text()) for label in dialog.findChildren(QLabel)}
    dialog.deleteLater()


def test_the_compiled_translation_is_the_source_compiled(tmp_path):
    """The committed .qm is what the set-up's lrelease makes of the .ts (deterministic), so neither lags."""
    venv_tool = Path(sys.executable).with_name("pyside6-lrelease")
    lrelease = str(venv_tool) if venv_tool.exists() else shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("no pyside6-lrelease here")
    fresh = tmp_path / "qt_vi.qm"
    subprocess.run([lrelease, "-silent", str(resource_path("translations", "qt_vi.ts")), "-qm", str(fresh)],
                   check=True)
    assert fresh.read_bytes() == resource_path("translations", "qt_vi.qm").read_bytes()


# ------------------------------------------------------------------------------------------ the window
def test_alt_and_ctrl_digits_open_each_page(window, qtbot):
    _active(qtbot, window)
    for modifier in (Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier):
        for number, key in reversed(list(enumerate(KEYS, 1))):
            qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), modifier)
            assert window.current_key() == key
            assert window.pages.currentWidget() is window.page(key)


def test_f1_lists_the_shortcuts(window, qtbot):
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.last_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Phím tắt"
    keys = [k for k, _ in dialog.rows()]
    for wanted in ("F2", "Ctrl+N", "Ctrl+Shift+N", "Ctrl+E", "Del hoặc Ctrl+D", "F1"):
        assert wanted in keys
    assert keys[0].startswith(f"Alt+1 … Alt+{len(KEYS)}") and len(KEYS) == 9
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_each_shortcut_opens_its_dialog(window, qtbot, settle, monkeypatch):
    from ui.dialogs.household_form import HouseholdForm
    from ui.dialogs.payment import PaymentDialog
    from ui.dialogs.project_form import ProjectForm
    from ui.dialogs.void_receipt import VoidReceiptDialog

    _active(qtbot, window)
    opened = []
    monkeypatch.setattr(QDialog, "open", lambda self: (opened.append(self), self.show()))
    control, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier

    def press(key, modifiers=Qt.KeyboardModifier.NoModifier, target=None):
        opened.clear()
        _active(qtbot, window)  # back from the dialog closed before
        qtbot.keyClick(target or window, key, modifiers)
        dialog = opened[-1] if opened else None
        if dialog is not None:
            dialog.reject()
        return dialog

    assert isinstance(press(Qt.Key.Key_N, control), HouseholdForm) and window.current_key() == "households"
    assert isinstance(press(Qt.Key.Key_N, control | shift), ProjectForm) and window.current_key() == "projects"
    assert isinstance(press(Qt.Key.Key_F2), PaymentDialog)
    # The receipts register: Ctrl+D, and Del where the register has the focus, void the selected receipt.
    page = window.go("receipts")
    settle()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    row = next(r for r in range(page.model.rowCount()) if not page.model.row(r)["voided_at"])
    page.table.selectRow(row)
    assert isinstance(press(Qt.Key.Key_D, control), VoidReceiptDialog)
    page.table.setFocus()
    assert isinstance(press(Qt.Key.Key_Delete, target=page.table), VoidReceiptDialog)
    # Del in a text box deletes text, as always.
    qtbot.keyClicks(window.go("households").search, "abc")
    window.page("households").search.home(False)
    assert press(Qt.Key.Key_Delete, target=window.page("households").search) is None
    assert window.page("households").search.text() == "bc"
    # Ctrl+E on the reports page: its "Xuất Excel…" asks where to save.
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (asked.append(a[1]), ("", ""))[1])
    reports = window.go("reports")
    qtbot.keyClick(window, Qt.Key.Key_E, control)
    assert asked == ["Lưu báo cáo"] and reports.xlsx_button.text().startswith("Xuất &Excel")


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _check_mnemonics(window, keys) -> None:
    for key in keys:
        page = window.go(key)
        seen: dict[str, str] = {}
        for button in page.findChildren(QPushButton):
            if button.window() is not window:
                continue  # a progress window's Hủy (Esc), not a button of the page
            letter = _mnemonic(button.text())
            assert letter, f"{key}: «{button.text()}» has no Alt letter"
            assert letter not in seen, f"{key}: «{button.text()}» and «{seen[letter]}» share Alt+{letter}"
            seen[letter] = button.text()


def test_every_button_of_every_page_has_its_own_alt_letter(window, settle):
    _check_mnemonics(window, KEYS)
    settle()


def test_every_button_of_the_upper_pages_has_its_own_alt_letter(qtbot, tmp_path):
    from tests.sync_helpers import make_upper
    from ui.main_window import MainWindow
    from ui.workers import wait_for_workers

    upper = make_upper(tmp_path)
    with Books.open(upper) as books:
        window = MainWindow(books)
        qtbot.addWidget(window)
        window.show()
        _active(qtbot, window)
        for number, key in enumerate(UPPER_KEYS, 1):
            qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.AltModifier)
            assert window.current_key() == key
        _check_mnemonics(window, UPPER_KEYS)
        window.close()
        wait_for_workers(20000)


# ------------------------------------------------------------------------------------------ the wizard
def _type(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _key(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def test_the_wizard_is_completed_with_the_keyboard_alone(qtbot, data_dir):
    from desktop.services.hamlets import list_hamlets
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    _active(qtbot, wizard)
    _key(qtbot, Qt.Key.Key_Return)  # "set up my commune" is chosen already
    assert wizard.steps.currentIndex() == 1 and QApplication.focusWidget() is wizard.fields["commune_code"]
    for text in ("10507", "Xa Duc Chinh", "290", "Huyen Cam Giang"):
        _type(qtbot, text)
        _key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() in (wizard.province, wizard.province.lineEdit())
    _type(qtbot, "hai phong")
    _key(qtbot, Qt.Key.Key_Return)  # settles on the province, stays on this step
    assert wizard.steps.currentIndex() == 1
    assert (wizard.fields["province_code"].text(), wizard.fields["province_name"].text()) == \
        ("31", "Thành phố Hải Phòng")
    _key(qtbot, Qt.Key.Key_Return)  # now Enter goes on
    assert wizard.steps.currentIndex() == 2 and QApplication.focusWidget() is wizard.signers["signer_chairman"]
    _type(qtbot, "Nguyen Van An")
    for _ in range(5):  # the other three signatories, the receipt book, then the hamlets
        _key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is wizard.hamlets
    _type(qtbot, "Thon Dong")
    _key(qtbot, Qt.Key.Key_Return)
    _type(qtbot, "Thon Tay")
    _key(qtbot, Qt.Key.Key_Tab)  # Tab leaves the box instead of typing a tab into it
    assert QApplication.focusWidget() is not wizard.hamlets and "\t" not in wizard.hamlets.toPlainText()
    _key(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is wizard.hamlets
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter: Bắt đầu
    assert wizard.result() == QDialog.DialogCode.Accepted
    books = wizard.books
    assert books.settings()["commune_name"] == "Xa Duc Chinh" and books.settings()["province_code"] == "31"
    assert sorted(h["name"] for h in list_hamlets(books)) == ["Thon Dong", "Thon Tay"]
    books.close()


def test_typing_a_province_without_diacritics_selects_it(qtbot, data_dir):
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    _active(qtbot, wizard)
    _key(qtbot, Qt.Key.Key_Return)
    wizard.old_provinces.setChecked(True)  # Hải Dương is in the 63-province list
    wizard.province.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (wizard.province, wizard.province.lineEdit()))
    _type(qtbot, "hai duong")
    assert wizard.province.completer().completionCount() == 1  # Hải Phòng, Bình Dương left out
    _key(qtbot, Qt.Key.Key_Return)
    assert wizard.province.currentText() == "30 — Tỉnh Hải Dương"
    assert wizard.fields["province_name"].text() == "Tỉnh Hải Dương"
    # Capitals and a code work too; a name that is no province puts the chosen one back.
    wizard.province.lineEdit().selectAll()
    _type(qtbot, "BINH DUONG")
    _key(qtbot, Qt.Key.Key_Tab)
    assert wizard.fields["province_code"].text() == "74"
    wizard.province.setFocus()
    wizard.province.lineEdit().selectAll()
    _type(qtbot, "xyz")
    _key(qtbot, Qt.Key.Key_Return)
    assert wizard.province.currentText() == "74 — Tỉnh Bình Dương" and wizard.province.count() == 1 + 63


def test_a_province_merged_in_2025_typed_by_its_old_name_finds_the_unit_that_took_it_over(qtbot, data_dir):
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    _active(qtbot, wizard)
    _key(qtbot, Qt.Key.Key_Return)
    assert not wizard.old_provinces.isChecked()  # the 34 units since 7/2025
    wizard.province.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (wizard.province, wizard.province.lineEdit()))
    _type(qtbot, "hai duong")
    _key(qtbot, Qt.Key.Key_Return)
    assert wizard.province.currentText() == "31 — Thành phố Hải Phòng"
    assert wizard.fields["province_name"].text() == "Thành phố Hải Phòng"
    assert wizard.province_note.isVisibleTo(wizard)
    assert "Tỉnh Hải Dương đã hợp nhất vào Thành phố Hải Phòng từ 01/07/2025" in wizard.province_note.text()
    # A province typed by its own name says nothing more.
    wizard.province.lineEdit().selectAll()
    _type(qtbot, "hai phong")
    _key(qtbot, Qt.Key.Key_Return)
    assert wizard.province.currentText() == "31 — Thành phố Hải Phòng" and not wizard.province_note.isVisibleTo(wizard)


def test_long_combo_boxes_search_as_the_clerk_types(qtbot, demo_books):
    from ui.dialogs.household_form import HouseholdForm
    from ui.dialogs.project_form import ProjectForm

    form = ProjectForm(demo_books)
    qtbot.addWidget(form)
    names = [form.policy.itemText(i) for i in range(form.policy.count())]
    assert names and not any(re.match(r"^[a-z0-9-]+ — ", n) for n in names)  # the name, not the internal code
    assert form.policy.isEditable() and form.policy.completer() is not None
    household = HouseholdForm(demo_books)
    qtbot.addWidget(household)
    combos = [household.hamlet] + [c for c in form.findChildren(QComboBox) if c is form.programme]
    assert all(c.isEditable() and c.completer() is not None for c in combos)


def _check_dialog_mnemonics(dialog) -> None:
    seen: dict[str, str] = {}
    for button in dialog.findChildren(QPushButton):
        if not button.isVisibleTo(dialog):
            continue
        letter = _mnemonic(button.text())
        assert letter, f"{type(dialog).__name__}: «{button.text()}» has no Alt letter"
        assert letter not in seen, f"«{button.text()}» and «{seen[letter]}» share Alt+{letter}"
        seen[letter] = button.text()


def test_every_button_of_the_money_dialogs_has_its_own_alt_letter(qtbot, demo_books):
    from desktop.services.projects import list_projects, project_members
    from ui.dialogs.household_form import HouseholdForm
    from ui.dialogs.payment import PaymentDialog
    from ui.dialogs.project_form import ProjectForm
    from ui.dialogs.project_view import ProjectView, PublicWorksDialog
    from ui.dialogs.support import SupportDialog
    from ui.dialogs.void_support import VoidSupportDialog

    code = next(p["code"] for p in list_projects(demo_books) if p["households"])
    members = project_members(demo_books, code)[1]
    dialogs = [ProjectView(demo_books, code), PaymentDialog(demo_books), SupportDialog(demo_books, code),
               SupportDialog(demo_books, code, from_fund=True), VoidSupportDialog(demo_books, code, members),
               PublicWorksDialog(demo_books, code), ProjectForm(demo_books), HouseholdForm(demo_books)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        _check_dialog_mnemonics(dialog)
        for tab in range(dialog.tabs.count() if isinstance(dialog, ProjectView) else 0):
            dialog.tabs.setCurrentIndex(tab)  # each tab's own buttons beside the project's
            _check_dialog_mnemonics(dialog)
        dialog.close()


def test_every_button_of_the_approval_user_and_void_request_dialogs_has_its_own_alt_letter(qtbot, demo_books):
    from desktop.services.projects import list_projects
    from desktop.services.settings import update_settings
    from ui.dialogs.approval import ApprovalDialog
    from ui.dialogs.project_view import ProjectView
    from ui.dialogs.sign_in import SignInDialog
    from ui.dialogs.users import AddUserDialog, PasswordDialog
    from ui.dialogs.void_requests import VoidRequestsDialog

    update_settings(demo_books, {"two_person_voids": "1"})
    code = next(p["code"] for p in list_projects(demo_books) if p["households"])
    view = ProjectView(demo_books, code)
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentWidget(view.approvals)  # the tab's own buttons, with the view's
    _check_dialog_mnemonics(view)
    view.close()
    dialogs = [ApprovalDialog(demo_books, code), AddUserDialog(demo_books), PasswordDialog(demo_books),
               SignInDialog(demo_books), VoidRequestsDialog(demo_books)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        _check_dialog_mnemonics(dialog)
        dialog.close()
