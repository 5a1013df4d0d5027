"""The project register (danh mục dự án), filterable by programme and status, as XLSX or PDF."""

from __future__ import annotations

import sqlite3
from datetime import date

from desktop import clock
from desktop.domain import ProjectStatus
from desktop.errors import Refused
from desktop.leads import describe_lead
from desktop.queries.fund import fund_figures
from desktop.reports.tabular import TabularDoc
from desktop.reports.xlsxkit import Column, place_and_date

PROJECT_COLUMNS = [
    Column("STT", 5, "center"), Column("Mã dự án", 9), Column("Tên dự án", 22, "wrap"),
    Column("Đơn vị chủ trì", 18, "wrap"),
    Column("Chương trình", 10), Column("Dự án thành phần", 13, "wrap"), Column("Quyết định", 14, "wrap"),
    Column("Ngày quyết định", 11, "date"), Column("Trạng thái", 14, "wrap"), Column("Kinh phí NSTW", 14, "money"),
    Column("Kinh phí NSĐP", 13, "money"), Column("Huy động khác", 13, "money"), Column("Đối ứng", 13, "money"),
    Column("Số hộ", 7, "int"), Column("Đã hỗ trợ", 14, "money"), Column("Đã thu hồi", 14, "money"),
    Column("Số dư quỹ", 14, "money"),
]
_PROJECT_SUMS = tuple(range(9, 17))


def project_rows(conn: sqlite3.Connection, *, programme: str | None = None, status: str | None = None) -> list[dict]:
    """Projects with their budgets and fund figures; ``conn`` is the books' connection (rows by name)."""
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    clauses, params = [], []
    if programme:
        known = [r[0] for r in cur.execute("SELECT code FROM programme ORDER BY id")]
        if programme.strip().upper() not in {k.upper() for k in known}:
            raise Refused(f"Không có chương trình “{programme}”. Các chương trình: {', '.join(known)}.")
        clauses.append("p.programme_code = ? COLLATE NOCASE")
        params.append(programme.strip())
    if status:
        clauses.append("p.status = ?")
        params.append(ProjectStatus(status).value)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = []
    for p in cur.execute(f"""SELECT p.*, (SELECT count(DISTINCT m.household_id) FROM membership m
                                        WHERE m.project_id = p.id AND m.voided_on IS NULL) AS households,
                                    l.name AS lead, l.kind AS lead_kind, l.representative AS lead_representative,
                                    l.registration_code AS lead_code
                             FROM project p LEFT JOIN project_lead l ON l.project_id = p.id{where}
                             ORDER BY p.code""", params).fetchall():
        figures = fund_figures(conn, p["id"])
        rows.append({"code": p["code"], "name": p["name"], "programme": p["programme_code"] or "",
                     "component": p["component"], "decision_number": p["decision_number"],
                     "decision_date": p["decision_date"], "status": p["status"],
                     "budget_central": p["budget_central"], "budget_local": p["budget_local"],
                     "budget_other": p["budget_other"], "budget_counterpart": p["budget_counterpart"],
                     "households": p["households"], "disbursed": figures["disbursed"],
                     "recovered": figures["recovered"], "balance": figures["balance"],
                     "lead": p["lead"] or "",
                     "lead_text": describe_lead(p["lead_kind"], p["lead"], p["lead_representative"],
                                                p["lead_code"], separator="; ") if p["lead"] else ""})
    return rows


def project_register_doc(settings: dict, projects: list[dict], *, filters: str = "",
                         made_on: date | None = None) -> TabularDoc:
    keys = ("budget_central", "budget_local", "budget_other", "budget_counterpart", "households", "disbursed",
            "recovered", "balance")
    lines: list = [("row", [i, p["code"], p["name"], p.get("lead_text", ""), p["programme"], p["component"],
                            p["decision_number"], p["decision_date"], ProjectStatus(p["status"]).label,
                            *(p[k] for k in keys)])
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
        place_date=place_and_date(settings, made_on or clock.today()),
        signers=[("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                 ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
        freeze_columns=3,
    )
