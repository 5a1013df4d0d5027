"""Recording support given to a household: the membership, its repayment schedule and the rule checks.

Round 1 is paid from the budget; ``from_fund`` re-lends money the project recovered (round 2, 3, …),
drawn first-in first-out from earlier supports so that every đồng's lineage is known.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.domain import Category, FundingSource, ProjectStatus
from desktop.errors import Refused
from desktop.fund import PlannedInstallment, plan_schedule
from desktop.money import format_vnd
from desktop.queries import rules
from desktop.queries.fund import PAID, as_of_params
from desktop.queries.rules import category_in_force
from desktop.services import handovers, vouchers
from desktop.services.approvals import require_approved_support
from desktop.services.handovers import HandoverInput, HandoverRef
from desktop.services.households import require_household
from desktop.services.period_lock import require_open_on
from desktop.services.projects import project_policy, require_project
from desktop.services.vouchers import VoucherRef
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
    # The payout document: a phiếu chi for cash (in ``voucher_book``, default the voucher book in use) paid to
    # ``recipient`` (default: the head of household), or a handover record for support in kind.
    voucher_book: str = ""
    recipient: str = ""
    handover: HandoverInput = HandoverInput()


def _category_at(conn, household_id: int, on: date) -> tuple[Category, date, bool]:
    """Category in force on the support date; if the register starts later, its first entry (flagged)."""
    held = category_in_force(conn, household_id, on)
    return held.category, held.since, held.assumed


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
    voucher: VoucherRef | None = None  # cash support: the phiếu chi issued with it
    handover: HandoverRef | None = None  # support in kind: the handover record

    changes: ClassVar[Changes] = Changes.SUPPORTS | Changes.SCHEDULES | Changes.FUND | Changes.PROJECTS


def _warning(code: str, message: str) -> RuleWarning:
    return RuleWarning(code, message)


def _target_households(conn, project_id: int, policy, except_household: int) -> tuple[int, int]:
    """(households, of which eligible) among the project's live supports, other than one household.

    A household counts as a target if it was eligible on the date of one of its own supports: the share is
    about who the money reached when it was given, not about what the households are today.
    """
    rows = conn.execute(
        f"SELECT m.household_id, m.supported_on FROM membership m WHERE m.project_id = ? AND m.household_id != ? "
        f"AND {rules.LIVE_SUPPORT}", (project_id, except_household)).fetchall()
    households: dict[int, bool] = {}
    for household_id, supported_on in rows:
        on = date.fromisoformat(supported_on)
        eligible = rules.eligible_on(rules.category_in_force(conn, household_id, on), on, policy)
        households[household_id] = households.get(household_id, False) or eligible
    return len(households), sum(households.values())


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
    others, targets = _target_households(conn, project["id"], policy, household["id"])
    held = rules.CategoryOn(category, category_since, False)
    total = others + 1
    targets += int(rules.eligible_on(held, data.supported_on, policy))
    if targets * 100 < policy.min_target_share_percent * total:
        warnings.append(_warning(
            "target_share", f"Chỉ {targets}/{total} hộ tham gia là hộ nghèo, cận nghèo hoặc mới thoát nghèo vào "
                            f"ngày được hỗ trợ, dưới {policy.min_target_share_percent}% "
                            "(NĐ 27/2022/NĐ-CP điều 20 khoản 5)."))
    if project["programme_code"]:
        other = conn.execute(
            f"""SELECT p.code FROM membership m JOIN project p ON p.id = m.project_id
               WHERE m.household_id = ? AND p.programme_code = ? AND p.id != ?
               AND {rules.ACTIVE_PROGRAMME_SUPPORT} LIMIT 1""",
            (household["id"], project["programme_code"], project["id"])).fetchone()
        if other:
            warnings.append(_warning(
                "duplicate_support",
                f"Hộ {household['code']} đang được hỗ trợ trong dự án {other[0]} cùng chương trình "
                f"{project['programme_code']} (nguyên tắc không hỗ trợ trùng lặp)."))
    return warnings


@dataclass(frozen=True)
class SupportPlan:
    """Everything ``record_support`` would write, after every control passed."""

    project: sqlite3.Row
    household: sqlite3.Row
    category: Category
    amount: int
    source: FundingSource
    schedule: tuple[PlannedInstallment, ...]
    draws: tuple[tuple[int, int], ...]
    round: int
    warnings: tuple[RuleWarning, ...]


def _refuse_ineligible(project, household, held: rules.CategoryOn, data: SupportInput, policy) -> None:
    source = FundingSource.FUND if data.from_fund else FundingSource(data.source)
    if rules.non_poor_with_state_money(held, source):
        raise Refused(rules.non_poor_message(household["code"]) + ".")
    if rules.category_not_supported(held, policy, source):
        raise Refused(rules.category_not_supported_message(household["code"], held, policy) + ".")
    if rules.escaped_too_long(held, data.supported_on, policy):
        raise Refused(rules.escaped_message(household["code"], held, data.supported_on, policy)
                      + ": không được hỗ trợ (NĐ 27/2022/NĐ-CP). Nếu kết quả rà soát đã đổi, hãy ghi phân loại "
                      "mới của hộ trước.")


def _refuse_over_budget(conn, project, household, amount: int, source: FundingSource, policy) -> None:
    """Round-1 money comes from an approved budget and the policy's cap; voided supports do not count."""
    line = rules.budget_line(project, source)
    if line is not None:
        paid = rules.paid_from(conn, project["id"], source)
        if rules.over(paid + amount, line.limit):
            raise Refused(f"Dự án {project['code']} được duyệt {format_vnd(line.limit)} đ {line.label}, đã hỗ trợ "
                          f"{format_vnd(paid)} đ; thêm {format_vnd(amount)} đ cho hộ {household['code']} sẽ vượt dự "
                          f"toán ({format_vnd(paid + amount)} đ). Hãy điều chỉnh dự toán của dự án (có quyết định) "
                          "hoặc giảm mức hỗ trợ.")
    if source in rules.BUDGET_SOURCES:
        # The cap limits the household's whole budget support in the project (what check sums), not one line.
        total = rules.budget_support_of(conn, project["id"], household["id"]) + amount
        if rules.over_household_cap(total, policy):
            raise Refused(rules.household_cap_message(household["code"], total, policy)
                          + ". Hãy ghi mức hỗ trợ không quá mức trần.")
        paid = rules.paid_from(conn, project["id"], source)
        if rules.over(paid + amount, policy.cap_per_project):
            raise Refused(f"Mức trần hỗ trợ từ ngân sách của một dự án là {format_vnd(policy.cap_per_project)} đ "
                          f"(quy định {policy.code}); dự án {project['code']} đã hỗ trợ {format_vnd(paid)} đ, thêm "
                          f"{format_vnd(amount)} đ sẽ thành {format_vnd(paid + amount)} đ.")


def assess_support(conn, data: SupportInput, *, today: date | None = None) -> SupportPlan:
    """Every control of a support, read-only: the plan to write, or ``Refused`` naming the rule broken.

    ``record_support`` calls it inside its write transaction (so nothing changes between the check and the
    write); the form calls it to show a refusal before the clerk presses Save.
    """
    project = require_project(conn, data.project)
    household = require_household(conn, data.household)
    policy = project_policy(project)
    require_open_on(conn, data.supported_on, "Ngày hỗ trợ", today=today or clock.today())
    if project["status"] != ProjectStatus.ACTIVE.value:
        raise Refused(f"Dự án {project['code']} {ProjectStatus(project['status']).label.lower()}; "
                      "không ghi thêm hỗ trợ.")
    held = rules.category_in_force(conn, household["id"], data.supported_on)
    category = held.category
    _refuse_ineligible(project, household, held, data, policy)
    amount = policy.support_for(category) if data.amount is None else data.amount
    if not isinstance(amount, int) or amount <= 0:
        raise Refused("Số tiền hỗ trợ phải lớn hơn 0 đồng.")
    if data.counterpart < 0:
        raise Refused("Vốn đối ứng của hộ không được âm.")
    source = FundingSource.FUND if data.from_fund else FundingSource(data.source)
    if source is FundingSource.FUND and not data.from_fund:
        raise Refused("Muốn cho vay lại từ vốn thu hồi, hãy dùng tùy chọn “từ quỹ” (--from-fund).")
    if not data.from_fund:
        first = rules.round_one_supports(conn, project["id"], household["id"])
        if first:
            raise Refused(f"Hộ {household['code']} đã nhận hỗ trợ vòng 1 của dự án {project['code']} ngày "
                          f"{date.fromisoformat(first[0]['supported_on']):%d/%m/%Y} "
                          f"({format_vnd(first[0]['support_amount'])} đ): mỗi hộ chỉ nhận một lần từ ngân sách. "
                          "Vòng sau cho vay lại từ quỹ (--from-fund); ghi nhầm thì hủy khoản cũ trước.")
        _refuse_over_budget(conn, project, household, amount, source, policy)
    # A household's own money is not the fund's: it owes nothing back.
    self_funded = category is Category.NON_POOR
    schedule = [] if self_funded else plan_schedule(amount, data.supported_on, policy, category)
    if sum(i.amount for i in schedule) > amount:
        # Rounding a tiny support up to the policy's unit would ask back more than was given.
        raise Refused(f"Số tiền hỗ trợ {format_vnd(amount)} đ quá nhỏ so với đơn vị làm tròn "
                      f"{format_vnd(policy.rounding_unit)} đ của quy định {policy.code}.")
    draws, round_no = [], 1
    if data.from_fund:
        room = rules.fund_room(conn, project["id"], data.supported_on)
        if not room.allows(amount):
            raise Refused(f"Quỹ luân chuyển của dự án {project['code']} ngày {room.on:%d/%m/%Y} chỉ còn "
                          f"{format_vnd(room.balance)} đ (thấp nhất {format_vnd(room.low)} đ vào ngày "
                          f"{room.low_day:%d/%m/%Y}): không đủ cho vay {format_vnd(amount)} đ.")
        draws, round_no = _plan_draws(conn, project["id"], amount, data.supported_on)
    require_approved_support(conn, project, household, round_no, source, data.supported_on)
    _check_payout_document(conn, data, amount, source)
    warnings = rule_warnings(conn, project, household, category, held.since, amount, data)
    if held.assumed:
        warnings.append(_warning("category_assumed", f"Hộ chưa có phân loại vào ngày {data.supported_on:%d/%m/%Y}; "
                                                     f"dùng phân loại đầu tiên trong sổ ({category.label})."))
    return SupportPlan(project, household, category, amount, source, tuple(schedule), tuple(draws), round_no,
                       tuple(warnings))


def record_support(books: Books, data: SupportInput, *, today: date | None = None) -> SupportRecorded:
    now = audit.now_iso()
    with books.transaction() as tx:
        plan = assess_support(tx, data, today=today)
        project, household, schedule = plan.project, plan.household, plan.schedule
        row = {
            "uuid": str(uuid.uuid4()), "project_id": project["id"], "household_id": household["id"],
            "round": plan.round, "source": plan.source.value, "category_at_entry": plan.category.value,
            "support_amount": plan.amount, "counterpart": data.counterpart,
            "to_return": sum(i.amount for i in schedule), "in_kind": nfc(data.in_kind),
            "supported_on": data.supported_on.isoformat(), "created_at": now,
        }
        membership_id = tx.execute(
            f"INSERT INTO membership ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row).lastrowid
        tx.executemany(
            "INSERT INTO installment (uuid, membership_id, seq, due_on, amount) VALUES (?, ?, ?, ?, ?)",
            [(str(uuid.uuid4()), membership_id, i.seq, i.due_on.isoformat(), i.amount) for i in schedule])
        tx.executemany(
            "INSERT INTO fund_draw (uuid, membership_id, source_membership_id, amount) VALUES (?, ?, ?, ?)",
            [(str(uuid.uuid4()), membership_id, source_id, taken) for source_id, taken in plan.draws])
        audit.record(tx, books.actor, "membership", row["uuid"], "create", None,
                     {**row, "project": project["code"], "household": household["code"],
                      "schedule": [(i.seq, i.due_on.isoformat(), i.amount) for i in schedule],
                      "draws": [list(d) for d in plan.draws]},
                     at=now)
        voucher, handover = _payout_document(books, tx, now, data, plan, membership_id)
    return SupportRecorded(
        membership_id=membership_id, uuid=row["uuid"], round=plan.round, to_return=row["to_return"],
        support_amount=plan.amount, category_at_entry=plan.category, schedule=schedule, warnings=plan.warnings,
        voucher=voucher, handover=handover)


def _check_payout_document(conn, data: SupportInput, amount: int, source: FundingSource) -> None:
    """The payout's document can be made: the voucher book takes this date, the handover's figures add up."""
    if nfc(data.in_kind):
        handovers.plan(data.handover, nfc(data.in_kind), amount)
    elif source.value in CASH_SOURCES:
        vouchers.require_in_date_order(conn, vouchers.voucher_book(conn, data.voucher_book), data.supported_on)


def _payout_document(books: Books, tx, now: str, data: SupportInput, plan: SupportPlan,
                     membership_id: int) -> tuple[VoucherRef | None, HandoverRef | None]:
    """Every payout carries its document, written in the same transaction: a phiếu chi for cash from the
    budget or the fund, a handover record for support in kind."""
    household = plan.household
    if nfc(data.in_kind):
        return None, handovers.record(tx, books.actor, now, membership_id, data.supported_on, nfc(data.in_kind),
                                      plan.amount, household["head_name"], data.handover)
    if plan.source.value not in CASH_SOURCES:
        return None, None
    kind = "relend" if plan.source is FundingSource.FUND else "budget_support"
    payee = vouchers.Payee(nfc(data.recipient) or household["head_name"],
                           "" if nfc(data.recipient) else (household["id_number"] or ""))
    reason = (f"{vouchers.KIND_LABELS[kind]} — dự án {plan.project['code']}, hộ {household['code']}, "
              f"vòng {plan.round}")
    return vouchers.issue(tx, books.actor, now, kind=kind, on=data.supported_on, amount=plan.amount, payee=payee,
                          reason=reason, project_id=plan.project["id"], link=("membership_id", membership_id),
                          book=data.voucher_book), None


# Sources paid out in cash at the commune's desk (``rules.CASH_PAYOUT``).
CASH_SOURCES = ("central", "local", "fund")


def _sources_on(conn, project_id: int, on: date | None) -> list[sqlite3.Row]:
    """Earlier supports and the returned money each still holds, oldest first (first in, first out).

    With a date: only supports made on or before it, and only money paid back by then, less what live
    re-lends already drew from it. Without: every support and everything paid so far.
    """
    params = {**as_of_params(on), "project_id": project_id}
    return conn.execute(
        f"""WITH {PAID}
            SELECT m.id, m.round,
                   (SELECT coalesce(sum(p.paid), 0) FROM installment i JOIN paid p ON p.installment_id = i.id
                    WHERE i.membership_id = m.id)
                   - (SELECT coalesce(sum(d.amount), 0) FROM fund_draw d JOIN membership t ON t.id = d.membership_id
                      WHERE d.source_membership_id = m.id AND t.voided_on IS NULL)
                   AS available
            FROM membership m WHERE m.project_id = :project_id AND m.supported_on <= :as_of
            ORDER BY m.supported_on, m.id""", params).fetchall()


def _take(sources, amount: int) -> tuple[list[tuple[int, int]], int, int]:
    draws, left, max_round = [], amount, 1
    for source in sources:
        if left == 0:
            break
        take = min(left, source["available"])
        if take > 0:
            draws.append((source["id"], take))
            max_round = max(max_round, source["round"])
            left -= take
    return draws, left, max_round


def _plan_draws(conn, project_id: int, amount: int, on: date) -> tuple[list[tuple[int, int]], int]:
    """Take ``amount`` from the returned money of supports made by ``on``, as it stood on ``on``; the new
    round is one more than the latest round it draws from."""
    draws, left, max_round = _take(_sources_on(conn, project_id, on), amount)
    if left:
        # The fund had the money on ``on`` and keeps it on every later day (checked before), but a re-lend
        # dated later drew on money that was already back by ``on``: which đồng went to whom is bookkeeping,
        # so take from what each source holds today rather than refuse a loan the fund can make.
        draws, left, max_round = _take(_sources_on(conn, project_id, None), amount)
    if left:
        # The fund-level balance said yes but sources say no: only possible if a void left a source
        # overdrawn. Refuse rather than invent lineage.
        raise Refused("Không xác định được nguồn vốn thu hồi để cho vay lại; hãy chạy “Kiểm tra sổ sách”.")
    return draws, max_round + 1
