"""Approvals, users, sign-in and two-person voids in the window, driven through the real widgets at a human
pace: the decision recorded in the project's Phê duyệt tab makes the support possible; users are added in
Cài đặt; a wrong password is refused and asked again; a void asked by one user waits for another."""

from __future__ import annotations

import subprocess
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.domain import Category
from desktop.services.approvals import list_decisions
from desktop.services.households import HouseholdQuery, list_households
from tests.conftest import books_digest
from tests.ui.test_money_confirmation import (
    confirmation_shown,
    count,
    focused,
    press,
    type_at_human_pace,
    wait_for_focus,
)


def _outside(books, project: str, category=Category.POOR) -> dict:
    members = {r[0] for r in books.conn.execute(
        "SELECT h.code FROM membership m JOIN household h ON h.id = m.household_id JOIN project p "
        "ON p.id = m.project_id WHERE p.code = ?", (project,))}
    approved = {h["code"] for d in list_decisions(books.conn, project) for h in d["households"]}
    return next(r for r in list_households(books, HouseholdQuery(category=category), limit=500)
                if r["code"] not in members | approved)


def _pick(qtbot, picker, code: str) -> None:
    wait_for_focus(qtbot, picker.search)
    type_at_human_pace(qtbot, code.lower())
    qtbot.wait(300)
    press(qtbot, Qt.Key.Key_Return)  # chooses the highlighted household, writes nothing


def test_a_support_is_refused_until_a_decision_is_recorded_in_the_approvals_tab(qtbot, window, demo_books, settle):
    poor = _outside(demo_books, "DA01")
    view = window.go("projects").open_project("DA01")

    # Without a decision the support form says how to fix it in the window, and writes nothing.
    support = view.add_support()
    _pick(qtbot, support.picker, poor["code"])
    assert support.household_code == poor["code"]
    assert support.picker.model.rowCount() == 0 or "Chưa có quyết định" in [
        support.picker.model.row(r)["approval"] for r in range(support.picker.model.rowCount())][0]
    before = books_digest(demo_books.data_dir.database)
    support.save.click()
    assert support.confirmation is None
    assert "chưa có trong quyết định phê duyệt" in support.error.text()
    assert "Ghi quyết định ở thẻ Phê duyệt" in support.error.text() and "approval add" not in support.error.text()
    assert books_digest(demo_books.data_dir.database) == before
    support.reject()

    # Phê duyệt › Ghi quyết định…: number, the household typed, its policy amount; Enter, then the confirmation.
    decisions = len(list_decisions(demo_books.conn, "DA01"))
    all_decisions = count(demo_books, "approval_decision")
    dialog = view.record_approval()
    assert view.tabs.currentWidget() is view.approvals
    wait_for_focus(qtbot, dialog.number)
    type_at_human_pace(qtbot, "77/QD-UBND")
    dialog.picker.search.setFocus()
    _pick(qtbot, dialog.picker, poor["code"])
    assert dialog.codes() == [poor["code"]] and focused() is dialog.picker.search
    assert dialog.chosen.item(0, 4).text() == "7.000.000"
    assert count(demo_books, "approval_decision") == all_decisions  # nothing yet
    dialog.save.click()
    shown = confirmation_shown(qtbot, dialog)
    text = shown.plain_text()
    assert "77/QD-UBND" in text and poor["code"] in text and "Bảy triệu đồng" in text
    press(qtbot, Qt.Key.Key_Escape)  # back to the form: nothing written
    assert books_digest(demo_books.data_dir.database) == before
    dialog.save.click()
    confirmation_shown(qtbot, dialog)
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # "&Ghi quyết định"
    settle()
    assert dialog.result_info is not None, dialog.error.text()
    assert dialog.result_info.households == (poor["code"],)
    qtbot.waitUntil(lambda: len(view.approvals.rows) == decisions + 1, timeout=20000)
    assert view.tabs.currentWidget() is view.approvals  # the view rebuilt on the same tab
    assert view.approvals.rows[0]["decision"] == "77/QD-UBND"

    # The support form now offers the household before anything is typed, with its decision.
    support = view.add_support()
    first = support.picker.model.row(0)
    assert first["code"] == poor["code"] and "77/QD-UBND" in first["approval"]
    support.picker.choose(first)
    assert support.amount.text() == "7.000.000"
    support.save.click()
    confirmation_shown(qtbot, support)
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    settle()
    assert support.result_info is not None, support.error.text()
    assert support.result_info.support_amount == 7_000_000


def test_a_refused_decision_stays_in_the_form_and_writes_nothing(qtbot, window, demo_books, settle):
    view = window.go("projects").open_project("DA01")
    dialog = view.record_approval()
    before = books_digest(demo_books.data_dir.database)
    dialog.save.click()
    assert "Chưa chọn hộ" in dialog.error.text() and dialog.confirmation is None
    non_poor = _outside(demo_books, "DA01", Category.NON_POOR)
    dialog.add_household(non_poor)
    dialog.number.setText("78/QĐ-UBND")
    dialog.save.click()
    assert "hộ không nghèo" in dialog.error.text() and dialog.confirmation is None
    existing = list_decisions(demo_books.conn, "DA01")[0]
    dialog.chosen.selectRow(0)
    dialog.remove_button.click()
    assert dialog.codes() == []
    dialog.add_household(_outside(demo_books, "DA01"))
    dialog.number.setText(existing["decision"])
    dialog.decided_on.set_date(date.fromisoformat(existing["decided_on"]))
    dialog.save.click()
    assert "mỗi số quyết định chỉ dùng một lần" in dialog.error.text()
    assert dialog.number.property("invalid") == "true"
    assert books_digest(demo_books.data_dir.database) == before


def test_the_decision_and_its_minutes_print_from_the_tab(qtbot, window, demo_books):
    view = window.go("projects").open_project("DA01")
    tab = view.approvals
    row = next(i for i, r in enumerate(tab.rows) if r["meeting_id"] is not None)
    tab.table.selectRow(row)
    decision = tab.print_decision()
    minutes = tab.print_minutes()
    text = subprocess.run(["pdftotext", "-layout", str(decision), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "QUYẾT ĐỊNH" in text and tab.rows[row]["decision"] in text
    text = subprocess.run(["pdftotext", "-layout", str(minutes), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "BIÊN BẢN" in text
    assert tab.preview.isVisible()


# ------------------------------------------------------------------------------------------ users, sign-in
def _type(widget, text: str) -> None:
    """Vietnamese letters cannot be synthesised as keys: insert them, through the same editing signals."""
    widget.setFocus()
    widget.insert(text)


def test_users_are_added_in_settings_and_sign_in_limits_who_adds_more(qtbot, window, demo_books, settle):
    from desktop.services.users import Role, list_users, sign_in_required

    box = window.go("settings").users_box
    assert "Đăng nhập: tắt" in box.status.text()
    dialog = box.add_user()
    _type(dialog.name, "Hoàng Văn Kiên")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.ACCOUNTANT))
    wait_for_focus(qtbot, dialog.name)
    dialog.password.setFocus()
    wait_for_focus(qtbot, dialog.password)
    type_at_human_pace(qtbot, "kien12345")
    dialog.again.setFocus()
    wait_for_focus(qtbot, dialog.again)
    type_at_human_pace(qtbot, "kien1234")
    before = books_digest(demo_books.data_dir.database)
    press(qtbot, Qt.Key.Key_Return)
    assert "không giống nhau" in dialog.error.text() and dialog.again.property("invalid") == "true"
    assert books_digest(demo_books.data_dir.database) == before
    type_at_human_pace(qtbot, "5")
    press(qtbot, Qt.Key.Key_Return)
    settle()
    assert dialog.result_info is not None, dialog.error.text()
    users = {u.name: u for u in list_users(demo_books.conn)}
    assert users["Hoàng Văn Kiên"].role is Role.ACCOUNTANT and users["Hoàng Văn Kiên"].has_password
    assert sign_in_required(demo_books.conn)
    qtbot.waitUntil(lambda: box.model.rowCount() == len(users), timeout=20000)
    shown = next(box.model.row(r) for r in range(box.model.rowCount()) if box.model.row(r)["name"] == "Hoàng Văn Kiên")
    assert shown["password"] == "Có" and "Đăng nhập: <b>bật" in box.status.text()

    # Sign-in is on and the one at this PC is no accountant: the core refuses, the form says why.
    dialog = box.add_user()
    _type(dialog.name, "Lê Văn Nam")
    before = books_digest(demo_books.data_dir.database)
    dialog.save.click()
    settle()
    assert "Chỉ kế toán hoặc chủ tịch" in dialog.error.text() and dialog.result_info is None
    assert "--as" not in dialog.error.text()
    assert books_digest(demo_books.data_dir.database) == before


def test_a_password_is_set_by_its_user_or_an_accountant(qtbot, window, demo_books, settle):
    from desktop.services.users import add_user, find_user, password_matches

    add_user(demo_books, "Đặng Thị Hoa", "clerk")
    box = window.go("settings").users_box
    qtbot.waitUntil(lambda: "Đặng Thị Hoa" in [box.model.row(r)["name"] for r in range(box.model.rowCount())],
                    timeout=20000)
    dialog = box.set_password()
    dialog.user.setCurrentIndex(dialog.user.findData("Đặng Thị Hoa"))
    assert dialog.acting.currentData() == "Đặng Thị Hoa"  # without sign-in: who does it, chosen here
    dialog.password.setText("hoa-2026")
    dialog.again.setText("hoa-2026")
    dialog.save.click()
    settle()
    assert dialog.result_info is not None, dialog.error.text()
    assert password_matches("hoa-2026", find_user(demo_books.conn, "Đặng Thị Hoa")["password_hash"])


def test_sign_in_refuses_a_wrong_password_then_opens_as_the_user(qtbot, demo_books):
    from desktop.services.users import add_user
    from ui.app import signed_in
    from ui.dialogs.sign_in import SignInDialog
    from ui.main_window import MainWindow

    assert signed_in(demo_books)  # nobody has a password: no dialog, as before
    add_user(demo_books, "Vũ Đình Thắng", "chairman", "thang-2026")
    demo_books.actor = "Vũ Đình Thắng"  # sign-in is on: the next user is added by the chairman
    add_user(demo_books, "Hoàng Văn Kiên", "accountant", "kien-2026")
    demo_books.actor = "kiểm thử"
    dialog = SignInDialog(demo_books)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.user.setCurrentIndex(dialog.user.findData("Vũ Đình Thắng"))
    dialog.password.setFocus()
    wait_for_focus(qtbot, dialog.password)
    type_at_human_pace(qtbot, "kien-2026")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.signed_in is None
    assert "Sai mật khẩu của Vũ Đình Thắng" in dialog.error.text() and dialog.password.text() == ""
    assert demo_books.actor == "kiểm thử"
    type_at_human_pace(qtbot, "thang-2026")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed_in == "Vũ Đình Thắng" and demo_books.actor == "Vũ Đình Thắng"
    window = MainWindow(demo_books)
    qtbot.addWidget(window)
    assert "Vũ Đình Thắng" in window.user_label.text()


# ------------------------------------------------------------------------------------------ two-person voids
def test_a_void_asked_by_one_user_waits_for_a_second_one(qtbot, window, demo_books, settle):
    from desktop.services.settings import update_settings
    from desktop.services.void_requests import list_requests

    update_settings(demo_books, {"two_person_voids": "1"})
    page = window.go("receipts")
    settle()
    row = next(r for r in range(page.model.rowCount()) if not page.model.row(r)["voided_at"])
    receipt = page.model.row(row)
    page.table.selectRow(row)
    dialog = page.void_selected()
    dialog.requester.setCurrentIndex(dialog.requester.findData("Lê Minh Đức"))
    dialog.reason.setFocus()
    wait_for_focus(qtbot, dialog.reason)
    type_at_human_pace(qtbot, "thu nham")
    press(qtbot, Qt.Key.Key_Return)
    shown = confirmation_shown(qtbot, dialog)
    assert "cần hai người" in shown.plain_text() and shown.confirm.text() == "&Gửi yêu cầu hủy"
    qtbot.mouseClick(shown.confirm, Qt.MouseButton.LeftButton)
    settle()
    assert dialog.result_info is not None, dialog.error.text()
    assert "chưa bị hủy" in dialog.notice.text() and "Lê Minh Đức" in dialog.notice.text()
    dialog.notice.accept()
    voided = f"voided_at IS NOT NULL AND id = {receipt['id']:d}"
    assert count(demo_books, "receipt", voided) == 0
    [request] = list_requests(demo_books.conn)
    assert request["requested_by"] == "Lê Minh Đức" and request["reason"] == "thu nham"

    # The same person cannot confirm; a second one, an accountant, can.
    pending = page.open_void_requests()
    assert pending.model.rowCount() == 1
    pending.confirmer.setCurrentIndex(pending.confirmer.findData("Lê Minh Đức"))
    before = books_digest(demo_books.data_dir.database)
    pending.ok.click()
    confirmation_shown(qtbot, pending).confirm.click()
    settle()
    assert "người xác nhận phải là một người khác" in pending.error.text() and pending.result_info is None
    assert books_digest(demo_books.data_dir.database) == before
    pending.confirmer.setCurrentIndex(pending.confirmer.findData("Trần Thị Hương"))
    pending.ok.click()
    qtbot.mouseClick(confirmation_shown(qtbot, pending).confirm, Qt.MouseButton.LeftButton)
    settle()
    assert pending.result_info is not None, pending.error.text()
    assert pending.result_info.confirmed_by == "Trần Thị Hương"
    assert count(demo_books, "receipt", voided) == 1
    assert pending.model.rowCount() == 0 and list_requests(demo_books.conn) == []


def test_a_correction_starts_from_the_decision_it_supersedes(qtbot, window, demo_books, settle):
    from tests.ui.approving import approve

    first, second = _outside(demo_books, "DA01"), None
    approve(demo_books, "DA01", first["code"])
    old = list_decisions(demo_books.conn, "DA01")[0]
    second = _outside(demo_books, "DA01")
    view = window.go("projects").open_project("DA01")
    dialog = view.record_approval()
    dialog.supersedes.setCurrentIndex(dialog.supersedes.findData(old["decision"]))
    assert dialog.codes() == [first["code"]] and dialog.round.value() == old["round"]
    dialog.add_household(second)
    _type(dialog.number, "80/QĐ-UBND")
    dialog.save.click()
    shown = confirmation_shown(qtbot, dialog)
    assert f"Thay thế quyết định {old['decision']}" in shown.plain_text()
    shown.confirm.click()
    settle()
    assert dialog.result_info is not None and dialog.result_info.supersedes == old["decision"], dialog.error.text()
    qtbot.waitUntil(lambda: any(r["decision"] == old["decision"] and not r["in_force"] for r in view.approvals.rows),
                    timeout=20000)
    row = next(r for r in view.approvals.rows if r["decision"] == old["decision"])
    assert row["state"] == "Đã thay thế bằng 80/QĐ-UBND"
