"""The rules a support, a payment or a transfer must keep, each written once.

The write-time controls (``record_support``, ``record_payment``, ``transfer_to_public_works``,
``set_category``) refuse what breaks them; ``check`` lists what already breaks them in the books. Both read
the predicates and figures below, so the program can never refuse one thing and call the books consistent
with the same thing in them (or the other way round).

Every rule is judged on the date the act takes effect: the category in force on the support date, the fund's
balance on that date and on every later day already recorded, the receipts already in a book.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from datetime import date

from desktop.dates import add_months, months_between
from desktop.domain import Category, FundingSource
from desktop.money import format_vnd
from desktop.policy import FundPolicy
from desktop.queries.fund import fund_balances_by_day, fund_low_point

# A support counts for the budget, the cap and the duplicates until it is voided (voiding is how a
# support recorded by mistake leaves the books; its row stays).
LIVE_SUPPORT = "m.voided_on IS NULL"
# A support that counts towards "supported twice by one programme": live, in a project still running. The
# warning when a support is recorded and check's notice read this same condition (m: membership, p: project).
ACTIVE_PROGRAMME_SUPPORT = f"{LIVE_SUPPORT} AND p.status = 'active' AND p.programme_code IS NOT NULL"

BUDGET_SOURCES = (FundingSource.CENTRAL, FundingSource.LOCAL)


def receipt_valid_on(day: str) -> str:
    """A receipt (r) still valid on the day the SQL expression ``day`` gives: not voided, or voided from a
    later day. A support is voided only when no receipt paid into it is valid on its void date (the refusal
    of ``void_support``, and ``check`` on the books as they are)."""
    return f"(r.voided_on IS NULL OR r.voided_on > {day})"


# A re-lend (m) draws only on supports (s) of its own project: returned money belongs to its project's fund
# (``queries.fund.drawable_sources`` offers no other), and ``check`` reports a draw across projects.
DRAW_FROM_OWN_PROJECT = "s.project_id = m.project_id"
# An installment (i) falls due on or after its support's date (m): the grace period and months of the
# schedule are never negative (``fund.plan_schedule``).
DUE_AFTER_SUPPORT = "i.due_on >= m.supported_on"


def policy_of(project: sqlite3.Row) -> FundPolicy:
    """The frozen copy of the policy the project was approved under."""
    return _policy_from_json(project["policy_json"])


@functools.lru_cache(maxsize=256)
def _policy_from_json(text: str) -> FundPolicy:
    # A check reads the policy once per support; the projects of a commune share a handful of copies, and a
    # FundPolicy is immutable, so each copy is parsed and checked once.
    return FundPolicy.from_json(text)


# -- the household's category on the support date -----------------------------------------------------

@dataclass(frozen=True)
class CategoryOn:
    category: Category
    since: date  # the date the category took effect
    assumed: bool  # the register starts after the date asked: its first entry is used


def category_in_force(conn: sqlite3.Connection, household_id: int, on: date) -> CategoryOn:
    """Category in force on ``on``; if the register starts later, its first entry (flagged as assumed)."""
    rows = conn.execute("SELECT category, effective_on FROM household_category WHERE household_id = ? "
                        "ORDER BY effective_on", (household_id,)).fetchall()
    return category_from(rows, on)


def supported_categories(conn: sqlite3.Connection) -> dict[int, list[tuple[str, str]]]:
    """The register entries, (category, effective_on) oldest first, of every household with a live support:
    ``category_from`` judges each support of a whole book without one query per support (the register holds
    one entry per household and day). A household with no entry is absent."""
    register: dict[int, list[tuple[str, str]]] = {}
    for household_id, category, effective_on in conn.execute(
            f"""SELECT household_id, category, effective_on FROM household_category
                WHERE household_id IN (SELECT m.household_id FROM membership m WHERE {LIVE_SUPPORT})
                ORDER BY household_id, effective_on"""):
        register.setdefault(household_id, []).append((category, effective_on))
    return register


def category_from(rows: list, on: date) -> CategoryOn:
    """``category_in_force`` over a household's register entries already read, (category, effective_on)
    oldest first (at least one)."""
    day = on.isoformat()
    before = [r for r in rows if r[1] <= day]
    chosen, assumed = (before[-1], False) if before else (rows[0], True)
    return CategoryOn(Category(chosen[0]), date.fromisoformat(chosen[1]), assumed)


def escape_limit(since: date, policy: FundPolicy) -> date:
    """The last day a household that escaped poverty on ``since`` still counts as newly escaped.

    "Past 36 months" is a date, not a count of whole months: 36 months and one day is already past.
    """
    return add_months(since, policy.escaped_max_months)


def escaped_too_long(held: CategoryOn, on: date, policy: FundPolicy) -> bool:
    return held.category is Category.ESCAPED and on > escape_limit(held.since, policy)


def state_money(source: FundingSource) -> bool:
    """The budget and the fund it seeded are the state's; ``other`` is mobilised or the household's own."""
    return FundingSource(source) is not FundingSource.OTHER


def non_poor_with_state_money(held: CategoryOn, source: FundingSource) -> bool:
    # Seed 003: non-poor households may join a project but fund themselves.
    return held.category is Category.NON_POOR and state_money(source)


def category_not_supported(held: CategoryOn, policy: FundPolicy, source: FundingSource) -> bool:
    """A policy (version 2) may leave a target category out of the state's money (``eligible = false``);
    non-poor households are the rule below (``non_poor_with_state_money``)."""
    return (held.category is not Category.NON_POOR and state_money(source)
            and not policy.rule_for(held.category).eligible)


def category_not_supported_message(household: str, held: CategoryOn, policy: FundPolicy) -> str:
    return (f"Hộ {household} là {held.category.label.lower()}; quy định {policy.code} không hỗ trợ phân loại này "
            "từ ngân sách hay quỹ luân chuyển (eligible = false)")


def over_household_cap(amount: int, policy: FundPolicy) -> bool:
    """One household's budget support above the policy's cap per household (0: no cap)."""
    return bool(policy.cap_per_household) and amount > policy.cap_per_household


# A household's live budget support (central and local) in one project, the amount its cap limits.
_BUDGET_SUPPORT = (f"FROM membership m WHERE {LIVE_SUPPORT} "
                   f"AND m.source IN ({', '.join(repr(s.value) for s in BUDGET_SOURCES)})")


def budget_support_of(conn: sqlite3.Connection, project_id: int, household_id: int) -> int:
    """A household's live budget support (central and local) in one project: what its cap limits."""
    return conn.execute(f"SELECT coalesce(sum(m.support_amount), 0) {_BUDGET_SUPPORT} "
                        "AND m.project_id = ? AND m.household_id = ?", (project_id, household_id)).fetchone()[0]


def budget_supports(conn: sqlite3.Connection) -> dict[tuple[int, int], int]:
    """``budget_support_of`` for every (project, household) of the books at once; a pair with none is absent
    (its amount is 0)."""
    return {(r[0], r[1]): r[2] for r in conn.execute(
        f"SELECT m.project_id, m.household_id, sum(m.support_amount) {_BUDGET_SUPPORT} "
        "GROUP BY m.project_id, m.household_id")}


def household_cap_message(household: str, amount: int, policy: FundPolicy) -> str:
    return (f"Hộ {household} được hỗ trợ {format_vnd(amount)} đ từ ngân sách, quá mức trần "
            f"{format_vnd(policy.cap_per_household)} đ một hộ của quy định {policy.code}")


def eligible_on(held: CategoryOn, on: date, policy: FundPolicy) -> bool:
    """A target household on ``on`` (poor, near-poor, or escaped within the policy's months)."""
    return held.category.is_target and not escaped_too_long(held, on, policy)


def escaped_message(household: str, held: CategoryOn, on: date, policy: FundPolicy) -> str:
    months = months_between(held.since, on)
    return (f"Hộ {household} thoát nghèo từ {held.since:%d/%m/%Y}; đến ngày hỗ trợ {on:%d/%m/%Y} đã hơn {months} "
            f"tháng, quá {policy.escaped_max_months} tháng (hết ngày {escape_limit(held.since, policy):%d/%m/%Y}) "
            f"nên không còn là hộ mới thoát nghèo theo quy định {policy.code}")


def non_poor_message(household: str) -> str:
    return (f"Hộ {household} là hộ không nghèo: được tham gia nhưng tự đầu tư, không nhận tiền ngân sách hay "
            "vốn luân chuyển (ghi phần tự đầu tư với nguồn “other”)")


# -- budget and cap --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetLine:
    """One limit on the money a project may give: its approved budget for some sources, or the cap."""

    label: str
    limit: int


def budget_line(project: sqlite3.Row, source: FundingSource) -> BudgetLine | None:
    """The approved budget a support from ``source`` is drawn on, or None when none is recorded.

    Central and local money share the state budget; ``other`` has its own line only when the project
    recorded one (> 0): without it, ``other`` is a household's own money and nothing limits it.
    """
    source = FundingSource(source)
    if source in BUDGET_SOURCES:
        limit = project["budget_central"] + project["budget_local"]
        return BudgetLine("ngân sách (trung ương và địa phương)", limit) if limit > 0 else None
    if source is FundingSource.OTHER and project["budget_other"] > 0:
        return BudgetLine("nguồn huy động khác", project["budget_other"])
    return None


def sources_of(source: FundingSource) -> tuple[str, ...]:
    source = FundingSource(source)
    return tuple(s.value for s in BUDGET_SOURCES) if source in BUDGET_SOURCES else (source.value,)


def paid_from(conn: sqlite3.Connection, project_id: int, source: FundingSource) -> int:
    """What live supports of the project already took from the budget line of ``source``."""
    names = sources_of(source)
    return conn.execute(
        f"SELECT coalesce(sum(m.support_amount), 0) FROM membership m WHERE m.project_id = ? AND {LIVE_SUPPORT} "
        f"AND m.source IN ({', '.join('?' * len(names))})", (project_id, *names)).fetchone()[0]


def over(paid: int, limit: int) -> bool:
    return paid > limit


# -- one round-1 support per household and project ----------------------------------------------------

def round_one_supports(conn: sqlite3.Connection, project_id: int, household_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        f"SELECT m.id, m.supported_on, m.support_amount FROM membership m WHERE m.project_id = ? "
        f"AND m.household_id = ? AND m.round = 1 AND {LIVE_SUPPORT} ORDER BY m.supported_on, m.id",
        (project_id, household_id)).fetchall()


# -- the fund on a date -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FundRoom:
    """How much may leave the fund on ``on``: the balance that day and the lowest balance from then on."""

    on: date
    balance: int
    low: int
    low_day: date

    def allows(self, amount: int) -> bool:
        return amount <= self.low


def fund_room(conn: sqlite3.Connection, project_id: int, on: date) -> FundRoom:
    balance = 0
    for day, running in fund_balances_by_day(conn, project_id):
        if day > on:
            break
        balance = running
    low, low_day = fund_low_point(conn, project_id, on)
    return FundRoom(on, balance, low, low_day)


# -- receipts in date order within a book -------------------------------------------------------------

def latest_receipt(conn: sqlite3.Connection, book: str, year: int) -> sqlite3.Row | None:
    """The latest-dated receipt of a book and year, voided ones included: they keep their numbers."""
    return conn.execute("SELECT number, issued_on FROM receipt WHERE book = ? AND year = ? "
                        "ORDER BY issued_on DESC, number DESC LIMIT 1", (book, year)).fetchone()


def out_of_order(earlier_number_on: str, later_number_on: str) -> bool:
    """Receipts of a book are written in date order: a higher number may not carry an earlier date."""
    return later_number_on < earlier_number_on


# Receipts dated before a lower-numbered receipt of the same book and year (what ``out_of_order`` says of
# two receipts, for every pair at once), each with the latest-dated such lower number (the highest of them
# on a tie). One pass in number order keeps the latest date (and its number) seen so far, instead of
# comparing every pair: a book of a few thousand receipts a year is checked in milliseconds, not seconds.
RECEIPTS_OUT_OF_ORDER = """
    SELECT book, year, number, issued_on, CAST(substr(latest, 12) AS INTEGER) AS earlier_number,
           substr(latest, 1, 10) AS earlier_on
    FROM (SELECT book, year, number, issued_on,
                 max(issued_on || ' ' || printf('%020d', number)) OVER (
                     PARTITION BY book, year ORDER BY number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                 ) AS latest
          FROM receipt)
    WHERE issued_on < substr(latest, 1, 10)
    ORDER BY book, year, number
"""


# -- a project is approved while its programme (and component) is in force --------------------------------

def programme_validity_breach(conn: sqlite3.Connection, programme_code: str | None, component: str,
                              day: date) -> str | None:
    """Why a project approved on ``day`` under this programme and component is outside their validity
    (``programme.valid_from``/``valid_to`` from the catalogue), or None. Open ends always hold."""
    if not programme_code:
        return None
    row = conn.execute("SELECT id, code, valid_from, valid_to FROM programme WHERE code = ?",
                       (programme_code,)).fetchone()
    if row is None:
        return None
    spans = [(f"chương trình {row[1]}", row[2], row[3])]
    if component:
        part = conn.execute("SELECT valid_from, valid_to FROM programme_component WHERE programme_id = ? AND code = ?",
                            (row[0], component)).fetchone()
        if part is not None:
            spans.append((f"thành phần “{component}”", part[0], part[1]))
    text = day.isoformat()
    for label, start, end in spans:
        if (start and text < start) or (end and text > end):
            shown = f"{_vn(start) if start else '…'}–{_vn(end) if end else '…'}"
            return f"{label} chỉ áp dụng cho dự án phê duyệt trong {shown}"
    return None


def _vn(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")

# -- approvals: who decided that a household gets support -----------------------------------------------

# A decision counts until a later decision supersedes it (a correction replaces it whole).
DECISION_IN_FORCE = "NOT EXISTS (SELECT 1 FROM approval_decision s WHERE s.supersedes_id = d.id)"

# A support (m: membership) is approved when a decision in force for its project and round, dated on or
# before the support, lists its household. The write-time refusal and ``check`` both read this condition.
APPROVED_SUPPORT = f"""EXISTS (
    SELECT 1 FROM approval_decision d JOIN approval_decision_household dh ON dh.decision_id = d.id
    WHERE d.project_id = m.project_id AND d.round = m.round AND dh.household_id = m.household_id
      AND d.decided_on <= m.supported_on AND {DECISION_IN_FORCE})"""

# The chairman decides who receives the state's money (the budget, and the fund it seeded); a household's
# own or mobilised money (source "other") needs no decision.
NEEDS_APPROVAL = f"{LIVE_SUPPORT} AND m.source != 'other'"

# Live supports of state money that no decision in force covers.
UNAPPROVED_SUPPORTS = f"""
    SELECT m.id, m.uuid, p.code AS project, h.code AS household, m.round, m.supported_on, m.support_amount
    FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
    WHERE {NEEDS_APPROVAL} AND NOT {APPROVED_SUPPORT}
    ORDER BY p.code, m.supported_on, h.code"""


def approval_required(conn: sqlite3.Connection) -> bool:
    """The setting ``require_approval``: on for books created since approvals exist, off for older books."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'require_approval'").fetchone()
    return row is not None and row[0] == "1"


def support_approved(conn: sqlite3.Connection, project_id: int, household_id: int, round_no: int,
                     on: date) -> bool:
    """Whether a support on ``on`` would be covered (the same condition as ``APPROVED_SUPPORT``)."""
    return conn.execute(
        f"""SELECT 1 FROM (SELECT :project AS project_id, :household AS household_id, :round AS round,
                                  :on AS supported_on) m WHERE {APPROVED_SUPPORT}""",
        {"project": project_id, "household": household_id, "round": round_no, "on": on.isoformat()},
    ).fetchone() is not None


def unapproved_message(project: str, household: str, round_no: int, on: date) -> str:
    return (f"Hộ {household} chưa có trong quyết định phê duyệt nào còn hiệu lực của dự án {project} cho vòng "
            f"{round_no}, ký trước hoặc đúng ngày hỗ trợ {on:%d/%m/%Y}")

# -- vouchers (phiếu chi): numbered like receipts, in date order within a book ----------------------------

def latest_voucher(conn: sqlite3.Connection, book: str, year: int) -> sqlite3.Row | None:
    """The latest-dated voucher of a book and year, voided ones included: they keep their numbers."""
    return conn.execute("SELECT number, issued_on FROM voucher WHERE book = ? AND year = ? "
                        "ORDER BY issued_on DESC, number DESC LIMIT 1", (book, year)).fetchone()


# The same pass as RECEIPTS_OUT_OF_ORDER over the vouchers.
VOUCHERS_OUT_OF_ORDER = RECEIPTS_OUT_OF_ORDER.replace("FROM receipt)", "FROM voucher)")
VOUCHER_GAPS = """SELECT book, year, count(*) AS n, min(number) AS first, max(number) AS last
                  FROM voucher GROUP BY book, year HAVING first != 1 OR last != n"""

# Which supports are paid out in cash with a phiếu chi: budget money and re-lends from the fund, not in kind
# (a handover record documents those). Money of source "other" is the household's own or mobilised outside
# the commune's cash desk, so no voucher. ``m`` is the membership.
CASH_PAYOUT = "m.in_kind = '' AND m.source IN ('central', 'local', 'fund')"
IN_KIND_PAYOUT = "m.in_kind != ''"
