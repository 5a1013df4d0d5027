"""The demo commune's money going out: a phiếu chi for every cash support and re-lend, a handover record for
every support in kind, and management-cost spending each quarter — written in bulk like the rest of the demo,
by the same rules as the services (vouchers gapless per year in date order, spending within the allowance)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date

from desktop.dates import add_months
from desktop.services import management
from desktop.services.vouchers import KIND_LABELS

# The generated history fills its own voucher book, so what is recorded by hand afterwards, on any date, starts
# the default book 01 rather than being refused as dated before the history's latest voucher.
DEMO_BOOK = "02"
_SPEND_SHARE = 0.6  # the commune spends about this share of what it has accrued, each quarter


def write_payouts(conn: sqlite3.Connection, now: str, as_of: date, actor: str = "demo") -> dict:
    payouts = conn.execute(
        """SELECT m.id, m.supported_on AS day, m.source, m.in_kind, m.support_amount, m.round, m.project_id,
                  p.code AS project, h.code AS household, h.head_name, coalesce(h.id_number, '') AS id_number
           FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
           ORDER BY m.supported_on, m.id""").fetchall()
    handovers = 0
    events: list[tuple[str, int, dict]] = []
    for m in payouts:
        if m["in_kind"]:
            conn.execute(
                """INSERT INTO handover (uuid, membership_id, delivered_on, item, quantity, unit, unit_price, value,
                   supplier, receiver, witnesses, created_at, created_by) VALUES (?,?,?,?,1,'suất',?,?,?,?,?,?,?)""",
                (str(uuid.uuid4()), m["id"], m["day"], m["in_kind"], m["support_amount"], m["support_amount"],
                 "Hợp tác xã Dịch vụ nông nghiệp", m["head_name"], "Trưởng thôn", now, actor))
            handovers += 1
        elif m["source"] in ("central", "local", "fund"):
            kind = "relend" if m["source"] == "fund" else "budget_support"
            events.append((m["day"], 0, {
                "kind": kind, "amount": m["support_amount"], "membership_id": m["id"], "project_id": m["project_id"],
                "recipient": m["head_name"], "recipient_id_number": m["id_number"],
                "reason": f"{KIND_LABELS[kind]} — dự án {m['project']}, hộ {m['household']}, vòng {m['round']}"}))
    spends = _plan_spending(conn, payouts, as_of)
    events += [(day, 1, spend) for day, spend in spends]
    numbers: dict[int, int] = {}
    for day, _, v in sorted(events, key=lambda e: (e[0], e[1])):
        year = int(day[:4])
        numbers[year] = numbers.get(year, 0) + 1
        if v["kind"] == "management":
            spend_id = conn.execute(
                """INSERT INTO management_spend (uuid, project_id, amount, spent_on, reason, created_at, created_by)
                   VALUES (?,?,?,?,?,?,?)""",
                (str(uuid.uuid4()), None, v["amount"], day, v["reason"], now, actor)).lastrowid
            link, link_id = "management_spend_id", spend_id
            v = {**v, "reason": f"{KIND_LABELS['management']}: {v['reason']}"}
        else:
            link, link_id = "membership_id", v["membership_id"]
        conn.execute(
            f"""INSERT INTO voucher (uuid, book, year, number, issued_on, amount, kind, {link}, project_id, recipient,
                recipient_id_number, reason, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (str(uuid.uuid4()), DEMO_BOOK, year, numbers[year], day, v["amount"], v["kind"], link_id,
             v.get("project_id"), v["recipient"], v.get("recipient_id_number", ""), v["reason"], now, actor))
    return {"vouchers": sum(numbers.values()), "handovers": handovers, "management_spends": len(spends)}


def _plan_spending(conn: sqlite3.Connection, payouts: list, as_of: date) -> list[tuple[str, dict]]:
    """A spending at the end of each quarter from the first support on, within what has accrued by then."""
    if not payouts:
        return []
    first = date.fromisoformat(payouts[0]["day"])
    day, spent, spends = add_months(date(first.year, first.month, 1), 3), 0, []
    while day <= as_of:
        accrued = management.accrued(conn, day)
        amount = int((accrued - spent) * _SPEND_SHARE) // 1000 * 1000
        if amount > 0:
            spent += amount
            spends.append((day.isoformat(), {"kind": "management", "amount": amount, "recipient": "Thủ quỹ xã",
                                             "reason": f"văn phòng phẩm, hội họp bình xét quý đến {day:%m/%Y}"}))
        day = add_months(day, 3)
    return spends
