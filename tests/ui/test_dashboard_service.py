"""The dashboard's figures (desktop/services/dashboard.py, no Qt) agree with the services they summarise."""

from __future__ import annotations

from datetime import timedelta

from desktop import clock
from desktop.fund import AGING_BUCKETS
from desktop.queries.fund import fund_figures
from desktop.queries.receipts import ReceiptFilter
from desktop.services.dashboard import dashboard, household_dues, receipt_book_summary, receipt_register
from desktop.services.projects import list_projects
from desktop.services.schedules import due_list


def test_dashboard_figures_agree_with_the_due_list_and_fund_books(demo_books):
    today = clock.today()
    figures = dashboard(demo_books, today)
    due = due_list(demo_books, today, within_days=45)
    assert figures.overdue_amount == due["total_overdue"]
    assert set(figures.overdue_by_bucket) == {label for label, _, _ in AGING_BUCKETS}
    assert figures.fund_balance == sum(fund_figures(demo_books.conn, p["id"])["balance"]
                                       for p in list_projects(demo_books))
    horizon = (today + timedelta(days=30)).isoformat()
    assert all(today.isoformat() <= r["due_on"] <= horizon for r in figures.due_soon)
    live_this_year = sum(r["amount"] for r in receipt_register(
        demo_books, ReceiptFilter(date_from=today.replace(month=1, day=1), date_to=today)) if not r["voided_at"])
    assert figures.recovered_this_year == live_this_year
    assert figures.recovery_by_month[-1][0] == f"{today:%m/%Y}"


def test_household_dues_prefill_is_the_oldest_unpaid_installment(demo_books):
    row = dashboard(demo_books).due_soon[0]
    dues = {d["project"]: d for d in household_dues(demo_books, row["household"])}
    assert dues[row["project"]]["outstanding"] >= row["outstanding"]
    assert dues[row["project"]]["next_amount"] > 0


def test_receipt_book_summary_counts_every_receipt(demo_books):
    total = sum(r["receipts"] for r in receipt_book_summary(demo_books))
    assert total == len(receipt_register(demo_books, limit=10**6))


def test_household_dues_say_what_is_overdue_and_since_when(demo_books):
    """The payment dialog shows "quá hạn … từ …" for a late installment, not "kỳ tới" (the next one)."""
    from desktop import clock
    from desktop.services.projects import list_projects
    from desktop.services.schedules import schedule

    today = clock.today()
    late = next(r for p in list_projects(demo_books) for r in schedule(demo_books, p["code"], as_of=today)
                if r["due_on"] < today.isoformat() and r["amount"] > r["paid"])
    dues = {d["project"]: d for d in household_dues(demo_books, late["household"])}
    due = dues[late["project"]]
    own = [r for r in schedule(demo_books, late["project"], late["household"], as_of=today)]
    expected = sum(r["amount"] - r["paid"] for r in own if r["due_on"] < today.isoformat())
    assert due["overdue"] == expected > 0
    assert due["overdue_since"] == min(r["due_on"] for r in own if r["due_on"] < today.isoformat()
                                       and r["amount"] > r["paid"])
