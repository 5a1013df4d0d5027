"""The rotating fund's arithmetic as pure functions: what a household returns, when, how a payment is
split over installments, and how late an installment is. Integer đồng only; parts always add up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from desktop.dates import add_months
from desktop.errors import Refused
from desktop.money import format_vnd, fraction_round_half_up, split_even
from desktop.policy import FundPolicy

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


def amount_to_return(support: int, policy: FundPolicy) -> int:
    """Support × share (2/3 by default), rounded half up to the policy's unit."""
    return fraction_round_half_up(support, policy.share_numerator, policy.share_denominator, policy.rounding_unit)


def plan_schedule(support: int, supported_on: date, policy: FundPolicy) -> list[PlannedInstallment]:
    """Equal installments rounded down to the unit, the last taking the remainder, each due the policy's
    number of months after the support date (29 February falls due on 28 February)."""
    total = amount_to_return(support, policy)
    shares = split_even(total, len(policy.installment_months), policy.rounding_unit)
    return [
        PlannedInstallment(seq, add_months(supported_on, months), share)
        for seq, (months, share) in enumerate(zip(policy.installment_months, shares, strict=True), start=1)
    ]


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
    each rounded half up to the đồng."""
    return (fraction_round_half_up(budget_support, policy.commune_bp, 10_000),
            fraction_round_half_up(budget_support, policy.upper_bp, 10_000))
