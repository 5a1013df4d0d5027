"""The rotating fund's arithmetic as pure functions: what a household returns, when, how a payment is
split over installments, and how late an installment is. Integer đồng only; parts always add up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from desktop.dates import add_months
from desktop.domain import Category
from desktop.errors import Refused
from desktop.money import format_vnd, fraction_round_half_up, split_shares
from desktop.policy import CategoryRule, FundPolicy

# Aging buckets for overdue money, in days past the due date (upper bound inclusive; None = open-ended).
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1-30", 1, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    (">180", 181, None),
)


@dataclass(frozen=True)
class PlannedInstallment:
    seq: int
    due_on: date
    amount: int


@dataclass(frozen=True)
class OpenInstallment:
    """An installment as a payment sees it: what it asked for and what live receipts already paid."""

    id: int
    seq: int
    due_on: date
    amount: int
    paid: int

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


@dataclass(frozen=True)
class Allocation:
    installment_id: int
    seq: int
    amount: int


def _rule(policy: FundPolicy, category: Category | str | None) -> CategoryRule:
    if category is None:
        if policy.version != 1:
            # A version-2 policy has a rule per category: guessing one would plan a wrong schedule.
            raise ValueError(f"policy {policy.code} needs the household's category")
        category = Category.POOR  # version 1: every category has the same share and schedule
    return policy.rule_for(category)


def amount_to_return(support: int, policy: FundPolicy, category: Category | str | None = None) -> int:
    """What goes back to the fund for ``support``: the category's share of it (2/3 by default) rounded half
    up to the policy's unit, a fixed amount (never more than the support), or the value of the items to
    return in kind (quantity × agreed value, to the đồng: an agreed value is not rounded)."""
    rule = _rule(policy, category)
    if rule.in_kind is not None:
        return rule.in_kind.quantity * rule.in_kind.value
    if rule.return_amount is not None:
        return min(rule.return_amount, support)
    numerator, denominator = rule.return_share
    return fraction_round_half_up(support, numerator, denominator, policy.rounding_unit)


def plan_schedule(support: int, supported_on: date, policy: FundPolicy,
                  category: Category | str | None = None) -> list[PlannedInstallment]:
    """The installments of one support: each due the grace period plus its number of months after the
    support date (29 February falls due on 28 February), the amounts split by ``money.split_shares``. In kind,
    the items are split (whole items per installment) and each installment is its items × agreed value."""
    rule = _rule(policy, category)
    parts = len(rule.installment_months)
    if rule.in_kind is not None:
        total = amount_to_return(support, policy, rule.category)
        if total > support:
            raise Refused(f"Mức hỗ trợ {format_vnd(support)} đ ít hơn giá trị hiện vật phải trả lại "
                          f"({rule.in_kind.describe()}: {format_vnd(total)} đ) theo quy định {policy.code}.")
        items = split_shares(rule.in_kind.quantity, rule.installment_shares, parts, 1)
        amounts = [count * rule.in_kind.value for count in items]
    else:
        amounts = split_shares(amount_to_return(support, policy, rule.category), rule.installment_shares,
                                  parts, policy.rounding_unit)
    return [
        PlannedInstallment(seq, add_months(supported_on, rule.grace_months + months), amount)
        for seq, (months, amount) in enumerate(zip(rule.installment_months, amounts, strict=True), start=1)
    ]


def in_kind_items(rule: CategoryRule, amount: int) -> int | None:
    """How many whole items a receipt of ``amount`` đồng stands for under an in-kind rule, or None when
    the amount is not a whole number of items at the agreed value."""
    if rule.in_kind is None or amount <= 0 or amount % rule.in_kind.value:
        return None
    return amount // rule.in_kind.value


def in_kind_receipt(rule: CategoryRule, items: int) -> tuple[int, str]:
    """What a receipt for ``items`` returned in kind records: the amount (items × agreed value, exactly)
    and the description written on it."""
    if rule.in_kind is None:
        raise ValueError(f"category {rule.category} returns money, not items")
    if items < 1:
        raise Refused("Số hiện vật trả lại phải từ 1 trở lên.")
    return items * rule.in_kind.value, rule.in_kind.describe(items)


def allocate(payment: int, installments: Sequence[OpenInstallment]) -> list[Allocation]:
    """Oldest unpaid installment first. Refuses a payment above what is still owed: the clerk must
    never hand out a receipt for money the household did not owe."""
    if payment <= 0:
        raise Refused("Số tiền nộp phải lớn hơn 0.")
    ordered = sorted(installments, key=lambda i: (i.due_on, i.id))
    owed = sum(i.outstanding for i in ordered)
    if payment > owed:
        raise Refused(f"Số tiền nộp {format_vnd(payment)} đ lớn hơn số hộ còn phải trả "
                      f"{format_vnd(owed)} đ. Không ghi phiếu thu.")
    allocations, left = [], payment
    for installment in ordered:
        if left == 0:
            break
        take = min(left, installment.outstanding)
        if take > 0:
            allocations.append(Allocation(installment.id, installment.seq, take))
            left -= take
    return allocations


def days_overdue(due_on: date, as_of: date) -> int:
    return max(0, (as_of - due_on).days)


def aging_bucket(days: int) -> str | None:
    """The bucket label for money ``days`` past due, or None when it is not overdue."""
    for label, low, high in AGING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return None


def age_installments(rows: Iterable[tuple[date, int]], as_of: date) -> dict[str, int]:
    """Sum outstanding amounts per aging bucket as of a date; rows are (due_on, outstanding)."""
    totals = {label: 0 for label, _, _ in AGING_BUCKETS}
    for due_on, outstanding in rows:
        bucket = aging_bucket(days_overdue(due_on, as_of))
        if bucket and outstanding > 0:
            totals[bucket] += outstanding
    return totals


def management_cost(budget_support: int, policy: FundPolicy) -> tuple[int, int]:
    """The commune's and the upper level's management cost on budget-funded support (3% and 2%),
    each rounded half up to the đồng. A negative amount (a period whose voids of earlier supports outweigh its
    new ones) gives the same cost taken back, rounded the same way."""
    sign, amount = (-1, -budget_support) if budget_support < 0 else (1, budget_support)
    return (sign * fraction_round_half_up(amount, policy.commune_bp, 10_000),
            sign * fraction_round_half_up(amount, policy.upper_bp, 10_000))
