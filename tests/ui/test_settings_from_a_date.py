"""Cài đặt: a change of signatory holds from the chosen date; the books are locked and reopened there."""

from __future__ import annotations

from datetime import timedelta

from desktop import clock
from desktop.books import settings_on
from desktop.services.period_lock import locked_to


def test_a_new_chairman_from_a_chosen_date(window, demo_books, settle):
    page = window.go("settings")
    before = demo_books.setting("signer_chairman")
    since = clock.today() - timedelta(days=30)
    page.effective_on.set_date(since)
    page.fields["signer_chairman"].setText("Vũ Minh Khang")
    page.save()
    settle()
    assert demo_books.setting("signer_chairman") == "Vũ Minh Khang"
    assert settings_on(demo_books.conn, since - timedelta(days=1))["signer_chairman"] == before
    assert settings_on(demo_books.conn, since)["signer_chairman"] == "Vũ Minh Khang"
    assert "áp dụng từ ngày" in page.backup_status.text()
    assert page.effective_on.maximumDate().toPython() == clock.today()  # never a date in the future


def test_lock_and_reopen_from_the_settings_page(window, demo_books, settle):
    page = window.go("settings")
    assert "Sổ đang mở" in page.lock_status.text()
    day = clock.today() - timedelta(days=1)
    page.lock_to.set_date(day)
    page.lock()
    settle()
    assert locked_to(demo_books.conn) == day and f"{day:%d/%m/%Y}" in page.lock_status.text()
    page.unlock()  # no reason: refused on the form
    settle()
    assert "lý do" in page.lock_error.text() and locked_to(demo_books.conn) == day
    page.unlock_reason.setText("Sửa phiếu thu ghi nhầm ngày")
    page.unlock()
    settle()
    assert locked_to(demo_books.conn) is None and "Sổ đang mở" in page.lock_status.text()


def test_the_settings_page_says_which_unit_the_documents_carry_for_a_merged_province(window, demo_books):
    """The demo was set up with the old "Tỉnh Hải Dương": the page keeps it as typed and says the documents
    dated from 1/7/2025 carry the unit that took it over, as every document and the window's header do."""
    page = window.go("settings")
    assert page.fields["province_name"].text() == "Tỉnh Hải Dương"
    assert not page.province_note.isHidden()
    assert "đã hợp nhất vào Thành phố Hải Phòng từ 01/07/2025" in page.province_note.text()
