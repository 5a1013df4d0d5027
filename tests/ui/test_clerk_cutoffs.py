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


def test_a_void_reason_takes_the_remaining_width_and_reads_whole_in_its_tooltip(window, demo_books, settle):
    from desktop.services.dashboard import receipt_register
    from desktop.services.payments import void_receipt
    from ui.pages.receipts import STATUS

    reason = "Ghi nhầm số tiền của hộ, thu lại theo phiếu mới ngày hôm sau có xác nhận của trưởng thôn"
    first = receipt_register(demo_books, limit=1)[0]
    void_receipt(demo_books, first["book"], first["number"], reason, year=first["year"])
    window.resize(1093, 614)
    page = window.go("receipts")
    page.refresh()
    settle()
    row = next(r for r in range(page.model.rowCount()) if page.model.row(r)["voided_at"])
    tip = page.model.index(row, STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert reason in tip and tip.startswith("ĐÃ HỦY")
    header = page.table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(page.model.columnCount()))
    assert STATUS == page.model.columnCount() - 1
    assert used >= page.table.viewport().width() - 1  # the state fills the row to its end
    assert header.sectionSize(STATUS) > 320  # wider than the cap it had (more than a short reason needs)
    payer = [key for key, _, _ in page.model._columns].index("payer")
    widest = max(page.table.fontMetrics().horizontalAdvance(page.model.row(r)["payer"])
                 for r in range(page.model.rowCount()))
    assert header.sectionSize(payer) >= widest  # the names are still whole
