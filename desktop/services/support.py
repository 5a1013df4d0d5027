"""Recording support given to a household: the membership, its repayment schedule and the rule checks.

Round 1 is paid from the budget; ``from_fund`` re-lends money the project recovered (round 2, 3, …),
drawn first-in first-out from earlier supports so that every đồng's lineage is known.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.dates import add_months, months_between
from desktop.domain import Category, FundingSource, ProjectStatus
from desktop.errors import Refused
from desktop.fund import PlannedInstallment, plan_schedule
from desktop.money import format_vnd
from desktop.queries.fund import drawable_sources, fund_balance
from desktop.services.households import category_history, require_household
from desktop.services.projects import project_policy, require_project
from desktop.text import nfc


@dataclass(frozen=True)
class SupportInput:
    project: str
    household: str
    supported_on: date
    amount: int | None = None  # None: the policy's amount for the household's category
    in_kind: str = ""
    from_fund: bool = False
    source: FundingSource = FundingSource.CENTRAL
    counterpart: int = 0


def _category_at(conn, household_id: int, on: date) -> tuple[Category, date, bool]:
    """Category in force on the support date; if the register starts later, its first entry (flagged)."""
    history = category_history(conn, household_id)
    before = [h for h in history if h["effective_on"] <= on.isoformat()]
    chosen, assumed = (before[-1], False) if before else (history[0], True)
    return Category(chosen["category"]), date.fromisoformat(chosen["effective_on"]), assumed


_BUDGET = (FundingSource.CENTRAL, FundingSource.LOCAL)


@dataclass(frozen=True)
class RuleWarning:
    """A rule the support goes past: the law lets the commune proceed, the clerk must see it."""

    code: str
    message: str


@dataclass(frozen=True)
class SupportRecorded(Outcome):
    membership_id: int
    uuid: str
    round: int
    to_return: int
    support_amount: int
    category_at_entry: Category
    schedule: tuple[PlannedInstallment, ...]
    warnings: tuple[RuleWarning, ...]

    changes: ClassVar[Changes] = Changes.SUPPORTS | Changes.SCHEDULES | Changes.FUND | Changes.PROJECTS


def _warning(code: str, message: str) -> RuleWarning:
    return RuleWarning(code, message)


def rule_warnings(conn, project, household, category: Category, category_since: date, amount: int,
                  data: SupportInput) -> list[RuleWarning]:
    """The checks the clerk sees before confirming; the law lets the commune proceed past these."""
    policy = project_policy(project)
    warnings = []
    standard = policy.support_for(category)
    if amount > standard and category.is_target:
        warnings.append(_warning(
            "above_policy", f"Mức hỗ trợ {format_vnd(amount)} đ cao hơn mức quy định cho {category.label.lower()} "
                            f"({format_vnd(standard)} đ, quy định {policy.code})."))
    # The cap is on budget money (central and local); re-lent and other mobilised money do not count.
    if not data.from_fund and data.source in _BUDGET:
        budget_so_far = conn.execute(
            "SELECT coalesce(sum(support_amount), 0) FROM membership WHERE project_id = ? "
            "AND source IN ('central', 'local')", (project["id"],)).fetchone()[0]
        if budget_so_far + amount > policy.cap_per_project:
            warnings.append(_warning(
                "above_cap", f"Tổng hỗ trợ từ ngân sách của dự án sẽ là {format_vnd(budget_so_far + amount)} đ, "
                             f"vượt mức trần {format_vnd(policy.cap_per_project)} đ một dự án ({policy.code})."))
    members = conn.execute(
        """SELECT category_at_entry, count(DISTINCT household_id) FROM membership WHERE project_id = ?
           AND household_id != ? GROUP BY category_at_entry""", (project["id"], household["id"])).fetchall()
    total = sum(n for _, n in members) + 1
    targets = sum(n for c, n in members if Category(c).is_target) + int(category.is_target)
    if targets * 100 < policy.min_target_share_percent * total:
        warnings.append(_warning(
            "target_share", f"Chỉ {targets}/{total} hộ tham gia là hộ nghèo, cận nghèo hoặc mới thoát nghèo, dưới "
                            f"{policy.min_target_share_percent}% (NĐ 27/2022/NĐ-CP điều 20 khoản 5)."))
    if project["programme_code"]:
        other = conn.execute(
            """SELECT p.code FROM membership m JOIN project p ON p.id = m.project_id
               WHERE m.household_id = ? AND p.programme_code = ? AND p.id != ? AND p.status = 'active'
               LIMIT 1""", (household["id"], project["programme_code"], project["id"])).fetchone()
        if other:
            warnings.append(_warning(
                "duplicate_support",
                f"Hộ {household['code']} đang được hỗ trợ trong dự án {other[0]} cùng chương trình "
                f"{project['programme_code']} (nguyên tắc không hỗ trợ trùng lặp)."))
    # "Past 36 months" is a date, not a count of whole months: 36 months and one day is already past.
    if category is Category.ESCAPED and data.supported_on > add_months(category_since, policy.escaped_max_months):
        months = months_between(category_since, data.supported_on)
        warnings.append(_warning(
            "escaped_expired", f"Hộ thoát nghèo từ {category_since:%d/%m/%Y}, đã hơn {months} tháng — quá "
                               f"{policy.escaped_max_months} tháng nên không còn là hộ mới thoát nghèo."))
    return warnings


def record_support(books: Books, data: SupportInput, *, today: date | None = None) -> SupportRecorded:
    conn = books.conn
    project = require_project(conn, data.project)
    household = require_household(conn, data.household)
    policy = project_policy(project)
    today = today or clock.today()
    if data.supported_on > today:
        raise Refused(f"Ngày hỗ trợ {data.supported_on:%d/%m/%Y} ở tương lai.")
    if project["status"] != ProjectStatus.ACTIVE.value:
        raise Refused(f"Dự án {project['code']} {ProjectStatus(project['status']).label.lower()}; "
                      "không ghi thêm hỗ trợ.")
    category, since, assumed = _category_at(conn, household["id"], data.supported_on)
    # Seed 003: non-poor households may join a project but fund themselves; state money (the budget, or
    # the fund it seeded) goes only to poor, near-poor and newly escaped households.
    self_funded = category is Category.NON_POOR
    if self_funded and (data.from_fund or FundingSource(data.source) is not FundingSource.OTHER):
        raise Refused(f"Hộ {household['code']} là hộ không nghèo: được tham gia nhưng tự đầu tư, không nhận "
                      "tiền ngân sách hay vốn luân chuyển (ghi phần tự đầu tư với nguồn “other”).")
    amount = policy.support_for(category) if data.amount is None else data.amount
    if not isinstance(amount, int) or amount <= 0:
        raise Refused("Số tiền hỗ trợ phải lớn hơn 0 đồng.")
    if data.counterpart < 0:
        raise Refused("Vốn đối ứng của hộ không được âm.")
    source = FundingSource.FUND if data.from_fund else FundingSource(data.source)
    if source is FundingSource.FUND and not data.from_fund:
        raise Refused("Muốn cho vay lại từ vốn thu hồi, hãy dùng tùy chọn “từ quỹ” (--from-fund).")
    warnings = rule_warnings(conn, project, household, category, since, amount, data)
    if assumed:
        warnings.append(_warning("category_assumed", f"Hộ chưa có phân loại vào ngày {data.supported_on:%d/%m/%Y}; "
                                                     f"dùng phân loại đầu tiên trong sổ ({category.label})."))
    # A household's own money is not the fund's: it owes nothing back.
    schedule = [] if self_funded else plan_schedule(amount, data.supported_on, policy)
    to_return = sum(i.amount for i in schedule)
    if to_return > amount:
        # Rounding a tiny support up to the policy's unit would ask back more than was given.
        raise Refused(f"Số tiền hỗ trợ {format_vnd(amount)} đ quá nhỏ so với đơn vị làm tròn "
                      f"{format_vnd(policy.rounding_unit)} đ của quy định {policy.code}.")
    now = audit.now_iso()
    with books.transaction() as tx:
        draws, round_no = [], 1
        if data.from_fund:
            balance = fund_balance(tx, project["id"])
            if amount > balance:
                raise Refused(f"Quỹ luân chuyển của dự án {project['code']} chỉ còn {format_vnd(balance)} đ, "
                              f"không đủ cho vay {format_vnd(amount)} đ.")
            draws, round_no = _plan_draws(tx, project["id"], amount)
        row = {
            "uuid": str(uuid.uuid4()), "project_id": project["id"], "household_id": household["id"],
            "round": round_no, "source": source.value, "category_at_entry": category.value,
            "support_amount": amount, "counterpart": data.counterpart, "to_return": to_return,
            "in_kind": nfc(data.in_kind), "supported_on": data.supported_on.isoformat(), "created_at": now,
        }
        membership_id = tx.execute(
            f"INSERT INTO membership ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row).lastrowid
        tx.executemany(
            "INSERT INTO installment (uuid, membership_id, seq, due_on, amount) VALUES (?, ?, ?, ?, ?)",
            [(str(uuid.uuid4()), membership_id, i.seq, i.due_on.isoformat(), i.amount) for i in schedule])
        tx.executemany(
            "INSERT INTO fund_draw (uuid, membership_id, source_membership_id, amount) VALUES (?, ?, ?, ?)",
            [(str(uuid.uuid4()), membership_id, source_id, taken) for source_id, taken in draws])
        audit.record(tx, books.actor, "membership", row["uuid"], "create", None,
                     {**row, "project": project["code"], "household": household["code"],
                      "schedule": [(i.seq, i.due_on.isoformat(), i.amount) for i in schedule], "draws": draws},
                     at=now)
    return SupportRecorded(
        membership_id=membership_id, uuid=row["uuid"], round=round_no, to_return=to_return, support_amount=amount,
        category_at_entry=category, schedule=tuple(schedule),
        warnings=tuple(warnings))


def _plan_draws(conn, project_id: int, amount: int) -> tuple[list[tuple[int, int]], int]:
    """Take ``amount`` from earlier supports' returned money, oldest first; the new round is one more
    than the latest round it draws from."""
    draws, left, max_round = [], amount, 1
    for source in drawable_sources(conn, project_id):
        if left == 0:
            break
        take = min(left, source["available"])
        if take > 0:
            draws.append((source["id"], take))
            max_round = max(max_round, source["round"])
            left -= take
    if left:
        # The fund-level balance said yes but sources say no: only possible if a void left a source
        # overdrawn. Refuse rather than invent lineage.
        raise Refused("Không xác định được nguồn vốn thu hồi để cho vay lại; hãy chạy “Kiểm tra sổ sách”.")
    return draws, max_round + 1
