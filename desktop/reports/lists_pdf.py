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

_BASE = ParagraphStyle("base", fontName=SERIF, fontSize=10.5, leading=13)
_CELL = ParagraphStyle("cell", parent=_BASE, fontSize=9.5, leading=11.5)
_CELL_RIGHT = ParagraphStyle("cellr", parent=_CELL, alignment=TA_RIGHT)
_HEAD = ParagraphStyle("head", parent=_CELL, fontName=SERIF_BOLD, alignment=TA_CENTER)
_CENTER = ParagraphStyle("center", parent=_BASE, alignment=TA_CENTER)
_TITLE = ParagraphStyle("title", parent=_BASE, fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=TA_CENTER)
_ITALIC_CENTER = ParagraphStyle("ic", parent=_CENTER, fontName=SERIF_ITALIC)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _national_header(settings: dict) -> Table:
    """Unit on the left, the national motto on the right, as every administrative document opens."""
    left = [Paragraph(f"UBND {_esc(settings.get('commune_name', '')).upper()}", _HEAD)]
    right = [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _HEAD),
             Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", _HEAD)]
    table = Table([[left, right]], colWidths=["40%", "60%"])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _signatures(titles: list[tuple[str, str]], place_date: str) -> Table:
    head = ["" for _ in titles]
    head[-1] = Paragraph(f"<i>{_esc(place_date)}</i>", _CENTER)
    row = [[Paragraph(f"<b>{_esc(t)}</b>", _CENTER), Paragraph("<i>(Ký, họ tên)</i>", _CENTER),
            Spacer(1, 18 * mm), Paragraph(f"<b>{_esc(n)}</b>", _CENTER)] for t, n in titles]
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


def support_list(path: Path, settings: dict, project: dict, members: list[dict], *, on: date | None = None) -> Path:
    """Bảng kê hỗ trợ: one row per support with the ID number and a column to sign or thumbprint."""
    on = on or clock.today()
    members = by_hamlet_and_name(members)

    def story():
        header = ["STT", "Họ và tên chủ hộ", "Mã hộ", "Số CCCD", "Thôn", "Phân loại", "Số tiền (đồng)",
                  "Hiện vật", "Ký nhận / điểm chỉ"]
        rows = [[Paragraph(h, _HEAD) for h in header]]
        total = 0
        for i, m in enumerate(members, start=1):
            total += m["support_amount"]
            rows.append([
                Paragraph(str(i), _CELL), Paragraph(_esc(m["head_name"]), _CELL), Paragraph(m["code"], _CELL),
                Paragraph(m["id_number"] or "", _CELL), Paragraph(_esc(m["hamlet"]), _CELL),
                Paragraph(Category(m["category_at_entry"]).label, _CELL),
                Paragraph(format_vnd(m["support_amount"]), _CELL_RIGHT), Paragraph(_esc(m["in_kind"]), _CELL), ""])
        rows.append(["", Paragraph("<b>Tổng cộng</b>", _CELL), "", "", "", "",
                     Paragraph(f"<b>{format_vnd(total)}</b>", _CELL_RIGHT), "", ""])
        widths = [12 * mm, 46 * mm, 18 * mm, 27 * mm, 28 * mm, 34 * mm, 26 * mm, 39 * mm, 43 * mm]
        # Rows tall enough to sign or press a thumb in.
        heights = [None] + [10 * mm] * len(members) + [None]
        table = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1)
        table.setStyle(_grid_style())
        decision = project.get("decision_number") or "……"
        when = format_date(project["decision_date"]) if project.get("decision_date") else "……"
        return [
            _national_header(settings), Spacer(1, 5 * mm),
            Paragraph("BẢNG KÊ HỖ TRỢ HỘ GIA ĐÌNH", _TITLE),
            Paragraph(f"Dự án: {_esc(project['code'])} — {_esc(project['name'])}", _CENTER),
            Paragraph(f"(Theo Quyết định phê duyệt số {_esc(decision)} ngày {when})", _ITALIC_CENTER),
            Spacer(1, 4 * mm), table, Spacer(1, 3 * mm),
            # The total in words and the signatures stay on one page: a signature alone on a page proves nothing.
            KeepTogether([
                Paragraph(f"Tổng số tiền hỗ trợ bằng chữ: <i>{amount_in_words(total)}</i>.", _BASE),
                Spacer(1, 5 * mm),
                _signatures([("NGƯỜI LẬP BIỂU", settings.get("signer_clerk", "")),
                             ("KẾ TOÁN", settings.get("signer_accountant", "")),
                             ("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
                            f"{settings.get('commune_name', '')}, ngày {on.day:02d} tháng {on.month:02d} "
                            f"năm {on.year}"),
            ]),
        ]

    return _build(path, story, f"Bảng kê hỗ trợ — {project['code']}", landscape(A4))


def public_notice(path: Path, settings: dict, project: dict, members: list[dict], *, posted_from: date,
                  posted_to: date) -> Path:
    """Danh sách công khai: who is supported and by how much; no ID numbers on a public wall."""
    members = by_hamlet_and_name(members)

    def story():
        header = ["STT", "Họ và tên chủ hộ", "Thôn", "Phân loại hộ", "Mức hỗ trợ (đồng)", "Hình thức hỗ trợ"]
        rows = [[Paragraph(h, _HEAD) for h in header]]
        total = 0
        for i, m in enumerate(members, start=1):
            total += m["support_amount"]
            form = "Vốn luân chuyển (vòng {})".format(m["round"]) if m["round"] > 1 else "Ngân sách"
            if m["in_kind"]:
                form += f"; hiện vật: {m['in_kind']}"
            rows.append([Paragraph(str(i), _CELL), Paragraph(_esc(m["head_name"]), _CELL),
                         Paragraph(_esc(m["hamlet"]), _CELL), Paragraph(Category(m["category_at_entry"]).label, _CELL),
                         Paragraph(format_vnd(m["support_amount"]), _CELL_RIGHT), Paragraph(_esc(form), _CELL)])
        rows.append(["", Paragraph("<b>Tổng cộng</b>", _CELL), "", "", Paragraph(f"<b>{format_vnd(total)}</b>",
                                                                              _CELL_RIGHT), ""])
        table = Table(rows, colWidths=[12 * mm, 50 * mm, 30 * mm, 34 * mm, 28 * mm, 32 * mm], repeatRows=1)
        table.setStyle(_grid_style())
        return [
            _national_header(settings), Spacer(1, 5 * mm),
            Paragraph("DANH SÁCH CÔNG KHAI", _TITLE),
            Paragraph("CÁC HỘ ĐƯỢC HỖ TRỢ PHÁT TRIỂN SẢN XUẤT", _TITLE),
            Paragraph(f"Dự án: {_esc(project['code'])} — {_esc(project['name'])}", _CENTER),
            Paragraph(f"Niêm yết tại trụ sở UBND xã và nhà văn hóa các thôn từ ngày {format_date(posted_from)} "
                      f"đến ngày {format_date(posted_to)}. Mọi ý kiến xin gửi về UBND xã trong thời gian niêm yết.",
                      _ITALIC_CENTER),
            Spacer(1, 4 * mm), table, Spacer(1, 6 * mm),
            KeepTogether(_signatures([("CHỦ TỊCH UBND XÃ", settings.get("signer_chairman", ""))],
                        f"{settings.get('commune_name', '')}, ngày {posted_from.day:02d} tháng "
                        f"{posted_from.month:02d} năm {posted_from.year}")),
        ]

    return _build(path, story, f"Danh sách công khai — {project['code']}", A4)


def _grid_style() -> TableStyle:
    return TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.Color(0.97, 0.97, 0.97)]),
    ])
