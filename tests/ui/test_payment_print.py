"""A payment is recorded once, whatever happens to its receipt's PDF afterwards."""

from __future__ import annotations

import subprocess
from datetime import date

from PySide6.QtCore import Qt

from desktop.services.payments import PaymentInput, record_payment
from tests.ui.confirming import confirm


def _receipts(books) -> int:
    return books.conn.execute("SELECT count(*) FROM receipt").fetchone()[0]


def test_a_receipt_that_cannot_be_written_is_recorded_once_and_printed_again_later(qtbot, window, demo_books,
                                                                                    settle):
    due = window.page("dashboard").due_model.row(0)
    folder = demo_books.data_dir.exports / "phieu-thu"
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.is_dir():
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
    folder.write_text("một tệp nằm đúng chỗ thư mục phiếu thu: không ghi được PDF")
    before = _receipts(demo_books)

    dialog = window.open_payment(due["household"], due["project"])
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    confirm(qtbot, dialog)
    settle()
    receipt = dialog.outcome.receipt
    assert _receipts(demo_books) == before + 1
    message = dialog.error.text()
    assert f"Đã ghi phiếu thu số {receipt.number}/{receipt.year}" in message and "chưa in được" in message
    assert dialog.isVisible() and dialog.result_info is None
    assert dialog.ok.text().startswith("&In lại phiếu") and not dialog.amount.isEnabled()

    # Enter again, the button again: still one receipt (the print fails again, nothing else happens).
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    settle()
    dialog.ok.click()
    settle()
    assert _receipts(demo_books) == before + 1
    assert "chưa in được" in dialog.error.text()

    # The clerk clears the way and prints it again: the same receipt, as its original.
    folder.unlink()
    dialog.ok.click()
    settle()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert _receipts(demo_books) == before + 1
    text = subprocess.run(["pdftotext", dialog.result_info["pdf"], "-"], capture_output=True, text=True).stdout
    assert f"{receipt.number:d}" in text and "BẢN SAO" not in text
    assert window.last_preview is not None


def test_the_same_payment_request_never_issues_a_second_receipt(demo_books):
    row = demo_books.conn.execute(
        """SELECT p.code, h.code, i.due_on, m.supported_on
           FROM installment i JOIN membership m ON m.id = i.membership_id
           JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
           WHERE NOT EXISTS (SELECT 1 FROM allocation a WHERE a.installment_id = i.id)
           ORDER BY i.due_on LIMIT 1""").fetchone()
    data = PaymentInput(project=row[0], household=row[1], amount=1_000, paid_on=date.fromisoformat(row[3]),
                        request_key="phieu-thu-thu-lai-0001")
    before = _receipts(demo_books)
    first = record_payment(demo_books, data)
    again = record_payment(demo_books, data)
    assert _receipts(demo_books) == before + 1
    assert (first.replayed, again.replayed) == (False, True)
    assert again.receipt == first.receipt and again.allocations == first.allocations
    assert again.outstanding == first.outstanding
    assert not again.changes & ~first.changes  # a replay reports no part the first call did not
    # A fresh key is a fresh payment.
    other = record_payment(demo_books, PaymentInput(row[0], row[1], 1_000, data.paid_on, request_key="x" * 12))
    assert other.receipt.number == first.receipt.number + 1 or other.receipt.year != first.receipt.year


def test_money_taken_earlier_goes_into_another_book_from_the_payment_dialog(qtbot, window, demo_books, settle):
    """Book 01 is filled in date order: a payment dated before its latest receipt is refused there with the
    reason, and the clerk records it by typing another book's name in the same dialog."""
    latest = demo_books.conn.execute(
        "SELECT year, max(issued_on) FROM receipt WHERE book = '01' GROUP BY year ORDER BY year DESC").fetchone()
    due = window.page("dashboard").due_model.row(0)
    first_support = demo_books.conn.execute(
        """SELECT max(m.supported_on) FROM membership m JOIN project p ON p.id = m.project_id
           JOIN household h ON h.id = m.household_id WHERE p.code = ? AND h.code = ?""",
        (due["project"], due["household"])).fetchone()[0]
    earlier = max(date.fromisoformat(first_support), date(latest[0], 1, 1))
    assert earlier.isoformat() < latest[1], "the demo's book 01 has a receipt after the household's support"
    before = _receipts(demo_books)

    dialog = window.open_payment(due["household"], due["project"])
    dialog.paid_on.setDate(earlier)
    assert dialog.book.currentText() == "01"
    dialog.ok.click()
    confirm(qtbot, dialog)
    settle()
    assert "thứ tự ngày" in dialog.error.text() and _receipts(demo_books) == before

    dialog.book.setCurrentText("02")
    dialog.ok.click()
    confirm(qtbot, dialog)
    settle()
    assert dialog.outcome is not None, dialog.error.text()
    assert (dialog.outcome.receipt.book, dialog.outcome.receipt.number) == ("02", 1)
    assert _receipts(demo_books) == before + 1
