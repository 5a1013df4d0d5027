"""A4 lists about a project's beneficiaries: the support list households sign when they receive support
(bảng kê hỗ trợ hộ gia đình), and the public notice posted at the commune hall (danh sách công khai)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop import clock
from desktop.dates import format_date
from desktop.domain import Category
from desktop.money import amount_in_words, format_vnd
from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from desktop.reports.pdfkit import write_story
from desktop.text import collation_key
from desktop.wording import place_name, unit_name

_BASE = ParagraphStyle("base", fontName=SERIF, fontSize=10.5, leading=13)
_CELL = ParagraphStyle("cell", parent=_BASE, fontSize=9.5, leading=11.5)
_HEAD = ParagraphStyle("head", parent=_CELL, fontName=SERIF_BOLD, alignment=TA_CENTER)
_CENTER = ParagraphStyle("center", parent=_BASE, alignment=TA_CENTER)
_TITLE = ParagraphStyle("title", parent=_BASE, fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=TA_CENTER)
_ITALIC_CENTER = ParagraphStyle("ic", parent=_CENTER, fontName=SERIF_ITALIC)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _national_header(settings: dict) -> Table:
    """Unit on the left, the national motto on the right, as every administrative document opens."""
    left = [Paragraph(_esc(unit_name(settings.get('commune_name', ''))).upper(), _HEAD)]
    right = [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _HEAD),
             Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", _HEAD)]
    table = Table([[left, right]], colWidths=["40%", "60%"])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _signatures(titles: list[tuple[str, str]], place_date: str) -> Table:
    head = ["" for _ in titles]
    head[-1] = Paragraph(f"<i>{_esc(place_date)}</i>", _CENTER)
    # An empty title keeps its column empty: one signer signs on the right, as a notice is signed.
    row = [[Paragraph(f"<b>{_esc(t)}</b>", _CENTER), Paragraph("<i>(Ký, họ tên)</i>", _CENTER),
            Spacer(1, 18 * mm), Paragraph(f"<b>{_esc(n)}</b>", _CENTER)] if t else "" for t, n in titles]
    table = Table([head, row], colWidths=[f"{100 / len(titles):.2f}%"] * len(titles))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _build(path: Path, story_fn, title: str, pagesize) -> Path:
    register_fonts()
    return write_story(path, story_fn(), title=title, pagesize=pagesize, margin=12 * mm)


def by_hamlet_and_name(members: list[dict]) -> list[dict]:
    """Lists read by villagers go hamlet by hamlet, names in Vietnamese order, so each finds their own line."""
    return sorted(members, key=lambda m: (collation_key(m["hamlet"]), collation_key(m["head_name"]), m["code"],
                                          m.get("supported_on") or ""))


def _grouped(members: list[dict]) -> list[tuple[str, list[dict]]]:
    """Round 1 from the budget, other round-1 money, self-funded households, then each re-lending round: money
    of different sources is never added into one undivided list."""
    groups: dict[tuple, tuple[str, list[dict]]] = {}
    for m in members:
        key = tuple(m.get("group_order") or (m["round"], 0))
        groups.setdefault(key, (m.get("group") or f"Vòng {m['round']}", []))[1].append(m)
    return [(title, by_hamlet_and_name(rows)) for _, (title, rows) in sorted(groups.items())]


def _category(m: dict) -> str:
    return m.get("category") or Category(m["category_at_entry"]).label


def _source(m: dict) -> str:
    return m.get("source_label") or ("Vốn luân chuyển" if m["round"] > 1 else "Ngân sách")


def _when(m: dict) -> str:
    return format_date(m["supported_on"]) if m.get("supported_on") else ""


# A column: header, width in mm, alignment ("l", "r", "c"), and the text of one support.
_LIST_COLUMNS = [
    ("STT", 10, "c", None), ("Họ và tên chủ hộ", 32, "l", lambda m: m["head_name"]),
    ("Mã hộ", 15, "l", lambda m: m["code"]), ("Số CCCD", 24, "l", lambda m: m["id_number"] or ""),
    ("Thôn", 19, "l", lambda m: m["hamlet"]), ("Phân loại hộ tại ngày hỗ trợ", 25, "l", _category),
    ("Ngày hỗ trợ", 19, "c", _when), ("Vòng", 13, "c", lambda m: str(m["round"])),
    ("Nguồn vốn", 24, "l", _source), ("Số tiền (đồng)", 21, "r", lambda m: format_vnd(m["support_amount"])),
    ("Đối ứng của hộ (đồng)", 19, "r", lambda m: format_vnd(m.get("counterpart") or 0) if m.get("counterpart")
     else ""),
    ("Hiện vật", 20, "l", lambda m: m["in_kind"]), ("Ký nhận / điểm chỉ", 32, "l", lambda m: ""),
]
_NOTICE_COLUMNS = [c for c in _LIST_COLUMNS if c[0] not in ("Mã hộ", "Số CCCD", "Ký nhận / điểm chỉ")]
_NOTICE_COLUMNS = [(h, {"Họ và tên chủ hộ": 45, "Thôn": 27, "Phân loại hộ tại ngày hỗ trợ": 32, "Hiện vật": 42,
                        "Nguồn vốn": 26, "Số tiền (đồng)": 24, "Đối ứng của hộ (đồng)": 22}.get(h, w), a, f)
                   for h, w, a, f in _NOTICE_COLUMNS]
_LCELL = ParagraphStyle("lcell", parent=_CELL, fontSize=8.5, leading=10.5)
_LHEAD = ParagraphStyle("lhead", parent=_LCELL, fontName=SERIF_BOLD, alignment=TA_CENTER)
_STYLE = {"l": _LCELL, "r": ParagraphStyle("lcellr", parent=_LCELL, alignment=TA_RIGHT),
          "c": ParagraphStyle("lcellc", parent=_LCELL, alignment=TA_CENTER)}


def _grouped_table(members: list[dict], columns, *, tall: bool) -> tuple[list, int]:
    """The list's table split in two: all rows but the last few, and the last few with the totals (kept with
    the signatures by the caller). Each group has a heading row and a subtotal; the grand total closes."""
    money = [h for h, *_ in columns].index("Số tiền (đồng)")
    counter = [h for h, *_ in columns].index("Đối ứng của hộ (đồng)")
    rows: list[list] = []
    kinds: list[str] = []
    total = total_counterpart = 0
    number = 0
    for title, group in _grouped(members):
        rows.append([Paragraph(f"<b>{_esc(title)}</b>", _STYLE["l"])] + [""] * (len(columns) - 1))
        kinds.append("section")
        subtotal = sub_counterpart = 0
        for m in group:
            number += 1
            subtotal += m["support_amount"]
            sub_counterpart += m.get("counterpart") or 0
            rows.append([Paragraph(str(number) if f is None else _esc(f(m)), _STYLE[a]) for _, _, a, f in columns])
            kinds.append("row")
        line = [""] * len(columns)
        line[0] = Paragraph(f"<b>Cộng {_esc(title[:1].lower() + title[1:])}: {len(group)} lượt</b>", _STYLE["r"])
        line[money] = Paragraph(f"<b>{format_vnd(subtotal)}</b>", _STYLE["r"])
        line[counter] = Paragraph(f"<b>{format_vnd(sub_counterpart)}</b>", _STYLE["r"])
        rows.append(line)
        kinds.append("subtotal")
        total += subtotal
        total_counterpart += sub_counterpart
    line = [""] * len(columns)
    line[0] = Paragraph(f"<b>Tổng cộng: {number} lượt hỗ trợ</b>", _STYLE["r"])
    line[money] = Paragraph(f"<b>{format_vnd(total)}</b>", _STYLE["r"])
    line[counter] = Paragraph(f"<b>{format_vnd(total_counterpart)}</b>", _STYLE["r"])
    rows.append(line)
    kinds.append("total")
    header = [Paragraph(h, _LHEAD) for h, *_ in columns]
    widths = [w * mm for _, w, _, _ in columns]
    # The last rows go with the totals in words and the signatures: a signature alone on a page proves nothing.
    tail = min(len(rows), 4)
    parts = []
    for chunk, chunk_kinds, head in ((rows[:-tail], kinds[:-tail], True), (rows[-tail:], kinds[-tail:], False)):
        if not chunk:
            continue
        data = ([header] if head or not parts else []) + chunk
        offset = 1 if head or not parts else 0
        style = _grid_style(offset)
        for i, kind in enumerate(chunk_kinds, start=offset):
            if kind == "section":
                style.add("SPAN", (0, i), (-1, i))
                style.add("BACKGROUND", (0, i), (-1, i), colors.Color(0.9, 0.9, 0.9))
            elif kind in ("subtotal", "total"):
                style.add("SPAN", (0, i), (money - 1, i))
                style.add("BACKGROUND", (0, i), (-1, i), colors.Color(0.96, 0.96, 0.96))
            elif tall:
                style.add("TOPPADDING", (0, i), (-1, i), 7)
                style.add("BOTTOMPADDING", (0, i), (-1, i), 8)
        table = Table(data, colWidths=widths, repeatRows=offset)
        table.setStyle(style)
        parts.append(table)
    return parts, total


def support_list(path: Path, settings: dict, project: dict, members: list[dict], *, on: date | None = None) -> Path:
    """Bảng kê hỗ trợ: one row per support with the ID number and a column to sign or thumbprint, grouped by
    round and source."""
    on = on or clock.today()

    def story():
        tables, total = _grouped_table(members, _LIST_COLUMNS, tall=True)
        decision = project.get("decision_number") or "……"
        when = format_date(project["decision_date"]) if project.get("decision_date") else "……"
        closing = [
            Spacer(1, 3 * mm),
            Paragraph(f"Tổng số tiền hỗ trợ bằng chữ: <i>{amount_in_words(total)}</i>.", _BASE),
            Spacer(1, 5 * mm),
            _signatures([("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                         ("KẾ TOÁN", settings.get("signer_accountant", "")),
                         ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
                        f"{place_name(settings.get('commune_name', ''))}, ngày {on.day:02d} tháng {on.month:02d} "
                        f"năm {on.year}"),
        ]
        return [
            _national_header(settings), Spacer(1, 5 * mm),
            Paragraph("BẢNG KÊ HỖ TRỢ HỘ GIA ĐÌNH", _TITLE),
            Paragraph(f"Dự án: {_esc(project['code'])} — {_esc(project['name'])}", _CENTER),
            Paragraph(f"(Theo Quyết định phê duyệt số {_esc(decision)} ngày {when})", _ITALIC_CENTER),
            Spacer(1, 4 * mm), *tables[:-1], KeepTogether([tables[-1], *closing]),
        ]

    return _build(path, story, f"Bảng kê hỗ trợ — {project['code']}", landscape(A4))


def public_notice(path: Path, settings: dict, project: dict, members: list[dict], *, posted_from: date,
                  posted_to: date) -> Path:
    """Danh sách công khai: who is supported, when, from which money and by how much; no ID numbers on a
    public wall, and a household's own money is never posted as the budget's."""

    def story():
        tables, _ = _grouped_table(members, _NOTICE_COLUMNS, tall=False)
        closing = [Spacer(1, 6 * mm),
                   _signatures([("", ""), ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
                               f"{place_name(settings.get('commune_name', ''))}, ngày {posted_from.day:02d} tháng "
                               f"{posted_from.month:02d} năm {posted_from.year}")]
        return [
            _national_header(settings), Spacer(1, 5 * mm),
            Paragraph("DANH SÁCH CÔNG KHAI", _TITLE),
            Paragraph("CÁC HỘ ĐƯỢC HỖ TRỢ PHÁT TRIỂN SẢN XUẤT", _TITLE),
            Paragraph(f"Dự án: {_esc(project['code'])} — {_esc(project['name'])}", _CENTER),
            Paragraph(f"Niêm yết tại trụ sở UBND xã và nhà văn hóa các thôn từ ngày {format_date(posted_from)} "
                      f"đến ngày {format_date(posted_to)}. Mọi ý kiến xin gửi về UBND xã trong thời gian niêm yết.",
                      _ITALIC_CENTER),
            Spacer(1, 4 * mm), *tables[:-1], KeepTogether([tables[-1], *closing]),
        ]

    return _build(path, story, f"Danh sách công khai — {project['code']}", landscape(A4))


def _grid_style(header_rows: int = 1) -> TableStyle:
    style = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])
    if header_rows:
        style.add("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.92, 0.92, 0.92))
    return style
