"""Biên bản bàn giao hiện vật: one A4 page per support given in kind, and the list of one delivery day.

The household signs or presses a thumbprint (điểm chỉ) — many heads of household in the programme's
communes do not write — and the witnesses sign beside the supplier and the commune's officer.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop import wording
from desktop.money import amount_in_words, format_vnd
from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC
from desktop.reports.pdfkit import wrap, write_pdf
from desktop.reports.receipt_pdf import RED, _date_words, _Pen, _signatures


def _header(c: Canvas, settings: dict, left: float, top: float, inner: float) -> float:
    commune = settings.get("commune_name", "")
    c.setFont(SERIF_BOLD, 10.5)
    c.drawCentredString(left + inner * 0.22, top - 12, wording.unit_name(commune).upper())
    c.drawCentredString(left + inner * 0.70, top - 12, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.drawCentredString(left + inner * 0.70, top - 26, "Độc lập - Tự do - Hạnh phúc")
    c.line(left + inner * 0.58, top - 29, left + inner * 0.82, top - 29)
    return top - 40


def _draw_one(c: Canvas, r: sqlite3.Row, settings: dict) -> None:
    width, height = A4
    left, inner = 20 * mm, width - 40 * mm
    y = _header(c, settings, left, height - 18 * mm, inner)
    pen = _Pen(c, left, y - 6, inner, size=11)
    pen.centered("BIÊN BẢN BÀN GIAO HIỆN VẬT HỖ TRỢ", SERIF_BOLD, 15)
    pen.centered(f"Dự án: {r['project']} — {r['project_name']}", SERIF_ITALIC, 10.5)
    delivered = date.fromisoformat(r["delivered_on"])
    pen.y -= 8
    place = wording.address(r["hamlet"], settings.get("commune_name", ""))
    pen.field("Hôm nay", f"{_date_words(delivered).lower()}, tại {place}")
    pen.field("Bên giao (đơn vị cung ứng)", r["supplier"] or "……………………………………", max_lines=2)
    pen.field("Bên nhận (hộ được hỗ trợ)", f"{r['receiver']} — mã hộ {r['household']} (chủ hộ {r['head_name']})",
              max_lines=2)
    pen.field("Số CCCD chủ hộ", r["id_number"] or "……………………")
    pen.field("Người chứng kiến", r["witnesses"] or "……………………………………", max_lines=2)
    pen.y -= 6
    pen.field("Nội dung", "Bên giao bàn giao cho bên nhận hiện vật hỗ trợ phát triển sản xuất như sau")
    # The items table.
    cols = [("STT", 12 * mm), ("Tên hiện vật", 62 * mm), ("Đơn vị tính", 22 * mm), ("Số lượng", 20 * mm),
            ("Đơn giá (đ)", 27 * mm), ("Thành tiền (đ)", inner - 143 * mm)]
    row_top = pen.y - 8
    cells = [["1", r["item"], r["unit"] or "", str(r["quantity"]), format_vnd(r["unit_price"]),
              format_vnd(r["value"])], ["", "Cộng", "", "", "", format_vnd(r["value"])]]
    heights = [18, 22, 18]
    x_edges = [left]
    for _, w in cols:
        x_edges.append(x_edges[-1] + w)
    y_edge = row_top
    for i, line in enumerate([[h for h, _ in cols]] + cells):
        bottom = y_edge - heights[i]
        c.rect(left, bottom, inner, heights[i])
        for j, text in enumerate(line):
            c.line(x_edges[j], bottom, x_edges[j], y_edge)
            font = SERIF_BOLD if i != 1 else SERIF
            c.setFont(font, 10)
            shown = wrap(text, font, 10, cols[j][1] - 4, max_lines=1)[0] if text else ""
            if j >= 3 and i > 0:
                c.drawRightString(x_edges[j + 1] - 3, bottom + 6, shown)
            else:
                c.drawCentredString((x_edges[j] + x_edges[j + 1]) / 2, bottom + 6, shown)
        y_edge = bottom
    pen.y = y_edge - 4
    words = amount_in_words(r["value"])
    pen.field("Tổng giá trị (viết bằng chữ)", words, max_lines=2, value_font=SERIF_ITALIC)
    pen.field("Tình trạng hiện vật khi giao", "……………………………………………………………………", max_lines=1)
    pen.y -= 4
    c.setFont(SERIF_ITALIC, 10)
    for line in wrap("Bên nhận đã nhận đủ hiện vật nêu trên, đúng chủng loại, số lượng và chất lượng; cam kết sử "
                     "dụng đúng mục đích và hoàn trả vốn theo quy định của dự án. Biên bản lập thành 03 bản, mỗi bên "
                     "giữ 01 bản, 01 bản lưu hồ sơ dự án.", SERIF_ITALIC, 10, inner):
        pen.y -= 13
        c.drawString(left, pen.y, line)
    pen.y -= 14
    _signatures(pen, [("BÊN GIAO", "(Ký, họ tên)", ""),
                      ("HỘ NHẬN", "(Ký hoặc điểm chỉ, ghi rõ họ tên)", r["receiver"]),
                      ("NGƯỜI CHỨNG KIẾN", "(Ký, họ tên)", ""),
                      ("CÁN BỘ XÃ", "(Ký, họ tên)", settings.get("signer_clerk", ""))], gap=22 * mm)
    # Room for the thumbprint, under the household's column.
    col = inner / 4
    c.setDash(2, 2)
    c.rect(left + col * 1.5 - 11 * mm, pen.y - 24 * mm, 22 * mm, 22 * mm)
    c.setDash()
    c.setFont(SERIF_ITALIC, 8)
    c.drawCentredString(left + col * 1.5, pen.y - 27 * mm, "Điểm chỉ (nếu không ký được)")
    if r["voided_on"]:
        c.saveState()
        c.setFillColor(RED)
        c.setFont(SERIF_BOLD, 11)
        c.drawString(left, 12 * mm, f"KHOẢN HỖ TRỢ ĐÃ HỦY từ ngày {date.fromisoformat(r['voided_on']):%d/%m/%Y}: "
                                    f"{r['void_reason']}")
        c.restoreState()


def write_handovers(path: Path, rows: list[sqlite3.Row], settings: dict) -> Path:
    def draw(canvas: Canvas) -> None:
        for r in rows:
            _draw_one(canvas, r, settings)
            canvas.showPage()

    return write_pdf(path, draw, title="Biên bản bàn giao hiện vật", pagesize=A4)


def write_handover_list(path: Path, rows: list[sqlite3.Row], settings: dict, day: date) -> Path:
    """Everything handed over on one delivery day, a line per household with room to sign or press a thumb."""
    width, height = landscape(A4)
    left, inner = 15 * mm, width - 30 * mm
    cols = [("STT", 10), ("Mã hộ", 18), ("Họ tên người nhận", 40), ("Thôn", 28), ("Dự án", 20),
            ("Hiện vật", 44), ("ĐVT", 13), ("SL", 10), ("Đơn giá", 24), ("Thành tiền", 26)]
    fixed = sum(w for _, w in cols) * mm
    cols.append(("Ký nhận / điểm chỉ", (inner - fixed) / mm))

    def draw(c: Canvas) -> None:
        y = _header(c, settings, left, height - 12 * mm, inner)
        page_top = y

        def head(y: float) -> float:
            x = left
            c.setFont(SERIF_BOLD, 9)
            for title, w in cols:
                c.rect(x, y - 16, w * mm, 16)
                c.drawCentredString(x + w * mm / 2, y - 11, title)
                x += w * mm
            return y - 16

        pen = _Pen(c, left, y, inner, size=11)
        pen.centered(f"DANH SÁCH BÀN GIAO HIỆN VẬT NGÀY {day:%d/%m/%Y}", SERIF_BOLD, 14)
        y = head(pen.y - 10)
        total = 0
        for n, r in enumerate(rows, start=1):
            if y < 40 * mm:
                c.showPage()
                y = head(page_top)
            values = [str(n), r["household"], r["receiver"], r["hamlet"], r["project"], r["item"], r["unit"],
                      str(r["quantity"]), format_vnd(r["unit_price"]), format_vnd(r["value"]), ""]
            x = left
            c.setFont(SERIF, 9)
            for (_, w), text in zip(cols, values, strict=True):
                c.rect(x, y - 24, w * mm, 24)
                shown = wrap(text, SERIF, 9, w * mm - 4, max_lines=1)[0] if text else ""
                if text and text[0].isdigit() and w in (10, 24, 26):
                    c.drawRightString(x + w * mm - 2, y - 15, shown)
                else:
                    c.drawString(x + 2, y - 15, shown)
                x += w * mm
            total += r["value"]
            y -= 24
        c.setFont(SERIF_BOLD, 10)
        c.drawString(left, y - 16, f"Cộng: {len(rows)} hộ, tổng giá trị {format_vnd(total)} đồng "
                                   f"({amount_in_words(total)}).")
        sign = _Pen(c, left, y - 24, inner, size=10)
        _signatures(sign, [("ĐƠN VỊ CUNG ỨNG", "(Ký, họ tên)", ""), ("NGƯỜI CHỨNG KIẾN", "(Ký, họ tên)", ""),
                           ("CÁN BỘ XÃ", "(Ký, họ tên)", settings.get("signer_clerk", ""))], gap=14 * mm)
        c.showPage()

    return write_pdf(path, draw, title=f"Danh sách bàn giao hiện vật ngày {day:%d/%m/%Y}",
                     pagesize=landscape(A4))
