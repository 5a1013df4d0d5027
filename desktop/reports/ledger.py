"""A project's fund ledger (sổ theo dõi quỹ, after S07-X): every support, repayment, void, re-lending and
transfer in date order, with the running balance of the rotating fund.

Budget support is listed for completeness but does not move the fund: the fund holds what households
returned. A repayment adds; voiding it later subtracts the same amount on the day of the void (a red-ink
reversal, never an erasure); re-lending and a transfer to public works take money out. The last balance
equals ``report fund``'s balance.
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

# Events on the same day: supports first, then money in, then voids, then money out.
_ORDER = {"support": 0, "repayment": 1, "void": 2, "relend": 3, "public_works": 4}

_EVENTS = """
    SELECT m.supported_on AS on_date, CASE WHEN m.source = 'fund' THEN 'relend' ELSE 'support' END AS kind,
           '' AS document, m.source, m.round, '' AS note, h.code AS household, h.head_name,
           m.support_amount AS amount, m.id AS seq
    FROM membership m JOIN household h ON h.id = m.household_id WHERE m.project_id = :project
    UNION ALL
    SELECT r.issued_on, 'repayment', r.book || '/' || r.number || '/' || r.year, '', 0, r.reason, h.code,
           h.head_name, r.amount, r.id
    FROM receipt r JOIN household h ON h.id = r.household_id WHERE r.project_id = :project
    UNION ALL
    SELECT substr(r.voided_at, 1, 10), 'void', r.book || '/' || r.number || '/' || r.year, '', 0, r.void_reason,
           h.code, h.head_name, r.amount, r.id
    FROM receipt r JOIN household h ON h.id = r.household_id
    WHERE r.project_id = :project AND r.voided_at IS NOT NULL
    UNION ALL
    SELECT t.decided_on, 'public_works', t.decision, '', 0, t.note, '', '', t.amount, t.id
    FROM fund_transfer t WHERE t.project_id = :project
"""


def project_ledger(conn: sqlite3.Connection, project: str) -> dict:
    """The ledger's rows (JSON-ready) with ``budget_support``, ``fund_in``, ``fund_out`` and ``balance``."""
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
            text = f"Hỗ trợ từ {FundingSource(e['source']).label.lower()}"
        elif e["kind"] == "relend":
            fund_out = e["amount"]
            text = f"Cho vay lại từ vốn thu hồi (vòng {e['round']})"
        elif e["kind"] == "repayment":
            fund_in = e["amount"]
            text = e["note"] or "Thu hồi vốn"
        elif e["kind"] == "void":
            fund_in = -e["amount"]
            text = f"Hủy phiếu thu {e['document']}: {e['note']}"
        else:
            fund_out = e["amount"]
            text = "Chuyển số dư sang công trình công ích" + (f" — {e['note']}" if e["note"] else "")
        balance += fund_in - fund_out
        totals["budget_support"] += budget
        totals["fund_in"] += fund_in
        totals["fund_out"] += fund_out
        rows.append({"on": e["on_date"], "kind": e["kind"], "document": e["document"], "description": text,
                     "household": e["household"], "head_name": e["head_name"], "budget_support": budget,
                     "fund_in": fund_in, "fund_out": fund_out, "balance": balance})
    return {"project": row["code"], "name": row["name"], "status": row["status"], "rows": rows, **totals,
            "balance": balance}


COLUMNS = [
    Column("STT", 5, "center"), Column("Ngày", 11, "date"), Column("Chứng từ", 13), Column("Diễn giải", 40, "wrap"),
    Column("Mã hộ", 9), Column("Họ tên chủ hộ", 22, "wrap"), Column("Hỗ trợ ban đầu", 14, "money"),
    Column("Thu vào quỹ", 14, "money"), Column("Chi từ quỹ", 14, "money"), Column("Số dư quỹ", 14, "money"),
]


def ledger_doc(settings: dict, ledger: dict, *, made_on: date | None = None) -> TabularDoc:
    lines: list = [("row", [i, r["on"], r["document"], r["description"], r["household"], r["head_name"],
                            r["budget_support"] or None, r["fund_in"] or None, r["fund_out"] or None, r["balance"]])
                   for i, r in enumerate(ledger["rows"], start=1)]
    lines.append(("total", [None, None, None, "Tổng cộng phát sinh; số dư cuối", None, None, ledger["budget_support"],
                            ledger["fund_in"], ledger["fund_out"], ledger["balance"]]))
    return TabularDoc(
        sheet_name=f"Sổ quỹ {ledger['project']}", unit=f"UBND {settings.get('commune_name', '')}",
        title="SỔ THEO DÕI QUỸ VỐN LUÂN CHUYỂN", columns=COLUMNS, lines=lines,
        subtitles=[f"Dự án: {ledger['project']} — {ledger['name']}", "Đơn vị tính: đồng"],
        notes=["Số âm ở cột “Thu vào quỹ” là phiếu thu bị hủy (ghi đảo vào ngày hủy; phiếu gốc vẫn được giữ)."],
        place_date=place_and_date(settings, made_on or clock.today()),
        signers=[("NGƯỜI GHI SỔ", settings.get("signer_clerk", "")),
                 ("KẾ TOÁN", settings.get("signer_accountant", "")),
                 ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
        freeze_columns=2,
    )
