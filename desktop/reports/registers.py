"""The household register and the project register (sổ đăng ký), filterable, as XLSX or PDF.

The household register is streamed: rows come from one SQL cursor as the file is written, so 100 000
households need no more memory than a hundred.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from desktop.domain import Category, ProjectStatus
from desktop.reports.tabular import TabularDoc
from desktop.reports.xlsxkit import Column, place_and_date
from desktop.services.fundbook import fund_figures
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

_HOUSEHOLD_SQL = """
    WITH support AS (
        SELECT household_id, count(*) AS supports, sum(support_amount) AS supported, sum(to_return) AS to_return
        FROM membership GROUP BY household_id
    ), paid AS (
        SELECT r.household_id, sum(a.amount) AS paid
        FROM allocation a JOIN receipt r ON r.id = a.receipt_id WHERE r.voided_at IS NULL
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
    ORDER BY h.code
"""


def household_lines(conn: sqlite3.Connection, query: HouseholdQuery) -> Iterator:
    """Register rows straight from the cursor, then the totals row."""
    as_of = (query.as_of or date.today()).isoformat()
    where, params = household_where(conn, query)
    sums = dict.fromkeys(_HOUSEHOLD_SUMS, 0)
    labels = {c.value: c.label for c in Category}
    number = 0
    for number, r in enumerate(conn.execute(_HOUSEHOLD_SQL.format(where=where), [as_of, *params]), start=1):
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
    as_of = query.as_of or date.today()
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
        place_date=place_and_date(settings, made_on or date.today()),
        signers=[("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                 ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
        freeze_columns=3,
    )


PROJECT_COLUMNS = [
    Column("STT", 5, "center"), Column("Mã dự án", 9), Column("Tên dự án", 28, "wrap"),
    Column("Chương trình", 10), Column("Dự án thành phần", 13, "wrap"), Column("Quyết định", 14, "wrap"),
    Column("Ngày quyết định", 11, "date"), Column("Trạng thái", 14, "wrap"), Column("Kinh phí NSTW", 14, "money"),
    Column("Kinh phí NSĐP", 13, "money"), Column("Huy động khác", 13, "money"), Column("Đối ứng", 13, "money"),
    Column("Số hộ", 7, "int"), Column("Đã hỗ trợ", 14, "money"), Column("Đã thu hồi", 14, "money"),
    Column("Số dư quỹ", 14, "money"),
]
_PROJECT_SUMS = tuple(range(8, 16))


def project_rows(conn: sqlite3.Connection, *, programme: str | None = None, status: str | None = None) -> list[dict]:
    """Projects with their budgets and fund figures; ``conn`` is the books' connection (rows by name)."""
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    clauses, params = [], []
    if programme:
        clauses.append("p.programme_code = ? COLLATE NOCASE")
        params.append(programme.strip())
    if status:
        clauses.append("p.status = ?")
        params.append(ProjectStatus(status).value)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = []
    for p in cur.execute(f"""SELECT p.*, (SELECT count(DISTINCT m.household_id) FROM membership m
                                        WHERE m.project_id = p.id) AS households
                             FROM project p{where} ORDER BY p.code""", params).fetchall():
        figures = fund_figures(conn, p["id"])
        rows.append({"code": p["code"], "name": p["name"], "programme": p["programme_code"] or "",
                     "component": p["component"], "decision_number": p["decision_number"],
                     "decision_date": p["decision_date"], "status": p["status"],
                     "budget_central": p["budget_central"], "budget_local": p["budget_local"],
                     "budget_other": p["budget_other"], "budget_counterpart": p["budget_counterpart"],
                     "households": p["households"], "disbursed": figures["disbursed"],
                     "recovered": figures["recovered"], "balance": figures["balance"]})
    return rows


def project_register_doc(settings: dict, projects: list[dict], *, filters: str = "",
                         made_on: date | None = None) -> TabularDoc:
    keys = ("budget_central", "budget_local", "budget_other", "budget_counterpart", "households", "disbursed",
            "recovered", "balance")
    lines: list = [("row", [i, p["code"], p["name"], p["programme"], p["component"], p["decision_number"],
                            p["decision_date"], ProjectStatus(p["status"]).label, *(p[k] for k in keys)])
                   for i, p in enumerate(projects, start=1)]
    total: list = [None] * len(PROJECT_COLUMNS)
    total[2] = f"Tổng cộng: {len(projects)} dự án"
    for index, key in zip(_PROJECT_SUMS, keys, strict=True):
        total[index] = sum(p[key] for p in projects)
    lines.append(("total", total))
    return TabularDoc(
        sheet_name="Sổ đăng ký dự án", unit=f"UBND {settings.get('commune_name', '')}",
        title="DANH MỤC DỰ ÁN HỖ TRỢ PHÁT TRIỂN SẢN XUẤT", columns=PROJECT_COLUMNS, lines=lines,
        subtitles=[s for s in (filters, "Đơn vị tính: đồng") if s],
        place_date=place_and_date(settings, made_on or date.today()),
        signers=[("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                 ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
        freeze_columns=3,
    )
