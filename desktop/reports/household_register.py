"""The household register (sổ đăng ký hộ), filterable, as XLSX or PDF.

Streamed: rows come from one SQL cursor as the file is written, so 100 000 households need no more memory
than a hundred.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from desktop import clock
from desktop.domain import Category
from desktop.reports.tabular import TabularDoc
from desktop.reports.xlsxkit import Column, place_and_date
from desktop.services.households import HouseholdQuery
from desktop.services.households import _where as household_where  # the list's own filter, reused as is

HOUSEHOLD_COLUMNS = [
    Column("STT", 7, "center"), Column("Mã hộ", 9), Column("Họ tên chủ hộ", 26), Column("Số CCCD", 14),
    Column("Thôn", 14), Column("Phân loại hộ", 18), Column("DTTS", 6, "center"), Column("Chủ hộ nữ", 7, "center"),
    Column("Nhân khẩu", 8, "int"), Column("Điện thoại", 12), Column("Số lần được hỗ trợ", 9, "int"),
    Column("Tổng hỗ trợ", 13, "money"), Column("Phải hoàn trả", 13, "money"), Column("Còn phải trả", 13, "money"),
]
# Columns summed on the totals row.
_HOUSEHOLD_SUMS = (8, 10, 11, 12, 13)

# Supports and receipts voided by the register's date no longer count (a void takes effect on its date).
_HOUSEHOLD_SQL = """
    WITH support AS (
        SELECT household_id, count(*) AS supports, sum(support_amount) AS supported, sum(to_return) AS to_return
        FROM membership WHERE voided_on IS NULL OR voided_on > ? GROUP BY household_id
    ), paid AS (
        SELECT r.household_id, sum(a.amount) AS paid
        FROM allocation a JOIN receipt r ON r.id = a.receipt_id WHERE r.voided_on IS NULL OR r.voided_on > ?
        GROUP BY r.household_id
    )
    SELECT h.code, h.head_name, h.id_number, hm.name AS hamlet,
           (SELECT c.category FROM household_category c WHERE c.household_id = h.id AND c.effective_on <= ?
            ORDER BY c.effective_on DESC LIMIT 1) AS category,
           h.ethnic_minority, h.female_head, h.members, h.phone,
           coalesce(s.supports, 0), coalesce(s.supported, 0), coalesce(s.to_return, 0),
           coalesce(s.to_return, 0) - coalesce(p.paid, 0)
    FROM household h JOIN hamlet hm ON hm.id = h.hamlet_id
    LEFT JOIN support s ON s.household_id = h.id LEFT JOIN paid p ON p.household_id = h.id
    {where}
    ORDER BY hm.name COLLATE vi, h.head_name COLLATE vi, h.code
"""


def household_lines(conn: sqlite3.Connection, query: HouseholdQuery) -> Iterator:
    """Register rows straight from the cursor, then the totals row."""
    as_of = (query.as_of or clock.today()).isoformat()
    where, params = household_where(conn, query)
    sums = dict.fromkeys(_HOUSEHOLD_SUMS, 0)
    labels = {c.value: c.label for c in Category}
    number = 0
    rows = conn.execute(_HOUSEHOLD_SQL.format(where=where), [as_of, as_of, as_of, *params])
    for number, r in enumerate(rows, start=1):
        values = (number, r[0], r[1], r[2] or "", r[3], labels.get(r[4], ""), bool(r[5]), bool(r[6]), r[7], r[8],
                  r[9], r[10], r[11], r[12])
        for index in _HOUSEHOLD_SUMS:
            sums[index] += values[index] or 0
        yield "row", values
    total: list = [None] * len(HOUSEHOLD_COLUMNS)
    total[2] = f"Tổng cộng: {number} hộ"
    for index, value in sums.items():
        total[index] = value
    yield "total", total


def household_register_doc(conn: sqlite3.Connection, settings: dict, query: HouseholdQuery | None = None,
                           *, made_on: date | None = None) -> TabularDoc:
    query = query or HouseholdQuery()
    as_of = query.as_of or clock.today()
    filters = []
    if query.hamlet:
        filters.append(f"thôn: {query.hamlet}")
    if query.category:
        filters.append(f"phân loại: {Category(query.category).label.lower()}")
    if query.search:
        filters.append(f"tìm: “{query.search}”")
    subtitles = [f"Phân loại hộ tại ngày {as_of:%d/%m/%Y}" + (f"; {', '.join(filters)}" if filters else ""),
                 "Đơn vị tính: đồng"]
    return TabularDoc(
        sheet_name="Sổ đăng ký hộ", unit=f"UBND {settings.get('commune_name', '')}",
        title="SỔ ĐĂNG KÝ HỘ THAM GIA DỰ ÁN HỖ TRỢ PHÁT TRIỂN SẢN XUẤT", columns=HOUSEHOLD_COLUMNS,
        lines=household_lines(conn, query), subtitles=subtitles,
        place_date=place_and_date(settings, made_on or clock.today()),
        signers=[("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                 ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
        freeze_columns=3,
    )
