"""Every change made in the window reaches every page that shows it, with no refresh by hand.

Each kind of change is made the way the clerk makes it (the dialog, its button); then each page is opened
from the side bar, as the clerk would look, and what it shows is compared with what the core computes from
the books on a fresh connection. A page that kept stale figures fails the comparison.
"""

from __future__ import annotations

from desktop import clock
from desktop.books import Books
from desktop.domain import Category, ProjectStatus
from desktop.queries.fund import fund_figures
from desktop.services.dashboard import dashboard, receipt_register
from desktop.services.households import HouseholdQuery, count_households, list_households
from desktop.services.projects import list_projects
from desktop.services.schedules import due_list
from tests.ui.approving import approve
from tests.ui.confirming import confirm_now

PAGES = ("dashboard", "collections", "receipts", "projects", "households")


def shown(window, settle) -> dict:
    """What each page shows after the clerk opens it from the side bar."""
    for key in PAGES:
        window.go(key)
        settle()
    figures = window.page("dashboard").figures
    receipts = window.page("receipts")
    model = window.page("households").model
    return {
        "dashboard": (figures.fund_balance, figures.recovered_this_year, figures.overdue_amount,
                      figures.due_this_month_amount, figures.households_relent),
        "collections": [(r["household"], r["project"], r["seq"], r["outstanding"])
                        for r in window.page("collections").model.rows()],
        "receipts": sorted((r["id"], r["amount"], bool(r["voided_at"]), r["household"])
                           for r in receipts.model.rows()),
        "projects": {r["code"]: (r["status"], r["balance"], r["recovered"], r["relent"], r["households"])
                     for r in window.page("projects").model.rows()},
        "households": (model.total, [(r["code"], r["head_name"]) for r in
                                     (model.row_at(i) for i in range(min(50, model.total)))]),
    }


def computed(window) -> dict:
    """The same figures, computed by the core from the books on a connection of its own."""
    books_dir = window.books.data_dir
    receipts, households = window.page("receipts"), window.page("households")
    with Books.open(books_dir) as books:
        figures = dashboard(books)
        query = households.model.query  # the search and filters the page has applied
        first = list_households(books, query, limit=50)
        return {
            "dashboard": (figures.fund_balance, figures.recovered_this_year, figures.overdue_amount,
                          figures.due_this_month_amount, figures.households_relent),
            "collections": [(r["household"], r["project"], r["seq"], r["outstanding"])
                            for r in due_list(books, clock.today(), within_days=30)["rows"]],
            "receipts": sorted((r["id"], r["amount"], bool(r["voided_at"]), r["household"])
                               for r in receipt_register(books, receipts.selected_receipts())),
            "projects": {p["code"]: (p["status"], *(fund_figures(books.conn, p["id"])[k] for k in
                                                     ("balance", "recovered", "relent", "households")))
                         for p in list_projects(books)},
            "households": (count_households(books, query), [(r["code"], r["head_name"]) for r in first]),
        }


def assert_pages_current(window, settle) -> None:
    on_screen = shown(window, settle)
    assert on_screen == computed(window)


def _open_project_with_fund(window, books):
    """An active project whose fund holds money and whose first support is old enough for public works."""
    for project in list_projects(books):
        figures = fund_figures(books.conn, project["id"])
        if project["status"] == ProjectStatus.ACTIVE.value and figures["balance"] > 2_000_000:
            return project["code"], figures
    raise AssertionError("the demo has no active project with money in its fund")


def _poor_household_outside(books, project: str) -> str:
    members = {r[0] for r in books.conn.execute(
        "SELECT h.code FROM membership m JOIN household h ON h.id = m.household_id JOIN project p "
        "ON p.id = m.project_id WHERE p.code = ?", (project,))}
    return next(r["code"] for r in list_households(books, HouseholdQuery(category=Category.POOR), limit=500)
                if r["code"] not in members)


def _save_through_warnings(dialog, settle) -> None:
    """Press the button, read the confirmation (with the rules' warnings in it) and confirm."""
    dialog.save.click()
    confirm_now(dialog)
    settle()
    assert dialog.result_info is not None, dialog.error.text()


def test_every_kind_of_change_reaches_every_page_that_shows_it(window, demo_books, settle, tmp_path):
    assert_pages_current(window, settle)

    # Payment (F2): the next installment of the first household due.
    due = window.page("dashboard").due_model.row(0)
    payment = window.open_payment(due["household"], due["project"])
    payment.record()
    confirm_now(payment)
    settle()
    assert payment.result_info is not None, payment.error.text()
    assert_pages_current(window, settle)

    # Void that receipt from the register.
    receipts = window.go("receipts")
    number = payment.result_info["receipt"].number
    row = next(i for i in range(receipts.model.rowCount()) if receipts.model.row(i)["number"] == number
               and receipts.model.row(i)["book"] == payment.result_info["receipt"].book)
    receipts.table.selectRow(row)
    void = receipts.void_selected()
    void.reason.setText("Thu nhầm số tiền")
    void.ok.click()
    confirm_now(void)
    settle()
    assert void.result() == void.DialogCode.Accepted, void.error.text()
    assert_pages_current(window, settle)

    # Support from the budget, then a re-lend from the fund, in a project that has money back.
    code, _ = _open_project_with_fund(window, demo_books)
    view = window.go("projects").open_project(code)
    support = view.add_support()
    household = _poor_household_outside(demo_books, code)
    approve(demo_books, code, household)
    support.set_household(household)
    _save_through_warnings(support, settle)
    assert_pages_current(window, settle)

    relend = view.lend_from_fund()
    household = _poor_household_outside(demo_books, code)
    approve(demo_books, code, household, rounds=(2, 3, 4, 5))
    relend.set_household(household)
    relend.amount.setText("1.000.000")
    _save_through_warnings(relend, settle)
    assert relend.result_info.round >= 2
    assert_pages_current(window, settle)

    # Public works: the project's whole balance goes to the commune's works by a decision.
    dialog = view.public_works()
    dialog.decided_on.set_date(clock.today())
    dialog.decision.setText("25/QĐ-UBND")
    dialog.submit()
    confirm_now(dialog)  # the balance that leaves, in figures and words, is confirmed first
    settle()
    if dialog.result() != dialog.DialogCode.Accepted:  # too early for this project under its policy
        assert "công trình công ích" in dialog.error.text()
        dialog.reject()
    assert_pages_current(window, settle)

    # Household edit: a new name shows in the register.
    households = window.go("households")
    settle()
    edited = households.model.row_at(0)["code"]
    form = households.edit_household(edited)
    form.head_name.setText("Nguyễn Thị Sửa Tên")
    form.submit()
    settle()
    assert form.result() == form.DialogCode.Accepted, form.error.text()
    assert_pages_current(window, settle)
    assert households.model.rows_for(edited)[0]["head_name"] == "Nguyễn Thị Sửa Tên"

    # Excel import: two new households from the commune's own list.
    from openpyxl import Workbook

    sheet_path = tmp_path / "ds.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên chủ hộ", "Thôn", "Phân loại hộ"])
    sheet.append(["Lò Thị Nhập", "Thôn Mới Lập", "Hộ nghèo"])
    sheet.append(["Vàng Văn Nhập", "Thôn Mới Lập", "Hộ cận nghèo"])
    workbook.save(sheet_path)
    before = count_households(demo_books)
    dialog = households.open_import()
    dialog.path.setText(str(sheet_path))
    dialog.check()
    settle()
    dialog.apply()
    settle()
    assert dialog.result is not None and dialog.result.inserted == 2
    assert_pages_current(window, settle)
    assert shown(window, settle)["households"][0] == before + 2
    assert households.hamlet.findText("Thôn Mới Lập") >= 0  # the filter lists the new hamlet


def test_a_page_not_on_screen_reloads_when_it_is_shown(window, demo_books, settle):
    collections = window.go("collections")
    settle()
    before = len(collections.model.rows())
    window.go("settings")
    due = collections.model.row(0)
    payment = window.open_payment(due["household"], due["project"])
    payment.amount.setText(f"{due['outstanding']:,}".replace(",", "."))
    payment.record()
    confirm_now(payment)
    settle()
    # Not shown: it has not reloaded yet (it only noted the change) …
    assert len(collections.model.rows()) == before
    window.go("collections")
    settle()
    # … and shows the paid installment gone as soon as the clerk opens it.
    assert (due["household"], due["project"], due["seq"]) not in {
        (r["household"], r["project"], r["seq"]) for r in collections.model.rows()}
