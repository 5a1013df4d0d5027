"""What the clerk saw on a new commune and at 125 %: the dashboard's pay button is off until an installment is
chosen, and a voided receipt's reason takes the register's remaining width and reads whole in its tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_the_pay_button_is_off_on_an_empty_commune(qtbot, books):
    from ui.pages.dashboard import DashboardPage
    from ui.workers import wait_for_workers

    page = DashboardPage(books)
    qtbot.addWidget(page)
    page.show()
    try:
        qtbot.waitUntil(lambda: page.figures is not None, timeout=10000)
        assert page.due_model.rowCount() == 0
        assert not page.pay_button.isEnabled()
        with qtbot.assertNotEmitted(page.payment_requested):
            qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    finally:
        page.close()
        wait_for_workers(20000)


def test_the_pay_button_follows_the_chosen_installment(qtbot, window, settle):
    page = window.go("dashboard")
    settle()
    assert page.due_model.rowCount() > 0
    assert not page.pay_button.isEnabled()  # nothing chosen yet
    page.due_table.selectRow(0)
    assert page.pay_button.isEnabled()
    due = page.due_model.row(0)
    with qtbot.waitSignal(page.payment_requested) as asked:
        qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    assert asked.args == [due["household"], due["project"]]
    from ui.dialogs.payment import PaymentDialog

    payment = next(d for d in window.findChildren(PaymentDialog) if d.isVisible())
    assert payment.windowTitle().startswith("Thu hồi vốn")  # the button opened the payment of that installment
    payment.reject()
    page.due_model.set_rows(page.due_model.rows())  # the list shown again (a refresh): the choice is gone
    assert not page.pay_button.isEnabled()

