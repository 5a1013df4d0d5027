"""The due and overdue list a hamlet head takes door to door: grouped by hamlet, with aging, subtotals and a
blank column for "paid / signature"."""

from __future__ import annotations

from datetime import date

from desktop import clock
from desktop.dates import format_date
from desktop.fund import AGING_BUCKETS
from desktop.money import format_vnd
from desktop.reports.tabular import TabularDoc
from desktop.reports.xlsxkit import Column, place_and_date
from desktop.wording import level_lower, unit_name

AGING_LABELS = {label: f"Quá hạn {label.replace('-', '–').replace('>', 'trên ')} ngày"
                for label, _, _ in AGING_BUCKETS}
AGING_LABELS["not_due"] = "Sắp đến hạn"

COLUMNS = [
    Column("STT", 5, "center"), Column("Mã hộ", 9), Column("Họ tên chủ hộ", 24, "wrap"),
    Column("Điện thoại", 12), Column("Dự án", 8), Column("Kỳ", 5, "center"), Column("Hạn trả", 11, "date"),
    Column("Phải trả", 13, "money"), Column("Đã trả", 13, "money"), Column("Còn phải trả", 13, "money"),
    Column("Số ngày quá hạn", 9, "int"), Column("Nhóm nợ", 19, "wrap"), Column("Đã nộp / ký nhận", 20),
]
TITLE = "DANH SÁCH HỘ ĐẾN HẠN VÀ QUÁ HẠN HOÀN TRẢ VỐN LUÂN CHUYỂN"
# Column indexes of the sums shown on subtotal rows.
_SUMMED = {"amount_due": 7, "paid": 8, "outstanding": 9}


def hamlet_sign_line(hamlet: str) -> str:
    """The hamlet head's line under the hamlet's rows (in the XLSX; the PDF draws a signature block)."""
    return f"Trưởng {level_lower(hamlet)} xác nhận đã báo đến các hộ (ký, ghi rõ họ tên): ……………………………"


def totals_notes(due: dict) -> list[str]:
    """Two figures, each under its own name: what the list asks for now, and all the listed households owe."""
    aging = "; ".join(f"{AGING_LABELS[label].lower()}: {format_vnd(due['aging'].get(label, 0))} đ"
                      for label, _, _ in AGING_BUCKETS)
    notes = [f"Tổng đến hạn (các kỳ quá hạn và đến hạn trong {due['within_days']} ngày, như trong danh sách): "
             f"{format_vnd(due['total_outstanding'])} đ, trong đó quá hạn {format_vnd(due['total_overdue'])} đ "
             f"({aging})."]
    if "total_owed" in due:
        notes.append(f"Tổng còn phải trả (mọi kỳ, kể cả các kỳ chưa đến hạn, của {due['households']} hộ trong danh "
                     f"sách): {format_vnd(due['total_owed'])} đ.")
    return notes


def due_doc(settings: dict, due: dict, *, made_on: date | None = None) -> TabularDoc:
    """``due`` is what ``schedules.due_list`` returns (with ``total_owed`` and ``households`` when known)."""
    made_on = made_on or clock.today()
    lines: list = []
    hamlet, sums, grand, number = None, {}, dict.fromkeys(_SUMMED, 0), 0

    def subtotal() -> None:
        values = [None] * len(COLUMNS)
        values[2] = f"Cộng {hamlet}"
        for key, index in _SUMMED.items():
            values[index] = sums[key]
        lines.append(("total", values))
        lines.append(("section", [hamlet_sign_line(hamlet)]))

    for row in due["rows"]:
        if row["hamlet"] != hamlet:
            if hamlet is not None:
                subtotal()
            hamlet, sums = row["hamlet"], dict.fromkeys(_SUMMED, 0)
            lines.append(("section", [hamlet]))
        number += 1
        for key in _SUMMED:
            sums[key] += row[key]
            grand[key] += row[key]
        lines.append(("row", [number, row["household"], row["head_name"], row.get("phone") or "", row["project"],
                              row["seq"], row["due_on"], row["amount_due"], row["paid"], row["outstanding"],
                              row["days_overdue"] or None, AGING_LABELS[row["aging"]], None]))
    if hamlet is not None:
        subtotal()
    total = [None] * len(COLUMNS)
    total[2] = "Tổng cộng đến hạn"
    for key, index in _SUMMED.items():
        total[index] = grand[key]
    lines.append(("total", total))
    as_of = format_date(due["as_of"])
    return TabularDoc(
        sheet_name="Đến hạn, quá hạn", unit=unit_name(settings.get('commune_name', '')),
        title=TITLE, columns=COLUMNS, lines=lines,
        subtitles=[f"Tính đến ngày {as_of}; gồm các kỳ đến hạn trong {due['within_days']} ngày tới",
                   "Đơn vị tính: đồng"],
        notes=totals_notes(due),
        place_date=place_and_date(settings, made_on),
        signers=[("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                 ("KẾ TOÁN", settings.get("signer_accountant", ""))],
        freeze_columns=3, tall_rows=True,
    )
