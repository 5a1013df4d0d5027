"""Property test of the rotating fund: random policies (rounding units, shares, installments), supports,
re-lending, payments (some too large), voids and the passing of time, run through the real services on a
real SQLite file. After every step the invariants of ``check`` hold, and the services agree with a simple
model kept beside them."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from desktop.dates import add_months
from desktop.domain import Category, FundingSource
from desktop.errors import Refused
from desktop.fund import amount_to_return
from desktop.paths import DataDir
from desktop.queries.fund import fund_figures
from desktop.services import checks, payments, projects, support
from desktop.services.hamlets import add_hamlet
from desktop.services.households import HouseholdInput, add_household
from desktop.services.settings import init_books

FAR_FUTURE = date(2099, 1, 1)
REGISTERED = date(2020, 1, 1)
HOUSEHOLDS = [("H01", Category.POOR), ("H02", Category.NEAR_POOR), ("H03", Category.ESCAPED),
              ("H04", Category.POOR), ("H05", Category.NEAR_POOR), ("H06", Category.NON_POOR)]

POLICY = """
code = "{code}"
name = "Quy định thử {code}"
[support]
poor = 7_000_000
near_poor = 5_000_000
escaped = 5_000_000
non_poor = 0
[repayment]
share_numerator = {num}
share_denominator = {den}
rounding_unit = {unit}
installment_months = {months}
[limits]
cap_per_project = 300_000_000
min_target_share_percent = 70
escaped_max_months = 36
[management_cost]
commune_bp = 300
upper_bp = 200
[public_works]
after_years = 3
"""

policies = st.fixed_dictionaries({
    "unit": st.sampled_from([1, 10, 500, 1_000, 5_000, 100_000]),
    "share": st.sampled_from([(2, 3), (1, 2), (1, 1), (3, 7)]),
    "months": st.sampled_from([[12, 24], [6, 12, 18], [12], [3, 6, 9, 12, 15]]),
})
amounts = st.one_of(st.none(), st.integers(1, 12_000_000), st.sampled_from([7_000_000, 5_000_000, 1_000_001]))


class FundMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="vonxoay-prop-"))
        self.books, _ = init_books(DataDir(self.tmp / "data"), _setup())
        add_hamlet(self.books, "Thôn Một")
        for code, category in HOUSEHOLDS:
            add_household(self.books, HouseholdInput(code, f"Hộ {code}", "Thôn Một", category,
                                                     category_on=REGISTERED)).to_json()
        self.today = date(2021, 1, 1)
        self.owed: dict[tuple[str, str], int] = defaultdict(int)       # (project, household) → still owed
        self.balance: dict[str, int] = defaultdict(int)                # project → recovered − re-lent
        self.members: set[tuple[str, str]] = set()
        self.round_one: set[tuple[str, str]] = set()                   # one budget support per household
        self.live_receipts: list[tuple[str, int, int, str, str, int]] = []  # book, year, number, project, hh, amount
        self.policy_of: dict[str, object] = {}

    def teardown(self):
        self.books.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _changes(self) -> int:
        return self.books.conn.total_changes

    @initialize(first=policies, second=policies,
                starters=st.lists(st.tuples(st.sampled_from(["DA01", "DA02"]), st.sampled_from(HOUSEHOLDS[:5])),
                                  min_size=1, max_size=6))
    def make_projects(self, first, second, starters):
        for code, spec in (("DA01", first), ("DA02", second)):
            path = self.tmp / f"{code}.toml"
            num, den = spec["share"]
            path.write_text(POLICY.format(code=f"thu-{code.lower()}", num=num, den=den, unit=spec["unit"],
                                          months=spec["months"]), encoding="utf-8")
            projects.add_project(self.books, projects.ProjectInput(code, f"Dự án {code}", policy=path))
            self.policy_of[code] = projects.project_policy(projects.require_project(self.books.conn, code))
        # Round-1 supports up front, so that payments, voids and re-lending have something to work on.
        for project, household in starters:
            self.give_support(project, household, None, False)

    @rule(days=st.integers(0, 400))
    def time_passes(self, days):
        self.today += timedelta(days=days)

    @rule(project=st.sampled_from(["DA01", "DA02"]), household=st.sampled_from(HOUSEHOLDS), amount=amounts,
          from_fund=st.booleans())
    def give_support(self, project, household, amount, from_fund):
        code, category = household
        policy = self.policy_of[project]
        given = policy.support_for(category) if amount is None else amount
        source = FundingSource.OTHER if category is Category.NON_POOR else FundingSource.CENTRAL
        data = support.SupportInput(project, code, self.today, amount=amount, from_fund=from_fund, source=source)
        refused_for = None
        if category is Category.NON_POOR and (from_fund or amount is None):
            refused_for = "non-poor"
        elif category is Category.ESCAPED and self.today > add_months(REGISTERED, policy.escaped_max_months):
            refused_for = "escaped too long ago"
        elif not from_fund and (project, code) in self.round_one:
            refused_for = "a second round-1 support"
        elif category is not Category.NON_POOR and amount_to_return(given, policy) > given:
            refused_for = "smaller than the rounding unit"
        elif from_fund and given > self.balance[project]:
            refused_for = "fund short"
        before = self._changes()
        try:
            result = support.record_support(self.books, data, today=FAR_FUTURE).to_json()
        except Refused:
            assert refused_for is not None, "a valid support was refused"
            assert self._changes() == before, "a refused support wrote something"
            event(f"support refused: {refused_for}")
            return
        assert refused_for is None, f"support should have been refused ({refused_for})"
        expected = 0 if category is Category.NON_POOR else amount_to_return(given, policy)
        assert result["to_return"] == expected
        assert sum(i["amount"] for i in result["schedule"]) == expected
        assert result["round"] >= (2 if from_fund else 1)
        event(f"support round {result['round']}")
        self.owed[(project, code)] += expected
        self.members.add((project, code))
        if not from_fund:
            self.round_one.add((project, code))
        if from_fund:
            self.balance[project] -= given

    @rule(data=st.data(), book=st.sampled_from(["01", "02"]), in_kind=st.booleans())
    def pay(self, data, book, in_kind):
        if not self.members:
            return
        project, code = data.draw(st.sampled_from(sorted(self.members)))
        owed = self.owed[(project, code)]
        amount = data.draw(st.one_of(st.integers(1, max(1, owed)), st.just(owed), st.just(owed + 1),
                                     st.integers(1, 10_000_000)))
        # Oldest installment first, each filled before the next: what the allocation must come out as.
        expected, left = [], amount
        for seq, open_amount in self._open_installments(project, code):
            if left and open_amount:
                expected.append({"seq": seq, "amount": min(left, open_amount)})
                left -= min(left, open_amount)
        before = self._changes()
        try:
            result = payments.record_payment(
                self.books, payments.PaymentInput(project, code, amount, self.today, book=book,
                                                  in_kind="1 con bê" if in_kind else ""), today=FAR_FUTURE).to_json()
        except Refused:
            assert amount > owed or amount <= 0, "a valid payment was refused"
            assert self._changes() == before, "a refused payment wrote something"
            event("payment refused: more than owed")
            return
        event("payment recorded" + (" (settles the debt)" if amount == owed else ""))
        assert 0 < amount <= owed, "an overpayment was accepted"
        assert result["allocations"] == expected
        assert result["outstanding"] == owed - amount
        receipt = result["receipt"]
        self.live_receipts.append((receipt["book"], receipt["year"], receipt["number"], project, code, amount))
        self.owed[(project, code)] -= amount
        self.balance[project] += amount

    @rule(data=st.data())
    def void(self, data):
        if not self.live_receipts:
            return
        index = data.draw(st.integers(0, len(self.live_receipts) - 1))
        book, year, number, project, code, amount = self.live_receipts[index]
        before = self._changes()
        try:
            payments.void_receipt(self.books, book, number, "Ghi nhầm", year=year, on=self.today, today=FAR_FUTURE)
        except Refused:
            assert self.balance[project] - amount < 0, "a void the fund could bear was refused"
            assert self._changes() == before, "a refused void wrote something"
            event("void refused: money already re-lent")
            return
        event("receipt voided")
        assert self.balance[project] - amount >= 0, "a void left the fund negative"
        del self.live_receipts[index]
        self.owed[(project, code)] += amount
        self.balance[project] -= amount

    # -- invariants after every step ------------------------------------------------------------

    @invariant()
    def books_pass_check(self):
        assert checks.check_books(self.books) == []

    @invariant()
    def schedules_sum_to_what_is_returned(self):
        for code, policy in self.policy_of.items():
            rows = self.books.conn.execute(
                """SELECT m.support_amount, m.to_return, m.category_at_entry,
                          (SELECT coalesce(sum(amount), 0) FROM installment WHERE membership_id = m.id),
                          (SELECT count(*) FROM installment WHERE membership_id = m.id)
                   FROM membership m JOIN project p ON p.id = m.project_id WHERE p.code = ?""", (code,))
            for support_amount, to_return, category, total, count in rows:
                assert total == to_return
                if category != Category.NON_POOR.value:
                    assert to_return == amount_to_return(support_amount, policy)
                    assert count == len(policy.installment_months)

    @invariant()
    def allocations_match_receipts_and_never_exceed_installments(self):
        conn = self.books.conn
        for receipt_id, amount, allocated in conn.execute(
                """SELECT r.id, r.amount, coalesce(sum(a.amount), 0) FROM receipt r
                   LEFT JOIN allocation a ON a.receipt_id = r.id WHERE r.voided_at IS NULL GROUP BY r.id"""):
            assert allocated == amount, receipt_id
        for installment_id, amount, paid in conn.execute(
                """SELECT i.id, i.amount, coalesce(sum(CASE WHEN r.voided_at IS NULL THEN a.amount END), 0)
                   FROM installment i LEFT JOIN allocation a ON a.installment_id = i.id
                   LEFT JOIN receipt r ON r.id = a.receipt_id GROUP BY i.id"""):
            assert 0 <= paid <= amount, installment_id

    def _open_installments(self, project: str, code: str) -> list[tuple[int, int]]:
        """(seq, outstanding) of every installment, oldest due first, counting only live receipts."""
        rows = self.books.conn.execute(
            """SELECT i.seq, i.amount - coalesce((SELECT sum(a.amount) FROM allocation a JOIN receipt r
                                                  ON r.id = a.receipt_id AND r.voided_at IS NULL
                                                  WHERE a.installment_id = i.id), 0)
               FROM installment i JOIN membership m ON m.id = i.membership_id
               JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
               WHERE p.code = ? AND h.code = ? ORDER BY i.due_on, i.id""", (project, code)).fetchall()
        return [(seq, left) for seq, left in rows]

    @invariant()
    def voided_receipts_count_for_nothing_and_outstanding_matches_the_model(self):
        for (project, code) in self.members:
            assert sum(left for _, left in self._open_installments(project, code)) == self.owed[(project, code)]

    @invariant()
    def fund_balance_is_never_negative_and_matches_the_model(self):
        for code in self.policy_of:
            project_id = projects.require_project(self.books.conn, code)["id"]
            figures = fund_figures(self.books.conn, project_id)
            assert figures["balance"] == self.balance[code] >= 0
            assert figures["balance"] == figures["recovered"] - figures["relent"] - figures["public_works"]

    @invariant()
    def receipt_numbers_are_gapless_per_book_and_year(self):
        numbers = defaultdict(list)
        for book, year, number in self.books.conn.execute("SELECT book, year, number FROM receipt"):
            numbers[(book, year)].append(number)
        for found in numbers.values():
            assert sorted(found) == list(range(1, len(found) + 1))


def _setup():
    from tests.conftest import COMMUNE

    return COMMUNE


FundMachine.TestCase.settings = settings(
    max_examples=80, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_fund_invariants_hold_after_every_step = FundMachine.TestCase
