"""The periodic report laid out for print and spreadsheet: one row per project under grouped headers, in
three parts (households and outcomes; support in the period; recovery and fund), totals and signatures.

``PERIOD_COLUMNS`` is the layout: (group, header, ``ProjectPeriod`` field, kind).
"""

from __future__ import annotations

from datetime import date

from desktop.dates import format_date
from desktop.reports.period import PeriodReport
from desktop.reports.tabular import SideTable, TabularDoc
from desktop.reports.xlsxkit import Column, place_and_date

HOUSEHOLDS = "Số hộ tham gia (lũy kế)"
SUPPORT = "Hỗ trợ trong kỳ theo nguồn"
RECOVERY = "Thu hồi và quỹ luân chuyển"
COST = "Kinh phí quản lý"
OUTCOMES = "Kết quả (số hộ)"

PERIOD_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    (HOUSEHOLDS, "Tổng số", "households", "int"),
    (HOUSEHOLDS, "Hộ nghèo", "households_poor", "int"),
    (HOUSEHOLDS, "Hộ cận nghèo", "households_near_poor", "int"),
    (HOUSEHOLDS, "Hộ mới thoát nghèo", "households_escaped", "int"),
    (HOUSEHOLDS, "Hộ không nghèo", "households_non_poor", "int"),
    (HOUSEHOLDS, "Hộ DTTS", "households_ethnic_minority", "int"),
    (HOUSEHOLDS, "Chủ hộ là nữ", "households_female_head", "int"),
    (HOUSEHOLDS, "Mới tham gia trong kỳ", "households_new", "int"),
    (HOUSEHOLDS, "Được vay vòng 2 trở đi", "households_relent", "int"),
    (OUTCOMES, "Cải thiện phân loại", "outcome_improved", "int"),
    (OUTCOMES, "Thoát nghèo", "outcome_escaped_poverty", "int"),
    (OUTCOMES, "Thoát cận nghèo", "outcome_escaped_near_poverty", "int"),
    (OUTCOMES, "Không đổi", "outcome_unchanged", "int"),
    (OUTCOMES, "Tái nghèo, xuống hạng", "outcome_fell_back", "int"),
    (SUPPORT, "Số lượt hỗ trợ", "supports_in_period", "int"),
    (SUPPORT, "NSTW", "disbursed_central", "money"),
    (SUPPORT, "NSĐP", "disbursed_local", "money"),
    (SUPPORT, "Huy động khác", "disbursed_other", "money"),
    (SUPPORT, "Vốn thu hồi cho vay lại", "disbursed_relent", "money"),
    (SUPPORT, "Cộng", "disbursed_in_period", "money"),
    (SUPPORT, "Đối ứng của hộ", "counterpart", "money"),
    (SUPPORT, "Phải hoàn trả", "to_return_in_period", "money"),
    (COST, "Cấp xã", "management_cost_commune", "money"),
    (COST, "Cấp trên", "management_cost_upper", "money"),
    (RECOVERY, "Lũy kế hỗ trợ", "disbursed_to_date", "money"),
    (RECOVERY, "Trong đó ngân sách", "from_budget_to_date", "money"),
    (RECOVERY, "Lũy kế phải hoàn trả", "to_return_to_date", "money"),
    (RECOVERY, "Thu hồi trong kỳ", "recovered_in_period", "money"),
    (RECOVERY, "Lũy kế thu hồi", "recovered_to_date", "money"),
    (RECOVERY, "Lũy kế cho vay lại", "relent_to_date", "money"),
    (RECOVERY, "Còn phải thu", "outstanding", "money"),
    (RECOVERY, "Trong đó quá hạn", "overdue", "money"),
    (RECOVERY, "Chuyển công trình công ích", "public_works", "money"),
    (RECOVERY, "Số dư quỹ", "fund_balance", "money"),
)
# The report prints as three parts, each a page wide, all starting with the project columns.
PARTS: tuple[tuple[str, ...], ...] = ((HOUSEHOLDS, OUTCOMES), (SUPPORT, COST), (RECOVERY,))

TITLE = "BÁO CÁO KẾT QUẢ HỖ TRỢ PHÁT TRIỂN SẢN XUẤT VÀ QUỸ VỐN LUÂN CHUYỂN"
# Columns before the figures: STT, project, programme / component.
LEAD = 3


def period_label(start: date, end: date) -> str:
    """"6 tháng đầu năm 2025", "năm 2025", or the dates for any other range."""
    if start.year == end.year and (start.month, start.day) == (1, 1):
        if (end.month, end.day) == (6, 30):
            return f"6 tháng đầu năm {start.year}"
        if (end.month, end.day) == (12, 31):
            return f"năm {start.year}"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
        return f"6 tháng cuối năm {start.year}"
    return f"từ ngày {format_date(start)} đến ngày {format_date(end)}"


def subtitles(report: PeriodReport) -> list[str]:
    lines = [f"Kỳ báo cáo: {period_label(report.start, report.end)} "
             f"(từ {format_date(report.start)} đến {format_date(report.end)})"]
    if report.upper_name:
        lines.append(f"Kính gửi: {report.upper_name}")
    lines.append("Đơn vị tính: số hộ; đồng")
    return lines


def project_label(row) -> tuple[str, str]:
    programme = " — ".join(p for p in (row.programme, row.component) if p)
    return f"{row.code} — {row.name}", programme


def period_doc(report: PeriodReport) -> TabularDoc:
    columns = [Column("STT", 5, "center"), Column("Dự án", 28, "wrap"),
               Column("Chương trình, dự án thành phần", 15, "wrap")]
    columns += [Column(header, 14 if kind == "money" else 8.5, kind, group)
                for group, header, _, kind in PERIOD_COLUMNS]
    groups = [group for group, _, _, _ in PERIOD_COLUMNS]
    lines: list = [("row", [number, *project_label(row), *(getattr(row, f) for _, _, f, _ in PERIOD_COLUMNS)])
                   for number, row in enumerate(report.projects, start=1)]
    lines.append(("total", [None, "Tổng cộng", None, *(getattr(report.totals, f) for _, _, f, _ in PERIOD_COLUMNS)]))
    return TabularDoc(
        sheet_name="Báo cáo định kỳ", unit=f"UBND {report.commune_name}", title=TITLE, columns=columns,
        lines=lines, subtitles=subtitles(report),
        notes=[f"Số hộ tham gia không tính trùng giữa các dự án: {report.households_distinct}. Kết quả: phân loại "
               f"hộ tại ngày {format_date(report.end)} so với khi tham gia dự án. Số tiền trong kỳ đã trừ phiếu thu "
               f"và khoản hỗ trợ của kỳ trước bị hủy trong kỳ (tính vào ngày hủy, như sổ quỹ), nên có thể âm."],
        place_date=place_and_date({"commune_name": report.commune_name}, report.made_on),
        signers=[("NGƯỜI LẬP BIỂU", report.signer_clerk), ("KẾ TOÁN", report.signer_accountant),
                 ("CHỦ TỊCH UBND XÃ", report.signer_chairman)],
        page_breaks=[LEAD + groups.index(part[0]) - 1 for part in PARTS[1:]], repeat_columns=2, freeze_columns=2,
        side_tables=voided_tables(report),
    )


VOIDED_RECEIPTS = "Phiếu thu hủy trong kỳ"
VOIDED_SUPPORTS = "Khoản hỗ trợ hủy trong kỳ"


def voided_tables(report: PeriodReport) -> list[SideTable]:
    """What was voided within the period (each counted in earlier periods, not from its void date)."""
    receipts = SideTable(VOIDED_RECEIPTS, [
        Column("STT", 5, "center"), Column("Quyển", 7, "center"), Column("Số", 7, "center"),
        Column("Năm", 7, "center"), Column("Dự án", 9), Column("Mã hộ", 9), Column("Ngày lập", 11, "date"),
        Column("Hủy từ ngày", 11, "date"), Column("Số tiền", 14, "money"), Column("Lý do hủy", 40, "wrap")],
        [[i, r.book, r.number, r.year, r.project, r.household, r.issued_on, r.voided_on, r.amount, r.reason]
         for i, r in enumerate(report.voided_receipts, start=1)])
    supports = SideTable(VOIDED_SUPPORTS, [
        Column("STT", 5, "center"), Column("Dự án", 9), Column("Mã hộ", 9), Column("Vòng", 7, "center"),
        Column("Ngày hỗ trợ", 11, "date"), Column("Hủy từ ngày", 11, "date"), Column("Số tiền", 14, "money"),
        Column("Lý do hủy", 40, "wrap")],
        [[i, s.project, s.household, s.round, s.supported_on, s.voided_on, s.amount, s.reason]
         for i, s in enumerate(report.voided_supports, start=1)])
    return [receipts, supports]
