"""Voids take effect on a date: a receipt or a support is valid before its void date and voided from it,
in the fund's figures, the due list, the ledger and the periodic report alike. Refusals write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop import clock
from desktop.domain import Category
from desktop.errors import Refused
from desktop.queries.fund import fund_figures
from desktop.reports.ledger import project_ledger
from desktop.reports.period import period_report
from desktop.services import payments, projects, schedules, support
from desktop.services.households import HouseholdInput, add_household
from desktop.services.period_lock import lock_period
from desktop.services.support_void import void_support
from tests.conftest import books_digest

TODAY = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def fund(books):
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản", programme="GNBV",
                                                      component="Dự án 2")).to_json()
    for code, name, category in (("H001", "Nguyễn Văn Dũng", Category.POOR), ("H002", "Đặng Thị Hoa",
                                 Category.NEAR_POOR), ("H004", "Trần Văn Bốn", Category.POOR)):
        add_household(books, HouseholdInput(code, name, "Thôn Đông", category, category_on=date(2022, 1, 1)))
    support.record_support(books, support.SupportInput("DA01", "H001", date(2023, 3, 10)))  # 7 tr, returns 4.667.000
    support.record_support(books, support.SupportInput("DA01", "H002", date(2023, 3, 10)))  # 5 tr, returns 3.333.000
    return books


def pay(books, household: str, amount: int, on: date) -> dict:
    return payments.record_payment(books, payments.PaymentInput("DA01", household, amount, on)).to_json()["receipt"]


def balance(books, on: date | None = None) -> int:
    return fund_figures(books.conn, 1, as_of=on)["balance"]


def refused(cli, data_dir, *args: str) -> str:
    """Run a command that must be refused: exit 2, the books byte-for-byte unchanged; its message."""
    before = books_digest(data_dir.database)
    result = cli(*args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert books_digest(data_dir.database) == before
    return result.stderr


def ledger_agrees_with_fund_figures(books) -> None:
    """The balance after the last ledger row of every day is ``fund_figures`` on that day."""
    ledger = project_ledger(books.conn, "DA01")
    end_of_day = {row["on"]: row["balance"] for row in ledger["rows"]}
    assert end_of_day
    for day, running in end_of_day.items():
        assert running == balance(books, date.fromisoformat(day)), day
    assert ledger["balance"] == balance(books)


# -- receipts ------------------------------------------------------------------------------------------

def test_a_receipt_is_valid_before_its_void_date_and_voided_from_it(fund, cli):
    pay(fund, "H001", 2_333_000, date(2024, 3, 1))
    pay(fund, "H002", 1_000_000, date(2024, 4, 1))
    result = cli("--json", "receipt", "void", "--book", "01", "--number", "1", "--reason", "Thu nhầm hộ",
                 "--on", "2024-07-01")
    assert result.code == 0, result.stderr
    data = result.json
    assert {k: data[k] for k in ("book", "number", "year", "voided", "voided_on")} == {
        "book": "01", "number": 1, "year": 2024, "voided": True, "voided_on": "2024-07-01"}
    assert balance(fund, date(2024, 6, 30)) == 3_333_000 and balance(fund, date(2024, 7, 1)) == 1_000_000


@pytest.fixture
def voided_midyear(fund):
    """Receipt 1 (2.333.000 đ, 01/03/2024) voided from 01/07/2024; receipt 2 (1.000.000 đ) stays."""
    pay(fund, "H001", 2_333_000, date(2024, 3, 1))
    pay(fund, "H002", 1_000_000, date(2024, 4, 1))
    outcome = payments.void_receipt(fund, "01", 1, "Thu nhầm hộ", on=date(2024, 7, 1))
    assert outcome.voided_on == date(2024, 7, 1)
    return fund


def test_fund_figures_and_schedule_hold_the_receipt_until_its_void_date(voided_midyear):
    books = voided_midyear
    assert balance(books, date(2024, 6, 30)) == 3_333_000
    assert balance(books, date(2024, 7, 1)) == 1_000_000
    before = schedules.schedule(books, "DA01", "H001", as_of=date(2024, 6, 30))
    after = schedules.schedule(books, "DA01", "H001", as_of=date(2024, 7, 1))
    assert [r["paid"] for r in before] == [2_333_000, 0]
    assert [r["paid"] for r in after] == [0, 0]
    # Overdue on 30/06 the first third was paid; from 01/07 it is owed again (and overdue since 10/03/2024).
    assert not [r for r in schedules.due_list(books, date(2024, 6, 30), within_days=0)["rows"]
                if r["household"] == "H001"]
    again = [r for r in schedules.due_list(books, date(2024, 7, 1), within_days=0)["rows"] if r["household"] == "H001"]
    assert [(r["seq"], r["outstanding"]) for r in again] == [(1, 2_333_000)]


def test_period_report_and_ledger_agree_on_both_sides_of_the_void_date(voided_midyear):
    books = voided_midyear
    first_half = period_report(books.conn, date(2024, 1, 1), date(2024, 6, 30))
    second_half = period_report(books.conn, date(2024, 7, 1), date(2024, 12, 31))
    da01 = first_half.projects[0]
    assert da01.recovered_in_period == da01.recovered_to_date == 3_333_000
    assert da01.fund_balance == balance(books, date(2024, 6, 30))
    assert first_half.voided_receipts == ()
    da01 = second_half.projects[0]
    # The receipt of 01/03 counted in the first half; voided from 01/07, it is taken back in the second half,
    # on its void date, as the cash book does: the halves add up to the year.
    assert da01.recovered_in_period == -2_333_000 and da01.recovered_to_date == 1_000_000
    year = period_report(books.conn, date(2024, 1, 1), date(2024, 12, 31)).projects[0]
    assert first_half.projects[0].recovered_in_period + da01.recovered_in_period == year.recovered_in_period
    assert year.recovered_in_period == year.recovered_to_date == 1_000_000
    assert da01.fund_balance == balance(books, date(2024, 12, 31)) == 1_000_000
    listed = second_half.to_dict()["voided_receipts"]
    assert listed == [{"book": "01", "number": 1, "year": 2024, "issued_on": "2024-03-01", "voided_on": "2024-07-01",
                       "amount": 2_333_000, "reason": "Thu nhầm hộ", "project": "DA01", "household": "H001"}]
    ledger = project_ledger(books.conn, "DA01")
    rows = [(r["on"], r["kind"], r["fund_in"], r["balance"]) for r in ledger["rows"] if r["kind"] != "support"]
    assert rows == [("2024-03-01", "repayment", 2_333_000, 2_333_000),
                    ("2024-04-01", "repayment", 1_000_000, 3_333_000), ("2024-07-01", "void", -2_333_000, 1_000_000)]
    original, reversal = ledger["rows"][2], ledger["rows"][4]
    assert original["description"].endswith("(đã hủy ngày 01/07/2024)")
    assert reversal["description"] == "Hủy phiếu thu số 01/1/2024: Thu nhầm hộ"
    ledger_agrees_with_fund_figures(books)


def test_period_files_list_the_receipts_voided_in_the_period(voided_midyear, cli, tmp_path):
    import openpyxl

    out = tmp_path / "h2.xlsx"
    result = cli("--json", "report", "period", "--from", "2024-07-01", "--to", "2024-12-31", "--format", "xlsx",
                 "--out", str(out))
    assert result.code == 0, result.stderr
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert "8. Phiếu thu và khoản hỗ trợ hủy trong kỳ — phiếu thu" in cells and "Thu nhầm hộ" in cells
    out = tmp_path / "h1.xlsx"
    assert cli("--json", "report", "period", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "xlsx",
               "--out", str(out)).code == 0
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert any("Không có phiếu thu nào bị hủy trong kỳ." in str(c) for c in cells) and "Thu nhầm hộ" not in cells


def test_receipt_void_refusals_write_nothing(fund, cli, data_dir):
    pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    support.record_support(fund, support.SupportInput("DA01", "H004", date(2024, 9, 1), from_fund=True,
                                                      amount=4_000_000))
    args = ("receipt", "void", "--book", "01", "--number", "1", "--reason", "nhầm", "--on")
    message = refused(cli, data_dir, *args, "2024-02-29")
    assert "29/02/2024" in message and "01/03/2024" in message and "trước ngày lập phiếu" in message
    message = refused(cli, data_dir, *args, (TODAY + timedelta(days=1)).isoformat())
    assert "ở tương lai" in message and "02/11/2026" in message
    # Voiding before the re-lend would leave the fund at 667.000 đ from 01/09/2024: negative on a later day.
    message = refused(cli, data_dir, *args, "2024-06-01")
    assert "đã được cho vay quay vòng" in message and "667.000 đ" in message and "01/09/2024" in message
    assert "4.667.000 đ" in message
    lock_period(fund, date(2024, 12, 31))
    message = refused(cli, data_dir, *args, "2024-12-31")
    assert "kỳ đã khóa sổ" in message and "31/12/2024" in message
    message = refused(cli, data_dir, "receipt", "void", "--book", "01", "--number", "1", "--reason", "nhầm")
    assert "đã được cho vay quay vòng" in message


# -- supports ------------------------------------------------------------------------------------------

def test_support_void_from_a_date_drops_its_schedule_from_then_on(fund, cli):
    result = cli("--json", "support", "void", "--project", "DA01", "--household", "H002", "--reason", "Ghi nhầm hộ",
                 "--on", "2024-01-15")
    assert result.code == 0, result.stderr
    data = result.json
    assert {k: data[k] for k in ("membership_id", "voided", "voided_on")} == {
        "membership_id": 2, "voided": True, "voided_on": "2024-01-15"}
    row = fund.conn.execute("SELECT voided_on, voided_by, void_reason FROM membership WHERE id = 2").fetchone()
    assert tuple(row) == ("2024-01-15", "kiểm thử", "Ghi nhầm hộ")
    before, after = (fund_figures(fund.conn, 1, as_of=d) for d in (date(2024, 1, 14), date(2024, 1, 15)))
    assert (before["disbursed"], before["to_return"], before["households"]) == (12_000_000, 8_000_000, 2)
    assert (after["disbursed"], after["to_return"], after["households"]) == (7_000_000, 4_667_000, 1)
    due_before = schedules.due_list(fund, date(2024, 1, 14), within_days=60)["rows"]
    due_after = schedules.due_list(fund, date(2024, 1, 15), within_days=60)["rows"]
    assert {r["household"] for r in due_before} == {"H001", "H002"}
    assert {r["household"] for r in due_after} == {"H001"}
    assert [r["household"] for r in schedules.schedule(fund, "DA01", as_of=date(2024, 2, 1))] == ["H001", "H001"]
    assert [m["code"] for m in projects.project_members(fund, "DA01")[1]] == ["H001"]
    report = period_report(fund.conn, date(2024, 1, 1), date(2024, 6, 30)).to_dict()
    assert report["projects"][0]["households"] == 1
    assert report["voided_supports"] == [{"project": "DA01", "household": "H002", "round": 1,
                                          "supported_on": "2023-03-10", "voided_on": "2024-01-15",
                                          "amount": 5_000_000, "reason": "Ghi nhầm hộ"}]
    assert period_report(fund.conn, date(2023, 1, 1), date(2023, 12, 31)).projects[0].households == 2
    ledger = project_ledger(fund.conn, "DA01")
    voided = [r for r in ledger["rows"] if r["kind"] == "support_void"]
    assert [(r["on"], r["budget_support"]) for r in voided] == [("2024-01-15", -5_000_000)]
    assert ledger["budget_support"] == 7_000_000
    # Nothing is owed on a voided support any more: a payment for it is refused.
    with pytest.raises(Refused):
        payments.record_payment(fund, payments.PaymentInput("DA01", "H002", 1_000, date(2024, 3, 1)))


def test_a_voided_re_lend_gives_its_money_back_to_the_fund(fund):
    pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    support.record_support(fund, support.SupportInput("DA01", "H004", date(2024, 4, 1), from_fund=True,
                                                      amount=4_000_000))
    assert balance(fund) == 667_000
    outcome = void_support(fund, "DA01", "H004", "Vay nhầm hộ", on=date(2024, 5, 1))
    assert outcome.to_json()["voided_on"] == "2024-05-01" and outcome.round == 2
    assert balance(fund, date(2024, 4, 30)) == 667_000
    assert balance(fund, date(2024, 5, 1)) == balance(fund) == 4_667_000
    assert fund_figures(fund.conn, 1)["relent"] == 0
    # The draws of the voided re-lend no longer use H001's money: it can be lent again in full.
    again = support.record_support(fund, support.SupportInput("DA01", "H004", date(2024, 6, 1), from_fund=True,
                                                              amount=4_667_000))
    assert again.round == 2
    assert schedules.grant_reach(fund, 1) == [{"household": "H001", "reached": 1},
                                              {"household": "H002", "reached": 0}]
    ledger = project_ledger(fund.conn, "DA01")
    assert [(r["kind"], r["fund_out"]) for r in ledger["rows"] if r["kind"].startswith("relend")] == [
        ("relend", 4_000_000), ("relend_void", -4_000_000), ("relend", 4_667_000)]
    ledger_agrees_with_fund_figures(fund)


def test_support_void_refusals_write_nothing(fund, cli, data_dir):
    receipt = pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    support.record_support(fund, support.SupportInput("DA01", "H004", date(2024, 4, 1), from_fund=True,
                                                      amount=4_000_000))
    args = ("support", "void", "--project", "DA01", "--reason", "nhầm", "--household")
    message = refused(cli, data_dir, *args, "H001", "--on", "2024-06-01")
    assert f"quyển 01 số {receipt['number']}/2024" in message and "Hãy hủy các phiếu thu đó trước" in message
    message = refused(cli, data_dir, *args, "H002", "--on", "2023-03-09")
    assert "09/03/2023" in message and "10/03/2023" in message and "trước ngày hỗ trợ" in message
    message = refused(cli, data_dir, *args, "H002", "--on", (TODAY + timedelta(days=1)).isoformat())
    assert "Ngày hủy hỗ trợ" in message and "ở tương lai" in message
    message = refused(cli, data_dir, *args, "H004", "--on", "2024-03-31")
    assert "trước ngày hỗ trợ" in message
    lock_period(fund, date(2024, 6, 30))
    message = refused(cli, data_dir, *args, "H002", "--on", "2024-06-30")
    assert "kỳ đã khóa sổ" in message
    message = refused(cli, data_dir, *args, "H003")
    assert "Không có hộ mã" in message


def test_a_support_whose_money_was_re_lent_must_wait_for_the_re_lend(fund, cli, data_dir):
    pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    support.record_support(fund, support.SupportInput("DA01", "H004", date(2024, 4, 1), from_fund=True,
                                                      amount=4_000_000))
    void_support(fund, "DA01", "H004", "Vay nhầm hộ", on=date(2024, 5, 1))
    payments.void_receipt(fund, "01", 1, "Thu nhầm", on=date(2024, 5, 2))
    # Receipt still valid on 01/05/2024 (voided from 02/05): the support cannot be voided on 01/05.
    message = refused(cli, data_dir, "support", "void", "--project", "DA01", "--household", "H001", "--reason",
                      "nhầm", "--on", "2024-05-01")
    assert "còn hiệu lực vào ngày 01/05/2024" in message
    assert cli("--json", "support", "void", "--project", "DA01", "--household", "H001", "--reason", "nhầm",
               "--on", "2024-05-02").code == 0
    message = refused(cli, data_dir, "support", "void", "--project", "DA01", "--household", "H001", "--reason",
                      "lần nữa")
    assert "đã bị hủy từ ngày 02/05/2024" in message
    ledger_agrees_with_fund_figures(fund)


def test_re_lent_money_blocks_voiding_its_source(fund, data_dir):
    pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    support.record_support(fund, support.SupportInput("DA01", "H004", date(2024, 4, 1), from_fund=True,
                                                      amount=4_000_000))
    before = books_digest(data_dir.database)
    # The receipt is voided first only if the fund can bear it; it cannot, so the support's money is re-lent.
    with pytest.raises(Refused, match="cho vay quay vòng"):
        payments.void_receipt(fund, "01", 1, "nhầm", on=date(2024, 5, 1))
    assert books_digest(data_dir.database) == before


def test_several_supports_need_the_round(fund, data_dir):
    pay(fund, "H001", 4_667_000, date(2024, 3, 1))
    support.record_support(fund, support.SupportInput("DA01", "H002", date(2024, 4, 1), from_fund=True,
                                                      amount=4_000_000))
    before = books_digest(data_dir.database)
    several = r"nhiều khoản hỗ trợ \(vòng 1 ngày 10/03/2023; vòng 2 ngày 01/04/2024\).*--round"
    with pytest.raises(Refused, match=several):
        void_support(fund, "DA01", "H002", "nhầm", on=date(2024, 5, 1))
    with pytest.raises(Refused, match="Không có khoản hỗ trợ vòng 3"):
        void_support(fund, "DA01", "H002", "nhầm", round=3, on=date(2024, 5, 1))
    with pytest.raises(Refused, match="Phải ghi lý do"):
        void_support(fund, "DA01", "H002", "  ", round=2, on=date(2024, 5, 1))
    assert books_digest(data_dir.database) == before
    assert void_support(fund, "DA01", "H002", "nhầm", round=2, on=date(2024, 5, 1)).round == 2


def test_the_formal_report_says_an_earlier_receipt_voided_in_the_period_is_taken_back(voided_midyear, tmp_path):
    import subprocess

    from openpyxl import load_workbook

    from desktop.reports.formal import TextBlock, formal_report
    from desktop.reports.formal_pdf import write_formal_pdf
    from desktop.reports.formal_xlsx import write_formal_xlsx

    note = "được trừ vào số tiền trong kỳ của các bảng trên vào ngày hủy"
    conn = voided_midyear.conn
    first = formal_report(conn, period_report(conn, date(2024, 1, 1), date(2024, 6, 30)), [])
    second = formal_report(conn, period_report(conn, date(2024, 7, 1), date(2024, 12, 31)), [])
    assert not any(isinstance(b, TextBlock) and note in " ".join(b.paragraphs) for b in first.blocks)
    pdf = write_formal_pdf(tmp_path / "h2.pdf", second)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert note in text and "Thu nhầm hộ" in text
    cells = [c.value for row in load_workbook(write_formal_xlsx(tmp_path / "h2.xlsx", second)).active.iter_rows()
             for c in row if isinstance(c.value, str)]
    assert any(note in c for c in cells)
