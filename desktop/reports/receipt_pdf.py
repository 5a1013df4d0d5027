"""The cash receipt (phiếu thu, after Mẫu C40-BB) on an A5 page, or two copies (liên 1, liên 2) on A4.

Besides the form's own lines it shows what a clerk needs at the counter: the household code, the
project, what is still owed after this payment and the next due date, and a QR code the upper level
can check against the data it imported. A voided receipt prints crossed "ĐÃ HỦY"; any print after the
first is stamped "BẢN SAO".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.dates import format_date
from desktop.money import format_vnd
from desktop.receipt_view import ReceiptView
from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC
from desktop.reports.pdfkit import text_width, wrap, write_pdf
from desktop.reports.textrun import CanvasText, TextRun

RED = Color(0.78, 0.05, 0.05)
GREY = Color(0.45, 0.45, 0.45)
FORM_NOTE = "(Ban hành kèm theo Thông tư số 107/2017/TT-BTC ngày 10/10/2017 của Bộ Tài chính)"
_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp draws a dark module as 0, a light one as 255
COPY_LABELS = {1: "Liên 1: Lưu tại đơn vị", 2: "Liên 2: Giao người nộp tiền"}


@dataclass(frozen=True)
class PrintMark:
    """How this print is marked: a copy after the first print, and which liên it is (0 = none)."""

    copy: bool = False
    lien: int = 0


def _date_words(value) -> str:
    return f"Ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"


class _Pen:
    """Draws lines of text downwards from a top edge inside a column: on the canvas string by string, or into
    a ``TextRun`` (a batch of receipts) that writes them as one text object."""

    def __init__(self, canvas: Canvas | TextRun, x: float, top: float, width: float, size: float = 10.5):
        self.t = canvas if isinstance(canvas, TextRun) else CanvasText(canvas)
        self.c = self.t.canvas
        self.x, self.y, self.width, self.size = x, top, width, size
        self.leading = size * 1.32

    def field(self, label: str, value: str, *, max_lines: int = 3, value_font: str = SERIF) -> None:
        """A bold label and its value on the same line, the value wrapping under it."""
        label = f"{label}: "
        label_width = text_width(label, SERIF_BOLD, self.size)
        lines = wrap(value, value_font, self.size, self.width, self.width - label_width, max_lines=max_lines)
        self.y -= self.leading
        self.t.font(SERIF_BOLD, self.size)
        self.t.left(self.x, self.y, label)
        self.t.font(value_font, self.size)
        self.t.left(self.x + label_width, self.y, lines[0])
        for line in lines[1:]:
            self.y -= self.leading
            self.t.left(self.x, self.y, line)

    def centered(self, text: str, font: str, size: float, *, color=black) -> None:
        self.y -= size * 1.3
        if color != black or isinstance(self.t, CanvasText):  # coloured text (the liên label) on its own
            self.t.flush()
            c = self.c
            c.setFillColor(color)
            c.setFont(font, size)
            c.drawCentredString(self.x + self.width / 2, self.y, text)
            c.setFillColor(black)
            return
        self.t.font(font, size)
        self.t.centred(self.x + self.width / 2, self.y, text)


def _signatures(pen: _Pen, columns: Sequence[tuple[str, str, str]], gap: float) -> None:
    """Titles, the "(Ký, họ tên)" hint, room to sign, then the printed name, in equal columns."""
    t, size = pen.t, pen.size - 1
    col = pen.width / len(columns)
    top = pen.y
    for i, (title, hint, name) in enumerate(columns):
        centre = pen.x + col * (i + 0.5)
        t.font(SERIF_BOLD, size)
        for j, line in enumerate(wrap(title, SERIF_BOLD, size, col - 2 * mm)):
            t.centred(centre, top - size * 1.25 * (j + 1), line)
        t.font(SERIF_ITALIC, size - 1.5)
        t.centred(centre, top - size * 1.25 * 2 - 2, hint)
        if name:
            t.font(SERIF_BOLD, size)
            for j, line in enumerate(wrap(name, SERIF_BOLD, size, col - 2 * mm, max_lines=2)):
                t.centred(centre, top - size * 2.6 - gap - size * 1.2 * j, line)
    pen.y = top - size * 2.6 - gap - size * 2.4


def _qr(canvas: Canvas, payload: str, x: float, y: float, side: float) -> None:
    """The QR code (error correction M) as one vector path, a rectangle per run of dark modules in a row.

    zxing-cpp encodes it, in C++: a pure-Python encoder took most of a batch print's time (segno 1.3 ms a code
    even with a fixed mask, zxing-cpp 0.2 ms with the standard's own choice of mask).

    The path is written in module units under one transformation: its rectangles have whole-number
    coordinates, so writing them costs a string join instead of reportlab formatting four floats per
    rectangle (a thousand receipts drew 300 000 of them)."""
    rows, count = qr_rows(payload)
    quiet = 2  # modules of white border; the printed box around it adds more
    module = side / (count + 2 * quiet)
    # Each row is bytes, a byte per module: a regular expression finds its dark runs in C, not cell by cell.
    runs = [f"{run.start()} {count - row - 1} {run.end() - run.start()} 1 re"
            for row, cells in enumerate(rows) for run in _DARK_RUN.finditer(cells)]
    canvas.saveState()
    canvas.transform(module, 0, 0, module, x + quiet * module, y + quiet * module)
    canvas._code.append("\n".join(runs) + "\nf")  # noqa: SLF001 — reportlab's own page stream
    canvas.restoreState()


def qr_rows(payload: str) -> tuple[list[bytes], int]:
    """The QR code's modules, a row of bytes each (0 dark, 255 light), top row first, and the side in modules."""
    image = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False)
    count = image.shape[0]
    pixels = memoryview(image).tobytes()
    return [pixels[i * count:(i + 1) * count] for i in range(count)], count


def draw_receipt(canvas: Canvas, view: ReceiptView, x: float, y: float, width: float, height: float,
                 mark: PrintMark = PrintMark(), text: TextRun | None = None) -> None:
    """One receipt inside the box (x, y) – (x + width, y + height), in points. A batch passes one ``text`` run
    for the whole document, so each label is encoded once."""
    margin = 9 * mm
    left, inner = x + margin, width - 2 * margin
    top = y + height - margin
    c = canvas
    t = text or TextRun(canvas)
    # Header: the unit on the left, the form number on the right.
    head = _Pen(t, left, top, inner * 0.52, size=9.5)
    head.field("Đơn vị", view.unit_name, max_lines=2)
    head.field("Mã QHNS", view.unit_budget_code or "……………", max_lines=1)
    right_x, right_w = left + inner * 0.56, inner * 0.44
    t.font(SERIF_BOLD, 9.5)
    t.centred(right_x + right_w / 2, top - 9.5 * 1.3, "Mẫu số C40-BB")
    t.font(SERIF_ITALIC, 7.5)
    for i, line in enumerate(wrap(FORM_NOTE, SERIF_ITALIC, 7.5, right_w)):
        t.centred(right_x + right_w / 2, top - 9.5 * 1.3 - 9.5 * (i + 1), line)
    # Title, date and the book/number/accounts box.
    title = _Pen(t, left, min(head.y, top - 34) - 4, inner * 0.70)
    title.centered("PHIẾU THU", SERIF_BOLD, 17)
    title.centered(_date_words(view.issued_on), SERIF_ITALIC, 10)
    if mark.lien:
        title.centered(COPY_LABELS[mark.lien], SERIF_ITALIC, 9, color=GREY)
    box_x = left + inner * 0.72
    for i, (label, value) in enumerate((("Quyển số", view.book), ("Số", str(view.number)),
                                        ("Nợ", view.debit_account), ("Có", view.credit_account))):
        line_y = title.y + 17 * 1.3 + 10 - 12.5 * (i + 1) + 6
        t.font(SERIF_BOLD, 9.5)
        t.left(box_x, line_y, f"{label}: ")
        t.font(SERIF, 9.5)
        t.left(box_x + text_width(f"{label}: ", SERIF_BOLD, 9.5), line_y, value or "……")
    # The form's body.
    body = _Pen(t, left, title.y - 6, inner)
    body.field("Họ và tên người nộp tiền", view.payer, max_lines=2)
    body.field("Địa chỉ", view.address, max_lines=2)
    body.field(view.reason_label, view.reason, max_lines=3)
    body.field("Số tiền", f"{format_vnd(view.amount)} đồng (loại tiền: VNĐ)", value_font=SERIF_BOLD)
    body.field("(Viết bằng chữ)", view.amount_words, max_lines=3, value_font=SERIF_ITALIC)
    body.field("Kèm theo", f"{view.attachments or '………'} chứng từ gốc.", max_lines=1)
    # What the paper form lacks and the clerk needs, with the QR code beside it.
    qr_side = 22 * mm
    info_top = body.y - 5
    info = _Pen(t, left + 2 * mm, info_top, inner - qr_side - 6 * mm, size=9)
    info.field("Mã hộ", f"{view.household_code} — {view.household_head}", max_lines=1)
    info.field("Dự án", f"{view.project_code} — {view.project_name}", max_lines=2)
    info.field("Còn phải trả sau phiếu này", f"{format_vnd(view.outstanding_after)} đ", max_lines=1)
    due = (f"{format_date(view.next_due_on)} ({format_vnd(view.next_due_amount)} đ)" if view.next_due_on
           else "đã trả hết")
    info.field("Kỳ trả tiếp theo", due, max_lines=1)
    if view.kept_now:  # an old commune's receipt, reprinted from the merged books
        info.field("Nay lưu ở", view.kept_now, max_lines=2)
    info_bottom = min(info.y - 4, info_top - qr_side - 4)
    t.flush()
    c.setStrokeColor(GREY)
    c.setLineWidth(0.5)
    c.rect(left, info_bottom, inner, info_top - info_bottom, stroke=1, fill=0)
    _qr(c, view.qr_payload, left + inner - qr_side - 1 * mm, info_bottom + (info_top - info_bottom - qr_side) / 2,
        qr_side)
    c.setStrokeColor(black)
    # First signature block, dated.
    sign = _Pen(t, left, info_bottom - 4, inner, size=10)
    t.font(SERIF_ITALIC, 9.5)
    t.right(left + inner, sign.y - 10, _date_words(view.issued_on))
    sign.y -= 12
    _signatures(sign, [("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, họ tên, đóng dấu)", view.chairman),
                       ("KẾ TOÁN TRƯỞNG", "(Ký, họ tên)", view.accountant),
                       ("NGƯỜI LẬP", "(Ký, họ tên)", view.clerk)], gap=15 * mm)
    # The received line and the second block.
    got = _Pen(t, left, sign.y, inner, size=9.5)
    got.field("Đã nhận đủ số tiền", f"Bằng số: {format_vnd(view.amount)} đồng", max_lines=1)
    got.field("Bằng chữ", view.amount_words, max_lines=2, value_font=SERIF_ITALIC)
    got.y -= 2
    _signatures(got, [("NGƯỜI NỘP", "(Ký, họ tên)", view.payer), ("THỦ QUỸ", "(Ký, họ tên)", view.cashier)],
                gap=13 * mm)
    t.flush()
    _marks(c, view, mark, x, y, width, height)


def _marks(c: Canvas, view: ReceiptView, mark: PrintMark, x: float, y: float, width: float, height: float) -> None:
    if mark.copy:
        # Left of the title, where the form has nothing: a reprint must be recognisable at a glance.
        c.saveState()
        c.setStrokeColor(RED)
        c.setFillColor(RED)
        c.setLineWidth(1.2)
        box_x, box_y = x + 9 * mm, y + height - 34 * mm
        c.roundRect(box_x, box_y, 24 * mm, 8 * mm, 2 * mm)
        c.setFont(SERIF_BOLD, 12)
        c.drawCentredString(box_x + 12 * mm, box_y + 2.5 * mm, "BẢN SAO")
        c.restoreState()
    if view.voided:
        c.saveState()
        c.setFillColor(Color(0.78, 0.05, 0.05, alpha=0.55))
        c.translate(x + width / 2, y + height / 2)
        c.rotate(35)
        c.setFont(SERIF_BOLD, 58)
        c.drawCentredString(0, -20, "ĐÃ HỦY")
        c.restoreState()
        c.saveState()
        c.setFillColor(RED)
        c.setFont(SERIF_BOLD_ITALIC, 9.5)
        since = f"Hủy từ ngày {view.voided_on:%d/%m/%Y}" if view.voided_on else "Đã hủy"
        lines = wrap(f"ĐÃ HỦY — {since} — lý do: {view.void_reason}", SERIF_BOLD_ITALIC, 9.5, width - 18 * mm,
                     max_lines=2)
        for i, line in enumerate(lines):
            c.drawString(x + 9 * mm, y + 4 * mm + 11 * (len(lines) - 1 - i), line)
        c.restoreState()


# A receipt alone on an A4 sheet is the A5 layout enlarged by this much (type about 12.5 pt), with a wider
# margin: A4 and A5 have the same proportions, so the form keeps its shape.
A4_SCALE = 1.2


def write_receipts(path: Path, views: Sequence[ReceiptView], copies: dict[int, bool], *,
                   two_up: bool = False, a4: bool = False) -> Path:
    """One receipt per A5 page; with ``a4`` one per A4 page; with ``two_up`` liên 1 and liên 2 side by side
    on each A4 sheet (landscape)."""
    def draw(canvas: Canvas) -> None:
        text = TextRun(canvas)
        for view in views:
            mark_copy = copies.get(view.id, False)
            if two_up:
                page_w, page_h = landscape(A4)
                for lien in (1, 2):
                    draw_receipt(canvas, view, (lien - 1) * page_w / 2, 0, page_w / 2, page_h,
                                 PrintMark(copy=mark_copy, lien=lien), text)
                canvas.saveState()
                canvas.setDash(4, 3)
                canvas.setStrokeColor(GREY)
                canvas.line(page_w / 2, 8 * mm, page_w / 2, page_h - 8 * mm)
                canvas.restoreState()
            elif a4:
                page_w, page_h = A4
                width, height = page_w / A4_SCALE, page_h / A4_SCALE
                canvas.saveState()
                canvas.scale(A4_SCALE, A4_SCALE)
                draw_receipt(canvas, view, 0, 0, width, height, PrintMark(copy=mark_copy), text)
                canvas.restoreState()
            else:
                draw_receipt(canvas, view, 0, 0, *A5, PrintMark(copy=mark_copy), text)
            canvas.showPage()

    first = views[0]
    title = f"Phiếu thu quyển {first.book} số {first.number}/{first.year}" if len(views) == 1 else (
        f"Phiếu thu ({len(views)} phiếu)")
    return write_pdf(path, draw, title=title, pagesize=landscape(A4) if two_up else A4 if a4 else A5)
