"""The keyboard as a clerk uses it: Tab walks the payment form top to bottom (a date is one stop, not three),
Esc closes a dialog without writing anything, Enter confirms."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.households import count_households
from tests.conftest import books_digest


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and dialog.isActiveWindow(), timeout=20000)
    return dialog


def _tab_stops(qtbot, count: int, key=Qt.Key.Key_Tab) -> list:
    stops = []
    for _ in range(count):
        qtbot.keyClick(QApplication.focusWidget(), key)
        stops.append(QApplication.focusWidget())
    return stops


def test_payment_dialog_tab_order_follows_the_form(qtbot, demo_books):
    from ui.dialogs.payment import PaymentDialog

    dialog = _shown(qtbot, PaymentDialog(demo_books))
    assert QApplication.focusWidget() is dialog.search  # typing the name comes first
    order = [dialog.picker.table, dialog.project, dialog.amount, dialog.paid_on, dialog.book, dialog.payer,
             dialog.in_kind_box, dialog.ok, dialog.cancel]
    assert _tab_stops(qtbot, len(order)) == order
    assert _tab_stops(qtbot, 1) == [dialog.search]  # round again to the top
    # Shift+Tab walks back; the in-kind description joins the order once its box is ticked.
    dialog.in_kind_box.setChecked(True)
    dialog.ok.setFocus()
    assert _tab_stops(qtbot, 3, Qt.Key.Key_Backtab) == [dialog.in_kind, dialog.in_kind_box, dialog.payer]


def test_esc_closes_the_payment_dialog_and_the_household_form_writing_nothing(qtbot, demo_books):
    from ui.dialogs.household_form import HouseholdForm
    from ui.dialogs.payment import PaymentDialog

    before = books_digest(demo_books.data_dir.database)
    payment = _shown(qtbot, PaymentDialog(demo_books))
    qtbot.keyClicks(payment.search, "nguyen")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert payment.result() == payment.DialogCode.Rejected and not payment.isVisible()
    form = _shown(qtbot, HouseholdForm(demo_books))
    assert QApplication.focusWidget() is form.head_name  # the code is filled in already
    form.head_name.setText("Đinh Thị Lụa")  # (QTest types Latin-1 only)
    qtbot.keyClick(form.head_name, Qt.Key.Key_Escape)
    assert form.result() == form.DialogCode.Rejected and not form.isVisible()
    assert books_digest(demo_books.data_dir.database) == before


def test_enter_saves_the_household_form_from_any_field(qtbot, demo_books, settle):
    from ui.dialogs.household_form import HouseholdForm

    before = count_households(demo_books)
    form = _shown(qtbot, HouseholdForm(demo_books))
    saved = []
    form.household_saved.connect(saved.append)
    form.head_name.setText("Đinh Thị Lụa")  # (QTest types Latin-1 only)
    form.members.setFocus()
    qtbot.keyClick(form.members, Qt.Key.Key_Return)
    settle()
    assert form.result() == form.DialogCode.Accepted and saved == [form.code.text()]
    assert count_households(demo_books) == before + 1
