"""Money never moves on a stray key, and printed means printed.

The clerk types at a human pace (a key every 100–600 ms, the window answering between keys) into the forms
that first find a household and then act for it. The keys go wherever the focus is, as on a real keyboard,
so a form that moved the focus on its own would show the rest of the code in the wrong field. Nothing is
written before the confirmation; Enter and Esc on the confirmation go back; only its button records, once.
"""

from __future__ import annotations

import random
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QDialog

from desktop import clock
from desktop.domain import Category
from desktop.money import amount_in_words, format_vnd
from desktop.services.households import HouseholdQuery, list_households
from desktop.services.payments import PaymentInput, record_payment
from desktop.services.settings import words_options
from desktop.services.support import SupportInput, record_support
from tests.conftest import books_digest
from tests.ui.approving import approve

PACE = random.Random(15)  # the same "human" rhythm on every run


def focused():
    return QApplication.focusWidget()


def type_at_human_pace(qtbot, text: str) -> None:
    """One key at a time to whatever has the focus, 100–600 ms apart, events processed in between."""
    for char in text:
        qtbot.keyClick(focused(), char)
        qtbot.wait(PACE.randint(100, 600))


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)
    qtbot.wait(PACE.randint(100, 300))


def wait_for_focus(qtbot, widget) -> None:
    widget.window().activateWindow()
    qtbot.waitUntil(lambda: focused() is widget, timeout=20000)


def count(books, table: str, where: str = "1") -> int:
    return books.conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def words(books, amount: int) -> str:
    return amount_in_words(amount, **words_options(books))


def confirmation_shown(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.confirmation is not None and dialog.confirmation.isVisible(), timeout=20000)
    wait_for_focus(qtbot, dialog.confirmation.back)
    return dialog.confirmation


def go_back_by_enter_and_esc(qtbot, dialog, books) -> None:
    """Enter (the default button) and Esc both leave the confirmation without writing; so does the confirm
    button's letter typed without Alt."""
    before = books_digest(books.data_dir.database)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        shown = confirmation_shown(qtbot, dialog)
        assert shown.back.isDefault() and not shown.confirm.isDefault()
        press(qtbot, Qt.Key.Key_G)
        press(qtbot, Qt.Key.Key_H)
        press(qtbot, key)
        qtbot.waitUntil(lambda shown=shown: not shown.isVisible(), timeout=20000)
        assert books_digest(books.data_dir.database) == before
        dialog.activateWindow()
        qtbot.waitUntil(lambda: dialog.isActiveWindow(), timeout=20000)
        if key == Qt.Key.Key_Return:
            dialog.confirmation = None
            _submit(qtbot, dialog)


def _submit(qtbot, dialog) -> None:
    (dialog.ok if hasattr(dialog, "ok") else dialog.save).click()


def test_payment_typed_at_human_pace_records_one_receipt_only_from_the_confirmation(qtbot, window, demo_books,
                                                                                     settle):
    due = window.page("dashboard").due_model.row(0)
    code = due["household"]
    receipts = count(demo_books, "receipt")
    dialog = window.open_payment()
    wait_for_focus(qtbot, dialog.search)
    amount_before = dialog.amount.text()

    type_at_human_pace(qtbot, code.lower())
    # the search has answered: one household left, and still nothing is chosen
    qtbot.waitUntil(lambda: dialog.picker.model.rowCount() >= 1, timeout=20000)
    assert dialog.search.text() == code.lower()
    assert dialog.amount.text() == amount_before and dialog.payer.text() == ""
    assert focused() is dialog.search and dialog.household_code == ""
    assert dialog.picker.model.rowCount() >= 1

    press(qtbot, Qt.Key.Key_Return)  # Enter in the search chooses the highlighted household, nothing more
    assert dialog.household_code == code and dialog.confirmation is None
    assert count(demo_books, "receipt") == receipts and dialog.isVisible()
    wait_for_focus(qtbot, dialog.amount)  # chosen by the clerk: now the amount may take the focus
    dialog.project.setCurrentIndex(max(0, dialog.project.findData(due["project"])))
    amount = dialog.amount.amount()

    press(qtbot, Qt.Key.Key_Return)  # Enter on the form only shows what the receipt will say
    shown = confirmation_shown(qtbot, dialog)
    text = shown.plain_text()
    owed = next(d for d in dialog._dues if d["project"] == due["project"])["outstanding"]
    assert code in text and f"{format_vnd(amount)} đ" in text and words(demo_books, amount) in text
    assert f"Còn phải trả sau phiếu này: {format_vnd(owed - amount)} đ" in text
    assert f"{clock.today():%d/%m/%Y}" in text
    assert count(demo_books, "receipt") == receipts

    go_back_by_enter_and_esc(qtbot, dialog, demo_books)
    assert count(demo_books, "receipt") == receipts

    _submit(qtbot, dialog)
    confirmation_shown(qtbot, dialog)
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # "&Ghi phiếu thu": the deliberate act
    settle()
    assert count(demo_books, "receipt") == receipts + 1, dialog.error.text()
    assert dialog.outcome.receipt.amount == amount
    # The receipt shown in the preview is not printed until it is: cancelling the print dialog logs nothing.
    receipt_id = dialog.outcome.receipt.id
    qtbot.waitUntil(lambda: window.last_preview is not None, timeout=20000)
    _cancelled_print_leaves_it_unprinted(window.last_preview, demo_books, receipt_id, settle)


def test_unusual_payment_amounts_are_called_out_in_bold(qtbot, window, demo_books):
    due = window.page("dashboard").due_model.row(0)
    dialog = window.open_payment(due["household"], due["project"])
    wait_for_focus(qtbot, dialog.amount)
    before = books_digest(demo_books.data_dir.database)
    type_at_human_pace(qtbot, "1")  # "001" left from a household code, as in the report
    assert dialog.amount.amount() == 1
    press(qtbot, Qt.Key.Key_Return)
    shown = confirmation_shown(qtbot, dialog)
    assert "nhỏ hơn đơn vị làm tròn" in shown.plain_text() and words(demo_books, 1) in shown.plain_text()
    assert "<b style='color:#b00020'>Lưu ý" in shown.text.text()
    press(qtbot, Qt.Key.Key_Escape)
    next_amount = next(d for d in dialog._dues if d["project"] == due["project"])["next_amount"]
    owed = next(d for d in dialog._dues if d["project"] == due["project"])["outstanding"]
    if owed > next_amount + 1_000:
        dialog.amount.set_amount(next_amount + 1_500)
        dialog.record()
        text = confirmation_shown(qtbot, dialog).plain_text()
        assert "không chẵn theo đơn vị làm tròn" in text and "lớn hơn kỳ tới phải trả" in text
        press(qtbot, Qt.Key.Key_Escape)
    assert books_digest(demo_books.data_dir.database) == before


def test_support_typed_at_human_pace_is_recorded_only_from_the_confirmation(qtbot, window, demo_books, settle):
    members = {r[0] for r in demo_books.conn.execute(
        "SELECT h.code FROM membership m JOIN household h ON h.id = m.household_id JOIN project p "
        "ON p.id = m.project_id WHERE p.code = 'DA01'")}
    poor = next(r for r in list_households(demo_books, HouseholdQuery(category=Category.POOR), limit=500)
                if r["code"] not in members)
    approve(demo_books, "DA01", poor["code"])
    supports = count(demo_books, "membership")
    view = window.go("projects").open_project("DA01")
    dialog = view.add_support()
    wait_for_focus(qtbot, dialog.picker.search)

    type_at_human_pace(qtbot, poor["code"].lower())
    qtbot.waitUntil(lambda: dialog.picker.model.rowCount() >= 1, timeout=20000)
    assert dialog.picker.search.text() == poor["code"].lower() and dialog.amount.text() == ""
    assert focused() is dialog.picker.search and dialog.household_code == ""
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.household_code == poor["code"] and dialog.confirmation is None
    assert count(demo_books, "membership") == supports
    wait_for_focus(qtbot, dialog.amount)

    press(qtbot, Qt.Key.Key_Return)  # Enter on the form (the policy's amount): the confirmation, not a write
    shown = confirmation_shown(qtbot, dialog)
    text = shown.plain_text()
    assert poor["code"] in text and poor["head_name"] in text and poor["hamlet"] in text
    assert "Lịch trả:" in text and "mỗi kỳ, kỳ đầu" in text
    assert "đồng)" in text  # the amount in words
    assert count(demo_books, "membership") == supports

    go_back_by_enter_and_esc(qtbot, dialog, demo_books)
    _submit(qtbot, dialog)
    confirmation_shown(qtbot, dialog)
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # "&Ghi hỗ trợ"
    settle()
    assert dialog.result_info is not None, dialog.error.text()
    assert count(demo_books, "membership") == supports + 1
    assert words(demo_books, dialog.result_info.support_amount) in text


def test_a_re_lend_shows_what_the_fund_keeps(qtbot, window, demo_books):
    from desktop.queries.fund import fund_figures
    from desktop.services.projects import list_projects

    project = next(p for p in list_projects(demo_books) if p["status"] == "active"
                   and fund_figures(demo_books.conn, p["id"])["balance"] > 2_000_000)
    members = {r[0] for r in demo_books.conn.execute(
        "SELECT h.code FROM membership m JOIN household h ON h.id = m.household_id WHERE m.project_id = ?",
        (project["id"],))}
    poor = next(r for r in list_households(demo_books, HouseholdQuery(category=Category.POOR), limit=500)
                if r["code"] not in members)
    approve(demo_books, project["code"], poor["code"], rounds=(2, 3, 4, 5))
    dialog = window.go("projects").open_project(project["code"]).lend_from_fund()
    dialog.set_household(poor["code"])
    dialog.amount.setText("1.000.500")
    before = books_digest(demo_books.data_dir.database)
    dialog.save.click()
    shown = confirmation_shown(qtbot, dialog)
    assert "Quỹ còn" in shown.plain_text() and "sau khoản cho vay này" in shown.plain_text()
    assert "không chẵn theo đơn vị làm tròn" in shown.plain_text()
    assert "khác mức theo quy định" in shown.plain_text()
    assert shown.confirm.text() == "&Ghi cho vay lại"
    press(qtbot, Qt.Key.Key_Escape)
    assert books_digest(demo_books.data_dir.database) == before


def test_receipt_void_needs_the_confirmation(qtbot, window, demo_books, settle):
    page = window.go("receipts")
    settle()
    row = next(r for r in range(page.model.rowCount()) if not page.model.row(r)["voided_at"])
    receipt = page.model.row(row)
    page.table.selectRow(row)
    dialog = page.void_selected()
    wait_for_focus(qtbot, dialog.reason)
    type_at_human_pace(qtbot, "nham")
    assert dialog.reason.text() == "nham"
    press(qtbot, Qt.Key.Key_Return)  # Enter in the reason: the confirmation, nothing voided
    text = confirmation_shown(qtbot, dialog).plain_text()
    assert words(demo_books, receipt["amount"]) in text
    assert "Hộ còn phải trả sau khi hủy" in text and "Quỹ còn" in text and "sau khi hủy" in text
    go_back_by_enter_and_esc(qtbot, dialog, demo_books)
    assert count(demo_books, "receipt", f"voided_at IS NOT NULL AND id = {receipt['id']:d}") == 0
    _submit(qtbot, dialog)
    confirmation_shown(qtbot, dialog)
    press(qtbot, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # "&Hủy phiếu thu"
    settle()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert count(demo_books, "receipt", f"voided_at IS NOT NULL AND id = {receipt['id']:d}") == 1


def test_support_void_needs_the_confirmation(qtbot, window, demo_books, settle):
    members = {r[0] for r in demo_books.conn.execute(
        "SELECT h.code FROM membership m JOIN household h ON h.id = m.household_id JOIN project p "
        "ON p.id = m.project_id WHERE p.code = 'DA01'")}
    poor = next(r for r in list_households(demo_books, HouseholdQuery(category=Category.POOR), limit=500)
                if r["code"] not in members)
    approve(demo_books, "DA01", poor["code"])
    recorded = record_support(demo_books, SupportInput("DA01", poor["code"], clock.today()))
    view = window.go("projects").open_project("DA01")
    dialog = view.void_support()
    index = next(i for i, m in enumerate(dialog.choices) if m["code"] == poor["code"])
    dialog.support.setCurrentIndex(index)
    dialog.reason.setFocus()
    wait_for_focus(qtbot, dialog.reason)
    type_at_human_pace(qtbot, "nham")
    press(qtbot, Qt.Key.Key_Return)
    text = confirmation_shown(qtbot, dialog).plain_text()
    assert poor["code"] in text and words(demo_books, recorded.support_amount) in text
    assert "Quỹ còn" in text and "không còn được tính" in text
    voided = "voided_at IS NOT NULL"
    before = count(demo_books, "membership", voided)
    go_back_by_enter_and_esc(qtbot, dialog, demo_books)
    _submit(qtbot, dialog)
    confirmation_shown(qtbot, dialog)
    press(qtbot, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # "&Hủy khoản hỗ trợ"
    settle()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert count(demo_books, "membership", voided) == before + 1


# ---------------------------------------------------------------------- printed means printed

def _prints(books, receipt_id: int) -> list[int]:
    return [r[0] for r in books.conn.execute("SELECT is_copy FROM receipt_print WHERE receipt_id = ? ORDER BY id",
                                             (receipt_id,))]


def _cancelled_print_leaves_it_unprinted(preview, books, receipt_id: int, settle) -> None:
    calls = []

    def cancelled(self):
        calls.append(self)
        return QDialog.DialogCode.Rejected

    mp = pytest.MonkeyPatch()
    mp.setattr(QPrintDialog, "exec", cancelled)
    try:
        preview.choose_printer()
    finally:
        mp.undo()
    settle()
    assert calls and _prints(books, receipt_id) == []


def _select(page, receipt_id: int) -> None:
    page.table.selectRow(next(r for r in range(page.model.rowCount()) if page.model.row(r)["id"] == receipt_id))


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_cancelled_print_dialog_leaves_the_receipt_unprinted(qtbot, window, demo_books, settle, tmp_path,
                                                               monkeypatch):
    due = window.page("dashboard").due_model.row(0)
    issued = record_payment(demo_books, PaymentInput(due["project"], due["household"], 1_000, clock.today()))
    page = window.go("receipts")
    settle()
    row = next(r for r in range(page.model.rowCount()) if page.model.row(r)["id"] == issued.receipt.id)
    page.table.selectRow(row)
    page.print_selected()
    settle()
    preview = page.last_preview
    assert "BẢN SAO" not in pdf_text(preview.path)
    _cancelled_print_leaves_it_unprinted(preview, demo_books, issued.receipt.id, settle)

    # Shown again: still the original, since nothing reached paper.
    _select(page, issued.receipt.id)
    page.print_selected()
    settle()
    preview = page.last_preview
    assert "BẢN SAO" not in pdf_text(preview.path) and _prints(demo_books, issued.receipt.id) == []

    # This time the print job is accepted (to a PDF printer): logged as the original; the next is a copy.
    def accepted(self):
        printer = self.printer()
        printer.setOutputFormat(printer.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "may-in.pdf"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accepted)
    preview.choose_printer()
    settle()
    assert (tmp_path / "may-in.pdf").exists() and _prints(demo_books, issued.receipt.id) == [0]
    preview.choose_printer()  # printed again from the same preview: logged as a copy, not a second original
    settle()
    assert _prints(demo_books, issued.receipt.id) == [0, 1]
    _select(page, issued.receipt.id)  # the register reloaded after the print was logged
    page.print_selected()
    settle()
    assert page.last_preview is not preview
    assert "BẢN SAO" in pdf_text(page.last_preview.path)


def test_a_saved_pdf_counts_as_printed_and_a_failed_save_does_not(qtbot, window, demo_books, settle, tmp_path):
    due = window.page("dashboard").due_model.row(0)
    issued = record_payment(demo_books, PaymentInput(due["project"], due["household"], 1_000, clock.today()))
    page = window.go("receipts")
    settle()
    row = next(r for r in range(page.model.rowCount()) if page.model.row(r)["id"] == issued.receipt.id)
    page.table.selectRow(row)
    page.print_selected()
    settle()
    preview = page.last_preview
    errors = []
    import ui.dialogs.pdf_preview as pdf_preview

    original = pdf_preview.show_error
    pdf_preview.show_error = lambda parent, exc: errors.append(exc)
    try:
        preview.save_to(tmp_path / "khong-co-thu-muc" / "phieu.pdf")
    finally:
        pdf_preview.show_error = original
    settle()
    assert errors and _prints(demo_books, issued.receipt.id) == []
    preview.save_to(tmp_path / "phieu.pdf")
    settle()
    assert _prints(demo_books, issued.receipt.id) == [0]


def test_a_household_is_chosen_by_down_and_enter_or_a_double_click_never_by_one_click(qtbot, demo_books):
    from ui.dialogs.payment import PaymentDialog

    dialog = PaymentDialog(demo_books)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for_focus(qtbot, dialog.search)
    type_at_human_pace(qtbot, "h0001")
    table, model = dialog.picker.table, dialog.picker.model
    qtbot.waitUntil(lambda: model.rowCount() > 1, timeout=20000)
    second = model.row(1)["code"]
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(model.index(1, 0)).center())
    assert dialog.household_code == ""  # one click only highlights
    dialog.search.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is table
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.household_code == model.row(table.currentIndex().row())["code"]
    assert dialog.confirmation is None
    dialog.household_code = ""
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(model.index(1, 0)).center())
    assert dialog.household_code == second and dialog.confirmation is None
