"""Read-only figures the window shows at a glance: the dashboard, what one household owes, the receipt
register and when the books were last backed up. Queries only; every rule stays in the services they read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop import clock
from desktop.books import Books
from desktop.dates import add_months
from desktop.fund import AGING_BUCKETS
from desktop.paths import DataDir
from desktop.queries.fund import (
    MEMBERSHIP_COUNTS,
    RECEIPT_COUNTS,
    as_of_params,
    fund_figures,
    household_installments,
)
from desktop.queries.receipts import ReceiptFilter, receipt_condition
from desktop.services.backup import written_at
from desktop.services.households import category_history, require_household
from desktop.services.schedules import due_list
from desktop.text import collation_key


@dataclass(frozen=True)
class FirstSteps:
    """What a new commune has done of its first day's work; the dashboard lists what is left."""
    hamlets: bool
    households: bool
    project: bool
    support: bool

    @property
    def done(self) -> bool:
        return self.hamlets and self.households and self.project and self.support


def first_steps(books: Books) -> FirstSteps:
    """Four cheap EXISTS checks. A support that was voided still counts: the clerk has learnt the step."""
    def has(table: str) -> bool:
        return bool(books.conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0])

    return FirstSteps(hamlets=has("hamlet"), households=has("household"), project=has("project"),
                      support=has("membership"))


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    due_this_month_count: int
    due_this_month_amount: int
    overdue_count: int
    overdue_amount: int
    overdue_by_bucket: dict[str, tuple[int, int]]  # bucket label -> (installments, đồng)
    recovered_this_year: int
    fund_balance: int
    households_relent: int
    recovery_by_month: list[tuple[str, int]]  # ("mm/yyyy", đồng), oldest first, 12 months ending as_of
    due_soon: list[dict]  # installments falling due in the next 30 days, earliest first
    first_steps: FirstSteps | None = None  # None: not computed (every step is then taken as done)


def dashboard(books: Books, as_of: date | None = None) -> Dashboard:
    as_of = as_of or clock.today()
    conn = books.conn
    month_start = as_of.replace(day=1)
    month_end = add_months(month_start, 1)
    due = due_list(books, as_of, within_days=max(30, (month_end - as_of).days))
    buckets = {label: (0, 0) for label, _, _ in AGING_BUCKETS}
    this_month = [0, 0]
    soon_limit = date.fromordinal(as_of.toordinal() + 30).isoformat()
    soon = []
    for row in due["rows"]:
        if row["aging"] in buckets:
            count, amount = buckets[row["aging"]]
            buckets[row["aging"]] = (count + 1, amount + row["outstanding"])
        if month_start.isoformat() <= row["due_on"] < month_end.isoformat():
            this_month[0] += 1
            this_month[1] += row["outstanding"]
        if row["aging"] == "not_due" and row["due_on"] <= soon_limit:
            soon.append(row)
    soon.sort(key=lambda r: (r["due_on"], collation_key(r["head_name"]), r["household"]))
    year_start = as_of.replace(month=1, day=1).isoformat()
    params = as_of_params(as_of)
    recovered_year = conn.execute(
        f"SELECT coalesce(sum(r.amount), 0) FROM receipt r WHERE {RECEIPT_COUNTS} AND r.issued_on >= :year_start",
        {**params, "year_start": year_start}).fetchone()[0]
    balance, relent = 0, 0
    for (project_id,) in conn.execute("SELECT id FROM project").fetchall():
        figures = fund_figures(conn, project_id, as_of=as_of)
        balance += figures["balance"]
    relent = conn.execute(f"SELECT count(DISTINCT household_id) FROM membership m WHERE round >= 2 "
                          f"AND supported_on <= :as_of AND {MEMBERSHIP_COUNTS}", params).fetchone()[0]
    first_month = add_months(month_start, -11)
    # Each month as its own report would show it: receipts of the month still valid at its end (or today).
    by_month = dict(conn.execute(
        """SELECT substr(r.issued_on, 1, 7), sum(r.amount) FROM receipt r
           WHERE r.issued_on >= :first AND r.issued_on <= :as_of
             AND (r.voided_on IS NULL
                  OR r.voided_on > min(date(r.issued_on, 'start of month', '+1 month', '-1 day'), :as_of))
           GROUP BY 1""", {"first": first_month.isoformat(), "as_of": as_of.isoformat()}))
    months = []
    for i in range(12):
        month = add_months(first_month, i)
        months.append((f"{month:%m/%Y}", by_month.get(f"{month:%Y-%m}", 0)))
    return Dashboard(
        as_of=as_of, due_this_month_count=this_month[0], due_this_month_amount=this_month[1],
        overdue_count=sum(c for c, _ in buckets.values()), overdue_amount=sum(a for _, a in buckets.values()),
        overdue_by_bucket=buckets, recovered_this_year=recovered_year, fund_balance=balance,
        households_relent=relent, recovery_by_month=months, due_soon=soon, first_steps=first_steps(books),
    )


def household_dues(books: Books, household: str, *, as_of: date | None = None) -> list[dict]:
    """Per project the household is in: what it still owes, what of it is overdue on ``as_of`` (today) and
    since when, and its next installment (what to prefill: the oldest unpaid one, overdue or not)."""
    as_of = as_of or clock.today()
    row = require_household(books.conn, household)
    projects = household_installments(books.conn, row["id"])
    out: dict[str, dict] = {}
    for r in projects:
        entry = out.setdefault(r["project"], {"project": r["project"], "project_name": r["project_name"],
                                              "outstanding": 0, "next_due_on": None, "next_amount": 0,
                                              "overdue": 0, "overdue_since": None})
        left = r["amount"] - r["paid"]
        entry["outstanding"] += left
        if left > 0 and entry["next_due_on"] is None:
            entry["next_due_on"] = r["due_on"]
            entry["next_amount"] = left
        if left > 0 and date.fromisoformat(r["due_on"]) < as_of:  # a day late at least, as every report counts
            entry["overdue"] += left
            entry["overdue_since"] = entry["overdue_since"] or r["due_on"]
    return list(out.values())


def household_file(books: Books, household: str) -> dict:
    """Everything the household page shows: the household, its category history, supports, schedule and
    receipts (voided ones included, marked)."""
    conn = books.conn
    row = require_household(conn, household)
    hamlet = conn.execute("SELECT name FROM hamlet WHERE id = ?", (row["hamlet_id"],)).fetchone()[0]
    memberships = conn.execute(
        """SELECT p.code AS project, p.name AS project_name, m.round, m.source, m.support_amount, m.to_return,
                  m.in_kind, m.supported_on, m.voided_on, m.voided_at, m.void_reason
           FROM membership m JOIN project p ON p.id = m.project_id
           WHERE m.household_id = ? ORDER BY m.supported_on, m.id""", (row["id"],)).fetchall()
    installments = sorted(household_installments(conn, row["id"]), key=lambda i: (i["due_on"], i["id"]))
    receipts = conn.execute(
        """SELECT r.book, r.year, r.number, r.issued_on, p.code AS project, r.amount, r.method, r.voided_at,
                  r.voided_on, r.void_reason FROM receipt r JOIN project p ON p.id = r.project_id
           WHERE r.household_id = ? ORDER BY r.issued_on, r.id""", (row["id"],)).fetchall()
    return {
        "household": {**dict(row), "hamlet": hamlet},
        "categories": category_history(conn, row["id"]),
        "memberships": [dict(m) for m in memberships],
        "schedule": [{"project": i["project"], "seq": i["seq"], "due_on": i["due_on"], "amount": i["amount"],
                      "paid": i["paid"], "outstanding": i["amount"] - i["paid"]} for i in installments],
        "receipts": [dict(r) for r in receipts],
    }


def receipt_register(books: Books, selected: ReceiptFilter | None = None, *, limit: int = 5000) -> list[dict]:
    """Receipts for the register, newest first, with the household and project they belong to."""
    condition, params = receipt_condition(selected or ReceiptFilter(), alias="r")
    rows = books.conn.execute(
        f"""SELECT r.id, r.book, r.year, r.number, r.issued_on, h.code AS household, r.payer, p.code AS project,
                   r.amount, r.method, r.voided_at, r.voided_on, r.void_reason,
                   EXISTS (SELECT 1 FROM receipt_print rp WHERE rp.receipt_id = r.id) AS printed
            FROM receipt r JOIN household h ON h.id = r.household_id JOIN project p ON p.id = r.project_id
            WHERE {condition} ORDER BY r.issued_on DESC, r.year DESC, r.book, r.number DESC LIMIT ?""",
        [*params, limit])
    return [dict(r) for r in rows]


def receipt_books(books: Books) -> list[str]:
    """Receipt books in use, plus the one the settings name for new receipts."""
    found = [r[0] for r in books.conn.execute("SELECT DISTINCT book FROM receipt ORDER BY book")]
    current = books.setting("receipt_book", "01")
    return sorted(set(found) | {current})


def last_backup_at(data_dir: DataDir) -> datetime | None:
    """When the newest backup in the backups folder was written, or None when there is none yet. Read from
    the stamps in the names, not the files' times: "today's copy exists" must ask the program's clock."""
    folder = Path(data_dir.backups)
    if not folder.is_dir():
        return None
    return max((written_at(p) for p in folder.glob("*.sqlite")), default=None)


def programme_choices(books: Books) -> list[dict]:
    """Programmes of the shipped catalogue with their components, for the project form's pickers."""
    programmes = [dict(r) for r in books.conn.execute("SELECT id, code, name FROM programme ORDER BY id")]
    for programme in programmes:
        programme["components"] = [r[0] for r in books.conn.execute(
            "SELECT code FROM programme_component WHERE programme_id = ? ORDER BY id", (programme["id"],))]
    return programmes


def receipt_book_summary(books: Books) -> list[dict]:
    """Per receipt book and year: how many receipts, how many voided, the last number used."""
    rows = books.conn.execute(
        """SELECT book, year, count(*) AS receipts, count(voided_at) AS voided, max(number) AS last_number
           FROM receipt GROUP BY book, year ORDER BY year DESC, book""")
    return [dict(r) for r in rows]
