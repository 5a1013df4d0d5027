"""The household picker (payment, support, approval) finds a household by its head's full name typed without
diacritics, even when hundreds of other names share its words: best matches first, and a line under the list
when more households matched than it shows, so that the clerk types more rather than takes the first row."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from desktop.errors import Refused
from desktop.services.approvals import approved_households
from desktop.services.households import HouseholdQuery, count_households, list_households
from desktop.text import fold
from tests.ui.approving import approve
from tests.ui.test_money_confirmation import count, focused, press, type_at_human_pace, wait_for_focus
from ui.household_picker import MATCHES

# Family names that sort before "Trần" in Vietnamese order: each "<family> Khuê Trang" holds every word typed
# for "Trần Khuê Khuê" ("tran" inside "trang"), so they all match it and all come before it in name order.
EARLIER_FAMILIES = ("An", "Bạch", "Bùi", "Cao", "Chu", "Đàm", "Đặng", "Đinh", "Đỗ", "Đoàn", "Dương", "Giang", "Hà",
                    "Hồ", "Hoàng", "Huỳnh", "Khổng", "Kiều", "La", "Lâm", "Lê", "Lò", "Lục", "Lương", "Lưu", "Mạc",
                    "Mai", "Nghiêm", "Ngô", "Nguyễn", "Nông", "Phạm", "Phan", "Phùng", "Quách", "Tạ", "Tăng", "Thái")


def buried_household(books) -> dict:
    """A household whose name is its own but whose words many names share: its full name matches more
    households than the picker shows, and in name order it comes after the rows shown, where the picker once
    cut it off (a clerk found "Trần Thanh Thành" so). Made here, the same on any date the demo is made for."""
    from datetime import date

    from desktop.domain import Category
    from desktop.services.households import HouseholdInput, add_household

    hamlet = list_households(books, limit=1)[0]["hamlet"]
    for number, family in enumerate(EARLIER_FAMILIES, start=1):
        add_household(books, HouseholdInput(f"K{number:03d}", f"{family} Khuê Trang", hamlet, Category.POOR,
                                            category_on=date(2022, 1, 1)))
    add_household(books, HouseholdInput("K999", "Trần Khuê Khuê", hamlet, Category.POOR,
                                        category_on=date(2022, 1, 1)))
    household = next(h for h in list_households(books, HouseholdQuery(search="K999")) if h["code"] == "K999")
    query = HouseholdQuery(search=fold(household["head_name"]), order="name")
    shown = [r["code"] for r in list_households(books, query, limit=MATCHES)]
    assert count_households(books, query) > MATCHES and household["code"] not in shown
    return household


def more_matched(picker) -> int:
    """The number the line under the list gives, 0 when it is not shown."""
    if picker.more.isHidden():
        return 0
    return int(re.search(r"Còn ([\d.]+) hộ", picker.more.text()).group(1).replace(".", ""))


def test_a_full_name_typed_without_diacritics_comes_first_and_enter_chooses_it(qtbot, demo_books):
    from ui.dialogs.payment import PaymentDialog

    household = buried_household(demo_books)
    typed = fold(household["head_name"])
    receipts = count(demo_books, "receipt")
    dialog = PaymentDialog(demo_books)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for_focus(qtbot, dialog.search)

    type_at_human_pace(qtbot, typed)
    picker = dialog.picker
    qtbot.waitUntil(lambda: picker.model.rowCount() and picker.model.row(0)["code"] == household["code"],
                    timeout=20000)
    assert picker.model.rowCount() == MATCHES
    assert dialog.household_code == "" and focused() is dialog.search  # found, not yet chosen

    # The list is cut, and the line under it says by how many.
    total = count_households(demo_books, HouseholdQuery(search=typed))
    assert total > MATCHES and picker.more.isVisible()
    assert more_matched(picker) == total - MATCHES

    press(qtbot, Qt.Key.Key_Return)  # Enter chooses the household first on the list, and records nothing
    assert dialog.household_code == household["code"]
    assert dialog.confirmation is None and count(demo_books, "receipt") == receipts and dialog.isVisible()


def test_the_more_line_is_shown_only_when_the_list_is_cut(qtbot, demo_books):
    from ui.household_picker import HouseholdPicker

    household = buried_household(demo_books)
    picker = HouseholdPicker(demo_books)
    qtbot.addWidget(picker)
    picker.show()
    picker.search.setFocus()
    wait_for_focus(qtbot, picker.search)

    type_at_human_pace(qtbot, household["code"].lower())  # the code: one household, nothing more to say
    qtbot.waitUntil(lambda: picker.model.rowCount() == 1, timeout=20000)
    assert picker.model.row(0)["code"] == household["code"]
    assert not picker.more.isVisible() and more_matched(picker) == 0

    picker.search.clear()
    type_at_human_pace(qtbot, fold(household["head_name"]).split()[-1])  # one common word: many more
    total = count_households(demo_books, HouseholdQuery(search=fold(household["head_name"]).split()[-1]))
    qtbot.waitUntil(lambda: picker.more.isVisible(), timeout=20000)
    assert total > MATCHES and more_matched(picker) == total - MATCHES

    picker.search.clear()
    type_at_human_pace(qtbot, "khong ai ten nay")  # nothing matches: no rows, no line
    qtbot.waitUntil(lambda: picker.model.rowCount() == 0, timeout=20000)
    assert not picker.more.isVisible()


def approve_another_match(books, household: dict) -> tuple[str, str]:
    """(project, code): a decision in force approving, in some project, a household the typed name of
    ``household`` matches less well and that comes last among the matches as good as its own, so that the
    support form would like to offer it first."""
    typed = fold(household["head_name"])
    others = [r["code"] for r in list_households(books, HouseholdQuery(search=typed, order="match"), limit=MATCHES)
              if r["code"] != household["code"]]
    for project in [r[0] for r in books.conn.execute("SELECT code FROM project ORDER BY id")]:
        for code in reversed(others):
            try:
                approve(books, project, code)
            except Refused:
                continue
            if not approved_households(books.conn, project, relend=False)[code]["supported"]:
                return project, code
    raise AssertionError("no household of the demo could be approved")


def test_the_support_picker_puts_the_typed_name_before_approved_households(qtbot, demo_books):
    from ui.approved_picker import ApprovedHouseholdPicker

    household = buried_household(demo_books)
    project, approved = approve_another_match(demo_books, household)
    picker = ApprovedHouseholdPicker(demo_books, project)
    qtbot.addWidget(picker)
    picker.show()
    assert approved in [picker.model.row(i)["code"] for i in range(picker.model.rowCount())]
    assert not picker.more.isVisible()  # the approved households offered before typing are no search
    picker.search.setFocus()
    wait_for_focus(qtbot, picker.search)
    chosen = []
    picker.household_chosen.connect(chosen.append)

    type_at_human_pace(qtbot, fold(household["head_name"]))
    qtbot.waitUntil(lambda: picker.model.rowCount() and picker.model.row(0)["code"] == household["code"],
                    timeout=20000)
    rows = [picker.model.row(i) for i in range(picker.model.rowCount())]
    # The approved household, shown, still leads the matches as good as its own.
    tier = next(r["match"] for r in rows if r["code"] == approved)
    assert next(r["code"] for r in rows if r["match"] == tier) == approved
    assert picker.more.isVisible() and more_matched(picker) > 0
    press(qtbot, Qt.Key.Key_Return)
    assert [row["code"] for row in chosen] == [household["code"]]
