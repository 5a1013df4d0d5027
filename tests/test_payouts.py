"""Money going out: a phiếu chi for every cash payout, a handover record for support in kind, management-cost
spending within the allowance, the cash book equal to the fund, and ``check`` proving it. Refusals write
nothing."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import clock
from desktop.domain import Category
from desktop.queries.cashbook import balance_mismatches, cashbook, fund_balance_on
from desktop.services import payments, projects, support
from desktop.services.checks import check_books
from desktop.services.households import HouseholdInput, add_household
from desktop.services.period_lock import lock_period
from tests.conftest import books_digest

TODAY = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def fund(books):
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản"))
    for code, name, category in (("H001", "Nguyễn Văn Dũng", Category.POOR),
                                 ("H002", "Đặng Thị Hoa", Category.NEAR_POOR),
                                 ("H003", "Trần Văn Ba", Category.POOR)):
        add_household(books, HouseholdInput(code, name, "Thôn Đông", category, category_on=date(2022, 1, 1)))
    return books


def refused(cli, data_dir, *args: str) -> str:
    before = books_digest(data_dir.database)
    result = cli(*args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert books_digest(data_dir.database) == before
    return result.stderr


def test_support_add_issues_the_next_voucher(fund, cli):
    first = cli("--json", "support", "add", "--project", "DA01", "--household", "H001", "--on", "2026-03-10")
    assert first.code == 0, first.stderr
    assert first.json["voucher"] == {"book": "01", "number": 1, "year": 2026, "amount": 7_000_000}
    second = cli("--json", "support", "add", "--project", "DA01", "--household", "H002", "--on", "2026-03-11")
    assert second.json["voucher"]["number"] == 2
    assert second.json["handover"] is None
    assert check_books(fund) == []


def test_a_support_dated_before_the_book_s_latest_voucher_is_refused(fund, cli, data_dir):
    cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2026-03-10")
    message = refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H002",
                      "--on", "2026-03-01")
    assert "Quyển phiếu chi 01 năm 2026 đã có phiếu số 1 ngày 10/03/2026" in message
    # Another voucher book takes it.
    ok = cli("--json", "support", "add", "--project", "DA01", "--household", "H002", "--on", "2026-03-01",
             "--voucher-book", "02")
    assert ok.json["voucher"]["book"] == "02"


def test_in_kind_support_gets_a_handover_record_not_a_voucher(fund, cli, tmp_path):
    result = cli("--json", "support", "add", "--project", "DA01", "--household", "H001", "--on", "2026-03-10",
                 "--in-kind", "1 con bò cái giống", "--unit", "con", "--supplier", "HTX Nông nghiệp Đức Chính",
                 "--witnesses", "Trưởng thôn Đông")
    data = result.json
    assert data["voucher"] is None
    assert data["handover"]["value"] == 7_000_000 and data["handover"]["unit_price"] == 7_000_000
    out = tmp_path / "bb.pdf"
    assert cli("handover", "pdf", "--household", "H001", "--out", str(out)).code == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "BIÊN BẢN BÀN GIAO HIỆN VẬT HỖ TRỢ" in text
    assert "Bảy triệu đồng" in text
    assert "1 con bò cái giống" in text and "HTX Nông nghiệp Đức Chính" in text
    assert "Ký hoặc điểm chỉ" in text
    day_list = tmp_path / "ngay.pdf"
    assert cli("handover", "pdf", "--on", "2026-03-10", "--out", str(day_list)).code == 0
    # In the fund ledger the support's document is its handover record, by delivery day.
    ledger = cli("--json", "report", "ledger", "--project", "DA01").json
    assert [r["document"] for r in ledger["rows"] if r["kind"] == "support"] == ["BBBG 10/03/2026"]


def test_a_handover_whose_price_does_not_make_the_value_is_refused(fund, cli, data_dir):
    message = refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H001", "--on",
                      "2026-03-10", "--in-kind", "2 con lợn", "--quantity", "2", "--unit-price", "3000000")
    assert "khác giá trị hỗ trợ 7.000.000 đ" in message


def test_voucher_pdf_holds_the_form_and_the_amount_in_words(fund, cli, tmp_path):
    cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2026-03-10")
    out = tmp_path / "pc.pdf"
    result = cli("--json", "voucher", "pdf", "--book", "01", "--number", "1", "--out", str(out))
    assert result.json == {"path": str(out), "copy": False}
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    for expected in ("PHIẾU CHI", "Mẫu số C41-BB", "Thông tư số 107/2017/TT-BTC", "Nguyễn Văn Dũng",
                     "7.000.000 đồng", "Bảy triệu đồng", "THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI LẬP",
                     "THỦ QUỸ", "NGƯỜI NHẬN TIỀN", "Đã nhận đủ số tiền (viết bằng chữ)", "UBND xã Đức Chính"):
        assert expected in text, expected
    assert "UBND Xã" not in text and "Xã Đức Chính, Tỉnh" not in " ".join(text.split())  # the unit's usual form
    again = cli("--json", "voucher", "pdf", "--book", "01", "--number", "1", "--out", str(tmp_path / "b.pdf"),
                "--two-up")
    assert again.json["copy"] is True
    assert "BẢN SAO" in subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True,
                                       text=True).stdout


def test_voucher_void_voids_the_support_and_support_void_voids_the_voucher(fund, cli, tmp_path):
    cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2026-03-10")
    cli("support", "add", "--project", "DA01", "--household", "H002", "--on", "2026-03-11")
    done = cli("--json", "voucher", "void", "--book", "01", "--number", "1", "--reason", "Ghi nhầm hộ",
               "--on", "2026-03-12")
    assert done.json["voided"] is True and done.json["voided_on"] == "2026-03-12"
    assert fund.conn.execute("SELECT voided_on FROM membership WHERE id = 1").fetchone()[0] == "2026-03-12"
    cli("support", "void", "--project", "DA01", "--household", "H002", "--reason", "Hộ xin rút", "--on",
        "2026-03-13")
    assert fund.conn.execute("SELECT voided_on FROM voucher WHERE number = 2").fetchone()[0] == "2026-03-13"
    assert check_books(fund) == []
    out = tmp_path / "void.pdf"
    cli("voucher", "pdf", "--book", "01", "--number", "1", "--out", str(out))
    assert "ĐÃ HỦY" in subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout


def test_voucher_void_refusals_write_nothing(fund, cli, data_dir):
    cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2026-03-10")
    assert "trước ngày hỗ trợ" in refused(cli, data_dir, "voucher", "void", "--book", "01", "--number", "1",
                                          "--reason", "x", "--on", "2026-03-01")
    assert "Không có phiếu chi quyển 01 số 9" in refused(cli, data_dir, "voucher", "void", "--book", "01",
                                                         "--number", "9", "--reason", "x")
    payments.record_payment(fund, payments.PaymentInput("DA01", "H001", 1_000_000, date(2026, 4, 1)))
    assert "phiếu thu" in refused(cli, data_dir, "voucher", "void", "--book", "01", "--number", "1",
                                  "--reason", "x", "--on", "2026-04-02")
    lock_period(fund, date(2026, 6, 30))
    assert "khóa" in refused(cli, data_dir, "voucher", "void", "--book", "01", "--number", "1", "--reason", "x",
                             "--on", "2026-03-20").lower()
    cli("voucher", "void", "--book", "01", "--number", "1", "--reason", "Ghi nhầm", "--on", "2026-10-01")


def test_management_spending_within_the_accrued_commune_share(fund, cli, data_dir):
    cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2026-03-10")  # 7 tr → 3% = 210.000
    message = refused(cli, data_dir, "management", "spend", "--amount", "300000", "--on", "2026-03-20",
                      "--reason", "Văn phòng phẩm")
    assert "được trích đến ngày 20/03/2026 là 210.000 đ" in message
    assert "không chi được 300.000 đ" in message
    assert "không chi được" in refused(cli, data_dir, "management", "spend", "--amount", "100000", "--on",
                                       "2026-03-01", "--reason", "Trước khi có hỗ trợ", "--voucher-book", "02")
    spent = cli("--json", "management", "spend", "--amount", "200000", "--on", "2026-03-20", "--reason",
                "Văn phòng phẩm", "--project", "DA01")
    assert spent.code == 0, spent.stderr
    assert spent.json["voucher"] == {"book": "01", "number": 2, "year": 2026, "amount": 200_000}
    assert spent.json["balance"] == 10_000
    # The support it accrued on cannot be voided now: the spending would no longer be covered.
    assert "kinh phí quản lý" in refused(cli, data_dir, "support", "void", "--project", "DA01", "--household",
                                         "H001", "--reason", "x", "--on", "2026-03-25")
    assert check_books(fund) == []


def test_cash_book_closing_balance_is_the_fund_s(fund, cli):
    for household, on in (("H001", "2026-01-10"), ("H002", "2026-01-11")):
        cli("support", "add", "--project", "DA01", "--household", household, "--on", on)
    pay = cli("--json", "pay", "--project", "DA01", "--household", "H001", "--amount", "2000000", "--on",
              "2026-02-01")
    assert pay.code == 0, pay.stderr
    relend = cli("--json", "support", "add", "--project", "DA01", "--household", "H003", "--on", "2026-02-05",
                 "--from-fund", "--amount", "1500000")
    assert relend.json["voucher"]["number"] == 3


    result = cli("--json", "report", "cashbook", "--from", "2026-02-01", "--to", "2026-02-28")
    data = result.json
    assert data["opening_balance"] == 0
    assert [(r["document"], r["in"], r["out"]) for r in data["rows"]] == [
        ("PT 01/1/2026", 2_000_000, 0), ("PC 01/3/2026", 0, 1_500_000)]
    assert data["closing_balance"] == 500_000 == fund_balance_on(fund.conn, date(2026, 2, 28))
    whole = cashbook(fund.conn, date(2026, 1, 1), date(2026, 12, 31), "DA01")
    assert whole["rows"][0]["in"] == whole["rows"][0]["out"] == 7_000_000  # budget money in and out, net zero
    assert balance_mismatches(fund.conn) == []
    assert cli("--json", "report", "cashbook", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "xlsx",
               "--out", str(fund.data_dir.root / "sq.xlsx")).code == 0


def test_a_void_of_an_earlier_month_is_taken_back_in_its_own_month(fund):
    """A receipt of August voided in September, a re-lend of August and a budget support of January voided in
    October: each month's periodic report has the cash book's flows, the months add up to the year, and the
    management cost of the voided support is taken back in October."""
    from desktop.reports.period import period_report
    from desktop.services.support_void import void_support

    support.record_support(fund, support.SupportInput("DA01", "H001", date(2026, 1, 10)))
    support.record_support(fund, support.SupportInput("DA01", "H002", date(2026, 1, 12)))
    payments.record_payment(fund, payments.PaymentInput("DA01", "H001", 2_000_000, date(2026, 8, 5)))
    support.record_support(fund, support.SupportInput("DA01", "H003", date(2026, 8, 20), amount=1_000_000,
                                                      from_fund=True))
    payments.record_payment(fund, payments.PaymentInput("DA01", "H001", 2_500_000, date(2026, 9, 1)))
    payments.void_receipt(fund, "01", 1, "Thu nhầm số tiền", on=date(2026, 9, 10))
    void_support(fund, "DA01", "H002", "Hộ không đủ điều kiện", on=date(2026, 10, 5))

    def month(m: int):
        first, last = date(2026, m, 1), date(2026, m + 1, 1) - timedelta(days=1)
        return period_report(fund.conn, first, last).totals, cashbook(fund.conn, first, last)["rows"]

    august, _ = month(8)
    september, rows = month(9)
    october, _ = month(10)
    assert august.recovered_in_period == 2_000_000 and august.disbursed_relent == 1_000_000
    assert september.recovered_in_period == 2_500_000 - 2_000_000 == sum(
        r["in"] for r in rows if r["kind"].startswith("receipt"))
    january = period_report(fund.conn, date(2026, 1, 1), date(2026, 1, 31)).totals
    h002 = fund.conn.execute("SELECT support_amount, to_return FROM membership m JOIN household h "
                             "ON h.id = m.household_id WHERE h.code = 'H002'").fetchone()
    assert october.disbursed_in_period == -h002[0] and october.to_return_in_period == -h002[1]
    assert october.management_cost_commune == -(h002[0] * 3 // 100) < 0
    assert january.management_cost_commune + october.management_cost_commune == (
        january.disbursed_central + january.disbursed_local - h002[0]) * 3 // 100
    year = period_report(fund.conn, date(2026, 1, 1), date(2026, 12, 31)).totals
    months = [period_report(fund.conn, date(2026, m, 1), date(2026 + m // 12, m % 12 + 1, 1) - timedelta(days=1)
                            ).totals for m in range(1, 13)]
    for key in ("recovered_in_period", "disbursed_in_period", "disbursed_relent", "to_return_in_period",
                "management_cost_commune"):
        assert sum(getattr(t, key) for t in months) == getattr(year, key), key
    assert year.recovered_in_period == year.recovered_to_date == 2_500_000
    assert year.disbursed_in_period == year.disbursed_to_date


# -- the invariants of ``check`` hold after any sequence of acts ---------------------------------------------

ACTS = st.lists(st.tuples(st.sampled_from(["support", "pay", "relend", "spend", "void_voucher", "void_receipt"]),
                          st.sampled_from(["H001", "H002", "H003"]), st.integers(0, 400),
                          st.integers(1, 40)), min_size=3, max_size=14)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(acts=ACTS)
def test_any_sequence_keeps_vouchers_cash_book_and_allowance_whole(tmp_path_factory, acts):
    from desktop.errors import Refused
    from desktop.paths import DataDir
    from desktop.services.hamlets import add_hamlet
    from desktop.services.management import first_overspent_day, spend
    from desktop.services.settings import init_books
    from desktop.services.voucher_void import void_voucher
    from tests.conftest import COMMUNE

    books, _ = init_books(DataDir(tmp_path_factory.mktemp("p") / "data"), COMMUNE)
    try:
        add_hamlet(books, "Thôn Đông")
        projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản"))
        for code in ("H001", "H002", "H003"):
            add_household(books, HouseholdInput(code, f"Hộ {code}", "Thôn Đông", Category.POOR,
                                                category_on=date(2022, 1, 1)))
        start = date(2025, 1, 1)
        for act, household, days, size in acts:
            on = start + timedelta(days=days)
            before = books_digest(books.data_dir.database)
            try:
                if act == "support":
                    support.record_support(books, support.SupportInput("DA01", household, on))
                elif act == "relend":
                    support.record_support(books, support.SupportInput("DA01", household, on, amount=size * 100_000,
                                                                       from_fund=True))
                elif act == "pay":
                    payments.record_payment(books, payments.PaymentInput("DA01", household, size * 100_000, on))
                elif act == "spend":
                    spend(books, size * 10_000, on, "Hội họp")
                elif act == "void_voucher":
                    void_voucher(books, "01", size % 6 + 1, "Ghi nhầm", on=on)
                else:
                    payments.void_receipt(books, "01", size % 6 + 1, "Ghi nhầm", on=on)
            except Refused:
                assert books_digest(books.data_dir.database) == before
        assert [p for p in check_books(books) if p["kind"] != "integrity"] == []
        assert balance_mismatches(books.conn) == []
        assert first_overspent_day(books.conn) is None
        book = cashbook(books.conn, start, date(2026, 10, 31))
        assert book["closing_balance"] == fund_balance_on(books.conn, date(2026, 10, 31))
        # Month by month the periodic report's flows are the cash book's, voids reversed on their own date, and
        # the months add up to the whole.
        from desktop.reports.period import period_report

        recovered = relent = 0
        for month in range(22):
            first = date(2025 + month // 12, month % 12 + 1, 1)
            last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
            totals = period_report(books.conn, first, last).totals
            rows = cashbook(books.conn, first, last)["rows"]
            assert totals.recovered_in_period == sum(r["in"] for r in rows if r["kind"].startswith("receipt"))
            assert totals.disbursed_relent == sum(r["out"] for r in rows if r["kind"].startswith("relend"))
            recovered, relent = recovered + totals.recovered_in_period, relent + totals.disbursed_relent
        whole = period_report(books.conn, start, date(2026, 10, 31)).totals
        assert (recovered, relent) == (whole.recovered_in_period, whole.disbursed_relent)
        assert (recovered, relent) == (whole.recovered_to_date, whole.relent_to_date)
    finally:
        books.close()
