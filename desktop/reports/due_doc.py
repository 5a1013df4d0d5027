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

AGING_LABELS = {label: f"Quá hạn {label.replace('-', '–').replace('>', 'trên ')} ngày"
                for label, _, _ in AGING_BUCKETS}
AGING_LABELS["not_due"] = "Sắp đến hạn"

COLUMNS = [
    Column("STT", 5, "center"), Column("Mã hộ", 9), Column("Họ tên chủ hộ", 24, "wrap"),
    Column("Điện thoại", 12), Column("Dự án", 8), Column("Kỳ", 5, "center"), Column("Hạn trả", 11, "date"),
    Column("Phải trả", 13, "money"), Column("Đã trả", 13, "money"), Column("Còn phải trả", 13, "money"),
    Column("Số ngày quá hạn", 9, "int"), Column("Nhóm nợ", 19, "wrap"), Column("Đã nộp / ký nhận", 20),
]
# Column indexes of the sums shown on subtotal rows.
_SUMMED = {"amount_due": 7, "paid": 8, "outstanding": 9}


def due_doc(settings: dict, due: dict, *, made_on: date | None = None) -> TabularDoc:
    """``due`` is what ``schedules.due_list`` returns."""
    made_on = made_on or clock.today()
    lines: list = []
    hamlet, sums, grand, number = None, {}, dict.fromkeys(_SUMMED, 0), 0

    def subtotal() -> None:
        values = [None] * len(COLUMNS)
        values[2] = f"Cộng {hamlet}"
        for key, index in _SUMMED.items():
            values[index] = sums[key]
        lines.append(("total", values))

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
    total[2] = "Tổng cộng"
    for key, index in _SUMMED.items():
        total[index] = grand[key]
    lines.append(("total", total))
    aging = "; ".join(f"{AGING_LABELS[label].lower()}: {format_vnd(due['aging'].get(label, 0))} đ"
                      for label, _, _ in AGING_BUCKETS)
    as_of = format_date(due["as_of"])
    return TabularDoc(
        sheet_name="Đến hạn, quá hạn", unit=f"UBND {settings.get('commune_name', '')}",
        title="DANH SÁCH HỘ ĐẾN HẠN VÀ QUÁ HẠN HOÀN TRẢ VỐN LUÂN CHUYỂN", columns=COLUMNS, lines=lines,
        subtitles=[f"Tính đến ngày {as_of}; gồm các kỳ đến hạn trong {due['within_days']} ngày tới",
                   "Đơn vị tính: đồng"],
        notes=[f"Tổng còn phải thu: {format_vnd(due['total_outstanding'])} đ, trong đó quá hạn "
               f"{format_vnd(due['total_overdue'])} đ ({aging})."],
        place_date=place_and_date(settings, made_on),
        signers=[("TRƯỞNG THÔN", ""), ("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                 ("KẾ TOÁN", settings.get("signer_accountant", ""))],
        freeze_columns=3, tall_rows=True,
    )
