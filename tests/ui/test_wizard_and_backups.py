"""The wizard's province picker (current and pre-2025 lists, typing still possible) and the kept days of
automatic backups in Cài đặt."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.books import Books
from desktop.services.backup import keep_days


def test_wizard_province_picker_fills_code_and_name_and_typing_still_works(qtbot, data_dir):
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.province.count() == 1 + 34
    wizard.choose_province("31")
    assert (wizard.fields["province_code"].text(), wizard.fields["province_name"].text()) == \
        ("31", "Thành phố Hải Phòng")
    wizard.old_provinces.setChecked(True)  # an old setup still named by the 63 units
    assert wizard.province.count() == 1 + 63
    wizard.choose_province("30")
    assert wizard.fields["province_name"].text() == "Tỉnh Hải Dương"
    wizard.fields["province_name"].setText("Tỉnh Hải Dương (cũ)")  # the clerk may type over it
    for key, value in (("commune_code", "10507"), ("commune_name", "Xã Đức Chính"), ("upper_code", "290"),
                       ("upper_name", "Huyện Cẩm Giàng")):
        wizard.fields[key].setText(value)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.result() == wizard.DialogCode.Accepted
    settings = wizard.books.settings()
    assert (settings["province_code"], settings["province_name"]) == ("30", "Tỉnh Hải Dương (cũ)")
    wizard.books.close()


def test_settings_keeps_automatic_backups_the_chosen_days(window, demo_books, settle):
    page = window.go("settings")
    assert page.keep_days.value() == 30
    page.keep_days.setValue(7)
    assert page.save() == {"backup_keep_days": "7"}
    settle()
    with Books.open(demo_books.data_dir) as books:
        assert keep_days(books) == 7


def test_an_edited_copy_of_a_fund_policy_is_checked_saved_and_offered_to_new_projects(window, demo_books):
    from ui.dialogs.project_form import ProjectForm

    page = window.go("settings")
    shipped = page.policy.count()
    dialog = page.copy_policy()
    text = dialog.editor.toPlainText()
    assert '-ban-sao"' in text
    dialog.editor.setPlainText(text.replace("poor = 7_000_000", "poor = -1", 1))
    assert dialog.save() is None and "mức hỗ trợ âm" in dialog.error.text()  # refused on the form, kept
    assert "poor = -1" in dialog.editor.toPlainText() and not demo_books.data_dir.policies.exists()
    dialog.editor.setPlainText(text.replace("poor = 7_000_000", "poor = 8_000_000", 1))
    path = dialog.save()
    assert path.parent == demo_books.data_dir.policies
    assert page.policy.count() == shipped + 1 and page.policy.currentData() == str(path)
    assert "8_000_000" in page.policy_text.toPlainText()
    form = ProjectForm(demo_books, window)
    assert form.policy.findData(str(path)) >= 0
    form.close()


def test_wizard_creates_an_upper_level_database_and_the_window_opens_its_pages(qtbot, data_dir):
    from ui.dialogs.first_run import FirstRunWizard
    from ui.main_window import UPPER_KEYS, MainWindow

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.next.text() == "&Tiếp >"
    wizard.choose_level(upper=True)
    assert wizard.next.text() == "&Bắt đầu"  # no receipt book, hamlets or signatories to ask for
    assert wizard.field_labels["commune_code"].text() == "Mã đơn vị tổng hợp:"
    # A commune's 5-digit code is not a consolidating unit's: refused on the form, nothing created.
    for key, value in (("commune_code", "10507"), ("commune_name", "Huyện Cẩm Giàng"), ("upper_code", "30"),
                       ("upper_name", "Tỉnh Hải Dương")):
        wizard.fields[key].setText(value)
    wizard.old_provinces.setChecked(True)  # a district consolidating data from before the 2025 mergers
    wizard.choose_province("30")
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.books is None and not data_dir.database.exists()
    assert "Mã đơn vị tổng hợp" in wizard.error.text()
    assert wizard.fields["commune_code"].property("invalid") == "true"
    # Correcting the field takes the refusal away at once (it no longer speaks of what was typed before).
    wizard.fields["commune_code"].setFocus()
    wizard.fields["commune_code"].selectAll()
    qtbot.keyClicks(wizard.fields["commune_code"], "290")
    assert wizard.fields["commune_code"].property("invalid") == "false" and not wizard.error.text()
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.result() == wizard.DialogCode.Accepted
    books = wizard.books
    settings = books.settings()
    assert (settings["mode"], settings["commune_code"], settings["commune_name"]) == \
        ("upper", "290", "Huyện Cẩm Giàng")
    assert (settings["upper_code"], settings["upper_name"]) == ("30", "Tỉnh Hải Dương")
    window = MainWindow(books)
    qtbot.addWidget(window)
    window.show()
    assert window.upper_mode and window.keys == UPPER_KEYS
    assert [window.nav.item(i).text() for i in range(window.nav.count())][:2] == ["Tổng hợp", "Nhập gói"]
    assert window.go("consolidated") is window.pages.currentWidget()
    window.close()
    books.close()


def test_wizard_upper_level_may_have_no_upper_of_its_own(qtbot, data_dir):
    """A province consolidating its communes directly has nobody above it in the program."""
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    wizard.choose_level(upper=True)
    wizard.choose_province("31")
    wizard.fields["commune_code"].setText("31")
    wizard.fields["commune_name"].setText("Thành phố Hải Phòng")
    wizard.show()
    qtbot.keyClick(wizard.fields["commune_name"], Qt.Key.Key_Return)  # Enter confirms the last step
    assert wizard.result() == wizard.DialogCode.Accepted
    assert wizard.books.setting("mode") == "upper" and wizard.books.setting("upper_code") == ""
    wizard.books.close()
