"""The rotating fund's arithmetic to the last đồng: the examples of the rule, due dates, payment allocation,
aging, and policies as data (another province's file works unchanged; each project keeps a frozen copy)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from desktop.domain import Category
from desktop.errors import Refused
from desktop.fund import (
    AGING_BUCKETS,
    OpenInstallment,
    age_installments,
    aging_bucket,
    allocate,
    amount_to_return,
    days_overdue,
    management_cost,
    plan_schedule,
)
from desktop.policy import DEFAULT_POLICY_CODE, FundPolicy, load_policy
from desktop.services import payments, projects, schedules, support
from desktop.services.households import HouseholdInput, add_household

DEFAULT = load_policy()
UNIT_ONE = dataclasses.replace(DEFAULT, rounding_unit=1)


# -- the examples of the rule ------------------------------------------------------------------------

@pytest.mark.parametrize(("policy", "support_amount", "to_return", "parts"), [
    (DEFAULT, 7_000_000, 4_667_000, [2_333_000, 2_334_000]),
    (DEFAULT, 5_000_000, 3_333_000, [1_666_000, 1_667_000]),
    (UNIT_ONE, 7_000_000, 4_666_667, [2_333_333, 2_333_334]),
    (UNIT_ONE, 5_000_000, 3_333_333, [1_666_666, 1_666_667]),
])
def test_the_examples_of_the_rule_come_out_exactly(policy, support_amount, to_return, parts):
    assert amount_to_return(support_amount, policy) == to_return
    schedule = plan_schedule(support_amount, date(2024, 3, 10), policy)
    assert [i.amount for i in schedule] == parts
    assert sum(parts) == to_return
    assert [i.seq for i in schedule] == [1, 2]
    assert [i.due_on for i in schedule] == [date(2025, 3, 10), date(2026, 3, 10)]


@pytest.mark.parametrize(("support_amount", "to_return"), [
    (750, 1_000),            # 500 đ is exactly half a unit: rounds up
    (749, 0),                # 499.33 đ: rounds down
    (2_250_750, 1_501_000),  # 1 500 500 đ: half up, never to even
    (3_000_000, 2_000_000),
    (1, 0),
])
def test_to_return_rounds_half_up_to_the_unit(support_amount, to_return):
    assert amount_to_return(support_amount, DEFAULT) == to_return


def test_installments_round_down_and_the_last_takes_the_remainder():
    three = dataclasses.replace(DEFAULT, installment_months=(6, 12, 18))
    schedule = plan_schedule(10_000_000, date(2024, 1, 15), three)
    # 6 667 000 to return; 2 222 333 rounded down to 2 222 000 twice, the last takes 2 223 000.
    assert [i.amount for i in schedule] == [2_222_000, 2_222_000, 2_223_000]
    assert sum(i.amount for i in schedule) == amount_to_return(10_000_000, three) == 6_667_000
    assert [i.due_on for i in schedule] == [date(2024, 7, 15), date(2025, 1, 15), date(2025, 7, 15)]


@pytest.mark.parametrize(("supported_on", "dues"), [
    (date(2024, 2, 29), [date(2025, 2, 28), date(2026, 2, 28)]),
    (date(2023, 2, 28), [date(2024, 2, 28), date(2025, 2, 28)]),
    (date(2023, 1, 31), [date(2024, 1, 31), date(2025, 1, 31)]),
    (date(2023, 12, 31), [date(2024, 12, 31), date(2025, 12, 31)]),
])
def test_due_dates_are_twelve_and_twenty_four_months_on_and_29_february_falls_on_28(supported_on, dues):
    assert [i.due_on for i in plan_schedule(7_000_000, supported_on, DEFAULT)] == dues


def test_29_february_to_a_leap_year_stays_29():
    four_years = dataclasses.replace(DEFAULT, installment_months=(48,))
    assert plan_schedule(7_000_000, date(2024, 2, 29), four_years)[0].due_on == date(2028, 2, 29)


def test_management_cost_is_three_and_two_percent():
    assert management_cost(7_000_000, DEFAULT) == (210_000, 140_000)
    assert management_cost(100_000_001, DEFAULT) == (3_000_000, 2_000_000)


# -- allocation of a payment -------------------------------------------------------------------------

def _installments(*paid: int) -> list[OpenInstallment]:
    amounts = [2_333_000, 2_334_000]
    dues = [date(2025, 3, 10), date(2026, 3, 10)]
    # Given in reverse order on purpose: allocation must sort by due date, not trust the order given.
    return [OpenInstallment(10 + seq, seq + 1, dues[seq], amounts[seq], paid[seq]) for seq in (1, 0)]


def test_payment_goes_to_the_oldest_unpaid_installment_first():
    result = allocate(3_000_000, _installments(0, 0))
    assert [(a.seq, a.amount) for a in result] == [(1, 2_333_000), (2, 667_000)]


def test_partial_payment_stays_on_the_oldest_installment():
    assert [(a.seq, a.amount) for a in allocate(1_000, _installments(0, 0))] == [(1, 1_000)]
    assert [(a.seq, a.amount) for a in allocate(5_000, _installments(2_330_000, 0))] == [(1, 3_000), (2, 2_000)]


def test_paid_installments_are_skipped():
    assert [(a.seq, a.amount) for a in allocate(2_334_000, _installments(2_333_000, 0))] == [(2, 2_334_000)]


def test_exact_balance_is_accepted_and_one_dong_more_is_refused():
    assert sum(a.amount for a in allocate(4_667_000, _installments(0, 0))) == 4_667_000
    with pytest.raises(Refused, match="lớn hơn số hộ còn phải trả"):
        allocate(4_667_001, _installments(0, 0))
    with pytest.raises(Refused, match="lớn hơn 0"):
        allocate(0, _installments(0, 0))


# -- aging -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "bucket"), [
    (0, None), (1, "1-30"), (30, "1-30"), (31, "31-90"), (90, "31-90"), (91, "91-180"), (180, "91-180"),
    (181, ">180"), (4000, ">180"),
])
def test_aging_bucket_edges(days, bucket):
    assert aging_bucket(days) == bucket


def test_aging_as_of_a_date():
    due = date(2025, 3, 10)
    assert days_overdue(due, date(2025, 3, 10)) == 0
    assert days_overdue(due, date(2025, 3, 9)) == 0
    assert days_overdue(due, date(2025, 4, 9)) == 30
    rows = [(date(2025, 3, 10), 100), (date(2025, 2, 7), 200), (date(2024, 12, 10), 300), (date(2024, 9, 10), 400),
            (date(2024, 1, 1), 0), (date(2025, 5, 1), 999)]
    totals = age_installments(rows, date(2025, 4, 9))
    assert totals == {"1-30": 100, "31-90": 200, "91-180": 300, ">180": 400}
    assert [label for label, _, _ in AGING_BUCKETS] == list(totals)


# -- policies as data --------------------------------------------------------------------------------

def test_default_policy_holds_the_numbers_of_the_rule():
    policy = load_policy("default")
    assert policy.code == DEFAULT_POLICY_CODE
    assert policy.support == {"poor": 7_000_000, "near_poor": 5_000_000, "escaped": 5_000_000, "non_poor": 0}
    assert (policy.share_numerator, policy.share_denominator) == (2, 3)
    assert policy.installment_months == (12, 24)
    assert policy.rounding_unit == 1_000
    assert policy.cap_per_project == 300_000_000
    assert (policy.commune_bp, policy.upper_bp) == (300, 200)
    assert policy.public_works_after_years == 3
    assert policy.min_target_share_percent == 70 and policy.escaped_max_months == 36
    assert FundPolicy.from_json(policy.to_json()) == policy


PROVINCE_POLICY = """
code = "tinh-mau-2026"
name = "Quỹ vốn luân chuyển — tỉnh mẫu"

[support]
poor = 10_000_000
near_poor = 8_000_000
escaped = 6_000_000
non_poor = 0

[repayment]
share_numerator = 1
share_denominator = 2
rounding_unit = 500
installment_months = [6, 18, 30]

[limits]
cap_per_project = 500_000_000
min_target_share_percent = 80
escaped_max_months = 24

[management_cost]
commune_bp = 250
upper_bp = 150

[public_works]
after_years = 5
"""


@pytest.fixture
def province_file(tmp_path) -> Path:
    path = tmp_path / "tinh-mau.toml"
    path.write_text(PROVINCE_POLICY, encoding="utf-8")
    return path


def test_another_provinces_policy_file_works_without_code_changes(province_file, books):
    policy = load_policy(province_file)
    assert policy.code == "tinh-mau-2026" and policy.installment_months == (6, 18, 30)
    # 10 000 000 × 1/2 = 5 000 000 in thirds rounded down to 500 đ: 1 666 500 + 1 666 500 + 1 667 000.
    assert [i.amount for i in plan_schedule(10_000_000, date(2024, 2, 29), policy)] == [1_666_500, 1_666_500,
                                                                                         1_667_000]
    assert management_cost(10_000_000, policy) == (250_000, 150_000)

    row = projects.add_project(books, projects.ProjectInput("DA07", "Nuôi dê", policy=province_file)).to_json()
    assert row["policy"] == "tinh-mau-2026"
    add_household(books, HouseholdInput("H001", "Nguyễn Văn Dũng", "Thôn Đông", Category.POOR,
                                        category_on=date(2022, 1, 1))).to_json()
    result = support.record_support(books, support.SupportInput("DA07", "H001", date(2024, 2, 29)),
                                    today=date(2026, 1, 1)).to_json()
    assert result["to_return"] == 5_000_000
    assert result["schedule"] == [
        {"seq": 1, "due_on": "2024-08-29", "amount": 1_666_500},
        {"seq": 2, "due_on": "2025-08-29", "amount": 1_666_500},
        {"seq": 3, "due_on": "2026-08-29", "amount": 1_667_000},
    ]


def test_a_project_keeps_the_frozen_copy_of_its_policy(province_file, books):
    projects.add_project(books, projects.ProjectInput("DA07", "Nuôi dê", policy=province_file))
    province_file.write_text(PROVINCE_POLICY.replace("poor = 10_000_000", "poor = 12_000_000")
                             .replace("share_numerator = 1", "share_numerator = 2")
                             .replace("share_denominator = 2", "share_denominator = 3"), encoding="utf-8")
    projects.add_project(books, projects.ProjectInput("DA08", "Nuôi dê (sửa đổi)", policy=province_file))
    add_household(books, HouseholdInput("H001", "Nguyễn Văn Dũng", "Thôn Đông", Category.POOR,
                                        category_on=date(2022, 1, 1))).to_json()
    add_household(books, HouseholdInput("H002", "Đặng Thị Hoa", "Thôn Tây", Category.POOR,
                                        category_on=date(2022, 1, 1))).to_json()
    today = date(2026, 1, 1)
    old = support.record_support(books, support.SupportInput("DA07", "H001", date(2024, 5, 1)), today=today).to_json()
    new = support.record_support(books, support.SupportInput("DA08", "H002", date(2024, 5, 1)), today=today).to_json()
    assert (old["support_amount"], old["to_return"]) == (10_000_000, 5_000_000)
    assert (new["support_amount"], new["to_return"]) == (12_000_000, 8_000_000)
    frozen = projects.project_policy(projects.require_project(books.conn, "DA07"))
    assert frozen.support["poor"] == 10_000_000 and frozen.share_numerator == 1


def test_the_cli_takes_a_policy_file(province_file, cli):
    from tests.conftest import INIT_ARGS

    assert cli(*INIT_ARGS).code == 0
    result = cli("project", "add", "--code", "DA07", "--name", "Nuôi dê", "--policy", str(province_file), "--json")
    assert result.code == 0, result
    assert result.json["policy"] == "tinh-mau-2026"


@pytest.mark.parametrize(("change", "message"), [
    (("rounding_unit = 500", "rounding_unit = 0"), "đơn vị làm tròn"),
    (("installment_months = [6, 18, 30]", "installment_months = [18, 6]"), "tăng dần"),
    (("installment_months = [6, 18, 30]", "installment_months = []"), "tăng dần"),
    (("share_numerator = 1", "share_numerator = 3"), "tỷ lệ hoàn trả"),
    (("poor = 10_000_000", "poor = -1"), "mức hỗ trợ âm"),
    (("cap_per_project = 500_000_000", "cap_per_project = \"nhiều\""), "phải là một số nguyên"),
    (("[public_works]\nafter_years = 5", ""), r"Thiếu bảng \[public_works\]"),
    (("code = ", "code = = "), "sai cú pháp TOML"),
])
def test_a_broken_policy_file_is_refused_with_the_reason(tmp_path, change, message):
    path = tmp_path / "hong.toml"
    path.write_text(PROVINCE_POLICY.replace(*change), encoding="utf-8")
    with pytest.raises(Refused, match=message):
        load_policy(path)


def test_schedule_view_after_payments_matches_the_arithmetic(books):
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò"))
    add_household(books, HouseholdInput("H001", "Nguyễn Văn Dũng", "Thôn Đông", Category.POOR,
                                        category_on=date(2022, 1, 1))).to_json()
    today = date(2026, 6, 1)
    support.record_support(books, support.SupportInput("DA01", "H001", date(2024, 2, 29)), today=today)
    payments.record_payment(books, payments.PaymentInput("DA01", "H001", 3_000_000, date(2025, 2, 20)), today=today)
    rows = schedules.schedule(books, "DA01", "H001", as_of=date(2026, 3, 30))
    assert [(r["seq"], r["due_on"], r["amount"], r["paid"], r["outstanding"], r["days_overdue"], r["status"])
            for r in rows] == [(1, "2025-02-28", 2_333_000, 2_333_000, 0, 0, "paid"),
                               (2, "2026-02-28", 2_334_000, 667_000, 1_667_000, 30, "overdue")]
