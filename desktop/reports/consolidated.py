"""The upper level's consolidated periodic report (báo cáo tổng hợp): a row per commune and the totals, as
XLSX (every column, and a sheet of every commune's projects for drilling down) or A4 landscape PDF (the
main columns)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from desktop.dates import format_date
from desktop.money import format_vnd
from desktop.reports.consolidation import Consolidated
from desktop.reports.fonts import SERIF, SERIF_BOLD, register_fonts
from desktop.reports.pdfkit import write_story
from desktop.reports.period import NUMBER_FIELDS

LABELS = {
    "households": "Số hộ tham gia", "households_new": "Hộ mới trong kỳ", "households_poor": "Hộ nghèo",
    "households_near_poor": "Hộ cận nghèo", "households_escaped": "Hộ mới thoát nghèo",
    "households_non_poor": "Hộ không nghèo", "households_ethnic_minority": "Hộ DTTS",
    "households_female_head": "Hộ nữ làm chủ", "households_relent": "Hộ được vay lại",
    "supports_in_period": "Lượt hỗ trợ trong kỳ", "disbursed_central": "Hỗ trợ NSTW",
    "disbursed_local": "Hỗ trợ NSĐP", "disbursed_other": "Hỗ trợ vốn khác",
    "disbursed_relent": "Cho vay lại trong kỳ", "counterpart": "Vốn đối ứng",
    "disbursed_in_period": "Hỗ trợ trong kỳ", "disbursed_to_date": "Lũy kế hỗ trợ",
    "from_budget_to_date": "Lũy kế từ ngân sách", "relent_to_date": "Lũy kế cho vay lại",
    "to_return_in_period": "Phải hoàn trả (hỗ trợ trong kỳ)", "to_return_to_date": "Lũy kế phải hoàn trả",
    "recovered_in_period": "Thu hồi trong kỳ", "recovered_to_date": "Lũy kế thu hồi",
    "outstanding": "Còn phải thu", "overdue": "Quá hạn", "public_works": "Chuyển công trình công ích",
    "fund_balance": "Số dư quỹ", "management_cost_commune": "Kinh phí quản lý xã",
    "management_cost_upper": "Kinh phí quản lý cấp trên", "outcome_improved": "Hộ cải thiện phân loại",
    "outcome_unchanged": "Hộ giữ nguyên phân loại", "outcome_fell_back": "Hộ tái nghèo/xuống loại",
    "outcome_escaped_poverty": "Hộ thoát nghèo", "outcome_escaped_near_poverty": "Hộ thoát cận nghèo",
}
PDF_COLUMNS = ("households", "households_new", "households_poor", "households_near_poor", "households_escaped",
               "disbursed_in_period", "disbursed_relent", "recovered_in_period", "recovered_to_date", "outstanding",
               "overdue", "fund_balance")


def _title(report: Consolidated) -> str:
    return (f"BÁO CÁO TỔNG HỢP KẾT QUẢ HỖ TRỢ SINH KẾ VÀ QUỸ VỐN LUÂN CHUYỂN "
            f"từ ngày {format_date(report.start)} đến ngày {format_date(report.end)}")


def write_xlsx(path: Path, report: Consolidated) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from desktop.reports.xlsxkit import append_row, save_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    # Names and codes come from the communes' packages: append_row stores them as text, never as formulas.
    append_row(sheet, [f"{report.unit_name} ({report.unit_code})"])
    append_row(sheet, [_title(report)])
    sheet["A2"].font = Font(bold=True)
    append_row(sheet, [])
    header = ["STT", "Mã xã", "Tên xã", "Gói số", "Số liệu đến ngày", "Số dự án", "Số hộ (không trùng)",
              *(LABELS[k] for k in NUMBER_FIELDS)]
    append_row(sheet, header)
    for index, line in enumerate(report.communes, start=1):
        totals = line.report.totals
        append_row(sheet, [index, line.code, line.name, line.seq, line.as_of, len(line.report.projects),
                           line.report.households_distinct, *(getattr(totals, k) for k in NUMBER_FIELDS)])
    append_row(sheet, ["", "", "Tổng cộng", "", "", sum(len(c.report.projects) for c in report.communes),
                       report.households_distinct, *(getattr(report.totals, k) for k in NUMBER_FIELDS)])
    for cell in sheet[4] + sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    if report.merged:
        append_row(sheet, [])
        append_row(sheet, ["", "", "Xã đã sáp nhập (không tính riêng trong tổng cộng)"])
        for line in report.merged:
            append_row(sheet, ["", line.code, line.name, line.note])
    for cell in sheet[4]:
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in sheet.iter_rows(min_row=5, min_col=6):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.freeze_panes = "D5"
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 22 if column == 3 else 15

    detail = book.create_sheet("Theo dự án")
    append_row(detail, ["Mã xã", "Tên xã", "Mã dự án", "Tên dự án", "Chương trình", "Hợp phần/Dự án",
                        "Trạng thái", *(LABELS[k] for k in NUMBER_FIELDS)])
    for line in report.communes:
        for project in line.report.projects:
            append_row(detail, [line.code, line.name, project.code, project.name, project.programme,
                                project.component, project.status, *(getattr(project, k) for k in NUMBER_FIELDS)])
    for cell in detail[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    detail.freeze_panes = "C2"

    return save_workbook(book, path)


_CELL = ParagraphStyle("vx-cons-cell", fontName=SERIF, fontSize=7.5, leading=9)
_NUM = ParagraphStyle("vx-cons-num", parent=_CELL, alignment=TA_RIGHT)
_HEAD = ParagraphStyle("vx-cons-head", parent=_CELL, fontName=SERIF_BOLD, alignment=TA_CENTER)
_TITLE = ParagraphStyle("vx-cons-title", fontName=SERIF_BOLD, fontSize=12.5, leading=16, alignment=TA_CENTER)
_SUB = ParagraphStyle("vx-cons-sub", fontName=SERIF, fontSize=10, leading=13, alignment=TA_CENTER)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_pdf(path: Path, report: Consolidated) -> Path:
    register_fonts()
    header = [Paragraph(t, _HEAD) for t in ("STT", "Xã", "Gói số, số liệu đến ngày",
                                             *(LABELS[k] for k in PDF_COLUMNS))]
    rows = [header]
    for index, line in enumerate(report.communes, start=1):
        totals = line.report.totals
        rows.append([Paragraph(str(index), _NUM), Paragraph(f"{_esc(line.name)} ({line.code})", _CELL),
                     Paragraph(f"Số {line.seq}<br/>{format_date(_date(line.as_of))}", _CELL),
                     *(Paragraph(format_vnd(getattr(totals, k)), _NUM) for k in PDF_COLUMNS)])
    rows.append(["", Paragraph("<b>Tổng cộng</b>", _CELL), Paragraph(f"<b>{len(report.communes)} xã</b>", _CELL),
                 *(Paragraph(f"<b>{format_vnd(getattr(report.totals, k))}</b>", _NUM) for k in PDF_COLUMNS)])
    widths = [8 * mm, 30 * mm, 18 * mm, *[13 * mm] * 5, *[22 * mm] * 7]  # 275 mm: A4 landscape inside 10 mm
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.92, 0.92, 0.92)),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]))
    story = [
        Paragraph(_esc(f"{report.unit_name}".upper()), _HEAD), Spacer(1, 4 * mm),
        Paragraph(_esc(_title(report).split(" từ ngày")[0]), _TITLE),
        Paragraph(f"Từ ngày {format_date(report.start)} đến ngày {format_date(report.end)} — "
                  f"{len(report.communes)} xã, {format_vnd(report.households_distinct)} hộ được hỗ trợ "
                  "(mỗi hộ tính một lần)", _SUB),
        Paragraph("Đơn vị tiền: đồng", _SUB), Spacer(1, 4 * mm), table,
    ]
    if report.merged:
        story += [Spacer(1, 3 * mm), Paragraph("<b>Xã đã sáp nhập</b> (không tính riêng trong tổng cộng):", _CELL),
                  *(Paragraph(f"– {_esc(m.name)} ({m.code}) {_esc(m.note)}.", _CELL) for m in report.merged)]
    return write_story(path, story, title="Báo cáo tổng hợp", pagesize=landscape(A4), margin=10 * mm)


def _date(text: str):
    from datetime import date

    return date.fromisoformat(text)
