"""Giấy báo đến hạn trả vốn: one slip per household, what falls due, when, how much, where and to whom to
pay, with a tear-off part (phần lưu) the office keeps as proof the notice was handed over.

A4 portrait; hamlet by hamlet (each hamlet starts a new page, so the hamlet head gets only their own), several
slips to a page, a slip never split across two pages.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from desktop.dates import format_date
from desktop.money import amount_in_words, format_vnd
from desktop.reports.due_notes import Slip
from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from desktop.reports.pdfkit import write_story
from desktop.wording import level_lower, place_name, unit_name

MARGIN = 10 * mm
WIDTH = A4[0] - 2 * MARGIN

_BASE = ParagraphStyle("ds-base", fontName=SERIF, fontSize=10, leading=12.5)
_SMALL = ParagraphStyle("ds-small", parent=_BASE, fontSize=9, leading=11)
_HEAD = ParagraphStyle("ds-head", parent=_SMALL, fontName=SERIF_BOLD, alignment=TA_CENTER)
_CENTER = ParagraphStyle("ds-c", parent=_SMALL, alignment=TA_CENTER)
_TITLE = ParagraphStyle("ds-t", parent=_BASE, fontName=SERIF_BOLD, fontSize=12.5, leading=15, alignment=TA_CENTER)
_CELL = ParagraphStyle("ds-cell", parent=_SMALL)
_RIGHT = ParagraphStyle("ds-r", parent=_SMALL, alignment=TA_RIGHT)
_TAG = ParagraphStyle("ds-tag", parent=_SMALL, fontName=SERIF_ITALIC, fontSize=8, leading=9.5, alignment=TA_RIGHT)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CutLine(Flowable):
    """A dashed line across the slip with "cắt theo đường này" in its middle."""

    def __init__(self, width: float):
        super().__init__()
        self.width, self.height = width, 5 * mm

    def draw(self) -> None:
        c = self.canv
        label = "cắt theo đường này"
        c.setFont(SERIF_ITALIC, 7.5)
        text_width = c.stringWidth(label, SERIF_ITALIC, 7.5)
        middle = self.height / 2
        c.setDash(3, 2)
        c.setLineWidth(0.6)
        gap = (self.width - text_width) / 2 - 3
        c.line(0, middle, gap, middle)
        c.line(self.width - gap, middle, self.width, middle)
        c.setDash()
        c.drawCentredString(self.width / 2, middle - 2.5, label)


def _status(due_on: date, days: int, as_of: date) -> str:
    if days:
        return f"Quá hạn {days} ngày"
    return "Đến hạn" if due_on <= as_of else "Sắp đến hạn"


def _slip(settings: dict, slip: Slip, as_of: date, made_on: date, tag: str) -> KeepTogether:
    commune = settings.get("commune_name", "")
    unit = unit_name(commune)
    top = Table([[[Paragraph(_esc(unit.upper()), _HEAD), Paragraph("———", _CENTER)],
                  [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _HEAD),
                   Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", _HEAD)]]],
                colWidths=[WIDTH * 0.4, WIDTH * 0.6])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    rows = [[Paragraph(f"<b>{h}</b>", _HEAD) for h in ("STT", "Dự án", "Kỳ", "Hạn trả", "Số tiền phải nộp (đồng)",
                                                          "Tình trạng")]]
    for i, line in enumerate(slip.lines, start=1):
        rows.append([Paragraph(str(i), _CENTER), Paragraph(_esc(f"{line.project} — {line.project_name}"), _CELL),
                     Paragraph(str(line.seq), _CENTER), Paragraph(format_date(line.due_on), _CENTER),
                     Paragraph(format_vnd(line.amount), _RIGHT),
                     Paragraph(_status(line.due_on, line.days_overdue, as_of), _CELL)])
    rows.append(["", Paragraph("<b>Cộng</b>", _CELL), "", "", Paragraph(f"<b>{format_vnd(slip.total)}</b>", _RIGHT),
                 ""])
    table = Table(rows, colWidths=[w * WIDTH for w in (0.06, 0.42, 0.06, 0.13, 0.17, 0.16)])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92))]))
    cashier = settings.get("signer_cashier", "")
    where = (f"Nơi nộp: trụ sở {_esc(unit)}, nộp cho thủ quỹ{' ' + _esc(cashier) if cashier else ''}, "
             "trong giờ hành chính; khi nộp xin mang theo giấy báo này và nhận phiếu thu.")
    earliest = min(line.due_on for line in slip.lines)
    later = slip.owed - slip.total
    place = place_name(commune)
    signer = Table([["", [Paragraph(f"<i>{_esc(place)}, ngày {made_on.day:02d} tháng {made_on.month:02d} năm "
                                    f"{made_on.year}</i>", _CENTER),
                          Paragraph("<b>KẾ TOÁN</b>", _CENTER),
                          Paragraph(f"<b>{_esc(settings.get('signer_accountant', ''))}</b>", _CENTER)]]],
                   colWidths=[WIDTH * 0.55, WIDTH * 0.45])
    signer.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    stub = Table([[Paragraph("<b>PHẦN LƯU</b> (UBND xã giữ)", _SMALL),
                   Paragraph(f"Hộ <b>{_esc(slip.head_name)}</b> ({_esc(slip.household)}), "
                             f"{_esc(level_lower(slip.hamlet))}"
                             f" — giấy báo tính đến ngày {format_date(as_of)}: phải nộp "
                             f"<b>{format_vnd(slip.total)} đồng</b> ({len(slip.lines)} kỳ, hạn sớm nhất "
                             f"{format_date(earliest)}).", _SMALL)],
                  ["", Paragraph("Đã nhận giấy báo ngày ……/……/………… — Người nhận ký, ghi rõ họ tên: "
                                 "……………………………………", _SMALL)]],
                 colWidths=[WIDTH * 0.2, WIDTH * 0.8])
    stub.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    flow = [
        Paragraph(_esc(tag), _TAG), top, Spacer(1, 1.5 * mm),
        Paragraph("GIẤY BÁO ĐẾN HẠN TRẢ VỐN", _TITLE),
        Paragraph(f"<i>(tính đến ngày {format_date(as_of)})</i>", _CENTER), Spacer(1, 1.5 * mm),
        Paragraph(f"Kính gửi: Ông/Bà <b>{_esc(slip.head_name)}</b> — mã hộ {_esc(slip.household)} — "
                  f"{_esc(slip.hamlet)}", _BASE),
        Paragraph(f"{_esc(unit)} thông báo các kỳ hoàn trả vốn hỗ trợ phát triển sản xuất (quỹ vốn luân chuyển) "
                  "của hộ đã quá hạn hoặc sắp đến hạn như sau:", _BASE),
        Spacer(1, 1 * mm), table, Spacer(1, 1 * mm),
        Paragraph(f"Tổng số tiền phải nộp: <b>{format_vnd(slip.total)} đồng</b> "
                  f"(<i>{amount_in_words(slip.total)}</i>)"
                  + (f"; trong đó quá hạn {format_vnd(slip.overdue)} đồng" if slip.overdue else "") + ".", _BASE),
    ]
    if later:
        flow.append(Paragraph(f"Các kỳ sau còn phải trả: {format_vnd(later)} đồng (tổng còn phải trả "
                              f"{format_vnd(slip.owed)} đồng).", _SMALL))
    flow += [Paragraph(where, _BASE), signer, Spacer(1, 1 * mm), CutLine(WIDTH), stub,
             _Rule(WIDTH), Spacer(1, 3 * mm)]
    return KeepTogether(flow)


class _Rule(Flowable):
    """The solid line between two slips on a page."""

    def __init__(self, width: float):
        super().__init__()
        self.width, self.height = width, 1.5 * mm

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.line(0, self.height / 2, self.width, self.height / 2)


def write_due_slips(path: Path, settings: dict, slips: list[Slip], *, as_of: date, made_on: date) -> Path:
    """The slips, hamlet by hamlet (``slips`` already in order); each hamlet starts a new page."""
    register_fonts()
    story: list = []
    by_hamlet: dict[str, list[Slip]] = {}
    for slip in slips:
        by_hamlet.setdefault(slip.hamlet, []).append(slip)
    for number, (hamlet, group) in enumerate(by_hamlet.items()):
        if number:
            story.append(PageBreak())
        for i, slip in enumerate(group, start=1):
            story.append(_slip(settings, slip, as_of, made_on, f"{hamlet} — giấy {i}/{len(group)}"))
    return write_story(path, story, title=f"Giấy báo đến hạn trả vốn — {format_date(as_of)}", pagesize=A4,
                       margin=MARGIN)
