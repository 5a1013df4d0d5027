"""The register of phiếu chi: a project's vouchers (or every voucher) for the window's lists."""

from __future__ import annotations

import sqlite3

KIND_NAMES = {"budget_support": "Hỗ trợ từ ngân sách", "relend": "Cho vay lại từ quỹ", "refund": "Trả tiền thừa",
              "management": "Kinh phí quản lý", "public_works": "Công trình công ích"}


def voucher_register(conn: sqlite3.Connection, project_id: int | None = None) -> list[dict]:
    """Newest first: book, number, year, date, kind, household (if any), recipient, amount, void."""
    rows = conn.execute(
        """SELECT v.id, v.book, v.number, v.year, v.issued_on, v.kind, v.recipient, v.amount, v.reason,
                  v.voided_on, v.voided_at, v.void_reason, h.code AS household, p.code AS project
           FROM voucher v LEFT JOIN membership m ON m.id = v.membership_id
           LEFT JOIN household h ON h.id = m.household_id LEFT JOIN project p ON p.id = v.project_id
           WHERE :project IS NULL OR v.project_id = :project
           ORDER BY v.issued_on DESC, v.book, v.year DESC, v.number DESC""", {"project": project_id}).fetchall()
    return [{**dict(r), "kind_label": KIND_NAMES.get(r["kind"], r["kind"]), "household": r["household"] or ""}
            for r in rows]
