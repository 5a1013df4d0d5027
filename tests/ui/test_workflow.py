"""The clerk's first morning, driven through the real widgets: set up the commune, register a project and a
household, record support, take a payment (receipt PDF written and previewed), void a receipt."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop import clock
from desktop.money import format_vnd
from desktop.services.dashboard import household_dues, receipt_register
from tests.conftest import books_digest
from tests.ui.approving import approve
from tests.ui.confirming import confirm, confirmation_of


def type_into(widget, text: str) -> None:
    """Type as the clerk does; QTest cannot synthesise keys for Vietnamese letters, so insert() them, which
    goes through the same editing signals as typing."""
    widget.setFocus()
    widget.insert(text)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def set_up_commune(qtbot, data_dir):
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)  # "set up my commune" is preselected
    values = {"commune_code": "10507", "commune_name": "Xã Đức Chính", "upper_code": "290",
              "upper_name": "Huyện Cẩm Giàng", "province_code": "30", "province_name": "Tỉnh Hải Dương"}
    for key, value in values.items():
        type_into(wizard.fields[key], value)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.steps.currentIndex() == 2
    type_into(wizard.signers["signer_chairman"], "Nguyễn Văn Thành")
    type_into(wizard.signers["signer_cashier"], "Phạm Thị Thu")
    wizard.hamlets.setPlainText("Thôn Đông\nThôn Tây\nthon dong")
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.result() == wizard.DialogCode.Accepted
    # A commune set up now requires approval: a support follows the chairman's decision.
    assert wizard.books.setting("require_approval") == "1"
    yield wizard.books
    wizard.books.close()


def test_wizard_refuses_a_bad_commune_code_on_its_field_and_keeps_the_rest(qtbot, data_dir):
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    type_into(wizard.fields["commune_code"], "105")
    type_into(wizard.fields["commune_name"], "Xã Đức Chính")
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.steps.currentIndex() == 1
    assert wizard.fields["commune_code"].property("invalid") == "true"
    assert "Mã xã" in wizard.error.text()
    assert wizard.fields["commune_name"].text() == "Xã Đức Chính"
    assert not data_dir.database.exists()


def test_first_morning_from_wizard_to_receipt_pdf(qtbot, set_up_commune, settle):
    from ui.main_window import MainWindow

    books = set_up_commune
    assert books.setting("signer_chairman") == "Nguyễn Văn Thành"
    window = MainWindow(books, start_page="projects")
    qtbot.addWidget(window)
    window.show()
    assert "Xã Đức Chính" in window.commune_label.text()
    assert "chưa có" in window.backup_label.text()

    # Dự án → Đăng ký dự án
    projects = window.page("projects")
    form = projects.add_project()
    type_into(form.code, "DA01")
    type_into(form.name, "Nuôi bò sinh sản thôn Đông")
    form.programme.setCurrentIndex(form.programme.findData("GNBV"))
    form.component.setCurrentIndex(form.component.findData("Dự án 2"))
    form.budgets["budget_central"].setText("300.000.000")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    settle()
    assert form.error.text() == ""
    assert projects.model.rowCount() == 1 and projects.model.row(0)["code"] == "DA01"

    # Hộ gia đình → Thêm hộ
    households = window.go("households")
    form = households.add_household()
    type_into(form.head_name, "Nguyễn Văn Dũng")
    form.hamlet.setCurrentText("Thôn Đông")
    form.category.setCurrentIndex(form.category.findData(form.category.itemData(0)))  # Hộ nghèo
    form.category_on.set_date(date(2024, 1, 1))
    type_into(form.id_number, "030085001234")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    settle()
    qtbot.waitUntil(lambda: households.model.total == 1, timeout=20000)
    assert form.error.text() == ""
    assert households.model.total == 1
    code = households.model.row_at(0)["code"]

    # Dự án → mở dự án → Phê duyệt → Ghi quyết định for the household, with the policy's amount
    view = window.go("projects").open_project("DA01")
    decision = view.record_approval()
    type_into(decision.number, "15/QĐ-UBND")
    decision.picker.search.setText(code)
    decision.picker.find()
    decision.picker.choose(decision.picker.model.row(0))
    assert decision.codes() == [code]
    qtbot.mouseClick(decision.save, Qt.MouseButton.LeftButton)
    confirm(qtbot, decision)
    settle()
    assert decision.result_info is not None, decision.error.text()

    # Ghi hỗ trợ (the policy amount for a poor household)
    dialog = view.add_support()
    dialog.set_household(code)
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    confirm(qtbot, dialog)
    settle()
    assert dialog.result_info is not None, dialog.error.text()
    assert dialog.result_info.support_amount == 7_000_000
    dues = household_dues(books, code)
    assert dues[0]["outstanding"] == 4_667_000

    # Thu hồi vốn: amount prefilled with the next installment, Enter shows the confirmation, which records it;
    # the receipt previews.
    payment = window.open_payment(code)
    assert payment.amount.text() == "2.333.000"
    assert payment.paid_on.value() == clock.today()
    payment.amount.setFocus()
    qtbot.keyClick(payment.amount, Qt.Key.Key_Return)
    confirm(qtbot, payment)
    settle()
    assert payment.result_info is not None, payment.error.text()
    pdf = payment.result_info["pdf"]
    text = pdf_text(pdf)
    assert "PHIẾU THU" in text and "Nguyễn Văn Dũng" in text and "2.333.000" in text
    assert "Nguyễn Văn Thành" in text  # the chairman typed in the wizard signs it
    assert window.last_preview.path == payment.result_info["pdf"] or str(window.last_preview.path) == pdf
    assert len(window.last_preview.pages) == 1
    assert household_dues(books, code)[0]["outstanding"] == 2_334_000


def test_overpayment_is_stopped_on_the_form_and_nothing_is_written(qtbot, window, demo_books):
    due = window.page("dashboard").due_model.row(0)
    dialog = window.open_payment(due["household"], due["project"])
    owed = next(d for d in household_dues(demo_books, due["household"]) if d["project"] == due["project"])
    before = books_digest(demo_books.data_dir.database)
    dialog.amount.setText(format_vnd(owed["outstanding"] + 1000))
    assert dialog.amount.property("invalid") == "true"
    assert not dialog.ok.isEnabled()
    assert "lớn hơn số hộ còn phải trả" in dialog.error.text()
    dialog.record()
    assert dialog.result_info is None
    assert books_digest(demo_books.data_dir.database) == before
    # Both ways of writing the amount are read the same.
    dialog.amount.setText("1000")
    assert dialog.ok.isEnabled()
    dialog.amount.setText("1.000")
    assert dialog.ok.isEnabled() and dialog.amount.amount() == 1000
    dialog.amount.setText("1,5")
    assert not dialog.ok.isEnabled()


def test_in_kind_payment_needs_a_description(qtbot, window, demo_books, settle):
    due = window.page("dashboard").due_model.row(0)
    dialog = window.open_payment(due["household"], due["project"])
    before = books_digest(demo_books.data_dir.database)
    dialog.in_kind_box.setChecked(True)
    dialog.record()
    assert dialog.in_kind.property("invalid") == "true"
    assert books_digest(demo_books.data_dir.database) == before
    type_into(dialog.in_kind, "1 con bê cái")
    dialog.record()
    confirm(qtbot, dialog)
    settle()
    assert dialog.result_info["receipt"].method == "in_kind"


def test_household_form_marks_the_bad_field_and_keeps_what_was_typed(qtbot, window, demo_books, settle):
    page = window.go("households")
    form = page.add_household()
    before = books_digest(demo_books.data_dir.database)
    type_into(form.head_name, "Đặng Thị Hồng")
    type_into(form.id_number, "12345")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    settle()
    assert form.id_number.property("invalid") == "true"
    assert "12 chữ số" in form.error.text()
    assert form.head_name.text() == "Đặng Thị Hồng" and form.id_number.text() == "12345"
    assert books_digest(demo_books.data_dir.database) == before
    form.id_number.clear()
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    settle()
    assert form.result() == form.DialogCode.Accepted


def test_void_a_receipt_needs_reason_and_confirmation(qtbot, window, demo_books, settle):
    page = window.go("receipts")
    settle()
    row = next(r for r in range(page.model.rowCount()) if not page.model.row(r)["voided_at"])
    receipt = page.model.row(row)
    page.table.selectRow(row)
    dialog = page.void_selected()
    before = books_digest(demo_books.data_dir.database)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.reason.property("invalid") == "true"
    type_into(dialog.reason, "ghi nhầm số tiền")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert books_digest(demo_books.data_dir.database) == before  # not confirmed yet
    confirm(qtbot, dialog)
    settle()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    voided = next(r for r in receipt_register(demo_books) if r["id"] == receipt["id"])
    assert voided["void_reason"] == "ghi nhầm số tiền"
    shown = next(page.model.row(r) for r in range(page.model.rowCount()) if page.model.row(r)["id"] == receipt["id"])
    assert shown["status"].startswith("ĐÃ HỦY")


def test_payment_dialog_finds_the_household_typed_without_diacritics(qtbot, window, demo_books):
    from desktop.services.households import HouseholdQuery, list_households
    from desktop.text import fold

    due = window.page("dashboard").due_model.row(0)
    code = due["household"]
    name = next(r["head_name"] for r in list_households(demo_books, HouseholdQuery(search=code)) if r["code"] == code)
    dialog = window.open_payment()
    qtbot.keyClicks(dialog.search, f"{fold(name)} {code.lower()}")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # picks the household, records nothing yet
    qtbot.waitUntil(lambda: getattr(dialog, "household_code", None) == code, timeout=20000)
    assert dialog.result_info is None
    assert dialog.project.count() >= 1
    assert dialog.amount.amount() > 0 and dialog.ok.isEnabled()


def test_wizard_can_open_the_demo_commune(qtbot, data_dir):
    from ui.dialogs.first_run import DEMO, FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.choice.button(DEMO).setChecked(True)
    assert wizard.next.text() == "&Bắt đầu"
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    try:
        assert wizard.books.setting("demo") == "1"
    finally:
        wizard.books.close()


def test_wizard_restores_a_verified_backup_and_refuses_a_bad_file(qtbot, tmp_path, demo_books):
    from desktop.paths import DataDir
    from desktop.services.backup import backup_now
    from ui.dialogs.first_run import RESTORE, FirstRunWizard

    copy = backup_now(demo_books, tmp_path / "sao-luu.sqlite")
    target = DataDir(tmp_path / "may-moi")
    wizard = FirstRunWizard(target)
    qtbot.addWidget(wizard)
    wizard.choice.button(RESTORE).setChecked(True)
    bogus = tmp_path / "hong.sqlite"
    bogus.write_bytes(b"not a database")
    wizard.backup_path.setText(str(bogus))
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert "không phải" in wizard.error.text()
    assert not target.database.exists()
    wizard.backup_path.setText(str(copy))
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    try:
        assert wizard.books.setting("commune_code") == "10507"
    finally:
        wizard.books.close()


def test_support_above_the_policy_shows_the_warning_before_anything_is_written(qtbot, window, demo_books, settle):
    from desktop.domain import Category
    from desktop.services.households import HouseholdQuery, list_households

    poor = list_households(demo_books, HouseholdQuery(category=Category.POOR), limit=1)[0]
    approve(demo_books, "DA01", poor["code"])
    view = window.go("projects").open_project("DA01")
    dialog = view.add_support()
    qtbot.keyClicks(dialog.picker.search, poor["code"].lower())
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.household_code == poor["code"] and dialog.result_info is None
    dialog.amount.setText("9.000.000")
    before = books_digest(demo_books.data_dir.database)
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert "cao hơn mức quy định" in dialog.warnings.text()
    shown = confirmation_of(qtbot, dialog)
    assert "cao hơn mức quy định" in shown.plain_text() and "khác mức theo quy định" in shown.plain_text()
    assert books_digest(demo_books.data_dir.database) == before
    confirm(qtbot, dialog)
    settle()
    assert dialog.result_info.support_amount == 9_000_000
    assert any(w.code == "above_policy" for w in dialog.result_info.warnings)
