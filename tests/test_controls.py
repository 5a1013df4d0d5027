"""The controls, each judged on the date the act takes effect: the fund on that date and every later day,
the approved budget and the cap, eligibility on the support date, one round-1 support, receipts in date
order, the period lock. Each refusal says the rule and the figures and writes nothing; ``check`` finds the
same rules broken in books written around the program."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from desktop.domain import Category, FundingSource
from desktop.errors import Refused
from desktop.services import checks, payments, projects, schedules, support
from desktop.services.households import HouseholdInput, add_household, set_category
from tests.conftest import books_digest

TODAY = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("VONXOAY_TODAY", TODAY.isoformat())


def give(books, household: str, on: date, project: str = "DA01", **options):
    return support.record_support(books, support.SupportInput(project, household, on, **options), today=TODAY)


def pay(books, household: str, amount: int, on: date, project: str = "DA01", **options):
    return payments.record_payment(books, payments.PaymentInput(project, household, amount, on, **options),
                                   today=TODAY)


@pytest.fixture
def commune(books):
    """DA01 approved 14.000.000 đ of budget; households of every category registered on 1 January 2022."""
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản", budget_central=10_000_000,
                                                      budget_local=4_000_000))
    people = [("H001", Category.POOR), ("H002", Category.NEAR_POOR), ("H003", Category.ESCAPED),
              ("H004", Category.POOR), ("H005", Category.NON_POOR), ("H006", Category.POOR)]
    for code, category in people:
        add_household(books, HouseholdInput(code, f"Chủ hộ {code}", "Thôn Đông", category,
                                            category_on=date(2022, 1, 1)))
    return books


def refused(cli, data_dir, *args: str, match: str):
    """The command is refused with exit code 2, says ``match`` and leaves the books byte for byte."""
    before = books_digest(data_dir.database)
    result = cli(*args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert match in result.stderr + result.stdout, result.stderr
    assert books_digest(data_dir.database) == before
    return result


def refused_in_service(data_dir, call, match: str) -> str:
    before = books_digest(data_dir.database)
    with pytest.raises(Refused) as caught:
        call()
    assert match in caught.value.message, caught.value.message
    assert books_digest(data_dir.database) == before
    return caught.value.message


# -- the fund on the re-lend date and every later day ------------------------------------------------------

def test_a_relend_larger_than_the_fund_on_its_date_is_refused(commune, cli, data_dir):
    give(commune, "H001", date(2023, 3, 10))
    pay(commune, "H001", 2_333_000, date(2024, 6, 1))
    # Today the fund holds 2.333.000 đ, but on 1 May 2024 nothing had come back yet.
    refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H006", "--on", "2024-05-01",
            "--from-fund", "--amount", "2000000",
            match="Quỹ luân chuyển của dự án DA01 ngày 01/05/2024 chỉ còn 0 đ (thấp nhất 0 đ vào ngày 01/05/2024): "
                  "không đủ cho vay 2.000.000 đ.")


def test_a_back_dated_relend_that_would_overdraw_a_later_day_is_refused(commune, data_dir):
    give(commune, "H001", date(2023, 3, 10))
    pay(commune, "H001", 4_667_000, date(2024, 3, 10))
    give(commune, "H006", date(2024, 6, 1), from_fund=True, amount=4_000_000)
    # On 1 April the fund held 4.667.000 đ, but the 1 June loan already took 4.000.000 đ of it.
    refused_in_service(data_dir, lambda: give(commune, "H004", date(2024, 4, 1), from_fund=True, amount=1_000_000),
                       "ngày 01/04/2024 chỉ còn 4.667.000 đ (thấp nhất 667.000 đ vào ngày 01/06/2024): không đủ "
                       "cho vay 1.000.000 đ.")
    assert give(commune, "H004", date(2024, 4, 1), from_fund=True, amount=667_000, voucher_book="02").round == 2


def test_a_relend_draws_only_on_money_back_by_its_date(commune):
    first = give(commune, "H004", date(2023, 3, 1))  # oldest: first in line on any later date
    second = give(commune, "H001", date(2023, 3, 10))
    pay(commune, "H001", 2_333_000, date(2024, 3, 10))
    pay(commune, "H004", 2_333_000, date(2024, 5, 1))
    loan = give(commune, "H006", date(2024, 4, 1), from_fund=True, amount=2_000_000)
    draws = commune.conn.execute("SELECT source_membership_id, amount FROM fund_draw WHERE membership_id = ?",
                                 (loan.membership_id,)).fetchall()
    assert [tuple(d) for d in draws] == [(second.membership_id, 2_000_000)]
    assert first.membership_id != second.membership_id


def test_a_public_works_transfer_dated_before_money_came_back_is_refused(commune, cli, data_dir):
    give(commune, "H001", date(2019, 3, 10))
    pay(commune, "H001", 2_333_000, date(2020, 3, 10))
    pay(commune, "H001", 2_334_000, date(2024, 3, 10))
    refused(cli, data_dir, "fund", "public-works", "--project", "DA01", "--on", "2024-01-15",
            "--decision", "5/QĐ-UBND",
            match="ngày 15/01/2024 chỉ còn 2.333.000 đ (thấp nhất 2.333.000 đ vào ngày 15/01/2024): không chuyển "
                  "được 4.667.000 đ")
    assert schedules.transfer_to_public_works(commune, "DA01", date(2024, 3, 10), "5/QĐ-UBND",
                                              today=TODAY).amount == 4_667_000


# -- the approved budget and the cap -------------------------------------------------------------------

def test_budget_support_beyond_the_approved_budget_is_refused(commune, cli, data_dir):
    give(commune, "H001", date(2023, 3, 10))
    give(commune, "H002", date(2023, 3, 10), source=FundingSource.LOCAL)
    refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H004", "--on", "2023-03-10",
            match="Dự án DA01 được duyệt 14.000.000 đ ngân sách (trung ương và địa phương), đã hỗ trợ 12.000.000 đ; "
                  "thêm 7.000.000 đ cho hộ H004 sẽ vượt dự toán (19.000.000 đ)")
    # A household's own money is not limited by an "other" budget the project never recorded.
    assert give(commune, "H005", date(2023, 3, 10), source=FundingSource.OTHER, amount=30_000_000).round == 1


def test_other_money_beyond_a_recorded_other_budget_is_refused(commune, data_dir):
    projects.add_project(commune, projects.ProjectInput("DA02", "Trồng rau", budget_other=2_000_000))
    refused_in_service(data_dir, lambda: give(commune, "H005", date(2023, 3, 10), project="DA02",
                                              source=FundingSource.OTHER, amount=3_000_000),
                       "Dự án DA02 được duyệt 2.000.000 đ nguồn huy động khác, đã hỗ trợ 0 đ")


def test_a_voided_support_does_not_count_against_the_budget(commune):
    give(commune, "H001", date(2023, 3, 10))
    give(commune, "H002", date(2023, 3, 10))
    commune.conn.execute("UPDATE membership SET voided_on = '2023-03-11', voided_at = 'x', voided_by = 'x', "
                         "void_reason = 'ghi nhầm' WHERE household_id = 2")
    assert give(commune, "H004", date(2023, 3, 12)).support_amount == 7_000_000


# -- eligibility on the support date, one round-1 support --------------------------------------------

def test_an_escaped_household_past_the_limit_is_refused_on_the_command_line(books, cli, data_dir):
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò"))
    add_household(books, HouseholdInput("H003", "Lò Văn Páo", "Thôn Tây", Category.ESCAPED,
                                        category_on=date(2020, 1, 1)))
    refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H003", "--on", "2023-06-01",
            match="Hộ H003 thoát nghèo từ 01/01/2020; đến ngày hỗ trợ 01/06/2023 đã hơn 41 tháng, quá 36 tháng")


def test_a_second_round_one_support_in_the_project_is_refused(commune, cli, data_dir):
    give(commune, "H001", date(2023, 3, 10))
    refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H001", "--on", "2023-04-10",
            match="Hộ H001 đã nhận hỗ trợ vòng 1 của dự án DA01 ngày 10/03/2023 (7.000.000 đ)")
    pay(commune, "H001", 4_667_000, date(2024, 3, 10))
    assert give(commune, "H001", date(2024, 4, 1), from_fund=True, amount=4_000_000).round == 2


def test_the_target_share_counts_households_eligible_on_their_own_date(commune):
    give(commune, "H001", date(2023, 3, 10))
    give(commune, "H005", date(2023, 3, 10), source=FundingSource.OTHER, amount=3_000_000)
    # H003 escaped on 1 January 2022: eligible in 2023, so 2 of 3 … below 70 % either way, but counted.
    warnings = give(commune, "H003", date(2023, 3, 10)).warnings
    assert [w.code for w in warnings] == ["target_share"] and "2/3" in warnings[0].message


def test_a_back_dated_category_that_makes_a_support_ineligible_is_refused(commune, data_dir):
    give(commune, "H001", date(2023, 3, 10))
    refused_in_service(data_dir, lambda: set_category(commune, "H001", Category.NON_POOR, date(2023, 1, 1)),
                       "khoản hỗ trợ ngày 10/03/2023 của dự án DA01 thành không đúng đối tượng")
    assert set_category(commune, "H001", Category.NON_POOR, date(2024, 1, 1)).category is Category.NON_POOR


# -- receipts in date order within a book --------------------------------------------------------------

def test_a_receipt_dated_before_the_books_latest_is_refused(commune, cli, data_dir):
    give(commune, "H001", date(2023, 3, 10))
    give(commune, "H004", date(2023, 3, 10))
    for on in ("2024-01-05", "2024-02-05", "2024-03-05", "2024-07-15"):
        pay(commune, "H001", 100_000, date.fromisoformat(on))
    payments.void_receipt(commune, "01", 4, "ghi nhầm")  # a voided receipt keeps its number and date
    refused(cli, data_dir, "pay", "--project", "DA01", "--household", "H004", "--amount", "500000",
            "--on", "2024-03-18",
            match="Quyển 01 năm 2024 đã có phiếu số 4 ngày 15/07/2024; phiếu thu ghi sổ theo thứ tự ngày nên không "
                  "ghi được phiếu ngày 18/03/2024 vào quyển này. Tiền thu trước đây mà quên ghi: hãy ghi vào một "
                  "quyển khác (--book)")
    late = pay(commune, "H004", 500_000, date(2024, 3, 18), book="02")
    assert (late.receipt.book, late.receipt.number) == ("02", 1)
    assert pay(commune, "H004", 100_000, date(2024, 7, 15)).receipt.number == 5  # same day is in order


# -- the period lock -------------------------------------------------------------------------------------

def test_the_period_lock_commands_print_the_contract(commune, cli):
    assert cli("period", "status", "--json").json["locked_to"] is None
    locked = cli("period", "lock", "--to", "2024-06-30", "--json")
    assert locked.code == 0 and locked.json == {"locked_to": "2024-06-30"}
    status = cli("period", "status", "--json").json
    assert status["locked_to"] == "2024-06-30" and [h["action"] for h in status["history"]] == ["lock"]
    assert "30/06/2024" in cli("period", "status").stdout
    assert cli("period", "unlock", "--json").code == 2  # the reason is required
    opened = cli("period", "unlock", "--reason", "Sửa phiếu ghi nhầm theo biên bản kiểm tra", "--json")
    assert opened.code == 0 and opened.json == {"locked_to": None}
    assert [h["action"] for h in cli("period", "status", "--json").json["history"]] == ["lock", "unlock"]


def test_writes_dated_in_the_locked_period_are_refused(commune, cli, data_dir):
    give(commune, "H001", date(2019, 3, 10))
    pay(commune, "H001", 1_000_000, date(2020, 3, 10))
    assert cli("period", "lock", "--to", "2024-06-30").code == 0
    common = ("--project", "DA01")
    refused(cli, data_dir, "support", "add", *common, "--household", "H004", "--on", "2024-06-30",
            match="Ngày hỗ trợ 30/06/2024 nằm trong kỳ đã khóa sổ (đến hết ngày 30/06/2024)")
    refused(cli, data_dir, "pay", *common, "--household", "H001", "--amount", "100000", "--on", "2024-06-01",
            match="Ngày thu 01/06/2024 nằm trong kỳ đã khóa sổ")
    refused(cli, data_dir, "fund", "public-works", *common, "--on", "2024-01-01", "--decision", "1/QĐ",
            match="Ngày quyết định 01/01/2024 nằm trong kỳ đã khóa sổ")
    refused_in_service(data_dir, lambda: set_category(commune, "H004", Category.NEAR_POOR, date(2024, 1, 1)),
                       "Ngày áp dụng phân loại 01/01/2024 nằm trong kỳ đã khóa sổ")
    refused(cli, data_dir, "pay", *common, "--household", "H001", "--amount", "100000", "--on", "2026-12-01",
            match="Ngày thu 01/12/2026 ở tương lai")
    assert pay(commune, "H001", 100_000, date(2024, 7, 1)).receipt.number == 1


# -- check lists the same rules broken in books written around the program ------------------------------

@pytest.fixture
def written(commune):
    give(commune, "H001", date(2023, 3, 10))
    pay(commune, "H001", 1_000_000, date(2024, 3, 10))
    pay(commune, "H001", 1_000_000, date(2024, 4, 10))
    assert checks.check_books(commune) == []
    return commune


def _raw(books) -> sqlite3.Connection:
    conn = sqlite3.connect(books.data_dir.database, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _membership(conn, household_id: int, source: str, amount: int, on: str, round_no: int = 1,
                category: str = "poor") -> None:
    conn.execute("INSERT INTO membership (uuid, project_id, household_id, round, source, category_at_entry, "
                 "support_amount, to_return, supported_on, created_at) VALUES (?, 1, ?, ?, ?, ?, ?, 0, ?, 'n')",
                 (f"m{household_id}{on}", household_id, round_no, source, category, amount, on))


def _receipt(conn, number: int, issued_on: str) -> None:
    conn.execute(
        "INSERT INTO receipt (uuid, book, year, number, issued_on, project_id, household_id, amount, method, payer, "
        "reason, created_at, created_by) VALUES (?, '01', ?, ?, ?, 1, 1, 1, 'cash', 'x', 'x', 'now', 'x')",
        (f"r{number}", int(issued_on[:4]), number, issued_on))


VIOLATIONS = {
    "budget_exceeded": (lambda c: _membership(c, 4, "central", 8_000_000, "2023-03-10"),
                        "được duyệt 14.000.000 đ ngân sách (trung ương và địa phương) nhưng đã hỗ trợ 15.000.000 đ"),
    "cap_exceeded": (lambda c: c.execute("UPDATE project SET budget_central = 0, budget_local = 0, policy_json = "
                                         "replace(policy_json, '300000000', '5000000')"),
                     "vượt mức trần 5.000.000 đ một dự án"),
    "ineligible_support": (lambda c: _membership(c, 5, "central", 3_000_000, "2023-03-10", category="non_poor"),
                           "Hộ H005 là hộ không nghèo"),
    "duplicate_support": (lambda c: _membership(c, 1, "local", 1_000_000, "2023-05-10"),
                          "Hộ H001 nhận hỗ trợ vòng 1 của dự án DA01 hơn một lần"),
    "receipt_out_of_order": (lambda c: _receipt(c, 3, "2024-03-20"),
                             "phiếu số 3 ngày 20/03/2024 lập trước phiếu số 2 ngày 10/04/2024"),
    "void_before_receipt": (lambda c: (c.execute("DROP TRIGGER receipt_only_voided"), c.execute(
        "UPDATE receipt SET voided_at = 'x', voided_by = 'x', void_reason = 'x', voided_on = '2024-01-01' "
        "WHERE number = 2")), "lập ngày 10/04/2024 nhưng ghi hủy từ ngày 01/01/2024"),
    # Negative for a while, positive again today: the old end-of-books check saw nothing.
    "fund_overdrawn": (lambda c: c.execute(
        "INSERT INTO fund_transfer (uuid, project_id, kind, amount, decided_on, decision, created_at, created_by) "
        "VALUES ('t', 1, 'public_works', 1500000, '2024-03-20', '1/QĐ', 'n', 'x')"),
        "Quỹ luân chuyển của dự án DA01 âm 500.000 đ vào ngày 20/03/2024"),
}


@pytest.mark.parametrize("kind", list(VIOLATIONS), ids=list(VIOLATIONS))
def test_check_lists_each_rule_broken_with_figures_and_a_remedy(written, kind, cli, data_dir):
    make, figures = VIOLATIONS[kind]
    conn = _raw(written)
    make(conn)
    conn.close()
    before = books_digest(data_dir.database)
    result = cli("check", "--json")
    assert books_digest(data_dir.database) == before  # check never writes
    assert result.code == 0 and result.json["ok"] is False
    found = [p for p in result.json["problems"] if p["kind"] == kind]
    assert found, result.json["problems"]
    assert all(p["code"] == p["kind"] and p["message"] and p["remedy"] for p in result.json["problems"])
    assert figures in found[0]["message"], found[0]["message"]


def test_the_controls_and_check_agree_on_the_escape_limit(books, data_dir):
    """What the program refuses to write is what check reports when it is written around the program."""
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò"))
    add_household(books, HouseholdInput("H003", "Lò Văn Páo", "Thôn Tây", Category.ESCAPED,
                                        category_on=date(2020, 1, 1)))
    for on, allowed in (("2023-01-01", True), ("2023-01-02", False)):
        try:
            give(books, "H003", date.fromisoformat(on))
            assert allowed
        except Refused:
            assert not allowed
            conn = _raw(books)
            _membership(conn, 1, "central", 5_000_000, on, category="escaped")
            conn.close()
    # Both supports are now in the books; one is a duplicate round 1, the later one is ineligible.
    kinds = [p["kind"] for p in checks.check_books(books)]
    assert kinds.count("ineligible_support") == 1 and kinds.count("duplicate_support") == 1


def test_a_household_in_two_projects_of_one_programme_is_a_notice_not_a_problem(commune, cli):
    projects.add_project(commune, projects.ProjectInput("DA02", "Nuôi lợn nái", programme="GNBV",
                                                        component="Dự án 2", budget_central=20_000_000))
    projects.add_project(commune, projects.ProjectInput("DA03", "Trồng cam", programme="GNBV",
                                                        component="Dự án 2", budget_central=20_000_000))
    give(commune, "H001", date(2024, 3, 1), project="DA02")
    outcome = give(commune, "H001", date(2024, 4, 1), project="DA03")
    assert "duplicate_support" in [w.code for w in outcome.warnings]  # said when it was recorded
    data = cli("check", "--json").json
    assert data["ok"] is True and data["problems"] == []
    # These books do not require approval: their supports without a decision are notices of their own kind.
    same = [n for n in data["notices"] if n["kind"] != "support_unapproved"]
    assert [(n["kind"], n["household"], n["programme"]) for n in same] == [("same_programme", "H001", "GNBV")]
    assert "DA02, DA03" in same[0]["message"] or "DA03, DA02" in same[0]["message"]
