"""The payment voucher (phiếu chi, after Mẫu C41-BB of TT 107/2017) on an A5 page, or liên 1 and liên 2 on A4.

Drawn with the receipt's own pen, signature blocks and stamps (``receipt_pdf``), so the two documents of the
cash desk look alike. A voided voucher prints crossed "ĐÃ HỦY"; any print after the first is stamped BẢN SAO.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop.money import format_vnd
from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC
from desktop.reports.pdfkit import wrap, write_pdf
from desktop.reports.receipt_pdf import (
    FORM_NOTE,
    GREY,
    PrintMark,
    _date_words,
    _marks,
    _Pen,
    _signatures,
)
from desktop.services.voucher_view import VoucherView

FORM = "Mẫu số C41-BB"
COPY_LABELS = {1: "Liên 1: Lưu tại đơn vị", 2: "Liên 2: Giao người nhận tiền"}


def draw_voucher(canvas: Canvas, view: VoucherView, x: float, y: float, width: float, height: float,
                 mark: PrintMark | None = None) -> None:
    """One voucher inside the box (x, y) – (x + width, y + height), in points."""
    mark = mark or PrintMark()
    margin = 9 * mm
    left, inner = x + margin, width - 2 * margin
    top = y + height - margin
    c = canvas
    head = _Pen(c, left, top, inner * 0.52, size=9.5)
    head.field("Đơn vị", view.unit_name, max_lines=2)
    head.field("Mã QHNS", view.unit_budget_code or "……………", max_lines=1)
    right_x, right_w = left + inner * 0.56, inner * 0.44
    c.setFont(SERIF_BOLD, 9.5)
    c.drawCentredString(right_x + right_w / 2, top - 9.5 * 1.3, FORM)
    c.setFont(SERIF_ITALIC, 7.5)
    for i, line in enumerate(wrap(FORM_NOTE, SERIF_ITALIC, 7.5, right_w)):
        c.drawCentredString(right_x + right_w / 2, top - 9.5 * 1.3 - 9.5 * (i + 1), line)
    title = _Pen(c, left, min(head.y, top - 34) - 4, inner * 0.70)
    title.centered("PHIẾU CHI", SERIF_BOLD, 17)
    title.centered(_date_words(view.issued_on), SERIF_ITALIC, 10)
    if mark.lien:
        title.centered(COPY_LABELS[mark.lien], SERIF_ITALIC, 9, color=GREY)
    box_x = left + inner * 0.72
    for i, (label, value) in enumerate((("Quyển số", view.book), ("Số", str(view.number)), ("Nợ", ""),
                                        ("Có", ""))):
        line_y = title.y + 17 * 1.3 + 10 - 12.5 * (i + 1) + 6
        c.setFont(SERIF_BOLD, 9.5)
        c.drawString(box_x, line_y, f"{label}: ")
        c.setFont(SERIF, 9.5)
        c.drawString(box_x + stringWidth(f"{label}: ", SERIF_BOLD, 9.5), line_y, value or "……")
    body = _Pen(c, left, title.y - 6, inner)
    body.field("Họ và tên người nhận tiền", view.recipient, max_lines=2)
    body.field("Địa chỉ", view.address or "……………", max_lines=2)
    body.field("Nội dung", view.reason, max_lines=3)
    body.field("Số tiền", f"{format_vnd(view.amount)} đồng (loại tiền: VNĐ)", value_font=SERIF_BOLD)
    body.field("(Viết bằng chữ)", view.amount_words, max_lines=3, value_font=SERIF_ITALIC)
    body.field("Kèm theo", "……… chứng từ gốc.", max_lines=1)
    # What the paper form lacks and the clerk needs: the project, the household, the recipient's ID.
    info_top = body.y - 5
    info = _Pen(c, left + 2 * mm, info_top, inner - 4 * mm, size=9)
    if view.project_code:
        info.field("Dự án", f"{view.project_code} — {view.project_name}", max_lines=2)
    if view.household_code:
        info.field("Mã hộ", view.household_code, max_lines=1)
    info.field("Số CCCD người nhận", view.recipient_id_number or "……………………", max_lines=1)
    info_bottom = info.y - 4
    c.setStrokeColor(GREY)
    c.setLineWidth(0.5)
    c.rect(left, info_bottom, inner, info_top - info_bottom, stroke=1, fill=0)
    c.setStrokeColor(black)
    sign = _Pen(c, left, info_bottom - 4, inner, size=10)
    c.setFont(SERIF_ITALIC, 9.5)
    c.drawRightString(left + inner, sign.y - 10, _date_words(view.issued_on))
    sign.y -= 12
    _signatures(sign, [("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, họ tên, đóng dấu)", view.chairman),
                       ("KẾ TOÁN TRƯỞNG", "(Ký, họ tên)", view.accountant),
                       ("NGƯỜI LẬP", "(Ký, họ tên)", view.clerk)], gap=14 * mm)
    got = _Pen(c, left, sign.y, inner, size=9.5)
    got.field("Đã nhận đủ số tiền (viết bằng chữ)", view.amount_words, max_lines=2, value_font=SERIF_ITALIC)
    got.y -= 2
    _signatures(got, [("THỦ QUỸ", "(Ký, họ tên)", view.cashier),
                      ("NGƯỜI NHẬN TIỀN", "(Ký, họ tên)", view.recipient)], gap=13 * mm)
    _marks(c, view, mark, x, y, width, height)  # the receipt's stamps read only voided / voided_on / void_reason


def write_voucher(path: Path, view: VoucherView, *, copy: bool, two_up: bool = False) -> Path:
    def draw(canvas: Canvas) -> None:
        if two_up:
            page_w, page_h = landscape(A4)
            for lien in (1, 2):
                draw_voucher(canvas, view, (lien - 1) * page_w / 2, 0, page_w / 2, page_h,
                             PrintMark(copy=copy, lien=lien))
            canvas.saveState()
            canvas.setDash(4, 3)
            canvas.setStrokeColor(GREY)
            canvas.line(page_w / 2, 8 * mm, page_w / 2, page_h - 8 * mm)
            canvas.restoreState()
        else:
            draw_voucher(canvas, view, 0, 0, *A5, PrintMark(copy=copy))
        canvas.showPage()

    return write_pdf(path, draw, title=f"Phiếu chi quyển {view.book} số {view.number}/{view.year}",
                     pagesize=landscape(A4) if two_up else A5)
