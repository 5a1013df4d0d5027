"""The formal report (``formal.FormalDoc``) as one XLSX sheet that prints like the PDF: A4 landscape, fitted
to one page wide (any number of pages down), the blocks in the template's order and "Nơi nhận" with the
signatures after the last table, never beside or above it.

The sheet has a fixed grid — STT, the wide name column, then ``FIGURES`` figure columns — and each table is
laid on it: its first two columns on the first two, its other columns spread over the figure columns (a table
with four figures gives each two merged cells). Text spans the whole width with the row heights its lines need.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from desktop.reports.formal import FormalDoc, TableBlock, TextBlock
from desktop.reports.xlsxkit import DATE_FORMAT, FONT, MONEY_FORMAT, _excel_value, _line_count, save_workbook, set_value

FIGURES = 8
WIDTHS = [6, 30] + [13] * FIGURES
COLUMNS = len(WIDTHS)
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILL = PatternFill("solid", fgColor="E8E8E8")


def _font(bold=False, italic=False, size=12, underline=None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline)


class _Sheet:
    def __init__(self, ws):
        self.ws = ws
        self.row = 0

    def put(self, first: int, last: int, value, *, font: Font, align: str = "left", wrap: bool = True,
            box: bool = False, fmt: str | None = None, fill: bool = False, row: int | None = None):
        row = row or self.row
        cell = set_value(self.ws.cell(row=row, column=first), value)
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center" if box else "top", wrap_text=wrap)
        if fmt:
            cell.number_format = fmt
        if box:
            for column in range(first, last + 1):
                self.ws.cell(row=row, column=column).border = _BOX
                if fill:
                    self.ws.cell(row=row, column=column).fill = _FILL
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        return cell

    def text(self, value: str, *, font: Font, align: str = "left", first: int = 1, last: int = COLUMNS,
             indent: bool = False) -> None:
        """A line of text across columns ``first``–``last``, as tall as its wrapped lines."""
        self.row += 1
        width = sum(WIDTHS[first - 1:last]) * 1.1
        lines = _line_count(("      " if indent else "") + value, width)
        self.put(first, last, ("      " if indent else "") + value, font=font, align=align)
        if lines > 1:
            self.ws.row_dimensions[self.row].height = 16.5 * lines

    def blank(self) -> None:
        self.row += 1


def _spans(count: int) -> list[tuple[int, int]]:
    """Sheet columns (first, last) for a table of ``count`` columns: two lead columns, the rest spread."""
    spans = [(1, 1), (2, 2)][:count]
    rest = count - 2
    for j in range(max(rest, 0)):
        first = 3 + round(j * FIGURES / rest)
        last = 2 + round((j + 1) * FIGURES / rest)
        spans.append((first, last))
    return spans


def _table(sheet: _Sheet, block: TableBlock) -> None:
    sheet.text(block.heading, font=_font(bold=True))
    if not block.rows:
        sheet.text(block.empty_text, font=_font(italic=True), indent=True)
        return
    spans = _spans(len(block.columns))
    head = _font(bold=True, size=11)
    grouped = any(g for *_, g in block.columns)
    sheet.row += 1
    if grouped:
        top = sheet.row
        sheet.row += 1
        start = 0
        while start < len(block.columns):
            group, end = block.columns[start][3], start
            while end + 1 < len(block.columns) and group and block.columns[end + 1][3] == group:
                end += 1
            if group:
                sheet.put(spans[start][0], spans[end][1], group, font=head, align="center", box=True, fill=True,
                          row=top)
                for i in range(start, end + 1):
                    sheet.put(*spans[i], block.columns[i][0], font=head, align="center", box=True, fill=True)
            else:
                # An ungrouped column's header spans both header rows.
                first, last = spans[start]
                for row in (top, sheet.row):
                    sheet.put(first, first, None, font=head, box=True, fill=True, row=row)
                    for column in range(first, last + 1):
                        sheet.ws.cell(row=row, column=column).border = _BOX
                        sheet.ws.cell(row=row, column=column).fill = _FILL
                set_value(sheet.ws.cell(row=top, column=first), block.columns[start][0])
                sheet.ws.cell(row=top, column=first).alignment = Alignment(horizontal="center", vertical="center",
                                                                           wrap_text=True)
                sheet.ws.merge_cells(start_row=top, start_column=first, end_row=sheet.row, end_column=last)
            start = end + 1
        sheet.ws.row_dimensions[top].height = 20
    else:
        for (header, *_), span in zip(block.columns, spans, strict=True):
            sheet.put(*span, header, font=head, align="center", box=True, fill=True)
    tall = max(_line_count(h, sum(WIDTHS[a - 1:b])) for (h, *_), (a, b) in zip(block.columns, spans, strict=True))
    sheet.ws.row_dimensions[sheet.row].height = max(20, 15 * tall)
    sheet.row += 1
    for i, span in enumerate(spans, start=1):
        sheet.put(*span, f"({i})", font=_font(italic=True, size=10), align="center", box=True)
    for index, values in enumerate(block.rows):
        sheet.row += 1
        bold = block.total and index == len(block.rows) - 1
        lines = 1
        for (_, _, kind, _), span, value in zip(block.columns, spans, values, strict=True):
            numeric = kind in ("int", "money") and not isinstance(value, str)
            align = {"money": "right", "int": "right", "center": "center", "date": "center"}.get(kind, "left")
            if kind == "wrap" and value:
                lines = max(lines, _line_count(str(value), sum(WIDTHS[span[0] - 1:span[1]])))
            sheet.put(*span, _excel_value(value, kind), font=_font(bold=bold, size=11), align=align, box=True,
                      fmt=MONEY_FORMAT if numeric else DATE_FORMAT if kind == "date" else None,
                      wrap=kind in ("wrap", "text"))
        if lines > 1:
            sheet.ws.row_dimensions[sheet.row].height = 15 * lines


def _heading(sheet: _Sheet, doc: FormalDoc) -> None:
    split = 4  # the unit over A–C, the national header over D–J
    bold, centre = _font(bold=True), "center"
    sheet.row += 1
    sheet.put(1, split - 1, doc.unit, font=bold, align=centre)
    sheet.put(split, COLUMNS, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold, align=centre)
    sheet.row += 1
    sheet.put(1, split - 1, "———", font=_font(), align=centre)
    sheet.put(split, COLUMNS, "Độc lập - Tự do - Hạnh phúc", font=_font(bold=True, underline="single"), align=centre)
    sheet.row += 1
    sheet.put(1, split - 1, doc.number, font=_font(), align=centre)
    sheet.put(split, COLUMNS, doc.place_date, font=_font(italic=True), align=centre)
    sheet.blank()
    sheet.text(doc.title, font=_font(bold=True, size=14), align=centre)
    sheet.text(doc.subject, font=bold, align=centre)
    # Every printed page repeats the title and the subject with its period: a loose page 3 still says which
    # report, of which unit's period, it belongs to.
    sheet.ws.print_title_rows = f"{sheet.row - 1}:{sheet.row}"
    if doc.addressee:
        sheet.blank()
        sheet.text(f"Kính gửi: {doc.addressee}", font=_font(), align=centre)
    sheet.blank()
    for line in doc.bases:
        sheet.text(line, font=_font(italic=line.startswith("Căn cứ")), indent=True)
    if doc.units:
        sheet.text(doc.units, font=_font(italic=True, size=11), align="right")


def _closing(sheet: _Sheet, doc: FormalDoc) -> None:
    """"Nơi nhận" under A–B, the signers over the figure columns."""
    sheet.blank()
    top = sheet.row + 1
    sheet.row = top
    sheet.put(1, 2, "Nơi nhận:", font=_font(bold=True, italic=True, size=11))
    for i, recipient in enumerate(doc.recipients):
        sheet.row += 1
        end = ";" if i < len(doc.recipients) - 1 else "."
        sheet.put(1, 2, f"- {recipient}{end}", font=_font(size=11))
        lines = _line_count(f"- {recipient}{end}", (WIDTHS[0] + WIDTHS[1]) * 1.1)
        if lines > 1:
            sheet.ws.row_dimensions[sheet.row].height = 15 * lines
    bottom = sheet.row
    each = FIGURES // len(doc.signers)
    for i, (over, title, name) in enumerate(doc.signers):
        first = 3 + i * each
        last = COLUMNS if i == len(doc.signers) - 1 else first + each - 1
        lines = [(over, _font(bold=True)), (title, _font(bold=True)),
                 ("(Ký, ghi rõ họ tên, đóng dấu)" if over else "(Ký, ghi rõ họ tên)", _font(italic=True, size=11)),
                 ("", _font()), ("", _font()), ("", _font()), ("", _font()), (name, _font(bold=True))]
        for j, (text, font) in enumerate(lines):
            if text:
                sheet.put(first, last, text, font=font, align="center", row=top + j)
        bottom = max(bottom, top + len(lines) - 1)
    sheet.row = bottom


def write_formal_xlsx(path: Path, doc: FormalDoc) -> Path:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Báo cáo"
    fill_formal_sheet(ws, doc)
    return save_workbook(workbook, path)


def fill_formal_sheet(ws, doc: FormalDoc) -> None:
    """Lay ``doc`` on an empty sheet, with its print setup (a workbook may hold other sheets beside it)."""
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P / &N"
    sheet = _Sheet(ws)
    _heading(sheet, doc)
    for block in doc.blocks:
        if isinstance(block, TextBlock) and not block.heading:  # a note under the block before it
            for paragraph in block.paragraphs:
                sheet.text(paragraph, font=_font(italic=True), indent=True)
            continue
        sheet.blank()
        if isinstance(block, TextBlock):
            sheet.text(block.heading, font=_font(bold=True))
            for paragraph in block.paragraphs:
                sheet.text(paragraph, font=_font(), indent=True)
        else:
            _table(sheet, block)
    _closing(sheet, doc)
    for annex in doc.annexes:
        sheet.blank()
        _table(sheet, annex)
    ws.print_area = f"A1:{get_column_letter(COLUMNS)}{sheet.row}"
