"""The periodic report: its totals agree with ``report fund``, its period figures with the receipts and
supports of the period, and its outcomes with the category history."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import date

from desktop.reports.period import NUMBER_FIELDS, ProjectPeriod, period_report
from desktop.services import schedules

FUND_KEYS = {"disbursed": "disbursed_to_date", "from_budget": "from_budget_to_date", "to_return": "to_return_to_date",
             "recovered": "recovered_to_date", "relent": "relent_to_date", "public_works": "public_works",
             "balance": "fund_balance", "outstanding": "outstanding", "households_relent": "households_relent"}


def test_totals_equal_the_sum_of_report_fund_over_all_projects(commune, cli):
    result = cli("--json", "report", "period", "--from", "2022-01-01", "--to", "2026-06-30")
    assert result.code == 0, result.stderr
    report = result.json
    codes = [p["code"] for p in report["projects"]]
    assert codes == ["DA01", "DA02", "DA03"]
    funds = []
    for code in codes:
        fund = cli("--json", "report", "fund", "--project", code)
        assert fund.code == 0, fund.stderr
        funds.append(fund.json)
    for fund_key, period_key in FUND_KEYS.items():
        assert report["totals"][period_key] == sum(f[fund_key] for f in funds), period_key
        for row, fund in zip(report["projects"], funds, strict=True):
            assert row[period_key] == fund[fund_key], (row["code"], period_key)
    # The sums are not vacuous: money moved in every column the test compares.
    assert report["totals"]["recovered_to_date"] == 2_333_000 * 2 + 1_333_000 + 1_666_000 + 3_333_000 \
        + 1_000_000 + 1_667_000
    assert report["totals"]["relent_to_date"] == 5_000_000
    assert report["totals"]["public_works"] == 6_666_000


def test_totals_row_is_the_sum_of_every_number_column(commune):
    report = period_report(commune.conn, date(2023, 1, 1), date(2023, 12, 31))
    for key in NUMBER_FIELDS:
        assert getattr(report.totals, key) == sum(getattr(p, key) for p in report.projects), key
    assert {f.name for f in fields(ProjectPeriod)} - set(NUMBER_FIELDS) == {"code", "name", "programme",
                                                                           "component", "status"}


def test_period_figures_count_only_what_is_dated_inside_the_period(commune):
    r = period_report(commune.conn, date(2023, 1, 1), date(2023, 12, 31))
    da01, da02, da03 = r.projects
    # 2023: the voided 500.000 đ receipt does not count.
    assert da01.recovered_in_period == 2_333_000 + 2_333_000 + 1_333_000
    assert da02.recovered_in_period == 1_666_000 + 3_333_000
    assert (da01.disbursed_relent, da01.supports_in_period, da01.households_new) == (5_000_000, 1, 1)
    assert da01.disbursed_central == da01.disbursed_local == da01.disbursed_other == 0
    assert da01.disbursed_in_period == 5_000_000 and da01.to_return_in_period == 3_333_000
    # Management cost is due on budget money only, not on re-lent money.
    assert (da01.management_cost_commune, da01.management_cost_upper) == (0, 0)
    assert da01.households_relent == 1
    assert (da03.households, da03.disbursed_to_date, da03.fund_balance) == (0, 0, 0)

    y2022 = period_report(commune.conn, date(2022, 1, 1), date(2022, 12, 31))
    da01 = y2022.projects[0]
    assert (da01.disbursed_central, da01.disbursed_local, da01.disbursed_other) == (7_000_000, 7_000_000, 4_000_000)
    assert da01.counterpart == 1_000_000 and y2022.projects[1].counterpart == 500_000
    # 3% and 2% of the 14 tr of budget money (central + local); mobilised "other" money carries no cost.
    assert (da01.management_cost_commune, da01.management_cost_upper) == (420_000, 280_000)
    assert da01.recovered_in_period == 0 and da01.relent_to_date == 0
    assert y2022.totals.disbursed_in_period == 7_000_000 * 3 + 4_000_000 + 5_000_000


def test_to_date_figures_stop_at_the_end_of_the_period(commune):
    mid = period_report(commune.conn, date(2023, 1, 1), date(2023, 6, 30))
    da01, da02 = mid.projects[:2]
    assert da01.relent_to_date == 0 and da01.households == 3  # H005 was re-lent to on 01/07/2023
    assert da01.fund_balance == da01.recovered_to_date == 5_999_000
    assert da02.public_works == 0 and da02.fund_balance == 4_999_000


def test_overdue_matches_the_due_list_on_the_same_date(commune):
    for end in (date(2023, 3, 12), date(2024, 3, 31), date(2025, 12, 31)):
        report = period_report(commune.conn, date(2022, 1, 1), end)
        due = schedules.due_list(commune, end, within_days=0)
        assert report.totals.overdue == due["total_overdue"], end
    # 31/03/2024: second thirds fell due on 10/03/2024; H001 paid 1.000.000 đ of its 2.334.000 đ, H002
    # nothing; H003's second third is due only on 02/04/2024 (its voided receipt changes nothing here).
    march = period_report(commune.conn, date(2024, 1, 1), date(2024, 3, 31))
    assert march.projects[0].overdue == 1_334_000 + 2_334_000


def test_categories_at_entry_and_outcomes_follow_the_history(commune):
    r = period_report(commune.conn, date(2025, 1, 1), date(2025, 12, 31))
    da01, da02 = r.projects[:2]
    # DA01: H001 poor, H002 poor, H003 near-poor, H005 near-poor at entry.
    assert (da01.households, da01.households_poor, da01.households_near_poor, da01.households_escaped,
            da01.households_non_poor) == (4, 2, 2, 0, 0)
    assert (da01.households_ethnic_minority, da01.households_female_head) == (2, 1)
    # H001 poor → escaped; H003 near-poor → poor; H005 near-poor → non-poor; H002 unchanged.
    assert (da01.outcome_improved, da01.outcome_unchanged, da01.outcome_fell_back) == (2, 1, 1)
    assert (da01.outcome_escaped_poverty, da01.outcome_escaped_near_poverty) == (1, 1)
    # DA02: H004 escaped (unchanged), H006 poor → near-poor (left poverty, not near-poverty).
    assert (da02.outcome_improved, da02.outcome_unchanged, da02.outcome_escaped_poverty) == (1, 1, 1)
    assert r.households_distinct == 6 and r.totals.households == 6
    # Before the 2024 review nobody had changed category yet.
    early = period_report(commune.conn, date(2023, 1, 1), date(2023, 12, 31))
    assert early.totals.outcome_unchanged == early.totals.households == 6


def test_header_carries_the_commune_the_upper_level_and_the_signatories(commune):
    r = period_report(commune.conn, date(2025, 1, 1), date(2025, 6, 30), made_on=date(2025, 7, 5))
    assert (r.commune_name, r.commune_code, r.upper_name, r.province_name) == (
        "Xã Đức Chính", "10507", "Huyện Cẩm Giàng", "Tỉnh Hải Dương")
    assert (r.signer_chairman, r.signer_accountant, r.signer_clerk) == ("Nguyễn Văn Thành", "Lê Thị Kế",
                                                                        "Trần Văn Lập")
    data = r.to_dict()
    assert (data["start"], data["end"], data["made_on"]) == ("2025-01-01", "2025-06-30", "2025-07-05")
    assert data["projects"][1]["status"] == "public_works"


def test_runs_on_a_plain_connection_without_row_factory(commune, data_dir):
    conn = sqlite3.connect(data_dir.database)
    try:
        plain = period_report(conn, date(2022, 1, 1), date(2026, 6, 30))
    finally:
        conn.close()
    assert plain == period_report(commune.conn, date(2022, 1, 1), date(2026, 6, 30), made_on=plain.made_on)


def test_reversed_period_is_refused(commune, cli):
    result = cli("--json", "report", "period", "--from", "2025-12-31", "--to", "2025-01-01")
    assert result.code == 2 and result.stdout == ""
    assert "sau ngày kết thúc" in result.stderr


def test_a_project_decided_after_the_period_is_not_in_its_report(books):
    """Its approved budget would count against what was paid before it existed (found by a clerk: the rate of
    disbursement of the first half fell when a project of December was registered)."""
    from desktop import clock
    from desktop.reports.formal import formal_report, project_figures
    from desktop.services import projects

    with clock.frozen(date(2027, 1, 15)):
        projects.add_project(books, projects.ProjectInput("DA07", "Dự án tháng 12", programme="GNBV",
                                                          decision_date=date(2026, 12, 1),
                                                          budget_central=350_000_000))
    first_half = period_report(books.conn, date(2026, 1, 1), date(2026, 6, 30))
    year = period_report(books.conn, date(2026, 1, 1), date(2026, 12, 31))
    assert "DA07" not in [p.code for p in first_half.projects]
    assert "DA07" in [p.code for p in year.projects]
    assert sum(r["approved_central"] for r in project_figures(books.conn, year)) - sum(
        r["approved_central"] for r in project_figures(books.conn, first_half)) >= 350_000_000
    assert formal_report(books.conn, first_half, []).blocks  # the formal report is made from the same rows
