"""The periodic report (báo cáo 6 tháng / năm) to the upper level: one row per project and a totals row.

``period_report(conn, start, end)`` needs only a plain ``sqlite3.Connection`` to a database with the
commune schema (no ``Books``, no row factory), so the upper level can run it over each commune it imported.
All money is integer đồng, all counts are integers. "In the period" means dated from ``start`` to ``end``
inclusive; "to date" means dated on or before ``end``. A receipt or a support voided from a date counts in
every period before that date and not from it (the ledger reverses it on that date too), as in
``report fund`` on ``end``; with ``end`` on or after the last entry, the "to date" totals equal the sums of
``report fund`` over all projects. The money of the period (``disbursed_*``, ``counterpart``,
``to_return_in_period``, ``recovered_in_period`` and the management cost) is net of reversals: an act of an
earlier period voided within this one is taken back here, on its void date, so a figure may be negative, the
periods of a year add up to the year's change in the "to date" figures, and ``recovered_in_period`` equals the
cash book's receipts less its voided ones. ``supports_in_period`` counts the supports made in the period that
still stand on ``end``.

Fields of ``ProjectPeriod`` (a project row; the totals row is the same class, summed over projects, so a
household in two projects counts in both):

- ``code``, ``name``, ``programme``, ``component``, ``status``: the project (programme code and component,
  e.g. "GNBV" / "Dự án 2"; status active / closed / public_works). The totals row has code "" and name
  "Tổng cộng".
- ``households``: households supported in the project to date.
- ``households_new``: of them, first supported in the project during the period.
- ``households_poor``, ``households_near_poor``, ``households_escaped``, ``households_non_poor``: the
  ``households`` by their category at entry (of their first support in the project); these four add up to
  ``households``.
- ``households_ethnic_minority``, ``households_female_head``: the ``households`` that are ethnic-minority
  or female-headed.
- ``households_relent``: households reached by re-lent money (rounds ≥ 2) to date.
- ``supports_in_period``: supports recorded in the period (a household may receive more than one).
- ``disbursed_central``, ``disbursed_local``, ``disbursed_other``, ``disbursed_relent``: support given in the
  period by source (central budget, local budget, other mobilised funds, re-lent from the fund).
- ``counterpart``: the households' own counterpart contributions recorded in the period.
- ``disbursed_in_period``: the sum of the four ``disbursed_*`` sources (counterpart excluded).
- ``disbursed_to_date``, ``from_budget_to_date``, ``relent_to_date``: all support to date, its budget part
  (central and local; other mobilised money is neither) and its re-lent part (``report fund``: disbursed,
  from_budget, relent).
- ``to_return_in_period``, ``to_return_to_date``: what the supports of the period / to date must return.
- ``recovered_in_period``, ``recovered_to_date``: repayments received (receipts not voided).
- ``outstanding``: ``to_return_to_date - recovered_to_date``.
- ``overdue``: of the outstanding, what fell due before ``end`` and was not paid by ``end``.
- ``public_works``: recovered money turned over to public works by decisions dated to ``end``.
- ``fund_balance``: ``recovered_to_date - relent_to_date - public_works`` (``report fund``: balance).
- ``management_cost_commune``, ``management_cost_upper``: management cost on the budget support given in
  the period, at the rates of the project's own policy (3% and 2% by default).
- ``outcome_improved``, ``outcome_unchanged``, ``outcome_fell_back``: the ``households`` whose category in
  force on ``end`` (from the category history) is better than, equal to or worse than at entry, on the
  ladder poor < near-poor < newly escaped < non-poor; these three add up to ``households``.
- ``outcome_escaped_poverty``: entered poor and are no longer poor on ``end``.
- ``outcome_escaped_near_poverty``: entered near-poor and are newly escaped or non-poor on ``end``.

``PeriodReport`` carries the header (commune, upper level, province, the period, the date made, the
signatories from the settings), ``projects`` in code order (those decided by ``end``, or with a support by
then; one decided later is not yet a project of the period), ``totals``, ``households_distinct`` (households
supported in any project to date, each counted once), and what was voided within the period:
``voided_receipts`` (book, number, year, issued_on, voided_on, amount, reason, project, household) and
``voided_supports`` (project, household, round, supported_on, voided_on, amount, reason) — the reason a
figure of an earlier period's report is no longer in this one's "to date".
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import date

from desktop import clock
from desktop.books import settings_on
from desktop.errors import Refused
from desktop.fund import management_cost
from desktop.policy import FundPolicy
from desktop.queries.fund import MEMBERSHIP_COUNTS, PAID, RECEIPT_COUNTS, as_of_params, fund_figures

# Worse to better: a move up the ladder is an improvement, a move down is falling back.
_LADDER = {"poor": 0, "near_poor": 1, "escaped": 2, "non_poor": 3}


@dataclass(frozen=True)
class ProjectPeriod:
    code: str
    name: str
    programme: str
    component: str
    status: str
    households: int
    households_new: int
    households_poor: int
    households_near_poor: int
    households_escaped: int
    households_non_poor: int
    households_ethnic_minority: int
    households_female_head: int
    households_relent: int
    supports_in_period: int
    disbursed_central: int
    disbursed_local: int
    disbursed_other: int
    disbursed_relent: int
    counterpart: int
    disbursed_in_period: int
    disbursed_to_date: int
    from_budget_to_date: int
    relent_to_date: int
    to_return_in_period: int
    to_return_to_date: int
    recovered_in_period: int
    recovered_to_date: int
    outstanding: int
    overdue: int
    public_works: int
    fund_balance: int
    management_cost_commune: int
    management_cost_upper: int
    outcome_improved: int
    outcome_unchanged: int
    outcome_fell_back: int
    outcome_escaped_poverty: int
    outcome_escaped_near_poverty: int


# The integer columns, in report order: what a consolidation sums.
NUMBER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ProjectPeriod) if f.type in ("int", int))
TEXT_FIELDS: tuple[str, ...] = ("code", "name", "programme", "component", "status")


@dataclass(frozen=True)
class VoidedReceipt:
    book: str
    number: int
    year: int
    issued_on: date
    voided_on: date
    amount: int
    reason: str
    project: str
    household: str


@dataclass(frozen=True)
class VoidedSupport:
    project: str
    household: str
    round: int
    supported_on: date
    voided_on: date
    amount: int
    reason: str


@dataclass(frozen=True)
class PeriodReport:
    start: date
    end: date
    made_on: date
    commune_code: str
    commune_name: str
    upper_code: str
    upper_name: str
    province_name: str
    signer_chairman: str
    signer_accountant: str
    signer_clerk: str
    projects: tuple[ProjectPeriod, ...]
    totals: ProjectPeriod
    households_distinct: int
    voided_receipts: tuple[VoidedReceipt, ...] = ()
    voided_supports: tuple[VoidedSupport, ...] = ()

    def to_dict(self) -> dict:
        """JSON-ready: dates as ISO strings, rows as dicts with the field names above."""
        data = asdict(self)
        for key in ("start", "end", "made_on"):
            data[key] = getattr(self, key).isoformat()
        data["projects"] = list(data["projects"])
        for key in ("voided_receipts", "voided_supports"):
            data[key] = [{k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
                         for row in data[key]]
        data["by_programme"] = [asdict(row) for row in programme_groups(self.projects)]
        return data


def programme_groups(rows: tuple[ProjectPeriod, ...]) -> list[ProjectPeriod]:
    """The project rows summed by programme and component (the catalogue's code each project keeps), in
    programme then component order; a project without a programme is grouped under "" ."""
    groups: dict[tuple[str, str], list[ProjectPeriod]] = {}
    for row in rows:
        groups.setdefault((row.programme, row.component), []).append(row)
    summed = []
    for (programme, component), members in sorted(groups.items()):
        total = sum_rows(members, name=component or programme or "Không thuộc chương trình")
        summed.append(ProjectPeriod(**{**asdict(total), "programme": programme, "component": component}))
    return summed


def sum_rows(rows: list[ProjectPeriod] | tuple[ProjectPeriod, ...], *, name: str = "Tổng cộng") -> ProjectPeriod:
    """A totals row: every number summed, the text columns blank but the name."""
    sums = {key: sum(getattr(r, key) for r in rows) for key in NUMBER_FIELDS}
    return ProjectPeriod(code="", name=name, programme="", component="", status="", **sums)


def period_report(conn: sqlite3.Connection, start: date, end: date, *, made_on: date | None = None) -> PeriodReport:
    """Compute the periodic report from ``start`` to ``end`` (both included)."""
    if start > end:
        raise Refused(f"Kỳ báo cáo không hợp lệ: từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}.")
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    params = {"start": start.isoformat(), "end": end.isoformat(), **as_of_params(end)}
    supports = _by_project(cur, _SUPPORTS, params)
    members = _members(cur, params)
    recovered = _by_project(cur, _RECOVERED, params)
    reversed_supports = _by_project(cur, _REVERSED_SUPPORTS, params)
    reversed_receipts = _by_project(cur, _REVERSED_RECEIPTS, params)
    overdue = _by_project(cur, _OVERDUE, params)
    rows = []
    for project in cur.execute(_PROJECTS, params).fetchall():
        pid = project["id"]
        rows.append(project_period(project, net_of_reversals(supports.get(pid, {}), reversed_supports.get(pid, {})),
                                   net_of_reversals(recovered.get(pid, {}), reversed_receipts.get(pid, {})),
                                   members.get(pid, {}), overdue.get(pid, {}).get("overdue", 0),
                                   fund_figures(conn, pid, as_of=end)))
    settings = settings_on(conn, end)  # the names and signatories in force on the period's last day
    distinct = cur.execute(f"SELECT count(DISTINCT household_id) FROM membership m "
                           f"WHERE supported_on <= :end AND {MEMBERSHIP_COUNTS}", params).fetchone()[0]
    return PeriodReport(
        start=start, end=end, made_on=made_on or clock.today(),
        **{key: settings.get(key, "") for key in ("commune_code", "commune_name", "upper_code", "upper_name",
                                                   "province_name", "signer_chairman", "signer_accountant",
                                                   "signer_clerk")},
        projects=tuple(rows), totals=sum_rows(rows), households_distinct=distinct,
        voided_receipts=tuple(VoidedReceipt(r["book"], r["number"], r["year"], date.fromisoformat(r["issued_on"]),
                                            date.fromisoformat(r["voided_on"]), r["amount"], r["void_reason"],
                                            r["project"], r["household"])
                              for r in cur.execute(_VOIDED_RECEIPTS, params)),
        voided_supports=tuple(VoidedSupport(r["project"], r["household"], r["round"],
                                            date.fromisoformat(r["supported_on"]), date.fromisoformat(r["voided_on"]),
                                            r["support_amount"], r["void_reason"])
                              for r in cur.execute(_VOIDED_SUPPORTS, params)),
    )


def project_period(project, s: dict, got: dict, m: dict, overdue: int, to_date: dict) -> ProjectPeriod:
    """A project's row from its figures: ``project`` (code, name, programme_code, component, status,
    policy_json), ``s`` the supports (``_SUPPORTS``' columns), ``got`` recovered in the period, ``m`` the
    household counts (``_members``' keys), ``overdue``, ``to_date`` (``fund_figures`` on ``end``). The commune's
    report and the upper level's consolidated figures (computed on the server) both assemble rows here."""
    policy = FundPolicy.from_json(project["policy_json"])
    commune_cost, upper_cost = management_cost(s.get("budget_in_period", 0), policy)
    disbursed = {k: s.get(k, 0) for k in ("disbursed_central", "disbursed_local", "disbursed_other",
                                            "disbursed_relent")}
    return ProjectPeriod(
        code=project["code"], name=project["name"], programme=project["programme_code"] or "",
        component=project["component"] or "", status=project["status"],
        households=m.get("households", 0), households_new=m.get("households_new", 0),
        households_poor=m.get("poor", 0), households_near_poor=m.get("near_poor", 0),
        households_escaped=m.get("escaped", 0), households_non_poor=m.get("non_poor", 0),
        households_ethnic_minority=m.get("ethnic_minority", 0), households_female_head=m.get("female_head", 0),
        households_relent=s.get("households_relent", 0), supports_in_period=s.get("supports_in_period", 0),
        **disbursed, counterpart=s.get("counterpart", 0), disbursed_in_period=sum(disbursed.values()),
        disbursed_to_date=s.get("disbursed_to_date", 0), from_budget_to_date=s.get("from_budget_to_date", 0),
        relent_to_date=to_date["relent"], to_return_in_period=s.get("to_return_in_period", 0),
        to_return_to_date=s.get("to_return_to_date", 0), recovered_in_period=got.get("recovered_in_period", 0),
        recovered_to_date=to_date["recovered"],
        outstanding=to_date["outstanding"],
        overdue=overdue, public_works=to_date["public_works"],
        fund_balance=to_date["balance"],
        management_cost_commune=commune_cost, management_cost_upper=upper_cost,
        outcome_improved=m.get("improved", 0), outcome_unchanged=m.get("unchanged", 0),
        outcome_fell_back=m.get("fell_back", 0), outcome_escaped_poverty=m.get("escaped_poverty", 0),
        outcome_escaped_near_poverty=m.get("escaped_near_poverty", 0),
    )


def _by_project(cur: sqlite3.Cursor, sql: str, params: dict) -> dict[int, dict]:
    return {r["project_id"]: dict(r) for r in cur.execute(sql, params)}


_SUPPORTS = f"""
    SELECT project_id,
        count(CASE WHEN supported_on >= :start THEN 1 END) AS supports_in_period,
        sum(CASE WHEN supported_on >= :start AND source = 'central' THEN support_amount ELSE 0 END)
            AS disbursed_central,
        sum(CASE WHEN supported_on >= :start AND source = 'local' THEN support_amount ELSE 0 END) AS disbursed_local,
        sum(CASE WHEN supported_on >= :start AND source = 'other' THEN support_amount ELSE 0 END) AS disbursed_other,
        sum(CASE WHEN supported_on >= :start AND source = 'fund' THEN support_amount ELSE 0 END) AS disbursed_relent,
        sum(CASE WHEN supported_on >= :start AND source IN ('central', 'local') THEN support_amount ELSE 0 END)
            AS budget_in_period,
        sum(CASE WHEN supported_on >= :start THEN counterpart ELSE 0 END) AS counterpart,
        sum(CASE WHEN supported_on >= :start THEN to_return ELSE 0 END) AS to_return_in_period,
        sum(support_amount) AS disbursed_to_date,
        sum(CASE WHEN source IN ('central', 'local') THEN support_amount ELSE 0 END) AS from_budget_to_date,
        sum(to_return) AS to_return_to_date,
        count(DISTINCT CASE WHEN round >= 2 THEN household_id END) AS households_relent
    FROM membership m WHERE supported_on <= :end AND {MEMBERSHIP_COUNTS}
    GROUP BY project_id
"""

_RECOVERED = f"""
    SELECT r.project_id, sum(CASE WHEN r.issued_on >= :start THEN a.amount ELSE 0 END) AS recovered_in_period
    FROM allocation a JOIN receipt r ON r.id = a.receipt_id
    WHERE {RECEIPT_COUNTS}
    GROUP BY r.project_id
"""

# The projects of the period: a project decided after the period's end is not yet one of its projects (its
# approved budget would count against money paid before it existed), unless supports were recorded in it by then.
_PROJECTS = """
    SELECT id, code, name, programme_code, component, status, policy_json FROM project p
    WHERE p.decision_date IS NULL OR p.decision_date <= :end
       OR EXISTS (SELECT 1 FROM membership m WHERE m.project_id = p.id AND m.supported_on <= :end)
    ORDER BY code
"""

# Reversals within the period: a support or a receipt dated before ``start`` and voided from a day inside the
# period counted in the earlier periods and no longer does, so its money leaves this period's flows on the day
# it is voided, as the cash book and the ledger reverse it. The periods of a year then add up to the year, and
# each period's "recovered" equals the cash book's receipts net of voids. (Acts made and voided inside the same
# period are in neither query: they never counted.)
_REVERSED_SUPPORTS = """
    SELECT project_id,
        sum(CASE WHEN source = 'central' THEN support_amount ELSE 0 END) AS disbursed_central,
        sum(CASE WHEN source = 'local' THEN support_amount ELSE 0 END) AS disbursed_local,
        sum(CASE WHEN source = 'other' THEN support_amount ELSE 0 END) AS disbursed_other,
        sum(CASE WHEN source = 'fund' THEN support_amount ELSE 0 END) AS disbursed_relent,
        sum(CASE WHEN source IN ('central', 'local') THEN support_amount ELSE 0 END) AS budget_in_period,
        sum(counterpart) AS counterpart, sum(to_return) AS to_return_in_period
    FROM membership m WHERE m.supported_on < :start AND m.voided_on BETWEEN :start AND :end
    GROUP BY project_id
"""
_REVERSED_RECEIPTS = """
    SELECT r.project_id, sum(a.amount) AS recovered_in_period
    FROM allocation a JOIN receipt r ON r.id = a.receipt_id
    WHERE r.issued_on < :start AND r.voided_on BETWEEN :start AND :end
    GROUP BY r.project_id
"""


def net_of_reversals(figures: dict, reversed_: dict) -> dict:
    """A project's period flows less what an earlier act voided within the period takes back."""
    return {**figures, **{key: figures.get(key, 0) - amount for key, amount in reversed_.items()
                          if key not in ("project_id", "commune_id")}}


# Overdue on ``end``: due strictly before it (a day late at least) and not paid by receipts issued by then.
_OVERDUE = f"""
    WITH {PAID}
    SELECT m.project_id, sum(i.amount - coalesce(p.paid, 0)) AS overdue
    FROM installment i JOIN membership m ON m.id = i.membership_id
    LEFT JOIN paid p ON p.installment_id = i.id
    WHERE i.due_on < :end AND m.supported_on <= :end AND {MEMBERSHIP_COUNTS}
    GROUP BY m.project_id
"""

# What was voided within the period, by the date the void takes effect.
_VOIDED_RECEIPTS = """
    SELECT r.book, r.number, r.year, r.issued_on, r.voided_on, r.amount, r.void_reason, p.code AS project,
           h.code AS household
    FROM receipt r JOIN project p ON p.id = r.project_id JOIN household h ON h.id = r.household_id
    WHERE r.voided_on BETWEEN :start AND :end
    ORDER BY r.voided_on, r.year, r.book, r.number
"""
_VOIDED_SUPPORTS = """
    SELECT p.code AS project, h.code AS household, m.round, m.supported_on, m.voided_on, m.support_amount,
           m.void_reason
    FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
    WHERE m.voided_on BETWEEN :start AND :end
    ORDER BY m.voided_on, p.code, h.code, m.round
"""

# One row per household and project: the first support's category and date, the household's flags, and
# the category in force on ``end`` from the history (the entry category if the history starts later).
_MEMBERS = f"""
    WITH first AS (
        SELECT project_id, household_id, category_at_entry, supported_on,
               row_number() OVER (PARTITION BY project_id, household_id ORDER BY supported_on, id) AS n
        FROM membership m WHERE supported_on <= :end AND {MEMBERSHIP_COUNTS}
    )
    SELECT f.project_id, f.category_at_entry AS entry, f.supported_on, h.ethnic_minority, h.female_head,
           coalesce((SELECT c.category FROM household_category c
                     WHERE c.household_id = f.household_id AND c.effective_on <= :end
                     ORDER BY c.effective_on DESC LIMIT 1), f.category_at_entry) AS now
    FROM first f JOIN household h ON h.id = f.household_id
    WHERE f.n = 1
"""


def _members(cur: sqlite3.Cursor, params: dict) -> dict[int, Counter]:
    out: dict[int, Counter] = {}
    start = params["start"]
    for r in cur.execute(_MEMBERS, params):
        before, after = _LADDER[r["entry"]], _LADDER[r["now"]]
        keys = ["households", r["entry"], "improved" if after > before else "fell_back" if after < before
                else "unchanged"]
        if r["supported_on"] >= start:
            keys.append("households_new")
        if r["ethnic_minority"]:
            keys.append("ethnic_minority")
        if r["female_head"]:
            keys.append("female_head")
        if r["entry"] == "poor" and r["now"] != "poor":
            keys.append("escaped_poverty")
        if r["entry"] == "near_poor" and after >= _LADDER["escaped"]:
            keys.append("escaped_near_poverty")
        out.setdefault(r["project_id"], Counter()).update(keys)
    return out
