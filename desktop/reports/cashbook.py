"""The cash book as a document (XLSX or PDF): the rows of ``desktop.queries.cashbook`` with month totals."""

from __future__ import annotations

from datetime import date

from desktop import clock
from desktop.dates import format_date
from desktop.reports.tabular import TabularDoc
from desktop.reports.xlsxkit import Column, place_and_date

COLUMNS = [
    Column("STT", 5, "center"), Column("Ngày", 11, "date"), Column("Số chứng từ", 16),
    Column("Diễn giải", 46, "wrap"), Column("Thu", 15, "money"), Column("Chi", 15, "money"),
    Column("Tồn quỹ", 15, "money"),
]

NOTE = ("Khoản hỗ trợ từ ngân sách và khoản chi kinh phí quản lý là tiền ngân sách nhận về và chi ra trong cùng "
        "ngày: ghi cả ở cột Thu và cột Chi, không làm thay đổi tồn quỹ; tồn quỹ là số dư quỹ vốn luân chuyển, "
        "bằng số dư trong mọi báo cáo khác. Số âm là bút toán đảo của chứng từ bị hủy, ghi vào ngày hủy có hiệu "
        "lực; dòng gốc vẫn được giữ.")


def cashbook_doc(settings: dict, book: dict, *, made_on: date | None = None) -> TabularDoc:
    lines: list = [("row", [None, None, None, "Tồn quỹ đầu kỳ", None, None, book["opening_balance"]])]
    number, month_of = 0, None
    months = {m["month"]: m for m in book["months"]}
    for r in book["rows"]:
        if month_of and r["on"][:7] != month_of:
            lines.append(_month_total(months[month_of]))
        month_of = r["on"][:7]
        number += 1
        lines.append(("row", [number, r["on"], r["document"], r["description"], r["in"] or None,
                              r["out"] or None, r["balance"]]))
    if month_of:
        lines.append(_month_total(months[month_of]))
    lines.append(("total", [None, None, None, "Cộng phát sinh trong kỳ; tồn quỹ cuối kỳ", book["total_in"],
                            book["total_out"], book["closing_balance"]]))
    scope = f"Dự án: {book['project']}" if book["project"] else "Tất cả dự án"
    return TabularDoc(
        sheet_name="Sổ quỹ tiền mặt", unit=f"UBND {settings.get('commune_name', '')}",
        title="SỔ QUỸ TIỀN MẶT — QUỸ VỐN LUÂN CHUYỂN", columns=COLUMNS, lines=lines,
        subtitles=[scope, f"Từ ngày {format_date(date.fromisoformat(book['from']))} đến ngày "
                          f"{format_date(date.fromisoformat(book['to']))}", "Đơn vị tính: đồng"],
        notes=[NOTE], place_date=place_and_date(settings, made_on or clock.today()),
        signers=[("THỦ QUỸ", settings.get("signer_cashier", "")),
                 ("KẾ TOÁN", settings.get("signer_accountant", "")),
                 ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
        freeze_columns=2,
    )


def _month_total(month: dict) -> tuple[str, list]:
    year, mon = month["month"].split("-")
    return ("total", [None, None, None, f"Cộng tháng {mon}/{year}", month["in"], month["out"], month["closing"]])
