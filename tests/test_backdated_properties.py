"""Property test of the controls on back dates: random supports, re-lends, payments and dated voids, each on a
random day of a three-year window, run through the real services on a real SQLite file.

A hand model beside the books keeps the fund's movements (day, amount) of every act the books accepted and
predicts which acts must be refused. After every step:

- the fund's balance is never negative on any day;
- on every day the fund moved, ``fund_figures(as_of=day)``, the ledger's running balance and the model agree;
- for every quarter, the periodic report's recovered-to-date and fund balance equal the ledger's and the
  model's at the quarter's end;
- ``check`` finds nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from desktop import clock
from desktop.domain import Category
from desktop.errors import Refused
from desktop.fund import amount_to_return
from desktop.paths import DataDir
from desktop.queries.fund import fund_figures
from desktop.reports.ledger import project_ledger
from desktop.reports.period import period_report
from desktop.services import checks, payments, projects, support
from desktop.services.hamlets import add_hamlet
from desktop.services.households import HouseholdInput, add_household
from desktop.services.settings import init_books

START, END = date(2022, 1, 1), date(2024, 12, 31)
TODAY = date(2025, 6, 2)
HOUSEHOLDS = [f"H{n:02d}" for n in range(1, 9)]
QUARTERS = [(date(y, m, 1), (date(y + (m == 10), (m + 3) % 12 or 12, 1) - timedelta(days=1)))
            for y in (2022, 2023, 2024) for m in (1, 4, 7, 10)]

POLICY = """
code = "thu-lui-ngay"
name = "Quy định thử ghi lùi ngày"
[support]
poor = 7_000_000
near_poor = 5_000_000
escaped = 5_000_000
non_poor = 0
[repayment]
share_numerator = 2
share_denominator = 3
rounding_unit = 1_000
installment_months = [12, 24]
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

days = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))


class BackdatedMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._clock = clock.frozen(TODAY)
        self._clock.__enter__()
        self.tmp = Path(tempfile.mkdtemp(prefix="vonxoay-backdated-"))
        self.books, _ = init_books(DataDir(self.tmp / "data"), _setup())
        add_hamlet(self.books, "Thôn Một")
        for n, code in enumerate(HOUSEHOLDS):
            category = Category.POOR if n % 2 == 0 else Category.NEAR_POOR
            add_household(self.books, HouseholdInput(code, f"Hộ {code}", "Thôn Một", category,
                                                     category_on=date(2020, 1, 1)))
        policy = self.tmp / "policy.toml"
        policy.write_text(POLICY, encoding="utf-8")
        projects.add_project(self.books, projects.ProjectInput("DA01", "Dự án thử", policy=policy,
                                                               budget_central=200_000_000))
        self.project_id = projects.require_project(self.books.conn, "DA01")["id"]
        self.policy = projects.project_policy(projects.require_project(self.books.conn, "DA01"))
        self.movements: list[tuple[date, int]] = []          # the fund's movements the books accepted
        self.first_support: dict[str, date] = {}             # household → its first support's day
        self.round_one: set[str] = set()                      # households with a support from the budget
        # household → its installments [support day, due day, amount, index]
        self.installments: dict[str, list[list]] = defaultdict(list)
        # every allocation: [installment index, amount, issued day, void day or None], and each receipt's
        self.allocations: list[list] = []
        self.allocated: dict[tuple[str, int, int], list[list]] = {}
        self.latest_in_book: dict[tuple[str, int], date] = {}  # (book, year) → latest receipt's day
        self.latest_voucher: dict[tuple[str, int], date] = {}  # (voucher book, year) → latest phiếu chi's day
        self.live: list[tuple[str, int, int, str, int, date]] = []  # book, year, number, household, amount, day

    def teardown(self):
        self.books.close()
        self._clock.__exit__(None, None, None)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the model ------------------------------------------------------------------------------

    def balance_on(self, day: date) -> int:
        return sum(delta for on, delta in self.movements if on <= day)

    def low_point_from(self, day: date) -> int:
        return min([self.balance_on(day)] + [self.balance_on(on) for on, _ in self.movements if on > day])

    def _changes(self) -> int:
        return self.books.conn.total_changes

    def _attempt(self, act, refused_for: str | None, what: str):
        before = self._changes()
        try:
            result = act()
        except Refused as exc:
            assert refused_for is not None, f"a valid {what} was refused: {exc}"
            assert self._changes() == before, f"a refused {what} wrote something"
            event(f"{what} refused: {refused_for}")
            return None
        assert refused_for is None, f"{what} should have been refused ({refused_for})"
        event(f"{what} recorded")
        return result

    # -- acts -----------------------------------------------------------------------------------

    @initialize(first=st.lists(st.tuples(st.sampled_from(HOUSEHOLDS), days), min_size=2, max_size=5))
    def first_supports(self, first):
        for household, day in sorted(first, key=lambda t: t[1]):  # in date order, one voucher book
            self.budget_support(household, day)

    def _voucher_refusal(self, book: str, day: date) -> str | None:
        """A cash payout takes the next number of its voucher book, which is written in date order."""
        latest = self.latest_voucher.get((book, day.year))
        return "before the voucher book's latest" if latest and day < latest else None

    @rule(household=st.sampled_from(HOUSEHOLDS), day=days, book=st.sampled_from(["01", "02", "03"]))
    def budget_support(self, household, day, book="01"):
        refused_for = ("second round-1 support" if household in self.round_one
                       else self._voucher_refusal(book, day))
        result = self._attempt(lambda: support.record_support(
            self.books, support.SupportInput("DA01", household, day, voucher_book=book)).to_json(), refused_for,
            "support")
        if result is not None:
            self.latest_voucher[(book, day.year)] = day
            self.round_one.add(household)
            self.first_support[household] = min(day, self.first_support.get(household, day))
            self._add_installments(household, day, result["schedule"])

    @rule(data=st.data(), household=st.sampled_from(HOUSEHOLDS), thousands=st.integers(100, 5_000),
          book=st.sampled_from(["01", "02", "03"]))
    def relend(self, data, household, thousands, book):
        amount = thousands * 1_000
        # Often just after money came in, where the fund's low point is closest to the amount.
        came_in = sorted(on for on, delta in self.movements if delta > 0)
        day = data.draw(days if not came_in else st.one_of(days, st.tuples(
            st.sampled_from(came_in), st.integers(-3, 60)).map(lambda t: min(END, t[0] + timedelta(days=t[1])))))
        refused_for = ("fund short on a day" if self.low_point_from(day) < amount
                       else self._voucher_refusal(book, day))
        result = self._attempt(lambda: support.record_support(
            self.books, support.SupportInput("DA01", household, day, amount=amount, from_fund=True,
                                             voucher_book=book)).to_json(),
            refused_for, "re-lend")
        if result is not None:
            self.latest_voucher[(book, day.year)] = day
            self.movements.append((day, -amount))
            self.first_support[household] = min(day, self.first_support.get(household, day))
            assert result["to_return"] == amount_to_return(amount, self.policy)
            self._add_installments(household, day, result["schedule"])

    @rule(data=st.data(), book=st.sampled_from(["01", "02", "03"]))
    def pay(self, data, book):
        members = sorted(self.first_support)
        if not members:
            return
        household = data.draw(st.sampled_from(members))
        # Mostly on or after the household's first support (a payment before it is refused), anywhere in time.
        first = self.first_support[household]
        day = data.draw(st.one_of(days, st.integers(0, max(0, (END - first).days)).map(
            lambda n: first + timedelta(days=n))))
        payable = sorted((i for i in self.installments[household] if i[0] <= day), key=lambda i: i[1])
        room = {i[3]: i[2] - self.highest_paid_from(i[3], day) for i in payable}
        owed = sum(room.values())
        amount = data.draw(st.one_of(st.integers(1, max(1, owed)), st.just(owed), st.just(owed + 1)))
        latest = self.latest_in_book.get((book, day.year))
        refused_for = ("before the support" if day < self.first_support[household]
                       else "more than owed on its day" if amount > owed or amount <= 0
                       else "before the book's latest receipt" if latest and day < latest else None)
        result = self._attempt(lambda: payments.record_payment(
            self.books, payments.PaymentInput("DA01", household, amount, day, book=book)).to_json(),
            refused_for, "payment")
        if result is not None:
            receipt = result["receipt"]
            self.live.append((book, receipt["year"], receipt["number"], household, amount, day))
            self.latest_in_book[(book, day.year)] = day
            self.movements.append((day, amount))
            paid, left = [], amount
            for installment in payable:  # oldest due first, each filled before the next
                take = min(left, room[installment[3]])
                if take:
                    paid.append([installment[3], take, day, None])
                    left -= take
            assert [a["amount"] for a in result["allocations"]] == [take for _, take, _, _ in paid]
            self.allocations += paid
            self.allocated[(book, receipt["year"], receipt["number"])] = paid

    @rule(data=st.data(), later=st.integers(0, 500))
    def void(self, data, later):
        if not self.live:
            return
        index = data.draw(st.integers(0, len(self.live) - 1))
        book, year, number, household, amount, issued = self.live[index]
        on = min(issued + timedelta(days=later), TODAY)
        refused_for = "the fund would go negative" if self.low_point_from(on) < amount else None
        result = self._attempt(lambda: payments.void_receipt(self.books, book, number, "Ghi nhầm", year=year,
                                                             on=on), refused_for, "void")
        if result is not None:
            del self.live[index]
            for allocation in self.allocated.pop((book, year, number)):
                allocation[3] = on
            self.movements.append((on, -amount))

    def _add_installments(self, household: str, day: date, schedule: list[dict]) -> None:
        for planned in schedule:
            index = sum(len(v) for v in self.installments.values())
            self.installments[household].append([day, planned["due_on"], planned["amount"], index])

    def paid_on(self, index: int, day: date) -> int:
        return sum(take for i, take, issued, voided in self.allocations
                   if i == index and issued <= day and (voided is None or voided > day))

    def highest_paid_from(self, index: int, day: date) -> int:
        """What an installment has paid on it at its highest on any day from ``day`` on (checked day by day)."""
        return max(self.paid_on(index, day + timedelta(days=n)) for n in range((TODAY - day).days + 2))

    # -- invariants after every step ------------------------------------------------------------

    @invariant()
    def fund_never_negative_and_agrees_with_the_model_on_every_day(self):
        conn = self.books.conn
        for on in sorted({on for on, _ in self.movements}):
            expected = self.balance_on(on)
            assert expected >= 0, f"the fund is negative on {on}"
            assert fund_figures(conn, self.project_id, as_of=on)["balance"] == expected, on
            assert fund_figures(conn, self.project_id, as_of=on - timedelta(days=1))["balance"] == \
                self.balance_on(on - timedelta(days=1))

    @invariant()
    def ledger_period_report_and_fund_report_agree_for_every_period(self):
        conn = self.books.conn
        ledger = project_ledger(conn, "DA01")["rows"]
        for start, end in QUARTERS:
            upto = [r for r in ledger if r["on"] <= end.isoformat()]
            ledger_balance = upto[-1]["balance"] if upto else 0
            ledger_recovered = sum(r["fund_in"] for r in upto)
            figures = fund_figures(conn, self.project_id, as_of=end)
            row = period_report(conn, start, end).totals
            assert ledger_balance == figures["balance"] == row.fund_balance == self.balance_on(end), end
            assert ledger_recovered == figures["recovered"] == row.recovered_to_date, end
            assert row.outstanding >= 0 and 0 <= row.overdue <= row.outstanding, end

    @invariant()
    def books_pass_check(self):
        assert [p["message"] for p in checks.check_books(self.books)] == []


def _setup():
    from tests.conftest import COMMUNE

    return COMMUNE


BackdatedMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=50, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_backdated_acts_keep_the_fund_whole_on_every_day = BackdatedMachine.TestCase
