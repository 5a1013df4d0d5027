"""The consolidated report's figures computed by SQL where the upper store lives (its SQLite file or the
PostgreSQL server): every commune's period report, project by project, in a handful of queries over the
``upper_*`` tables instead of one copy of each commune's books.

The queries are the commune's own (``desktop/reports/period.py``, ``desktop/queries/fund.py``) with each
table the upper store's mirror of it and every join and grouping also on ``commune_id``; the "as of" rules
are the commune's very fragments, ``RECEIPT_COUNTS`` and ``MEMBERSHIP_COUNTS``, so a void counts from its
``voided_on`` here exactly as in the commune's books. The same text runs on both engines: dates are ISO
text, flags are compared as numbers, and nothing depends on a dialect's booleans. A test holds these figures
equal, field by field, to the commune's ``period_report`` run over each commune's snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from desktop import clock
from desktop.books import settings_in_force
from desktop.queries.fund import MEMBERSHIP_COUNTS, RECEIPT_COUNTS, as_of_params
from desktop.reports.period import (
    PeriodReport,
    VoidedReceipt,
    VoidedSupport,
    net_of_reversals,
    project_period,
    sum_rows,
)
from desktop.upper_store import UpperStore

# The headers a period report carries, from each commune's settings in force on the period's last day.
HEADER_KEYS = ("commune_code", "commune_name", "upper_code", "upper_name", "province_name", "signer_chairman",
               "signer_accountant", "signer_clerk")

# "Paid as of": the commune's ``PAID`` for every commune at once.
_PAID = f"""paid AS (
    SELECT a.commune_id, a.installment_id, sum(a.amount) AS paid
    FROM upper_allocation a JOIN upper_receipt r ON r.commune_id = a.commune_id AND r.id = a.receipt_id
    WHERE {RECEIPT_COUNTS} {{scope_a}}
    GROUP BY a.commune_id, a.installment_id
)"""

# Supports by project: ``_SUPPORTS`` of the period report, with what ``fund_figures`` reads of supports.
_SUPPORTS = f"""
    SELECT m.commune_id, m.project_id,
        count(CASE WHEN m.supported_on >= :start THEN 1 END) AS supports_in_period,
        sum(CASE WHEN m.supported_on >= :start AND m.source = 'central' THEN m.support_amount ELSE 0 END)
            AS disbursed_central,
        sum(CASE WHEN m.supported_on >= :start AND m.source = 'local' THEN m.support_amount ELSE 0 END)
            AS disbursed_local,
        sum(CASE WHEN m.supported_on >= :start AND m.source = 'other' THEN m.support_amount ELSE 0 END)
            AS disbursed_other,
        sum(CASE WHEN m.supported_on >= :start AND m.source = 'fund' THEN m.support_amount ELSE 0 END)
            AS disbursed_relent,
        sum(CASE WHEN m.supported_on >= :start AND m.source IN ('central', 'local') THEN m.support_amount ELSE 0 END)
            AS budget_in_period,
        sum(CASE WHEN m.supported_on >= :start THEN m.counterpart ELSE 0 END) AS counterpart,
        sum(CASE WHEN m.supported_on >= :start THEN m.to_return ELSE 0 END) AS to_return_in_period,
        sum(m.support_amount) AS disbursed_to_date,
        sum(CASE WHEN m.source IN ('central', 'local') THEN m.support_amount ELSE 0 END) AS from_budget_to_date,
        sum(CASE WHEN m.source = 'fund' THEN m.support_amount ELSE 0 END) AS relent_to_date,
        sum(m.to_return) AS to_return_to_date,
        count(DISTINCT CASE WHEN m.round >= 2 THEN m.household_id END) AS households_relent
    FROM upper_membership m WHERE m.supported_on <= :end AND {MEMBERSHIP_COUNTS} {{scope_m}}
    GROUP BY m.commune_id, m.project_id
"""

# Recovered in the period (``_RECOVERED``) and to date (``recovered``), by the receipts that count on ``end``.
_RECOVERED = f"""
    SELECT r.commune_id, r.project_id,
        sum(CASE WHEN r.issued_on >= :start THEN a.amount ELSE 0 END) AS recovered_in_period,
        sum(a.amount) AS recovered_to_date
    FROM upper_allocation a JOIN upper_receipt r ON r.commune_id = a.commune_id AND r.id = a.receipt_id
    WHERE {RECEIPT_COUNTS} {{scope_a}}
    GROUP BY r.commune_id, r.project_id
"""

# Money turned over to public works by decisions dated to ``end`` (``fund_figures``).
_PUBLIC_WORKS = """
    SELECT t.commune_id, t.project_id, sum(t.amount) AS public_works
    FROM upper_fund_transfer t WHERE t.decided_on <= :as_of {scope_t}
    GROUP BY t.commune_id, t.project_id
"""

# Overdue on ``end`` (``_OVERDUE``): due strictly before it and not paid by receipts issued by then. The
# installments lead (CROSS JOIN keeps SQLite from scanning every installment of a commune for each support:
# the upper tables are keyed by commune and id only); PostgreSQL plans the join as it likes.
_OVERDUE = f"""
    WITH {_PAID}
    SELECT m.commune_id, m.project_id, sum(i.amount - coalesce(p.paid, 0)) AS overdue
    FROM upper_installment i CROSS JOIN upper_membership m
    LEFT JOIN paid p ON p.commune_id = i.commune_id AND p.installment_id = i.id
    WHERE m.commune_id = i.commune_id AND m.id = i.membership_id
      AND i.due_on < :end AND m.supported_on <= :end AND {MEMBERSHIP_COUNTS} {{scope_m}}
    GROUP BY m.commune_id, m.project_id
"""

# The ladder poor < near-poor < newly escaped < non-poor, as a number (``period._LADDER``).
_RANK = "CASE {0} WHEN 'poor' THEN 0 WHEN 'near_poor' THEN 1 WHEN 'escaped' THEN 2 WHEN 'non_poor' THEN 3 END"

# Households by project (``_MEMBERS`` and ``_members``): the first support's category and date, the
# household's flags, and the category in force on ``end``: the one effective on the latest day by then (the
# commune's schema keeps one a day for a household), or the entry category when the history starts later.
# The latest category reaches each household's supports through a window over supports and categories
# together, not a join: the upper tables are keyed by commune and id only, so a join on household_id has no
# index to use, and a planner without statistics (just after an import) picks a quadratic plan for it.
# ``effective_on`` is an ISO date (10 characters, checked at import), so the greatest "date + category" of a
# household is its latest category.
_MEMBERS = f"""
    WITH first AS (
        SELECT m.commune_id, m.project_id, m.household_id, m.category_at_entry, m.supported_on,
               row_number() OVER (PARTITION BY m.commune_id, m.project_id, m.household_id
                                  ORDER BY m.supported_on, m.id) AS n
        FROM upper_membership m WHERE m.supported_on <= :end AND {MEMBERSHIP_COUNTS} {{scope_m}}
    ), stream AS (
        SELECT f.commune_id, f.household_id, f.project_id, f.category_at_entry AS entry, f.supported_on,
               NULL AS mark
        FROM first f WHERE f.n = 1
        UNION ALL
        SELECT c.commune_id, c.household_id, NULL, NULL, NULL, c.effective_on || c.category
        FROM upper_household_category c WHERE c.effective_on <= :end {{scope_c}}
    ), placed AS (
        SELECT s.*, max(s.mark) OVER (PARTITION BY s.commune_id, s.household_id) AS latest FROM stream s
    ), member AS (
        SELECT p.commune_id, p.project_id, p.entry, p.supported_on, h.ethnic_minority, h.female_head,
               coalesce(substr(p.latest, 11), p.entry) AS now
        FROM placed p JOIN upper_household h ON h.commune_id = p.commune_id AND h.id = p.household_id
        WHERE p.mark IS NULL
    ), ranked AS (
        SELECT member.*, {_RANK.format("entry")} AS before_rank, {_RANK.format("now")} AS after_rank FROM member
    )
    SELECT commune_id, project_id, count(*) AS households,
        sum(CASE WHEN supported_on >= :start THEN 1 ELSE 0 END) AS households_new,
        sum(CASE WHEN entry = 'poor' THEN 1 ELSE 0 END) AS poor,
        sum(CASE WHEN entry = 'near_poor' THEN 1 ELSE 0 END) AS near_poor,
        sum(CASE WHEN entry = 'escaped' THEN 1 ELSE 0 END) AS escaped,
        sum(CASE WHEN entry = 'non_poor' THEN 1 ELSE 0 END) AS non_poor,
        sum(CASE WHEN ethnic_minority <> 0 THEN 1 ELSE 0 END) AS ethnic_minority,
        sum(CASE WHEN female_head <> 0 THEN 1 ELSE 0 END) AS female_head,
        sum(CASE WHEN after_rank > before_rank THEN 1 ELSE 0 END) AS improved,
        sum(CASE WHEN after_rank = before_rank THEN 1 ELSE 0 END) AS unchanged,
        sum(CASE WHEN after_rank < before_rank THEN 1 ELSE 0 END) AS fell_back,
        sum(CASE WHEN entry = 'poor' AND now <> 'poor' THEN 1 ELSE 0 END) AS escaped_poverty,
        sum(CASE WHEN entry = 'near_poor' AND after_rank >= 2 THEN 1 ELSE 0 END) AS escaped_near_poverty
    FROM ranked GROUP BY commune_id, project_id
"""

_DISTINCT = f"""
    SELECT m.commune_id, count(DISTINCT m.household_id) AS households
    FROM upper_membership m WHERE m.supported_on <= :end AND {MEMBERSHIP_COUNTS} {{scope_m}}
    GROUP BY m.commune_id
"""

# The projects of the period (the period report's ``_PROJECTS``).
_PROJECTS = """
    SELECT p.commune_id, p.id, p.code, p.name, p.programme_code, p.component, p.status, p.policy_json
    FROM upper_project p
    WHERE (p.decision_date IS NULL OR p.decision_date <= :end
           OR EXISTS (SELECT 1 FROM upper_membership m WHERE m.commune_id = p.commune_id AND m.project_id = p.id
                      AND m.supported_on <= :end)) {scope_p}
    ORDER BY p.commune_id, p.code
"""

_SETTINGS = "SELECT s.commune_id, s.key, s.value FROM upper_settings s WHERE 1 = 1 {scope_s}"

# What was voided within the period, by the date the void takes effect (``_VOIDED_*`` of the period report).
_VOIDED_RECEIPTS = """
    SELECT r.commune_id, r.book, r.number, r.year, r.issued_on, r.voided_on, r.amount, r.void_reason,
           p.code AS project, h.code AS household
    FROM upper_receipt r
    JOIN upper_project p ON p.commune_id = r.commune_id AND p.id = r.project_id
    JOIN upper_household h ON h.commune_id = r.commune_id AND h.id = r.household_id
    WHERE r.voided_on BETWEEN :start AND :end {scope_r}
    ORDER BY r.commune_id, r.voided_on, r.year, r.book, r.number
"""
_VOIDED_SUPPORTS = """
    SELECT m.commune_id, p.code AS project, h.code AS household, m.round, m.supported_on, m.voided_on,
           m.support_amount, m.void_reason
    FROM upper_membership m
    JOIN upper_project p ON p.commune_id = m.commune_id AND p.id = m.project_id
    JOIN upper_household h ON h.commune_id = m.commune_id AND h.id = m.household_id
    WHERE m.voided_on BETWEEN :start AND :end {scope_m}
    ORDER BY m.commune_id, m.voided_on, p.code, h.code, m.round
"""

# Reversals within the period (the period report's ``_REVERSED_SUPPORTS`` and ``_REVERSED_RECEIPTS``).
_REVERSED_SUPPORTS = """
    SELECT m.commune_id, m.project_id,
        sum(CASE WHEN m.source = 'central' THEN m.support_amount ELSE 0 END) AS disbursed_central,
        sum(CASE WHEN m.source = 'local' THEN m.support_amount ELSE 0 END) AS disbursed_local,
        sum(CASE WHEN m.source = 'other' THEN m.support_amount ELSE 0 END) AS disbursed_other,
        sum(CASE WHEN m.source = 'fund' THEN m.support_amount ELSE 0 END) AS disbursed_relent,
        sum(CASE WHEN m.source IN ('central', 'local') THEN m.support_amount ELSE 0 END) AS budget_in_period,
        sum(m.counterpart) AS counterpart, sum(m.to_return) AS to_return_in_period
    FROM upper_membership m WHERE m.supported_on < :start AND m.voided_on BETWEEN :start AND :end {scope_m}
    GROUP BY m.commune_id, m.project_id
"""
_REVERSED_RECEIPTS = """
    SELECT r.commune_id, r.project_id, sum(a.amount) AS recovered_in_period
    FROM upper_allocation a JOIN upper_receipt r ON r.commune_id = a.commune_id AND r.id = a.receipt_id
    WHERE r.issued_on < :start AND r.voided_on BETWEEN :start AND :end {scope_a}
    GROUP BY r.commune_id, r.project_id
"""

STEPS = 12  # the queries below, for a progress bar

_NAMED = re.compile(r"(?<![:\w]):([a-z_]+)\b")


def _query(store: UpperStore, sql: str, params: dict, commune_id: int | None) -> list:
    """Run ``sql`` with named parameters (the commune's fragments use them) as the store's ``?`` ones, scoped
    to one commune when ``commune_id`` is given."""
    scopes = {name: (f"AND {alias}.commune_id = :commune" if commune_id is not None else "")
              for name, alias in (("scope_a", "a"), ("scope_m", "m"), ("scope_c", "c"), ("scope_t", "t"),
                                  ("scope_p", "p"), ("scope_s", "s"), ("scope_r", "r"))}
    text = sql.format(**scopes)
    values = {**params, "commune": commune_id}
    ordered: list = []

    def placeholder(match: re.Match) -> str:
        ordered.append(values[match.group(1)])
        return "?"

    return store.execute(_NAMED.sub(placeholder, text), ordered).fetchall()


def _numbers(row, skip: int) -> dict[str, int]:
    """A row's figures as Python integers (PostgreSQL's sum of bigint is numeric; an empty sum is NULL)."""
    return {key: int(row[key] or 0) for key in row.keys()[skip:]}


def _by_project(rows: Iterable) -> dict[tuple[int, int], dict[str, int]]:
    return {(row["commune_id"], row["project_id"]): _numbers(row, 2) for row in rows}


def period_reports(store: UpperStore, start: date, end: date, commune_ids: list[int], *,
                   progress=None) -> dict[int, PeriodReport]:
    """Each commune's period report from ``start`` to ``end``, computed in the store. Call inside
    ``store.snapshot()`` so every query reads the same state."""
    one = commune_ids[0] if len(commune_ids) == 1 else None
    params = {"start": start.isoformat(), "end": end.isoformat(), **as_of_params(end)}
    step = iter(range(1, STEPS + 1))

    def run(sql: str) -> list:
        rows = _query(store, sql, params, one)
        if progress:
            progress(next(step), STEPS, "")
        return rows

    supports = _by_project(run(_SUPPORTS))
    recovered = _by_project(run(_RECOVERED))
    reversed_supports = _by_project(run(_REVERSED_SUPPORTS))
    reversed_receipts = _by_project(run(_REVERSED_RECEIPTS))
    public_works = _by_project(run(_PUBLIC_WORKS))
    overdue = _by_project(run(_OVERDUE))
    members = _by_project(run(_MEMBERS))
    distinct = {row["commune_id"]: int(row["households"]) for row in run(_DISTINCT)}
    projects: dict[int, list] = {}
    for row in run(_PROJECTS):
        projects.setdefault(row["commune_id"], []).append(row)
    settings: dict[int, dict[str, str]] = {}
    for row in run(_SETTINGS):
        settings.setdefault(row["commune_id"], {})[row["key"]] = row["value"]
    voided_receipts: dict[int, list[VoidedReceipt]] = {}
    for r in run(_VOIDED_RECEIPTS):
        voided_receipts.setdefault(r["commune_id"], []).append(VoidedReceipt(
            r["book"], int(r["number"]), int(r["year"]), date.fromisoformat(r["issued_on"]),
            date.fromisoformat(r["voided_on"]), int(r["amount"]), r["void_reason"], r["project"], r["household"]))
    voided_supports: dict[int, list[VoidedSupport]] = {}
    for r in run(_VOIDED_SUPPORTS):
        voided_supports.setdefault(r["commune_id"], []).append(VoidedSupport(
            r["project"], r["household"], int(r["round"]), date.fromisoformat(r["supported_on"]),
            date.fromisoformat(r["voided_on"]), int(r["support_amount"]), r["void_reason"]))

    made_on = clock.today()
    reports = {}
    for commune_id in commune_ids:
        rows = []
        for project in projects.get(commune_id, []):
            key = (commune_id, project["id"])
            s = net_of_reversals(supports.get(key, {}), reversed_supports.get(key, {}))
            got = net_of_reversals(recovered.get(key, {}), reversed_receipts.get(key, {}))
            recovered_to_date = got.get("recovered_to_date", 0)
            relent = s.get("relent_to_date", 0)
            works = public_works.get(key, {}).get("public_works", 0)
            to_date = {"relent": relent, "recovered": recovered_to_date, "public_works": works,
                       "outstanding": s.get("to_return_to_date", 0) - recovered_to_date,
                       "balance": recovered_to_date - relent - works}
            rows.append(project_period(project, s, got, members.get(key, {}), overdue.get(key, {}).get("overdue", 0),
                                       to_date))
        header = settings_in_force(settings.get(commune_id, {}), [], end)
        reports[commune_id] = PeriodReport(
            start=start, end=end, made_on=made_on, **{key: header.get(key, "") for key in HEADER_KEYS},
            projects=tuple(rows), totals=sum_rows(rows), households_distinct=distinct.get(commune_id, 0),
            voided_receipts=tuple(voided_receipts.get(commune_id, ())),
            voided_supports=tuple(voided_supports.get(commune_id, ())))
    return reports
