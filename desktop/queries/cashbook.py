"""The fund's cash book (sổ quỹ tiền mặt, S07-X style): every receipt and phiếu chi in date order with its
number and the running balance, for one project or all.

How each document moves the balance, so that the closing balance is the rotating fund's balance of every
other report (``fund_balances_by_day``):

- a re-lend given in kind (the fund bought the cow) leaves the fund too; its document is the handover record
  (BBBG). Budget support in kind never passed through the cash desk and is not listed;
- a receipt brings the money it paid on installments in; a re-lend and a transfer to public works take
  money out;
- budget support and management-cost spending are budget money received and paid out on the same day: the
  row shows the amount both in and out, net zero — every voucher is listed, yet the balance is the fund's;
- a void is a red-ink reversal (negative amounts) on the day it takes effect; the original row stays.

Rows come from the payouts and receipts themselves, with their voucher's number when there is one: a payout
recorded before vouchers existed is listed without a number rather than left out of the balance.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from desktop.errors import Refused
from desktop.queries.fund import fund_balances_by_day
from desktop.text import nfc

# Same-day order: money in, then budget money in and out, then reversals, then money out.
_ORDER = {"receipt": 0, "budget_support": 1, "management": 1, "relend_void": 2, "receipt_void": 3,
          "budget_support_void": 3, "management_void": 3, "relend": 4, "public_works": 5}

_PC = "(SELECT 'PC ' || v.book || '/' || v.number || '/' || v.year FROM voucher v WHERE v.{col} = {ref} " \
      "ORDER BY v.id LIMIT 1)"

_EVENTS = f"""
    SELECT r.issued_on AS day, 'receipt' AS kind, 'PT ' || r.book || '/' || r.number || '/' || r.year AS document,
           'Thu hồi vốn — hộ ' || h.code || ' ' || h.head_name AS text, a.allocated AS amount, r.id AS seq,
           r.project_id
    FROM receipt r JOIN household h ON h.id = r.household_id
    JOIN (SELECT receipt_id, sum(amount) AS allocated FROM allocation GROUP BY receipt_id) a ON a.receipt_id = r.id
    UNION ALL
    SELECT r.voided_on, 'receipt_void', 'PT ' || r.book || '/' || r.number || '/' || r.year,
           'Hủy phiếu thu: ' || r.void_reason, a.allocated, r.id, r.project_id
    FROM receipt r JOIN (SELECT receipt_id, sum(amount) AS allocated FROM allocation GROUP BY receipt_id) a
        ON a.receipt_id = r.id WHERE r.voided_on IS NOT NULL
    UNION ALL
    SELECT m.supported_on, CASE WHEN m.source = 'fund' THEN 'relend' ELSE 'budget_support' END,
           coalesce({_PC.format(col='membership_id', ref='m.id')}, CASE WHEN m.in_kind != '' THEN 'BBBG' ELSE '' END),
           CASE WHEN m.source = 'fund' THEN 'Cho vay lại từ vốn thu hồi' ELSE 'Chi hỗ trợ từ ngân sách' END
           || ' — hộ ' || h.code || ' ' || h.head_name || ' (vòng ' || m.round || ')',
           m.support_amount, m.id, m.project_id
    FROM membership m JOIN household h ON h.id = m.household_id
    WHERE (m.source = 'fund' OR (m.in_kind = '' AND m.source IN ('central', 'local')))
    UNION ALL
    SELECT m.voided_on, CASE WHEN m.source = 'fund' THEN 'relend_void' ELSE 'budget_support_void' END,
           coalesce({_PC.format(col='membership_id', ref='m.id')}, CASE WHEN m.in_kind != '' THEN 'BBBG' ELSE '' END),
           'Hủy khoản chi — hộ ' || h.code || ': ' || m.void_reason, m.support_amount, m.id, m.project_id
    FROM membership m JOIN household h ON h.id = m.household_id
    WHERE (m.source = 'fund' OR (m.in_kind = '' AND m.source IN ('central', 'local'))) AND m.voided_on IS NOT NULL
    UNION ALL
    SELECT t.decided_on, 'public_works', coalesce({_PC.format(col='fund_transfer_id', ref='t.id')}, ''),
           'Chuyển số dư sang công trình công ích — quyết định ' || t.decision, t.amount, t.id, t.project_id
    FROM fund_transfer t
    UNION ALL
    SELECT s.spent_on, 'management', coalesce({_PC.format(col='management_spend_id', ref='s.id')}, ''),
           'Chi kinh phí quản lý: ' || s.reason, s.amount, s.id, s.project_id
    FROM management_spend s
    UNION ALL
    SELECT s.voided_on, 'management_void', coalesce({_PC.format(col='management_spend_id', ref='s.id')}, ''),
           'Hủy khoản chi kinh phí quản lý: ' || s.void_reason, s.amount, s.id, s.project_id
    FROM management_spend s WHERE s.voided_on IS NOT NULL
"""


def _in_out(kind: str, amount: int) -> tuple[int, int]:
    """(in, out) of one row; reversals are negative on the side of the row they reverse."""
    return {
        "receipt": (amount, 0), "receipt_void": (-amount, 0), "relend": (0, amount), "relend_void": (0, -amount),
        "public_works": (0, amount), "budget_support": (amount, amount), "management": (amount, amount),
        "budget_support_void": (-amount, -amount), "management_void": (-amount, -amount),
    }[kind]


def _events(conn: sqlite3.Connection, project_id: int | None) -> list[sqlite3.Row]:
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    rows = cur.execute(f"SELECT * FROM ({_EVENTS}) WHERE :project IS NULL OR project_id = :project",
                       {"project": project_id}).fetchall()
    return sorted(rows, key=lambda e: (e["day"], _ORDER[e["kind"]], e["seq"]))


def fund_balance_on(conn: sqlite3.Connection, day: date, project_id: int | None = None) -> int:
    """The rotating fund's balance at the end of ``day``, as every other report has it (all projects summed)."""
    ids = [project_id] if project_id is not None else [r[0] for r in conn.execute("SELECT id FROM project")]
    total = 0
    for pid in ids:
        total += next((b for d, b in reversed(fund_balances_by_day(conn, pid)) if d <= day), 0)
    return total


def cashbook(conn: sqlite3.Connection, date_from: date, date_to: date, project: str | None = None) -> dict:
    """The cash book between two dates: opening balance, rows with running balance, month totals, closing."""
    if date_to < date_from:
        raise Refused(f"Ngày cuối kỳ {date_to:%d/%m/%Y} trước ngày đầu kỳ {date_from:%d/%m/%Y}.")
    project_row = None
    if project:
        project_row = conn.execute("SELECT id, code FROM project WHERE code = ?", (nfc(project).upper(),)).fetchone()
        if project_row is None:
            raise Refused(f"Không có dự án mã “{project}”.")
    project_id = project_row["id"] if project_row else None
    opening = running = 0
    rows: list[dict] = []
    months: dict[str, dict] = {}
    for e in _events(conn, project_id):
        money_in, money_out = _in_out(e["kind"], e["amount"])
        day = date.fromisoformat(e["day"])
        if day < date_from:
            opening += money_in - money_out
            running = opening
            continue
        if day > date_to:
            break
        running += money_in - money_out
        rows.append({"on": e["day"], "document": e["document"], "kind": e["kind"], "description": e["text"],
                     "in": money_in, "out": money_out, "balance": running})
        month = months.setdefault(e["day"][:7], {"month": e["day"][:7], "in": 0, "out": 0})
        month["in"] += money_in
        month["out"] += money_out
        month["closing"] = running
    return {"project": project_row["code"] if project_row else None, "from": date_from.isoformat(),
            "to": date_to.isoformat(), "opening_balance": opening, "rows": rows, "months": list(months.values()),
            "total_in": sum(r["in"] for r in rows), "total_out": sum(r["out"] for r in rows),
            "closing_balance": running}


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month to ``last``'s."""
    ends, day = [], first
    while True:
        nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        end = nxt - timedelta(days=1)
        ends.append(end)
        if end >= last:
            return ends
        day = nxt


def balance_mismatches(conn: sqlite3.Connection) -> list[tuple[str, date, int, int]]:
    """(project, month end, cash book, fund) wherever the cash book's closing balance differs from the fund's
    balance at a month end (for ``check``); one pass per project."""
    found = []
    for project in conn.execute("SELECT id, code FROM project ORDER BY code").fetchall():
        events = _events(conn, project[0])
        # Management spending (budget money) never moves the fund; its rows are net zero by construction.
        if not events:
            continue
        first, last = date.fromisoformat(events[0]["day"]), date.fromisoformat(events[-1]["day"])
        by_day = fund_balances_by_day(conn, project[0])
        running, i, j, fund = 0, 0, 0, 0
        for end in month_ends(first, last):
            while i < len(events) and events[i]["day"] <= end.isoformat():
                money_in, money_out = _in_out(events[i]["kind"], events[i]["amount"])
                running += money_in - money_out
                i += 1
            while j < len(by_day) and by_day[j][0] <= end:
                fund = by_day[j][1]
                j += 1
            if running != fund:
                found.append((project[1], end, running, fund))
    return found
