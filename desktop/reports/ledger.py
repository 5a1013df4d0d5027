"""A project's fund ledger (sổ theo dõi quỹ, after S07-X): every support, repayment, void, re-lending and
transfer in date order, with the running balance of the rotating fund.

Budget support is listed for completeness but does not move the fund: the fund holds what households
returned. A repayment adds; voiding it subtracts the same amount on the day the void takes effect
(``voided_on``: a red-ink reversal, never an erasure, and the original row says "đã hủy ngày …");
re-lending and a transfer to public works take money out, and a voided re-lend brings its money back on its
void date. The balance at the end of every day equals ``report fund``'s balance on that day.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from desktop import clock
from desktop.domain import FundingSource
from desktop.errors import Refused
from desktop.reports.tabular import TabularDoc
from desktop.reports.xlsxkit import Column, place_and_date
from desktop.text import nfc

# Events on the same day: supports first, then money in, then a voided re-lend's money coming back, then
# receipt voids, then money out.
_ORDER = {"support": 0, "repayment": 1, "support_void": 2, "relend_void": 2, "void": 3, "relend": 4,
          "public_works": 5}

_EVENTS = """
    SELECT m.supported_on AS on_date, CASE WHEN m.source = 'fund' THEN 'relend' ELSE 'support' END AS kind,
           coalesce((SELECT 'PC ' || v.book || '/' || v.number || '/' || v.year FROM voucher v
                     WHERE v.membership_id = m.id ORDER BY v.id LIMIT 1),
                    (SELECT 'RQ-' || printf('%06d', min(d.id)) FROM fund_draw d WHERE d.membership_id = m.id
                     HAVING count(*) > 0),
                    (SELECT 'BBBG ' || strftime('%d/%m/%Y', ho.delivered_on) FROM handover ho
                     WHERE ho.membership_id = m.id ORDER BY ho.id LIMIT 1))
               AS document, m.source, m.round, '' AS note, h.code AS household, h.head_name,
           m.support_amount AS amount, m.id AS seq, m.voided_on
    FROM membership m JOIN household h ON h.id = m.household_id WHERE m.project_id = :project
    UNION ALL
    SELECT m.voided_on, CASE WHEN m.source = 'fund' THEN 'relend_void' ELSE 'support_void' END,
           coalesce((SELECT 'PC ' || v.book || '/' || v.number || '/' || v.year FROM voucher v
                     WHERE v.membership_id = m.id ORDER BY v.id LIMIT 1),
                    (SELECT 'RQ-' || printf('%06d', min(d.id)) FROM fund_draw d WHERE d.membership_id = m.id
                     HAVING count(*) > 0),
                    (SELECT 'BBBG ' || strftime('%d/%m/%Y', ho.delivered_on) FROM handover ho
                     WHERE ho.membership_id = m.id ORDER BY ho.id LIMIT 1)),
           m.source,
           m.round, m.void_reason, h.code, h.head_name, m.support_amount, m.id, m.voided_on
    FROM membership m JOIN household h ON h.id = m.household_id
    WHERE m.project_id = :project AND m.voided_on IS NOT NULL
    UNION ALL
    SELECT r.issued_on, 'repayment', r.book || '/' || r.number || '/' || r.year, '', 0, r.reason, h.code,
           h.head_name, coalesce(a.allocated, 0), r.id, r.voided_on
    FROM receipt r JOIN household h ON h.id = r.household_id
    LEFT JOIN (SELECT receipt_id, sum(amount) AS allocated FROM allocation GROUP BY receipt_id) a
        ON a.receipt_id = r.id
    WHERE r.project_id = :project
    UNION ALL
    SELECT r.voided_on, 'void', r.book || '/' || r.number || '/' || r.year, '', 0, r.void_reason,
           h.code, h.head_name, coalesce(a.allocated, 0), r.id, r.voided_on
    FROM receipt r JOIN household h ON h.id = r.household_id
    LEFT JOIN (SELECT receipt_id, sum(amount) AS allocated FROM allocation GROUP BY receipt_id) a
        ON a.receipt_id = r.id
    WHERE r.project_id = :project AND r.voided_on IS NOT NULL
    UNION ALL
    SELECT t.decided_on, 'public_works',
           coalesce((SELECT 'PC ' || v.book || '/' || v.number || '/' || v.year || ' — ' FROM voucher v
                     WHERE v.fund_transfer_id = t.id ORDER BY v.id LIMIT 1), '') || t.decision,
           '', 0, t.note, '', '', t.amount, t.id, NULL
    FROM fund_transfer t WHERE t.project_id = :project
"""


# A payout's document is its phiếu chi ("PC 01/3/2026"); a re-lend recorded before vouchers were kept shows its
# draw from the fund instead ("RQ-000012": its first fund_draw row; a re-lend taking from several sources has one
# row per source); support in kind, its handover record by delivery day ("BBBG 20/01/2026").


def _voided_mark(e: sqlite3.Row) -> str:
    """The original row of something voided later says so; its reversal is its own row on the void date."""
    return f" (đã hủy ngày {date.fromisoformat(e['voided_on']):%d/%m/%Y})" if e["voided_on"] else ""


def project_ledger(conn: sqlite3.Connection, project: str) -> dict:
    """The ledger's rows (JSON-ready) with ``budget_support``, ``fund_in``, ``fund_out`` and ``balance``.

    The balance after the last row of a day is ``fund_figures(..., as_of=day)["balance"]``: a void is a
    reversal on the day it takes effect, never an erasure of the original row.
    """
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    row = cur.execute("SELECT id, code, name, status FROM project WHERE code = ?", (nfc(project).upper(),)).fetchone()
    if row is None:
        raise Refused(f"Không có dự án mã “{project}”.")
    events = sorted(cur.execute(_EVENTS, {"project": row["id"]}).fetchall(),
                    key=lambda e: (e["on_date"], _ORDER[e["kind"]], e["seq"]))
    rows, balance = [], 0
    totals = {"budget_support": 0, "fund_in": 0, "fund_out": 0}
    for e in events:
        budget = fund_in = fund_out = 0
        if e["kind"] == "support":
            budget = e["amount"]
            text = f"Hỗ trợ từ {FundingSource(e['source']).label.lower()}" + _voided_mark(e)
        elif e["kind"] == "support_void":
            budget = -e["amount"]
            text = f"Hủy khoản hỗ trợ từ {FundingSource(e['source']).label.lower()} (vòng {e['round']}): {e['note']}"
        elif e["kind"] == "relend":
            fund_out = e["amount"]
            text = f"Cho vay lại từ vốn thu hồi (vòng {e['round']})" + _voided_mark(e)
        elif e["kind"] == "relend_void":
            fund_out = -e["amount"]
            text = f"Hủy khoản cho vay lại (vòng {e['round']}), tiền trở về quỹ: {e['note']}"
        elif e["kind"] == "repayment":
            fund_in = e["amount"]
            text = (e["note"] or "Thu hồi vốn") + _voided_mark(e)
        elif e["kind"] == "void":
            fund_in = -e["amount"]
            text = f"Hủy phiếu thu số {e['document']}: {e['note']}"
        else:
            fund_out = e["amount"]
            text = "Chuyển số dư sang công trình công ích" + (f" — {e['note']}" if e["note"] else "")
        balance += fund_in - fund_out
        totals["budget_support"] += budget
        totals["fund_in"] += fund_in
        totals["fund_out"] += fund_out
        rows.append({"on": e["on_date"], "kind": e["kind"], "document": e["document"] or "", "description": text,
                     "household": e["household"], "head_name": e["head_name"], "budget_support": budget,
                     "fund_in": fund_in, "fund_out": fund_out, "balance": balance, "voided_on": e["voided_on"]})
    return {"project": row["code"], "name": row["name"], "status": row["status"], "rows": rows, **totals,
            "balance": balance}


COLUMNS = [
    Column("STT", 5, "center"), Column("Ngày", 11, "date"), Column("Chứng từ", 20, "wrap"),
    Column("Diễn giải", 36, "wrap"),
    Column("Mã hộ", 9), Column("Họ tên chủ hộ", 22, "wrap"), Column("Hỗ trợ ban đầu", 14, "money"),
    Column("Thu vào quỹ", 14, "money"), Column("Chi từ quỹ", 14, "money"), Column("Số dư quỹ", 14, "money"),
]


def _document(row: dict) -> str:
    """The document number; an original row voided later says so beside its number, with the void date."""
    if row["voided_on"] and row["kind"] in ("repayment", "relend", "support"):
        return f"{row['document']} (ĐÃ HỦY ngày {date.fromisoformat(row['voided_on']):%d/%m/%Y})".lstrip()
    return row["document"]


def ledger_doc(settings: dict, ledger: dict, *, made_on: date | None = None) -> TabularDoc:
    lines: list = [("row", [i, r["on"], _document(r), r["description"], r["household"], r["head_name"],
                            r["budget_support"] or None, r["fund_in"] or None, r["fund_out"] or None, r["balance"]])
                   for i, r in enumerate(ledger["rows"], start=1)]
    lines.append(("total", [None, None, None, "Tổng cộng phát sinh; số dư cuối", None, None, ledger["budget_support"],
                            ledger["fund_in"], ledger["fund_out"], ledger["balance"]]))
    return TabularDoc(
        sheet_name=f"Sổ quỹ {ledger['project']}", unit=f"UBND {settings.get('commune_name', '')}",
        title="SỔ THEO DÕI QUỸ VỐN LUÂN CHUYỂN", columns=COLUMNS, lines=lines,
        subtitles=[f"Dự án: {ledger['project']} — {ledger['name']}", "Đơn vị tính: đồng"],
        notes=["Số âm ở cột “Thu vào quỹ” là phiếu thu bị hủy, ở cột “Chi từ quỹ” hoặc “Hỗ trợ ban đầu” là khoản "
               "hỗ trợ bị hủy: ghi đảo vào ngày hủy có hiệu lực; dòng gốc vẫn được giữ, ghi “đã hủy ngày …”."],
        place_date=place_and_date(settings, made_on or clock.today()),
        signers=[("NGƯỜI GHI SỔ", settings.get("signer_clerk", "")),
                 ("KẾ TOÁN", settings.get("signer_accountant", "")),
                 ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
        freeze_columns=2,
    )
