"""The rotating fund through its services: support and re-lending with lineage, payments, receipt numbers,
voids, aging as of a date, public works, the rule warnings, and ``check`` catching books damaged behind the
services' back."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from desktop.domain import Category, FundingSource
from desktop.errors import Refused
from desktop.services import checks, payments, projects, schedules, support
from desktop.services.households import HouseholdInput, add_household, set_category
from tests.conftest import books_digest

TODAY = date(2026, 11, 1)


def give(books, household: str, on: date, project: str = "DA01", **options) -> dict:
    return support.record_support(books, support.SupportInput(project, household, on, **options), today=TODAY).to_json()


def pay(books, household: str, amount: int, on: date, project: str = "DA01", **options) -> dict:
    return payments.record_payment(books, payments.PaymentInput(project, household, amount, on, **options),
                                   today=TODAY).to_json()


def outstanding(books, household: str, project: str = "DA01") -> list[int]:
    return [r["outstanding"] for r in schedules.schedule(books, project, household, as_of=TODAY)]


def codes(warnings: list[dict]) -> list[str]:
    return [w["code"] for w in warnings]


@pytest.fixture
def fund(books):
    """Project DA01 (GNBV) and households of every category, registered on 1 January 2022."""
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản", programme="GNBV",
                                                      component="Dự án 2")).to_json()
    people = [("H001", "Nguyễn Văn Dũng", Category.POOR), ("H002", "Đặng Thị Hoa", Category.NEAR_POOR),
              ("H003", "Lò Văn Páo", Category.ESCAPED), ("H004", "Trần Văn Bốn", Category.POOR),
              ("H005", "Phạm Văn Khá", Category.NON_POOR), ("H006", "Vũ Thị Sáu", Category.POOR)]
    for code, name, category in people:
        add_household(books, HouseholdInput(code, name, "Thôn Đông", category, category_on=date(2022, 1, 1)))
    return books


def count(books, table: str) -> int:
    return books.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- support -----------------------------------------------------------------------------------------

def test_round_one_support_takes_the_policy_amount_and_makes_the_schedule(fund):
    result = give(fund, "H001", date(2023, 3, 10))
    assert (result["round"], result["support_amount"], result["to_return"]) == (1, 7_000_000, 4_667_000)
    assert result["schedule"] == [{"seq": 1, "due_on": "2024-03-10", "amount": 2_333_000},
                                  {"seq": 2, "due_on": "2025-03-10", "amount": 2_334_000}]
    assert result["warnings"] == []
    row = fund.conn.execute("SELECT round, source, category_at_entry, support_amount, to_return FROM membership "
                            "WHERE id = ?", (result["membership_id"],)).fetchone()
    assert tuple(row) == (1, "central", "poor", 7_000_000, 4_667_000)
    assert give(fund, "H002", date(2023, 3, 10))["support_amount"] == 5_000_000
    assert give(fund, "H003", date(2023, 3, 10), in_kind="1 con bê cái")["to_return"] == 3_333_000
    assert fund.conn.execute("SELECT in_kind FROM membership WHERE household_id = 3").fetchone()[0] == "1 con bê cái"
    actions = fund.conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'membership'").fetchone()[0]
    assert actions == 3


def test_support_uses_the_category_in_force_on_its_date(fund):
    set_category(fund, "H001", Category.NEAR_POOR, date(2024, 1, 1))
    assert give(fund, "H001", date(2023, 12, 31))["category_at_entry"] == "poor"
    projects.add_project(fund, projects.ProjectInput("DA02", "Trồng rau", programme="DTTS"))
    later = give(fund, "H001", date(2024, 1, 1), project="DA02")
    assert (later["category_at_entry"], later["support_amount"]) == ("near_poor", 5_000_000)


def test_from_fund_is_refused_while_the_fund_is_short_and_nothing_is_written(fund, data_dir):
    give(fund, "H001", date(2023, 3, 10))
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match=r"ngày 01/04/2024 chỉ còn 0 đ \(thấp nhất 0 đ vào ngày 01/04/2024\): "
                                      "không đủ cho vay 7.000.000 đ"):
        give(fund, "H004", date(2024, 4, 1), from_fund=True)
    pay(fund, "H001", 2_333_000, date(2024, 3, 10))
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="chỉ còn 2.333.000 đ"):
        give(fund, "H004", date(2024, 4, 1), from_fund=True)
    assert books_digest(data_dir.database) == before


def test_re_lending_rounds_and_lineage(fund):
    first = give(fund, "H001", date(2023, 3, 10))
    pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    second = give(fund, "H004", date(2024, 4, 1), from_fund=True, amount=4_000_000)
    assert second["round"] == 2 and second["to_return"] == 2_667_000
    draws = fund.conn.execute("SELECT source_membership_id, amount FROM fund_draw WHERE membership_id = ?",
                              (second["membership_id"],)).fetchall()
    assert [tuple(d) for d in draws] == [(first["membership_id"], 4_000_000)]
    assert fund.conn.execute("SELECT source FROM membership WHERE id = ?",
                             (second["membership_id"],)).fetchone()[0] == "fund"

    pay(fund, "H004", 2_667_000, date(2025, 4, 1))
    # 667 000 left of H001's money and 2 667 000 of H004's: first in, first out; round 3.
    third = give(fund, "H002", date(2025, 5, 1), from_fund=True, amount=3_000_000)
    assert third["round"] == 3
    draws = fund.conn.execute("SELECT source_membership_id, amount FROM fund_draw WHERE membership_id = ? "
                              "ORDER BY id", (third["membership_id"],)).fetchall()
    assert [tuple(d) for d in draws] == [(first["membership_id"], 667_000), (second["membership_id"], 2_333_000)]

    report = schedules.fund_report(fund, "DA01")
    assert report["reach"] == [{"household": "H001", "reached": 2}]
    assert {k: report[k] for k in ("disbursed", "to_return", "recovered", "relent", "balance", "public_works")} == {
        "disbursed": 14_000_000, "to_return": 4_667_000 + 2_667_000 + 2_000_000, "recovered": 7_334_000,
        "relent": 7_000_000, "balance": 334_000, "public_works": 0}
    assert checks.check_books(fund) == []


def test_state_money_to_a_non_poor_household_is_refused(fund, data_dir):
    before = books_digest(data_dir.database)
    for options in ({}, {"source": FundingSource.LOCAL}, {"amount": 1_000_000}):
        with pytest.raises(Refused, match="không nghèo"):
            give(fund, "H005", date(2023, 3, 10), **options)
    give(fund, "H001", date(2023, 3, 10))
    pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="không nghèo"):
        give(fund, "H005", date(2024, 4, 1), from_fund=True, amount=1_000_000)
    assert books_digest(data_dir.database) == before


def test_a_non_poor_household_may_join_on_its_own_money(fund):
    """Seed 003: non-poor households may take part, funding themselves; they owe the fund nothing."""
    result = give(fund, "H005", date(2023, 3, 10), source=FundingSource.OTHER, amount=6_000_000)
    assert (result["round"], result["to_return"], result["schedule"]) == (1, 0, [])
    assert "above_policy" not in codes(result["warnings"])
    with pytest.raises(Refused, match="lớn hơn số hộ còn phải trả 0 đ"):
        pay(fund, "H005", 1_000, date(2024, 3, 10))
    give(fund, "H001", date(2023, 3, 10))
    report = schedules.fund_report(fund, "DA01")
    # Its own money is not budget money, and the fund expects none of it back.
    assert (report["from_budget"], report["from_other"], report["to_return"]) == (7_000_000, 6_000_000, 4_667_000)
    assert checks.check_books(fund) == []


def test_support_refusals_write_nothing(fund, data_dir):
    give(fund, "H001", date(2023, 3, 10))
    before = books_digest(data_dir.database)
    cases = [
        (lambda: give(fund, "H002", date(2027, 1, 1)), "tương lai"),
        (lambda: give(fund, "H002", date(2023, 3, 10), amount=0), "lớn hơn 0"),
        # 800 đ × 2/3 rounds up to 1 000 đ: more back than was given.
        (lambda: give(fund, "H002", date(2023, 3, 10), amount=800), "quá nhỏ so với đơn vị làm tròn"),
        (lambda: give(fund, "H002", date(2023, 3, 10), counterpart=-1), "không được âm"),
        (lambda: give(fund, "H999", date(2023, 3, 10)), "Không có hộ"),
        (lambda: give(fund, "H002", date(2023, 3, 10), project="DA99"), "Không có dự án"),
    ]
    for attempt, message in cases:
        with pytest.raises(Refused, match=message):
            attempt()
    assert books_digest(data_dir.database) == before


# -- payments ----------------------------------------------------------------------------------------

@pytest.fixture
def owing(fund):
    give(fund, "H001", date(2023, 3, 10))
    return fund


def test_payment_goes_to_the_oldest_installment_first_and_partial_payments_are_fine(owing):
    result = pay(owing, "H001", 1_000_000, date(2024, 3, 12))
    assert result["allocations"] == [{"seq": 1, "amount": 1_000_000}]
    assert result["outstanding"] == 3_667_000
    assert outstanding(owing, "H001") == [1_333_000, 2_334_000]
    result = pay(owing, "H001", 2_000_000, date(2024, 6, 1))
    assert result["allocations"] == [{"seq": 1, "amount": 1_333_000}, {"seq": 2, "amount": 667_000}]
    assert outstanding(owing, "H001") == [0, 1_667_000]
    assert result["receipt"]["reason"].endswith("kỳ 1, 2")


def test_early_payment_is_accepted(owing):
    result = pay(owing, "H001", 4_667_000, date(2023, 4, 1))  # a year before the first due date
    assert result["outstanding"] == 0
    assert outstanding(owing, "H001") == [0, 0]


def test_in_kind_recovery_is_recorded_at_its_agreed_value(owing):
    result = pay(owing, "H001", 2_333_000, date(2024, 3, 10), in_kind="1 con bê đực 8 tháng tuổi",
                 payer="Nguyễn Thị Lan")
    receipt = owing.conn.execute("SELECT method, in_kind, payer, amount FROM receipt WHERE id = ?",
                                 (result["receipt"]["id"],)).fetchone()
    assert tuple(receipt) == ("in_kind", "1 con bê đực 8 tháng tuổi", "Nguyễn Thị Lan", 2_333_000)
    assert result["receipt"]["amount_in_words"] == "Hai triệu ba trăm ba mươi ba nghìn đồng"


def test_overpayment_is_refused_and_nothing_is_written(owing, data_dir):
    pay(owing, "H001", 4_000_000, date(2024, 3, 10))
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="lớn hơn số hộ còn phải trả 667.000 đ"):
        pay(owing, "H001", 667_001, date(2024, 4, 10))
    assert books_digest(data_dir.database) == before
    assert pay(owing, "H001", 667_000, date(2024, 4, 10))["outstanding"] == 0


def test_payment_refusals_write_nothing(owing, data_dir):
    before = books_digest(data_dir.database)
    cases = [
        (lambda: pay(owing, "H002", 1_000, date(2024, 3, 10)), "chưa nhận hỗ trợ"),
        (lambda: pay(owing, "H001", 1_000, date(2023, 3, 9)), "trước ngày hộ nhận hỗ trợ"),
        (lambda: pay(owing, "H001", 1_000, date(2027, 1, 1)), "tương lai"),
        (lambda: pay(owing, "H001", 0, date(2024, 3, 10)), "lớn hơn 0"),
        (lambda: pay(owing, "H001", -5, date(2024, 3, 10)), "lớn hơn 0"),
    ]
    for attempt, message in cases:
        with pytest.raises(Refused, match=message):
            attempt()
    assert books_digest(data_dir.database) == before


# -- receipt numbers and voids -----------------------------------------------------------------------

def test_receipt_numbers_are_gapless_per_book_and_year_and_never_reused(owing):
    give(owing, "H004", date(2023, 3, 10))
    numbers = [pay(owing, h, 100_000, d)["receipt"]["number"]
               for h, d in (("H001", date(2024, 1, 5)), ("H004", date(2024, 2, 5)), ("H001", date(2024, 3, 5)))]
    assert numbers == [1, 2, 3]
    assert pay(owing, "H001", 100_000, date(2025, 1, 2))["receipt"]["number"] == 1
    assert pay(owing, "H001", 100_000, date(2024, 12, 30), book="02")["receipt"]["number"] == 1
    payments.void_receipt(owing, "01", 3, "Ghi nhầm số tiền", year=2024)
    assert pay(owing, "H001", 100_000, date(2024, 4, 1))["receipt"]["number"] == 4
    rows = owing.conn.execute("SELECT book, year, number FROM receipt ORDER BY book, year, number").fetchall()
    assert [tuple(r) for r in rows] == [("01", 2024, 1), ("01", 2024, 2), ("01", 2024, 3), ("01", 2024, 4),
                                        ("01", 2025, 1), ("02", 2024, 1)]
    assert checks.check_books(owing) == []


def test_void_restores_the_outstanding_amount_exactly_and_keeps_the_receipt(owing, data_dir):
    pay(owing, "H001", 1_000_000, date(2024, 3, 10))
    before_second = outstanding(owing, "H001")
    second = pay(owing, "H001", 2_500_000, date(2024, 5, 10))
    assert outstanding(owing, "H001") == [0, 1_167_000]
    result = payments.void_receipt(owing, "01", second["receipt"]["number"], "Thu nhầm hộ",
                                   on=date(2024, 5, 10)).to_json()
    assert result == {"book": "01", "year": 2024, "number": 2, "voided": True, "reason": "Thu nhầm hộ",
                      "amount": 2_500_000, "voided_on": "2024-05-10"}
    assert outstanding(owing, "H001") == before_second == [1_333_000, 2_334_000]
    row = owing.conn.execute("SELECT number, amount, voided_at, voided_by, void_reason FROM receipt WHERE number = 2"
                             ).fetchone()
    assert (row["number"], row["amount"], row["voided_by"], row["void_reason"]) == (2, 2_500_000, "kiểm thử",
                                                                                    "Thu nhầm hộ")
    assert row["voided_at"]
    # The allocations stay on file; they just no longer count.
    assert owing.conn.execute("SELECT count(*) FROM allocation WHERE receipt_id = ?",
                              (second["receipt"]["id"],)).fetchone()[0] == 2
    assert schedules.fund_report(owing, "DA01")["recovered"] == 1_000_000
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="đã bị hủy trước đó"):
        payments.void_receipt(owing, "01", 2, "Lần nữa")
    with pytest.raises(Refused, match="Phải ghi lý do"):
        payments.void_receipt(owing, "01", 1, "   ")
    with pytest.raises(Refused, match="Không có phiếu thu"):
        payments.void_receipt(owing, "01", 9, "Không có")
    assert books_digest(data_dir.database) == before
    assert checks.check_books(owing) == []


def test_a_correction_is_a_void_plus_a_new_receipt(owing):
    pay(owing, "H001", 2_000_000, date(2024, 3, 10))
    # Voided from the day it was written: the new receipt of the same day takes its place.
    payments.void_receipt(owing, "01", 1, "Sai số tiền, lập phiếu mới", on=date(2024, 3, 10))
    fixed = pay(owing, "H001", 2_333_000, date(2024, 3, 10))
    assert fixed["receipt"]["number"] == 2 and fixed["allocations"] == [{"seq": 1, "amount": 2_333_000}]
    assert outstanding(owing, "H001") == [0, 2_334_000]


def test_payments_voids_and_transfers_leave_an_audit_trail(owing):
    receipt = pay(owing, "H001", 4_667_000, date(2024, 3, 10))["receipt"]
    payments.void_receipt(owing, "01", 1, "Ghi nhầm hộ", on=date(2024, 3, 10))
    pay(owing, "H001", 4_667_000, date(2024, 3, 10))
    schedules.transfer_to_public_works(owing, "DA01", date(2026, 3, 10), "12/QĐ-UBND", today=TODAY)
    rows = owing.conn.execute("SELECT entity, action, actor, entity_uuid FROM audit_log WHERE entity IN "
                              "('receipt', 'project') AND action != 'create' OR (entity = 'receipt') ORDER BY id"
                              ).fetchall()
    assert [(r["entity"], r["action"]) for r in rows] == [("receipt", "create"), ("receipt", "void"),
                                                          ("receipt", "create"), ("project", "public_works")]
    assert rows[0]["entity_uuid"] == rows[1]["entity_uuid"] == receipt["uuid"]
    assert {r["actor"] for r in rows} == {"kiểm thử"}


def test_a_payment_in_the_days_before_a_later_void_would_pay_twice_and_is_refused(owing, data_dir):
    """Voided from 01/06/2024, the first receipt still paid the installment until then: a second payment of
    the same debt dated 10/03/2024 would make the household owe less than nothing for those months."""
    pay(owing, "H001", 4_667_000, date(2024, 3, 10))
    payments.void_receipt(owing, "01", 1, "Ghi nhầm số tiền", on=date(2024, 6, 1))
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="chỉ có thể trả tối đa 0 đ") as refused:
        pay(owing, "H001", 4_667_000, date(2024, 3, 10))
    assert "hủy sau ngày đó vẫn tính đến ngày hủy" in refused.value.message
    assert books_digest(data_dir.database) == before
    # From the void's day on, the debt is open again.
    assert pay(owing, "H001", 4_667_000, date(2024, 6, 1))["outstanding"] == 0


def test_the_same_number_in_two_years_needs_the_year_to_void(owing):
    pay(owing, "H001", 1_000, date(2024, 3, 10))
    pay(owing, "H001", 1_000, date(2025, 3, 10))
    with pytest.raises(Refused, match="nhiều năm"):
        payments.void_receipt(owing, "01", 1, "nhầm")
    assert payments.void_receipt(owing, "01", 1, "nhầm", year=2025).to_json()["year"] == 2025


def test_money_already_re_lent_cannot_be_voided_away(owing, data_dir):
    pay(owing, "H001", 4_667_000, date(2024, 3, 1))
    give(owing, "H004", date(2024, 4, 1), from_fund=True, amount=4_000_000)
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="đã được cho vay quay vòng"):
        payments.void_receipt(owing, "01", 1, "nhầm")
    assert books_digest(data_dir.database) == before


# -- due and overdue as of a date --------------------------------------------------------------------

AS_OF = date(2025, 12, 31)
LATENESS = {"H001": 1, "H002": 30, "H003": 31, "H004": 90, "H006": 91, "H007": 180, "H008": 181}


@pytest.fixture
def late_payers(fund):
    for code in ("H007", "H008", "H009", "H010"):
        add_household(fund, HouseholdInput(code, f"Hộ {code}", "Thôn Tây", Category.POOR, category_on=date(2022, 1, 1)))
    for code, days in sorted(LATENESS.items(), key=lambda item: -item[1]):  # oldest first: one voucher book
        due = date.fromordinal(AS_OF.toordinal() - days)
        give(fund, code, date(due.year - 1, due.month, due.day))
    give(fund, "H009", date(2025, 1, 10))   # due 10/01/2026: falls due within the next 30 days
    give(fund, "H010", date(2025, 3, 10))   # due 10/03/2026: not yet
    return fund


def test_due_list_ages_overdue_money_as_of_a_date(late_payers):
    result = schedules.due_list(late_payers, AS_OF)
    first = {r["household"]: r for r in result["rows"] if r["seq"] == 1}
    assert {h: first[h]["days_overdue"] for h in LATENESS} == LATENESS
    assert {h: first[h]["aging"] for h in LATENESS} == {
        "H001": "1-30", "H002": "1-30", "H003": "31-90", "H004": "31-90", "H006": "91-180", "H007": "91-180",
        "H008": ">180"}
    assert first["H009"]["aging"] == "not_due" and first["H009"]["days_overdue"] == 0
    assert "H010" not in {r["household"] for r in result["rows"]}
    amounts = {h: first[h]["outstanding"] for h in first}
    assert result["aging"] == {
        "1-30": amounts["H001"] + amounts["H002"], "31-90": amounts["H003"] + amounts["H004"],
        "91-180": amounts["H006"] + amounts["H007"], ">180": amounts["H008"]}
    assert result["total_overdue"] == sum(result["aging"].values())
    assert result["total_outstanding"] == result["total_overdue"] + amounts["H009"]
    for row in result["rows"]:
        assert {"household", "project", "due_on", "amount_due", "paid", "outstanding", "days_overdue"} <= set(row)


def test_due_list_counts_only_money_paid_on_or_before_the_date(late_payers):
    pay(late_payers, "H008", 1_000_000, date(2025, 12, 1))
    pay(late_payers, "H007", 2_333_000, date(2026, 1, 15))  # after the as-of date
    rows = {r["household"]: r for r in schedules.due_list(late_payers, AS_OF)["rows"] if r["seq"] == 1}
    assert (rows["H008"]["paid"], rows["H008"]["outstanding"]) == (1_000_000, 1_333_000)
    assert (rows["H007"]["paid"], rows["H007"]["outstanding"]) == (0, 2_333_000)
    later = {r["household"] for r in schedules.due_list(late_payers, date(2026, 1, 20))["rows"] if r["seq"] == 1}
    assert "H007" not in later


# -- public works ------------------------------------------------------------------------------------

def test_public_works_only_after_the_policys_years_then_the_fund_is_closed(owing, data_dir):
    pay(owing, "H001", 4_667_000, date(2024, 3, 1))
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="sau 3 năm"):
        schedules.transfer_to_public_works(owing, "DA01", date(2026, 3, 9), "12/QĐ-UBND", today=TODAY)
    with pytest.raises(Refused, match="số quyết định"):
        schedules.transfer_to_public_works(owing, "DA01", date(2026, 3, 10), "  ", today=TODAY)
    assert books_digest(data_dir.database) == before
    result = schedules.transfer_to_public_works(owing, "DA01", date(2026, 3, 10), "12/QĐ-UBND", today=TODAY).to_json()
    assert result["amount"] == 4_667_000
    report = schedules.fund_report(owing, "DA01")
    assert (report["status"], report["public_works"], report["balance"]) == ("public_works", 4_667_000, 0)
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="công trình công ích"):
        give(owing, "H004", date(2026, 4, 1), from_fund=True, amount=1_000_000)
    with pytest.raises(Refused, match="công trình công ích"):
        give(owing, "H004", date(2026, 4, 1))
    with pytest.raises(Refused, match="không còn số dư"):
        schedules.transfer_to_public_works(owing, "DA01", date(2026, 4, 1), "13/QĐ-UBND", today=TODAY)
    assert books_digest(data_dir.database) == before
    assert checks.check_books(owing) == []


# -- the rules the clerk is warned about -------------------------------------------------------------

def test_support_above_the_category_amount_is_warned_with_the_policy_cited(fund):
    warnings = give(fund, "H002", date(2023, 3, 10), amount=6_000_000)["warnings"]
    assert codes(warnings) == ["above_policy"]
    assert "5.000.000 đ" in warnings[0]["message"] and "hai-duong-2019" in warnings[0]["message"]
    assert give(fund, "H001", date(2023, 3, 10), amount=7_000_000)["warnings"] == []


SMALL_CAP = (Path(__file__).parent.parent / "resources" / "policies" / "hai-duong-2019.toml").read_text(
    encoding="utf-8").replace('code = "hai-duong-2019"', 'code = "tran-thap"').replace(
    "cap_per_project = 300_000_000", "cap_per_project = 12_000_000")


def test_budget_support_above_the_projects_cap_is_refused(fund, tmp_path, data_dir):
    policy = tmp_path / "tran-thap.toml"
    policy.write_text(SMALL_CAP, encoding="utf-8")
    projects.add_project(fund, projects.ProjectInput("DA02", "Nuôi gà", policy=policy))
    assert give(fund, "H001", date(2023, 3, 10), project="DA02")["warnings"] == []
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="Mức trần .* là 12.000.000 đ .*tran-thap.* đã hỗ trợ 7.000.000 đ, thêm "
                                      "7.000.000 đ sẽ thành 14.000.000 đ"):
        give(fund, "H004", date(2023, 3, 10), project="DA02")
    assert books_digest(data_dir.database) == before
    # Re-lent money is not budget money: it never counts against the cap.
    pay(fund, "H001", 4_667_000, date(2024, 3, 1), project="DA02")
    assert give(fund, "H006", date(2024, 4, 1), project="DA02", from_fund=True, amount=4_000_000)["round"] == 2


def test_fewer_than_seventy_percent_target_households_is_warned_with_the_decree(fund):
    assert give(fund, "H001", date(2023, 3, 10))["warnings"] == []
    assert give(fund, "H002", date(2023, 3, 10))["warnings"] == []
    warnings = give(fund, "H005", date(2023, 3, 10), source=FundingSource.OTHER, amount=3_000_000)["warnings"]
    assert codes(warnings) == ["target_share"]
    assert "2/3" in warnings[0]["message"] and "NĐ 27/2022" in warnings[0]["message"]
    assert "target_share" not in codes(give(fund, "H004", date(2023, 3, 10))["warnings"])  # 3 of 4 = 75 %


def test_a_household_supported_by_another_active_project_of_the_programme_is_warned(fund):
    projects.add_project(fund, projects.ProjectInput("DA02", "Trồng rau", programme="GNBV"))
    projects.add_project(fund, projects.ProjectInput("DA03", "Nuôi cá", programme="DTTS"))
    give(fund, "H001", date(2023, 3, 10))
    give(fund, "H006", date(2023, 3, 10))
    warnings = give(fund, "H001", date(2023, 4, 10), project="DA02")["warnings"]
    assert codes(warnings) == ["duplicate_support"] and "DA01" in warnings[0]["message"]
    assert give(fund, "H001", date(2023, 5, 10), project="DA03")["warnings"] == []
    # A closed project no longer counts; an active one still does.
    projects.edit_project(fund, "DA01", {"status": "closed"})
    projects.add_project(fund, projects.ProjectInput("DA04", "Nuôi dê", programme="GNBV"))
    assert codes(give(fund, "H006", date(2023, 7, 10), project="DA04")["warnings"]) == []
    assert codes(give(fund, "H001", date(2023, 7, 10), project="DA04")["warnings"]) == ["duplicate_support"]


@pytest.mark.parametrize(("supported_on", "refused"), [
    (date(2023, 1, 1), False),   # exactly 36 months after escaping
    (date(2023, 1, 2), True),    # one day past
    (date(2023, 12, 1), True),
])
def test_a_newly_escaped_household_past_36_months_is_refused(books, data_dir, supported_on, refused):
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò"))
    add_household(books, HouseholdInput("H003", "Lò Văn Páo", "Thôn Tây", Category.ESCAPED,
                                        category_on=date(2020, 1, 1))).to_json()
    if not refused:
        assert give(books, "H003", supported_on)["warnings"] == []
        return
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match=r"thoát nghèo từ 01/01/2020.*quá 36 tháng \(hết ngày 01/01/2023\).*"
                                      "hai-duong-2019"):
        give(books, "H003", supported_on)
    assert books_digest(data_dir.database) == before


# -- check finds books damaged behind the services' back ---------------------------------------------

@pytest.fixture
def damaged(owing):
    give(owing, "H004", date(2023, 3, 10))
    pay(owing, "H001", 1_000_000, date(2024, 3, 10))
    pay(owing, "H004", 4_667_000, date(2024, 3, 11))
    assert checks.check_books(owing) == []
    return owing


def _raw(books) -> sqlite3.Connection:
    """A second connection that goes around the services (and, where needed, around the triggers)."""
    conn = sqlite3.connect(books.data_dir.database, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _insert_receipt(conn, number: int, issued_on: str, amount: int, household_id: int = 1) -> int:
    return conn.execute(
        "INSERT INTO receipt (uuid, book, year, number, issued_on, project_id, household_id, amount, method, payer, "
        "reason, created_at, created_by) VALUES (?, '01', ?, ?, ?, 1, ?, ?, 'cash', 'x', 'x', 'now', 'x')",
        (f"r{number}", int(issued_on[:4]), number, issued_on, household_id, amount)).lastrowid


DAMAGE = {
    "receipt_allocations": lambda c: _insert_receipt(c, 3, "2024-04-01", 500_000),
    "receipt_gaps": lambda c: c.execute(
        "INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES ('a', ?, 2, 1000)",
        (_insert_receipt(c, 7, "2024-04-01", 1000),)),
    "installment_overpaid": lambda c: c.execute(
        "INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES ('a', ?, 3, 1)",
        (_insert_receipt(c, 3, "2024-04-01", 1, household_id=4),)),
    "allocation_mismatch": lambda c: c.execute(
        "INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES ('a', 1, 3, 1)"),
    "membership_after_support": lambda c: c.execute(
        "INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES ('a', ?, 1, 1000)",
        (_insert_receipt(c, 1, "2023-01-05", 1000),)),
    "schedule_sum": lambda c: (c.execute("DROP TRIGGER installment_never_edited"),
                               c.execute("UPDATE installment SET amount = amount + 1 WHERE id = 2")),
    "fund_lineage": lambda c: c.execute(
        "INSERT INTO membership (uuid, project_id, household_id, round, source, category_at_entry, support_amount, "
        "to_return, supported_on, created_at) VALUES ('m', 1, 6, 2, 'fund', 'poor', 1000000, 0, '2024-05-01', 'n')"),
    "fund_overdrawn": lambda c: c.execute(
        "INSERT INTO fund_transfer (uuid, project_id, kind, amount, decided_on, decision, created_at, created_by) "
        "VALUES ('t', 1, 'public_works', 9000000, '2026-01-01', '1/QĐ', 'n', 'x')"),
}


@pytest.mark.parametrize("problem", list(DAMAGE), ids=list(DAMAGE))
def test_check_finds_books_damaged_behind_the_services_back(damaged, problem):
    conn = _raw(damaged)
    DAMAGE[problem](conn)
    conn.close()
    found = checks.check_books(damaged)
    assert problem in codes(found), found
    assert all(p["message"] for p in found)


def test_check_on_the_command_line_lists_the_problems(damaged, cli):
    conn = _raw(damaged)
    DAMAGE["installment_overpaid"](conn)
    conn.close()
    result = cli("check", "--json")
    assert result.code == 0
    assert result.json["ok"] is False
    assert [p["code"] for p in result.json["problems"]] == ["installment_overpaid"]
    assert "vượt số phải trả" in cli("check").stdout


# -- the command line of the fund (CLI.md keys) -------------------------------------------------------

def test_fund_commands_print_the_contract_keys(owing, cli):
    paid = cli("pay", "--project", "DA01", "--household", "H001", "--amount", "1.000.000", "--on", "2024-03-10",
               "--json")
    assert paid.code == 0, paid
    data = paid.json
    assert {"book", "number", "amount", "amount_in_words"} <= set(data["receipt"])
    assert data["allocations"] == [{"seq": 1, "amount": 1_000_000}] and data["outstanding"] == 3_667_000
    assert data["receipt"]["amount_in_words"] == "Một triệu đồng"
    added = cli("support", "add", "--project", "DA01", "--household", "H004", "--on", "2023-05-01", "--json").json
    assert {"membership_id", "round", "to_return", "schedule", "warnings"} <= set(added)
    assert all(set(i) == {"seq", "due_on", "amount"} for i in added["schedule"])
    rows = cli("schedule", "--project", "DA01", "--household", "H001", "--json").json["rows"]
    assert [(r["seq"], r["paid"]) for r in rows] == [(1, 1_000_000), (2, 0)]
    due = cli("report", "due", "--as-of", "2025-04-01", "--json").json
    assert {"rows", "total_outstanding"} <= set(due)
    fund_report = cli("report", "fund", "--project", "DA01", "--json").json
    assert {"disbursed", "to_return", "recovered", "relent", "balance", "public_works"} <= set(fund_report)
    voided = cli("receipt", "void", "--book", "01", "--number", "1", "--reason", "Ghi nhầm", "--json").json
    assert {"book", "number", "voided"} <= set(voided) and voided["voided"] is True
    over = cli("pay", "--project", "DA01", "--household", "H001", "--amount", "4667001", "--on", "2024-03-10")
    assert over.code == 2 and over.stderr.count("\n") == 1 and "lớn hơn số hộ còn phải trả" in over.stderr
