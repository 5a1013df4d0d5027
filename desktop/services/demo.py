"""A realistic synthetic commune for looking around, screenshots and benchmarks.

Deterministic for a seed and an as-of date. The money follows the same rules as the services — the
schedules come from ``fund.plan_schedule``, payments from ``fund.allocate``, re-lending draws first in,
first out — so ``check`` passes on the result. Rows are written in bulk in one transaction: a commune of
100 000 households takes seconds, not the hours that one service call per row would.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from desktop import audit, clock
from desktop.dates import add_months
from desktop.domain import Category, Mode
from desktop.fund import OpenInstallment, allocate, plan_schedule
from desktop.paths import DataDir
from desktop.policy import load_policy
from desktop.queries import rules
from desktop.services import demo_approvals
from desktop.services import demo_names as names
from desktop.services.demo_payouts import write_payouts
from desktop.services.households import search_key
from desktop.services.settings import CommuneSetup, init_books
from desktop.text import fold

DEMO_SETUP = CommuneSetup(
    commune_code="10507", commune_name="Xã Đức Chính", upper_code="290", upper_name="Huyện Cẩm Giàng",
    province_code="30", province_name="Tỉnh Hải Dương", mode=Mode.COMMUNE, receipt_book="01",
)
REGISTER_DATE = date(2021, 1, 1)


@dataclass
class _Membership:
    id: int
    project: int
    household: int
    round: int
    supported_on: date
    installments: list[list] = field(default_factory=list)  # [id, seq, due_on, amount, paid]


class _Demo:
    def __init__(self, seed: int, households: int, projects: int, as_of: date):
        self.rng = random.Random(seed)
        self.n_households, self.n_projects, self.as_of = households, projects, as_of
        self.policy = load_policy()
        self.now = audit.now_iso()
        self.rows: dict[str, list] = {k: [] for k in (
            "hamlet", "household", "household_category", "project", "membership", "installment", "receipt",
            "allocation", "fund_draw", "audit_log")}
        self.category_of: dict[int, list[tuple[date, Category]]] = {}
        self.hamlet_of: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.memberships: list[_Membership] = []
        self.next_id = {k: 1 for k in ("membership", "installment", "receipt", "allocation")}
        self.receipt_numbers: dict[int, int] = {}
        self.by_project: dict[int, list[_Membership]] = {}
        self.available: dict[int, int] = {}  # returned money of each support not yet re-lent

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] += 1
        return value

    def _audit(self, entity: str, entity_uuid: str, summary: dict) -> None:
        self.rows["audit_log"].append((self.now, "demo", entity, entity_uuid, "create", None,
                                       audit._dump(summary)))

    # -- people and places -------------------------------------------------------------------
    def make_hamlets(self) -> None:
        count = max(4, min(len(names.HAMLETS) + 60, self.n_households // 250))
        for i in range(count):
            name = names.HAMLETS[i] if i < len(names.HAMLETS) else f"Thôn {i - len(names.HAMLETS) + 1}"
            self.rows["hamlet"].append((i + 1, str(uuid.uuid4()), name, fold(name), self.now))

    def _person(self, female: bool, minority: bool) -> str:
        rng = self.rng
        family = rng.choice(names.MINORITY_FAMILY) if minority else rng.choices(
            [f for f, _ in names.FAMILY], weights=[w for _, w in names.FAMILY])[0]
        middle = rng.choice(names.FEMALE_MIDDLE if female else names.MALE_MIDDLE)
        given = rng.choice(names.FEMALE_GIVEN if female else names.MALE_GIVEN)
        return f"{family} {middle} {given}"

    def make_households(self) -> None:
        rng, used_ids = self.rng, set()
        hamlets = len(self.rows["hamlet"])
        for hid in range(1, self.n_households + 1):
            female = rng.random() < 0.27
            minority = rng.random() < 0.04
            name = self._person(female, minority)
            code = f"H{hid:05d}"
            birth = rng.randint(1945, 1998)
            id_number = None
            if rng.random() < 0.93:
                while id_number is None or id_number in used_ids:
                    gender_digit = (0 if birth < 2000 else 2) + (1 if female else 0)
                    id_number = f"030{gender_digit}{birth % 100:02d}{rng.randint(0, 999_999):06d}"
                used_ids.add(id_number)
            phone = f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.7 else ""
            hamlet = rng.randint(1, hamlets)
            household_uuid = str(uuid.uuid4())
            self.rows["household"].append((
                hid, household_uuid, code, name, id_number, hamlet, int(minority), int(female),
                rng.randint(1, 8), phone, "", search_key(code, name, id_number, phone), self.now, self.now))
            self.hamlet_of[hid], self.names[hid] = hamlet, name
            self._categories(hid)
            self._audit("household", household_uuid, {"code": code, "head_name": name})

    def _categories(self, hid: int) -> None:
        """A category history like a few yearly reviews produce: most poor households climb out slowly."""
        rng = self.rng
        roll = rng.random()
        first = (Category.POOR if roll < 0.09 else Category.NEAR_POOR if roll < 0.19
                 else Category.ESCAPED if roll < 0.23 else Category.NON_POOR)
        history = [(REGISTER_DATE, first)]
        current = first
        for year in range(2022, self.as_of.year + 1):
            review = date(year, 1, 1)
            step = rng.random()
            if current is Category.POOR and step < 0.25:
                current = Category.NEAR_POOR if step < 0.15 else Category.ESCAPED
            elif current is Category.NEAR_POOR and step < 0.2:
                current = Category.ESCAPED if step < 0.15 else Category.POOR
            elif current is Category.ESCAPED and step < 0.3:
                current = Category.NON_POOR
            elif current is Category.NON_POOR and step < 0.005:
                current = Category.NEAR_POOR
            else:
                continue
            if review <= self.as_of:
                history.append((review, current))
        self.category_of[hid] = history
        for effective_on, category in history:
            self.rows["household_category"].append((str(uuid.uuid4()), hid, category.value,
                                                    effective_on.isoformat(), "Rà soát hằng năm", self.now))

    def category_on(self, hid: int, on: date) -> Category:
        current = self.category_of[hid][0][1]
        for effective_on, category in self.category_of[hid]:
            if effective_on <= on:
                current = category
        return current

    def eligible_on(self, hid: int, on: date) -> bool:
        """Poor, near-poor, or escaped within the policy's months on ``on`` (the rule the services apply)."""
        since, current = self.category_of[hid][0]
        for effective_on, category in self.category_of[hid]:
            if effective_on <= on:
                since, current = effective_on, category
        return rules.eligible_on(rules.CategoryOn(current, since, False), on, self.policy)

    def eligible_through_year(self, hid: int, on: date) -> bool:
        """Eligible from ``on`` to the year's end: a round-1 support may follow its approval by weeks, and a
        newly escaped household's months can run out in between."""
        return self.eligible_on(hid, on) and self.eligible_on(hid, min(date(on.year, 12, 31), self.as_of))

    # -- projects and money ----------------------------------------------------------------
    def make_projects(self) -> None:
        rng = self.rng
        pools: dict[str, list[int]] = {}
        projects_in = Counter(_programme_of(pid)[0] for pid in range(1, self.n_projects + 1))
        supported: dict[str, list[int]] = {}
        policy_json = self.policy.to_json()
        self.events: list[tuple] = []
        self.waiting: dict[int, list[int]] = {}
        self.project_meta: dict[int, tuple[str, str]] = {}
        last_start = max(2021, min(self.as_of.year, 2025))
        for pid in range(1, self.n_projects + 1):
            idea, in_kind = names.PROJECT_IDEAS[(pid - 1) % len(names.PROJECT_IDEAS)]
            start = date(rng.randint(2021, last_start), rng.randint(1, 12), rng.randint(1, 28))
            if pid == self.n_projects and self.as_of.year > 2021:
                # The newest project began about a year before the "as of" date, so whatever that date, its
                # first installments fall due in the coming weeks and the dashboard has dues to show.
                start = add_months(self.as_of, -12) + timedelta(days=3)
            if start > self.as_of:
                start = self.as_of - timedelta(days=30)
            start = max(start, date(2021, 2, 1))  # approved (20 days before) within the programmes' years
            code = f"DA{pid:02d}" if self.n_projects < 100 else f"DA{pid:03d}"
            programme, component = _programme_of(pid, start - timedelta(days=20))
            # One pool per programme: a household may be in projects of two programmes, but the "no duplicate
            # support" rule keeps it out of a second project of the same one, so each household is drawn once.
            if programme not in pools:
                pools[programme] = list(range(1, self.n_households + 1))
                rng.shuffle(pools[programme])
            pool = pools[programme]

            later: list[int] = []  # households not in the target categories on this project's start date
            # In a small commune one project must not take every target household: about a quarter of the
            # households are targets, and each project also draws half as many again to wait for re-lent money.
            limit = max(3, len(pool) // (7 * max(1, projects_in[programme])))
            chosen, budget = [], 0
            cap = self.policy.cap_per_project
            while len(chosen) < limit and budget + self.policy.support_for(Category.POOR) <= cap:
                hid = self._draw_target(pool, later, start)
                if hid is None:
                    break
                chosen.append(hid)
                budget += self.policy.support_for(self.category_on(hid, start))
            # Now and then a household already helped by the programme slips into another project: the demo
            # then shows the duplicate-support warning and the upper level's duplicate check at work.
            helped = supported.setdefault(programme, [])
            if helped and rng.random() < 0.3:
                twice = rng.choice(helped)
                if twice not in chosen and self.eligible_through_year(twice, start):
                    chosen.append(twice)
                    budget += self.policy.support_for(self.category_on(twice, start))
            helped.extend(chosen)
            # The approved budget is a round figure above what the chosen households take, as decisions are:
            # the commune can still add a household or two without a new decision.
            budget = -(-budget // 10_000_000) * 10_000_000 + 20_000_000
            central = budget * 9 // 10
            project_uuid = str(uuid.uuid4())
            self.rows["project"].append({
                "id": pid, "uuid": project_uuid, "code": code, "name": f"{idea} ({start.year})",
                "programme_code": programme, "component": component,
                "decision_number": f"{rng.randint(10, 199)}/QĐ-UBND",
                "decision_date": (start - timedelta(days=20)).isoformat(), "decision_authority": "UBND xã",
                "budget_central": central, "budget_local": budget - central, "budget_other": 0,
                "budget_counterpart": 0, "status": "active", "policy_code": self.policy.code,
                "policy_json": policy_json, "created_at": self.now, "updated_at": self.now})
            self._audit("project", project_uuid, {"code": code})
            self.project_meta[pid] = (code, in_kind)
            # Supports follow the approval within weeks, but not past the year's review (1 January), which
            # could change the category the household was chosen under, nor past the "as of" date.
            last_support_day = min(date(start.year, 12, 31), self.as_of)
            for hid in chosen:
                on = min(start + timedelta(days=rng.randint(0, 40)), last_support_day)
                self.support(pid, hid, on, round_no=1, draws=[])
            # Households waiting for re-lent money: more target households of the same commune.
            self.waiting[pid] = [hid for _ in range(len(chosen) // 2)
                                 if (hid := self._draw_target(pool, later, start)) is not None]
            helped.extend(self.waiting[pid])
            pool[:0] = later
            lend_day = add_months(start, 13)
            while lend_day <= self.as_of:
                heapq.heappush(self.events, (lend_day, 1, "lend", pid))
                lend_day = add_months(lend_day, 3)  # the commune lends recovered money out each quarter

    def _draw_target(self, pool: list[int], later: list[int], on: date) -> int | None:
        """The next household of ``pool`` that is poor, near-poor or newly escaped on ``on``; the others go to
        ``later``, to return to the pool for later projects."""
        while pool:
            hid = pool.pop()
            if self.eligible_through_year(hid, on):
                return hid
            later.append(hid)
        return None

    def support(self, pid: int, hid: int, on: date, *, round_no: int, draws: list[tuple[int, int]]) -> None:
        category = self.category_on(hid, on)
        amount = self.policy.support_for(category)
        schedule = plan_schedule(amount, on, self.policy, category)
        mid = self._id("membership")
        membership_uuid = str(uuid.uuid4())
        membership = _Membership(mid, pid, hid, round_no, on)
        self.rows["membership"].append((
            mid, membership_uuid, pid, hid, round_no, "fund" if round_no > 1 else "central", category.value,
            amount, 0, sum(i.amount for i in schedule), self.project_meta[pid][1], on.isoformat(), self.now))
        for item in schedule:
            iid = self._id("installment")
            membership.installments.append([iid, item.seq, item.due_on, item.amount, 0])
            self.rows["installment"].append((iid, str(uuid.uuid4()), mid, item.seq, item.due_on.isoformat(),
                                             item.amount))
        for source, amount_drawn in draws:
            self.rows["fund_draw"].append((str(uuid.uuid4()), mid, source, amount_drawn))
        self._audit("membership", membership_uuid, {"project": pid, "household": hid, "amount": amount})
        self.memberships.append(membership)
        self.by_project.setdefault(pid, []).append(membership)
        self.available[mid] = 0
        self._plan_payments(membership)

    def _plan_payments(self, membership: _Membership) -> None:
        """Each household gets a habit: on time, late, partial, early or not at all."""
        rng = self.rng
        habit = rng.choices(["on_time", "late", "partial", "early", "never"], weights=[68, 14, 8, 5, 5])[0]
        for _, _, due_on, amount, _ in membership.installments:
            if habit == "never":
                return
            if habit == "early":
                total = sum(i[3] for i in membership.installments)
                when = membership.supported_on + timedelta(days=rng.randint(200, 340))
                heapq.heappush(self.events, (when, 0, "pay", membership.id, total))
                return
            if habit == "on_time":
                heapq.heappush(self.events, (due_on + timedelta(days=rng.randint(-20, 12)), 0, "pay",
                                             membership.id, amount))
            elif habit == "late":
                heapq.heappush(self.events, (due_on + timedelta(days=rng.randint(40, 260)), 0, "pay",
                                             membership.id, amount))
            else:
                part = amount // 2 // 1000 * 1000
                heapq.heappush(self.events, (due_on + timedelta(days=rng.randint(0, 30)), 0, "pay",
                                             membership.id, part))

    def run_events(self) -> None:
        by_id = {m.id: m for m in self.memberships}
        balance: dict[int, int] = {}
        while self.events:
            event = heapq.heappop(self.events)
            when, kind = event[0], event[2]
            if when > self.as_of:
                continue
            if kind == "pay":
                membership = by_id[event[3]]
                self._pay(membership, when, event[4])
                balance[membership.project] = balance.get(membership.project, 0) + event[4]
            else:
                pid = event[3]
                while self.waiting[pid]:
                    hid = self.waiting[pid][-1]
                    amount = self.policy.support_for(self.category_on(hid, when))
                    if amount == 0 or not self.eligible_on(hid, when):
                        self.waiting[pid].pop()
                        continue
                    if balance.get(pid, 0) < amount:
                        break
                    self.waiting[pid].pop()
                    draws, round_no = self._draw(pid, amount)
                    balance[pid] -= amount
                    self.support(pid, hid, when, round_no=round_no, draws=draws)
                    by_id[self.memberships[-1].id] = self.memberships[-1]

    def _draw(self, pid: int, amount: int) -> tuple[list[tuple[int, int]], int]:
        draws, left, top = [], amount, 1
        for membership in self.by_project[pid]:
            if left == 0:
                break
            take = min(left, self.available.get(membership.id, 0))
            if take > 0:
                draws.append((membership.id, take))
                self.available[membership.id] -= take
                top = max(top, membership.round)
                left -= take
        assert left == 0, "fund balance and lineage disagree"
        return draws, top + 1

    def _pay(self, membership: _Membership, when: date, amount: int) -> None:
        open_items = [OpenInstallment(i[0], i[1], i[2], i[3], i[4]) for i in membership.installments]
        owed = sum(i.outstanding for i in open_items)
        amount = min(amount, owed)
        if amount <= 0:
            return
        rid = self._id("receipt")
        number = self.receipt_numbers.get(when.year, 0) + 1
        self.receipt_numbers[when.year] = number
        in_kind = "1 con bê đực, giá thỏa thuận" if self.rng.random() < 0.02 else ""
        allocations = allocate(amount, open_items)
        code = self.project_meta[membership.project][0]
        seqs = ", ".join(str(a.seq) for a in allocations)
        receipt_uuid = str(uuid.uuid4())
        self.rows["receipt"].append((
            rid, receipt_uuid, "01", when.year, number, when.isoformat(), membership.project, membership.household,
            amount, "in_kind" if in_kind else "cash", in_kind, self.names[membership.household],
            f"Hoàn trả vốn luân chuyển dự án {code} — kỳ {seqs}", self.now, "demo"))
        by_installment = {i[0]: i for i in membership.installments}
        for allocation in allocations:
            by_installment[allocation.installment_id][4] += allocation.amount
            self.rows["allocation"].append((self._id("allocation"), str(uuid.uuid4()), rid,
                                            allocation.installment_id, allocation.amount))
        self.available[membership.id] += amount
        self._audit("receipt", receipt_uuid, {"number": number, "amount": amount})

    # -- writing ---------------------------------------------------------------------------
    def write(self, conn) -> None:
        rows = self.rows
        conn.executemany("INSERT INTO hamlet (id, uuid, name, name_key, created_at) VALUES (?,?,?,?,?)",
                         rows["hamlet"])
        conn.executemany(
            """INSERT INTO household (id, uuid, code, head_name, id_number, hamlet_id, ethnic_minority, female_head,
               members, phone, notes, search_key, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            rows["household"])
        conn.executemany("""INSERT INTO household_category (uuid, household_id, category, effective_on, note,
                            created_at) VALUES (?,?,?,?,?,?)""", rows["household_category"])
        for project in rows["project"]:
            conn.execute(f"INSERT INTO project ({', '.join(project)}) VALUES ({', '.join(':' + k for k in project)})",
                         project)
        conn.executemany(
            """INSERT INTO membership (id, uuid, project_id, household_id, round, source, category_at_entry,
               support_amount, counterpart, to_return, in_kind, supported_on, created_at)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows["membership"])
        conn.executemany("INSERT INTO installment (id, uuid, membership_id, seq, due_on, amount) VALUES (?,?,?,?,?,?)",
                         rows["installment"])
        conn.executemany("INSERT INTO fund_draw (uuid, membership_id, source_membership_id, amount) VALUES (?,?,?,?)",
                         rows["fund_draw"])
        conn.executemany(
            """INSERT INTO receipt (id, uuid, book, year, number, issued_on, project_id, household_id, amount, method,
               in_kind, payer, reason, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            rows["receipt"])
        conn.executemany("INSERT INTO allocation (id, uuid, receipt_id, installment_id, amount) VALUES (?,?,?,?,?)",
                         rows["allocation"])
        conn.executemany("""INSERT INTO audit_log (at, actor, entity, entity_uuid, action, before, after)
                            VALUES (?,?,?,?,?,?,?)""", rows["audit_log"])
        conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                         "value = excluded.value", list(names.SIGNERS.items()) + [("demo", "1")])


def make_demo(data_dir: DataDir, *, households: int = 3000, projects: int | None = None, seed: int = 1,
              as_of: date | None = None, setup: CommuneSetup = DEMO_SETUP) -> dict:
    """Create a new data folder holding a demo commune; an existing one is never touched. ``setup`` names
    another commune (several demo communes for an upper level)."""
    if projects is None:
        projects = max(6, min(400, households // 500))
    demo = _Demo(seed, max(1, households), max(1, projects), as_of or clock.today())
    demo.make_hamlets()
    demo.make_households()
    demo.make_projects()
    demo.run_events()
    books, _ = init_books(data_dir, setup, actor="demo")
    with books:
        with books.transaction() as conn:
            demo.write(conn)
            demo_approvals.write(conn, demo, seed)
            # Every payout with its document, and some management spending.
            documents = write_payouts(conn, demo.now, demo.as_of)
    return {**documents, "households": len(demo.rows["household"]), "projects": len(demo.rows["project"]),
            "receipts": len(demo.rows["receipt"]),
            "memberships": len(demo.rows["membership"]), "data_dir": str(data_dir.root)}


# The 2021–2025 programmes take projects approved until the end of 2026 (resources/programmes.toml); a demo
# dated later approves its newest projects under the merged 2026–2035 programme, in the matching component.
LAST_DAY_OF_2021_PROGRAMMES = date(2026, 12, 31)


def _programme_of(pid: int, decided_on: date | None = None) -> tuple[str, str]:
    """Two projects in three belong to the poverty-reduction programme, the third to the ethnic-minority one."""
    if decided_on is not None and decided_on > LAST_DAY_OF_2021_PROGRAMMES:
        return ("MTQG-2026", "Hợp phần 2 - ND1") if pid % 3 else ("MTQG-2026", "Hợp phần 3 - ND1")
    return ("GNBV", "Dự án 2") if pid % 3 else ("DTTS", "Dự án 3")
