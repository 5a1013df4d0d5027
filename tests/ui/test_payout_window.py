"""Money going out, in the window: the phiếu chi of a payout opens in a preview once the payout is written
(after the confirmation), printed means printed (a cancelled print dialog leaves it unprinted, a saved PDF
counts), the project's vouchers are reprinted (BẢN SAO) or voided from its page."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QDialog

from desktop import clock
from desktop.domain import Category
from desktop.money import amount_in_words
from desktop.services.households import HouseholdQuery, list_households
from desktop.services.settings import words_options
from desktop.services.support import SupportInput, record_support
from tests.conftest import books_digest
from tests.ui.approving import approve
from tests.ui.confirming import confirm_now


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _outside(books, project: str, category=Category.POOR) -> dict:
    members = {r[0] for r in books.conn.execute(
        "SELECT h.code FROM membership m JOIN household h ON h.id = m.household_id JOIN project p "
        "ON p.id = m.project_id WHERE p.code = ?", (project,))}
    return next(r for r in list_households(books, HouseholdQuery(category=category), limit=500)
                if r["code"] not in members)


def _prints(books, voucher_id: int) -> list[int]:
    return [r[0] for r in books.conn.execute("SELECT is_copy FROM voucher_print WHERE voucher_id = ? ORDER BY id",
                                             (voucher_id,))]


def _voucher_id(books, ref) -> int:
    return books.conn.execute("SELECT id FROM voucher WHERE book = ? AND number = ? AND year = ?",
                              (ref.book, ref.number, ref.year)).fetchone()[0]


def _support_through_the_window(window, books, settle, *, in_kind: str = ""):
    household = _outside(books, "DA01")
    approve(books, "DA01", household["code"])  # the demo's books require the chairman's decision first
    view = window.go("projects").open_project("DA01")
    dialog = view.add_support()
    dialog.set_household(household["code"])
    dialog.in_kind.setText(in_kind)
    dialog.save.click()
    assert dialog.confirmation is not None and dialog.confirmation.isVisible(), dialog.error.text()
    assert not hasattr(dialog, "last_preview")  # nothing is written, nothing shown, before the confirmation
    confirm_now(dialog)
    settle()
    settle()  # the payout, then its document
    assert dialog.result_info is not None, dialog.error.text()
    return view, dialog, household


def test_a_support_ends_with_its_voucher_in_a_preview_and_printed_means_printed(qtbot, window, demo_books,
                                                                               settle, tmp_path):
    view, dialog, household = _support_through_the_window(window, demo_books, settle)
    ref = dialog.result_info.voucher
    preview = dialog.last_preview
    assert preview.isVisible() and f"số {ref.number}/{ref.year}" in preview.windowTitle()
    text = pdf_text(preview.path)
    assert "PHIẾU CHI" in text and "BẢN SAO" not in text and household["head_name"] in text
    assert amount_in_words(ref.amount, **words_options(demo_books)) in " ".join(text.split())
    voucher_id = _voucher_id(demo_books, ref)

    # The print dialog cancelled: nothing reached paper, the original is still unused.
    mp = pytest.MonkeyPatch()
    mp.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    try:
        preview.choose_printer()
    finally:
        mp.undo()
    settle()
    assert _prints(demo_books, voucher_id) == []

    # Saved as a PDF: that is the original; printed again from the same preview it is a copy.
    preview.save_to(tmp_path / "phieu-chi.pdf")
    settle()
    assert (tmp_path / "phieu-chi.pdf").exists() and _prints(demo_books, voucher_id) == [0]
    preview.save_to(tmp_path / "phieu-chi-2.pdf")
    settle()
    assert _prints(demo_books, voucher_id) == [0, 1]

    # Later, from the project's "Phiếu chi" tab: the reprint is a BẢN SAO.
    row = next(r for r in range(view.voucher_model.rowCount()) if view.voucher_model.row(r)["number"] == ref.number
               and view.voucher_model.row(r)["book"] == ref.book)
    view.voucher_table.selectRow(row)
    view.reprint_voucher()
    settle()
    assert view.last_preview is not preview and "bản sao" in view.last_preview.windowTitle()
    assert "BẢN SAO" in pdf_text(view.last_preview.path)


def test_support_in_kind_opens_its_handover_record(qtbot, window, demo_books, settle):
    _, dialog, household = _support_through_the_window(window, demo_books, settle, in_kind="2 con bò cái")
    assert dialog.result_info.voucher is None and dialog.result_info.handover is not None
    text = pdf_text(dialog.last_preview.path)
    assert "BIÊN BẢN BÀN GIAO" in text and "2 con bò cái" in text and household["head_name"] in text


def test_a_projects_handover_records_are_reprinted_and_listed_by_delivery_day(qtbot, window, demo_books, settle):
    view, dialog, household = _support_through_the_window(window, demo_books, settle, in_kind="2 con bò cái")
    other = _outside(demo_books, "DA01")
    approve(demo_books, "DA01", other["code"])
    record_support(demo_books, SupportInput("DA01", other["code"], clock.today(), in_kind="1 con bê đực"))
    view = window.go("projects").open_project("DA01")
    settle()
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    handovers = view.handover_model.rowCount()
    assert f"Bàn giao ({handovers})" in titles and handovers >= 2
    before = books_digest(demo_books.data_dir.database)

    row = next(r for r in range(handovers) if view.handover_model.row(r)["household"] == household["code"])
    view.handover_table.selectRow(row)
    view.reprint_handover()
    settle()
    text = pdf_text(view.last_preview.path)
    assert "BIÊN BẢN BÀN GIAO" in text and "2 con bò cái" in text and household["head_name"] in text
    assert other["head_name"] not in text

    view.print_delivery_day()  # both were handed over today: one list, each with room to sign
    settle()
    text = pdf_text(view.last_preview.path)
    assert household["head_name"] in text and other["head_name"] in text and "1 con bê đực" in text
    assert books_digest(demo_books.data_dir.database) == before  # printing writes nothing to the books


def test_a_project_that_gave_nothing_in_kind_has_no_handover_tab(window, demo_books):
    from desktop.services.projects import ProjectInput, add_project

    add_project(demo_books, ProjectInput("DA99", "Trồng rau an toàn", programme="GNBV", component="Dự án 2"))
    view = window.go("projects").open_project("DA99")
    assert view.handover_table is None
    assert not any(view.tabs.tabText(i).startswith("Bàn giao") for i in range(view.tabs.count()))


def test_a_voucher_is_voided_from_the_project_page_after_the_confirmation(qtbot, window, demo_books, settle):
    household = _outside(demo_books, "DA01")
    approve(demo_books, "DA01", household["code"])
    recorded = record_support(demo_books, SupportInput("DA01", household["code"], clock.today()))
    view = window.go("projects").open_project("DA01")
    ref = recorded.voucher
    row = next(r for r in range(view.voucher_model.rowCount()) if view.voucher_model.row(r)["number"] == ref.number
               and view.voucher_model.row(r)["book"] == ref.book)
    view.voucher_table.selectRow(row)
    dialog = view.void_voucher()
    before = books_digest(demo_books.data_dir.database)
    dialog.submit()  # no reason: refused on the form
    assert "lý do" in dialog.error.text() and dialog.confirmation is None
    dialog.reason.setText("Hộ không nhận tiền")
    dialog.submit()
    text = dialog.confirmation.plain_text()
    assert f"{ref.number}/{ref.year}" in text and household["code"] in text
    assert amount_in_words(ref.amount, **words_options(demo_books)) in text
    assert books_digest(demo_books.data_dir.database) == before  # nothing before the confirmation
    confirm_now(dialog)
    settle()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    voided = demo_books.conn.execute("SELECT v.voided_on, m.voided_on FROM voucher v JOIN membership m "
                                     "ON m.id = v.membership_id WHERE v.id = ?",
                                     (_voucher_id(demo_books, ref),)).fetchone()
    assert voided[0] == voided[1] == clock.today().isoformat()


# ---------------------------------------------------------------------- the cash book page

def test_the_cash_book_page_closes_on_the_fund_of_the_dashboard(qtbot, window, demo_books, settle):
    from desktop.queries.cashbook import cashbook

    page = window.go("cashbook")
    settle()
    assert page.book is not None
    start, end = page.period.period()
    expected = cashbook(demo_books.conn, start, end)
    assert end == clock.today() and page.book == expected
    assert page.book["closing_balance"] == window.page("dashboard").figures.fund_balance
    last = page.model.row(page.model.rowCount() - 1)
    assert last["_total"] and last["balance"] == expected["closing_balance"]
    assert page.model.row(0)["balance"] == expected["opening_balance"]
    months = [page.model.row(r) for r in range(page.model.rowCount())
              if str(page.model.row(r).get("description", "")).startswith("Cộng tháng")]
    assert len(months) == len(expected["months"])
    # One project: the same rows as the query's for that project.
    page.project.setCurrentIndex(page.project.findData("DA01"))
    settle()
    assert page.book == cashbook(demo_books.conn, start, end, "DA01")
    # Exported as report cashbook writes it; the path is shown with "Mở thư mục".
    path = page.default_path("xlsx")
    page.export("xlsx", path)
    settle()
    assert page.last_path == path and path.exists() and page.exported.isVisible()
    pdf = page.default_path("pdf")
    page.export("pdf", pdf)
    settle()
    text = pdf_text(pdf)
    assert "SỔ QUỸ TIỀN MẶT" in text and "Dự án: DA01" in text


def test_management_spending_through_the_dialog_ends_with_its_voucher(qtbot, window, demo_books, settle):
    from desktop.services import management

    page = window.go("cashbook")
    settle()
    left = page.management["balance"]
    assert left > 0 and "Kinh phí quản lý" in page.management_line.text()
    dialog = page.spend_management()
    before = books_digest(demo_books.data_dir.database)
    dialog.amount.setText(format(left + 1))
    dialog.reason.setText("Văn phòng phẩm")
    dialog.submit()  # more than the commune has: said under the form, no confirmation, nothing written
    assert dialog.confirmation is None and "không chi được" in dialog.error.text()
    dialog.amount.setText("150.000")
    dialog.submit()
    text = dialog.confirmation.plain_text()
    assert "150.000 đ" in text and amount_in_words(150_000, **words_options(demo_books)) in text
    assert f"còn {left - 150_000:,} đ".replace(",", ".") in text
    assert books_digest(demo_books.data_dir.database) == before
    confirm_now(dialog)
    settle()
    settle()
    assert dialog.result_info is not None, dialog.error.text()
    ref = dialog.result_info.voucher
    assert "PHIẾU CHI" in pdf_text(dialog.last_preview.path) and "Văn phòng phẩm" in pdf_text(dialog.last_preview.path)
    assert management.summary(demo_books.conn, clock.today())["balance"] == left - 150_000
    settle()
    assert page.management["balance"] == left - 150_000  # the page reloaded from the change
    assert any(page.model.row(r).get("document") == f"PC {ref.book}/{ref.number}/{ref.year}"
               for r in range(page.model.rowCount()))


def test_every_button_of_the_payout_dialogs_has_its_own_alt_letter(qtbot, window, demo_books, settle):
    from tests.ui.test_keyboard_first import _check_dialog_mnemonics

    household = _outside(demo_books, "DA01")
    approve(demo_books, "DA01", household["code"])
    record_support(demo_books, SupportInput("DA01", household["code"], clock.today()))
    view = window.go("projects").open_project("DA01")
    view.tabs.setCurrentIndex(next(i for i in range(view.tabs.count())
                                   if view.tabs.tabText(i).startswith("Phiếu chi")))
    _check_dialog_mnemonics(view)
    view.voucher_table.selectRow(0)
    view.reprint_voucher()
    settle()
    for dialog in (view.void_voucher(), window.go("cashbook").spend_management(), view.last_preview):
        dialog.show()
        _check_dialog_mnemonics(dialog)
        dialog.close()
