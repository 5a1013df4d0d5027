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


def test_settings_keeps_automatic_backups_the_chosen_days(window, demo_books):
    page = window.go("settings")
    assert page.keep_days.value() == 30
    page.keep_days.setValue(7)
    assert page.save() == {"backup_keep_days": "7"}
    with Books.open(demo_books.data_dir) as books:
        assert keep_days(books) == 7
