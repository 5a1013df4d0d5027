"""The upper level's consolidated periodic report (báo cáo tổng hợp) in the formal form of the commune's
periodic report: national header, the upper level as the unit, number and date line, "Kính gửi" (setting
``consolidated_addressee``; else the province's Department of Agriculture and Environment), a summary table
with a row per commune and the totals, then an annex per commune (its projects), "Nơi nhận" and the
signatures last. A4 landscape PDF; the XLSX has the same form on its first sheet, then every column per
commune ("Tổng hợp") and per project ("Theo dự án") for drilling down."""

from __future__ import annotations

from pathlib import Path

from desktop import clock
from desktop.dates import format_date
from desktop.money import format_vnd
from desktop.reports.consolidation import Consolidated
from desktop.reports.formal import FormalDoc, TableBlock, TextBlock, date_line, number_line
from desktop.reports.period import NUMBER_FIELDS
from desktop.reports.period_doc import period_label
from desktop.wording import level_lower, place_name, unit_name

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


def file_name(report: Consolidated, fmt: str) -> str:
    """The name a consolidated report is saved under unless the operator chooses another, in the window and the
    command line alike: its period, so a folder of them sorts by date."""
    return f"bao-cao-tong-hop_{report.start:%Y%m%d}_{report.end:%Y%m%d}.{fmt}"


def _title(report: Consolidated) -> str:
    return (f"BÁO CÁO TỔNG HỢP KẾT QUẢ HỖ TRỢ SINH KẾ VÀ QUỸ VỐN LUÂN CHUYỂN "
            f"từ ngày {format_date(report.start)} đến ngày {format_date(report.end)}")


def write_xlsx(path: Path, report: Consolidated, settings: dict | None = None, *, number: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from desktop.reports.formal_xlsx import fill_formal_sheet
    from desktop.reports.xlsxkit import append_row, save_workbook

    book = Workbook()
    book.active.title = "Báo cáo"
    fill_formal_sheet(book.active, consolidated_formal(report, settings or {}, number=number))
    sheet = book.create_sheet("Tổng hợp")
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


# ------------------------------------------------------------------------------------------ formal form
SUMMARY = (("Số hộ tham gia", "households", "int"), ("Hỗ trợ trong kỳ", "disbursed_in_period", "money"),
           ("Trong đó cho vay lại", "disbursed_relent", "money"), ("Thu hồi trong kỳ", "recovered_in_period", "money"),
           ("Lũy kế thu hồi", "recovered_to_date", "money"), ("Còn phải thu", "outstanding", "money"),
           ("Quá hạn", "overdue", "money"), ("Số dư quỹ", "fund_balance", "money"))
ANNEX = (("Số hộ", "households", "int"), ("Hỗ trợ trong kỳ", "disbursed_in_period", "money"),
         ("Lũy kế hỗ trợ", "disbursed_to_date", "money"), ("Thu hồi trong kỳ", "recovered_in_period", "money"),
         ("Còn phải thu", "outstanding", "money"), ("Quá hạn", "overdue", "money"),
         ("Số dư quỹ", "fund_balance", "money"))
# The level words a unit's name starts with when its people's committee reports ("UBND huyện …").
_COMMITTEE_LEVELS = ("huyện", "quận", "thị xã", "thành phố", "tỉnh")


def upper_unit(name: str) -> str:
    """"UBND huyện Cẩm Giàng" for a district or province; a department ("Sở …", "Ban …") as it is named."""
    text = (name or "").strip()
    if text.lower().startswith(_COMMITTEE_LEVELS):
        return unit_name(text)
    return text


def consolidated_addressee(settings: dict, province_name: str) -> str:
    chosen = (settings.get("consolidated_addressee") or "").strip()
    if chosen:
        return chosen
    if province_name:
        return f"Sở Nông nghiệp và Môi trường {level_lower(province_name)}"
    return "Bộ Nông nghiệp và Môi trường"


def _columns(figures) -> tuple:
    return tuple((header, 13, kind, "") for header, _, kind in figures)


def consolidated_formal(report: Consolidated, settings: dict, *, number: str = "", made_on=None) -> FormalDoc:
    """The consolidated report as a ``FormalDoc``: the summary per commune, then one annex table per commune."""
    made_on = made_on or clock.today()
    name = report.unit_name or settings.get("upper_name", "") or settings.get("commune_name", "")
    unit = upper_unit(name)
    period = period_label(report.start, report.end)
    province = report.province_name or settings.get("province_name", "")
    summary_rows = [(i, f"{c.name} ({c.code})", *(getattr(c.report.totals, f) for _, f, _ in SUMMARY))
                    for i, c in enumerate(report.communes, start=1)]
    summary_rows.append((None, f"Tổng cộng ({len(report.communes)} xã)",
                         *(getattr(report.totals, f) for _, f, _ in SUMMARY)))
    blocks: list = [
        TextBlock("I. TÌNH HÌNH TỔNG HỢP", (
            f"Tổng hợp từ gói số liệu đã ký của {len(report.communes)} xã, từ ngày {format_date(report.start)} "
            f"đến ngày {format_date(report.end)}: {format_vnd(report.households_distinct)} hộ được hỗ trợ (mỗi hộ "
            f"tính một lần), hỗ trợ trong kỳ {format_vnd(report.totals.disbursed_in_period)} đồng, thu hồi trong "
            f"kỳ {format_vnd(report.totals.recovered_in_period)} đồng, số dư quỹ vốn luân chuyển "
            f"{format_vnd(report.totals.fund_balance)} đồng.",)),
        TableBlock("II. KẾT QUẢ THEO XÃ", (("STT", 5, "center", ""), ("Xã", 30, "wrap", ""), *_columns(SUMMARY)),
                   tuple(summary_rows), total=True),
    ]
    if report.merged:  # old communes whose books the new commune now keeps: counted there, not here
        blocks.append(TextBlock("Xã đã sáp nhập (không tính riêng trong tổng cộng)",
                                tuple(f"– {m.name} ({m.code}) {m.note}." for m in report.merged)))
    for index, line in enumerate(report.communes, start=1):
        rows = [(i, f"{p.code} — {p.name}", *(getattr(p, f) for _, f, _ in ANNEX))
                for i, p in enumerate(line.report.projects, start=1)]
        rows.append((None, "Tổng cộng", *(getattr(line.report.totals, f) for _, f, _ in ANNEX)))
        blocks.append(TableBlock(
            f"Phụ lục {index}: {line.name} ({line.code}) — các dự án (gói số {line.seq}, số liệu đến ngày "
            f"{format_date(_date(line.as_of))})",
            (("STT", 5, "center", ""), ("Dự án", 30, "wrap", ""), *_columns(ANNEX)), tuple(rows), total=True))
    recipients = [r.strip() for r in (settings.get("report_recipients") or "").replace("|", "\n").splitlines()
                  if r.strip()] or ["Như trên", "Lưu: VT"]
    return FormalDoc(
        unit_parent="", unit=unit.upper(), number=number_line(number, "BC-UBND" if unit.startswith("UBND") else "BC"),
        place_date=date_line(place_name(province or name), made_on),
        title="BÁO CÁO TỔNG HỢP",
        subject=f"Kết quả hỗ trợ phát triển sản xuất và quỹ vốn luân chuyển {period} của các xã",
        addressee=consolidated_addressee(settings, province), bases=(), units="Đơn vị tính: đồng",
        blocks=tuple(blocks), recipients=tuple(recipients),
        signers=(("", "NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                 ("", "KẾ TOÁN", settings.get("signer_accountant", "")),
                 ("", "THỦ TRƯỞNG ĐƠN VỊ", settings.get("signer_chairman", ""))),
        file_title=f"Báo cáo tổng hợp {period}")


def write_pdf(path: Path, report: Consolidated, settings: dict | None = None, *, number: str = "") -> Path:
    from desktop.reports.formal_pdf import write_formal_pdf

    return write_formal_pdf(path, consolidated_formal(report, settings or {}, number=number))


def _date(text: str):
    from datetime import date

    return date.fromisoformat(text)
