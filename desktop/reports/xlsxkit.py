"""What every XLSX report shares: a streamed (write-only) sheet with the administrative heading, a frozen
header, real number and date formats, column widths, totals, signatures and A4 landscape print setup.

Money is written as numbers with the format ``#,##0``: Excel and LibreOffice draw the thousands separator
of the machine's locale, so a Vietnamese Windows shows 7.000.000 while the cell stays a number that sums.
Totals are written as values computed from the same rows, so any reader (formula engine or not) sees them.
Workbooks are write-only: rows go to disk as they come and a 100 000-row register needs little memory.

The program writes no formulas, and none can come from data: every value reaches a cell through ``set_value``
(``ReportSheet`` and ``append_row`` use it), which stores a text as text whatever it starts with, and
``save_workbook`` turns any formula left in an ordinary workbook back into its text. A household named
``=HYPERLINK(…)`` stays a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from desktop.reports.pdfkit import write_atomic
from desktop.wording import place_name

MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
FONT = "Times New Roman"

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E8E8E8")


def _style(name: str, *, bold: bool = False, italic: bool = False, size: float = 11, fmt: str = "General",
           horizontal: str | None = None, wrap: bool = False, border: bool = False, fill: bool = False) -> NamedStyle:
    style = NamedStyle(name=name)
    style.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    style.number_format = fmt
    style.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
    if border:
        style.border = _BOX
    if fill:
        style.fill = _HEAD_FILL
    return style


# Named styles: a cell refers to one by name, so 100 000 rows share a handful of style records.
STYLES = {
    "vx-unit": _style("vx-unit", bold=True, horizontal="center"),
    "vx-motto": _style("vx-motto", bold=True, horizontal="center"),
    "vx-title": _style("vx-title", bold=True, size=14, horizontal="center"),
    "vx-subtitle": _style("vx-subtitle", italic=True, horizontal="center"),
    "vx-head": _style("vx-head", bold=True, horizontal="center", wrap=True, border=True, fill=True),
    "vx-text": _style("vx-text", border=True),
    "vx-wrap": _style("vx-wrap", border=True, wrap=True),
    "vx-center": _style("vx-center", border=True, horizontal="center"),
    "vx-int": _style("vx-int", border=True, fmt=MONEY_FORMAT),
    "vx-money": _style("vx-money", border=True, fmt=MONEY_FORMAT),
    "vx-date": _style("vx-date", border=True, fmt=DATE_FORMAT, horizontal="center"),
    "vx-total-text": _style("vx-total-text", bold=True, border=True),
    "vx-total": _style("vx-total", bold=True, border=True, fmt=MONEY_FORMAT),
    "vx-sign": _style("vx-sign", bold=True, horizontal="center"),
    "vx-sign-note": _style("vx-sign-note", italic=True, horizontal="center"),
    "vx-note": _style("vx-note", italic=True),
}
_KIND_STYLE = {"text": "vx-text", "wrap": "vx-wrap", "center": "vx-center", "int": "vx-int", "money": "vx-money",
               "date": "vx-date"}


def set_value(cell: Cell, value) -> Cell:
    """Put ``value`` in ``cell``; a text is stored as exactly that text.

    openpyxl takes any str starting with "=" for a formula and "#N/A", "#REF!" and the like for error values,
    and a spreadsheet program evaluates them when the file is opened: a name, a hamlet or a reason typed as
    ``=HYPERLINK("http://…","…")`` would become a live link. Marking the cell as a string keeps every
    character, with no apostrophe added. Characters XML cannot carry (control characters, which no keyboard
    types but a package may hold) are shown as U+FFFD rather than making the whole export fail.
    """
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def append_row(sheet, values: Sequence) -> None:
    """``sheet.append(values)`` for an ordinary (not write-only) sheet, each value put by ``set_value``."""
    sheet.append([set_value(Cell(sheet), value) for value in values])  # append gives each its row and column


# Characters a sheet's name may not hold (openpyxl refuses them; Excel too).
_NOT_IN_SHEET_NAME = re.compile(r"[\\*?:/\[\]]")


def sheet_name(text: str) -> str:
    """A valid sheet name made from ``text`` (a project code may hold "/"): at most 31 characters."""
    return _NOT_IN_SHEET_NAME.sub("-", text)[:31].strip("'") or "Sheet"


@dataclass(frozen=True)
class Column:
    """One column: its header, width in characters, and kind (text, wrap, center, int, money, date)."""

    header: str
    width: float
    kind: str = "text"
    group: str = ""  # a second, upper header row spanning consecutive columns of the same group

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "money")


def new_workbook() -> Workbook:
    workbook = Workbook(write_only=True)
    for style in STYLES.values():
        workbook.add_named_style(style)
    return workbook


class ReportSheet:
    """A sheet laid out like a Vietnamese administrative table: heading, title, header, rows, totals."""

    def __init__(self, workbook: Workbook, name: str, columns: Sequence[Column], *, unit: str, title: str,
                 subtitles: Sequence[str] = (), freeze_columns: int = 0, repeat_columns: int = 0,
                 page_breaks: Sequence[int] = (), heading_columns: int = 0, row_height: float | None = None):
        self.ws = workbook.create_sheet(sheet_name(name))
        self.columns = list(columns)
        self.width = len(self.columns)
        self.rows_written = 0
        self.first_data_row = 0
        self.row_height = row_height
        self._templates: dict[str, WriteOnlyCell] = {}
        ws = self.ws
        for index, column in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        # A4 landscape; the header rows (and the first columns) repeat on every page. A narrow table is
        # fitted to one page wide; a wide one breaks between column groups at a scale that fits the widest part
        # (spreadsheet programs ignore manual breaks when fitting to a page).
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4 in the SpreadsheetML paper list
        if page_breaks:
            for after in page_breaks:
                ws.col_breaks.append(Break(id=after + 1))
            ws.page_setup.scale = _scale_for(self.columns, page_breaks, repeat_columns)
        else:
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.center.text = "Trang &P / &N"

        # Everything the sheet's XML carries before its rows (frozen panes, row heights) must be set before
        # the first row is streamed, so the header's position is worked out first.
        grouped = any(c.group for c in self.columns)
        header_top = 4 + len(subtitles) + 2
        header_bottom = header_top + int(grouped)
        ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_bottom + 1}"
        tall = any(len(c.header) > c.width for c in self.columns)
        ws.row_dimensions[header_bottom].height = 48 if tall else 30
        ws.print_title_rows = f"{header_top}:{header_bottom}"
        if repeat_columns:
            ws.print_title_cols = f"A:{get_column_letter(repeat_columns)}"
        self.first_data_row = header_bottom + 1

        # The heading spans the first printed page (a wide report's title must not land between pages).
        # Text around the table starts after the repeated columns, which would show a clipped piece of it on
        # every later page.
        span = heading_columns or (page_breaks[0] + 1 if page_breaks else self.width)
        self.first = first = repeat_columns + 1 if page_breaks else 1
        self.heading_columns = span
        split = first + max(1, (span - first + 1) * 2 // 5)
        self._line([(first, unit.upper(), "vx-unit", split - first),
                    (split, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "vx-motto", span - split + 1)])
        self._line([(split, "Độc lập - Tự do - Hạnh phúc", "vx-motto", span - split + 1)])
        self._line([])
        self._line([(first, title, "vx-title", span - first + 1)])
        for subtitle in subtitles:
            self._line([(first, subtitle, "vx-subtitle", span - first + 1)])
        self._line([])
        if grouped:
            self._group_header()
        self._append([self._cell(c.header if c.group or not grouped else None, "vx-head") for c in self.columns])
        assert self.rows_written == header_bottom

    def _cell(self, value, style: str) -> WriteOnlyCell:
        cell = set_value(WriteOnlyCell(self.ws), value)
        # Copying a styled template's style record is several times faster than assigning the named style
        # by name, which counts on a 100 000-row register.
        template = self._templates.get(style)
        if template is None:
            template = self._templates[style] = WriteOnlyCell(self.ws)
            template.style = style
        cell._style = copy(template._style)
        return cell

    def _merge(self, first_column: int, first_row: int, last_column: int, last_row: int) -> None:
        self.ws.merged_cells.add(f"{get_column_letter(first_column)}{first_row}:"
                                 f"{get_column_letter(last_column)}{last_row}")

    def _append(self, cells: list) -> None:
        self.ws.append(cells)
        self.rows_written += 1

    def _line(self, pieces: list[tuple[int, str, str, int]]) -> None:
        """One heading line: (column, text, style, span) pieces, each merged over its span."""
        cells: list = [None] * self.width
        row = self.rows_written + 1
        for column, text, style, span in pieces:
            cells[column - 1] = self._cell(text, style)
            if span > 1:
                self._merge(column, row, column + span - 1, row)
        self._append(cells)

    def _group_header(self) -> None:
        row = self.rows_written + 1
        cells = []
        start = 0
        while start < self.width:
            group = self.columns[start].group
            end = start
            while end + 1 < self.width and group and self.columns[end + 1].group == group:
                end += 1
            for i in range(start, end + 1):
                # An ungrouped column's header spans both rows, so its text sits in the upper (anchor) cell.
                text = (group if i == start else None) if group else self.columns[i].header
                cells.append(self._cell(text, "vx-head"))
            if end > start:
                self._merge(start + 1, row, end + 1, row)
            elif not group:
                self._merge(start + 1, row, start + 1, row + 1)
            start = end + 1
        self._append(cells)

    def row(self, values: Sequence) -> None:
        """A data row; each value styled by its column's kind. None leaves a bordered blank cell. Rows with
        long text in a wrapping column get the height of its lines (spreadsheet programs do not all size
        rows themselves when opening a file)."""
        lines = max((_line_count(str(v), c.width) for c, v in zip(self.columns, values, strict=True)
                     if c.kind == "wrap" and v), default=1)
        height = max(15 * lines if lines > 1 else 0, self.row_height or 0)
        if height:
            self.ws.row_dimensions[self.rows_written + 1].height = height
        self._append([self._cell(_excel_value(v, c.kind), _KIND_STYLE[c.kind])
                      for c, v in zip(self.columns, values, strict=True)])

    def total_row(self, values: Sequence) -> None:
        """A bold totals row: numbers in numeric columns, the label (a string) wherever it is given."""
        self._append([self._cell(v, "vx-total" if c.numeric and not isinstance(v, str) else "vx-total-text")
                      for c, v in zip(self.columns, values, strict=True)])

    def section(self, text: str) -> None:
        """A bold row across the table naming the group of rows that follows (a hamlet, a year)."""
        cells = [self._cell(text if i == 0 else None, "vx-total-text") for i in range(self.width)]
        self._merge(1, self.rows_written + 1, self.width, self.rows_written + 1)
        self._append(cells)

    def side_table(self, title: str, columns: Sequence[Column], rows: Sequence[Sequence]) -> None:
        """A small table under the main one, in its first columns: a bold title, a header row, the rows."""
        self._line([])
        self._line([(self.first, title, "vx-total-text", max(1, len(columns)))])
        cells: list = [None] * self.width
        for i, column in enumerate(columns):
            cells[self.first - 1 + i] = self._cell(column.header, "vx-head")
        self._append(cells)
        for values in rows:
            cells = [None] * self.width
            for i, (column, value) in enumerate(zip(columns, values, strict=True)):
                cells[self.first - 1 + i] = self._cell(_excel_value(value, column.kind), _KIND_STYLE[column.kind])
            self._append(cells)

    def note(self, text: str) -> None:
        self._line([(self.first, text, "vx-note", self.heading_columns - self.first + 1)])

    def signatures(self, place_date: str, signers: Sequence[tuple[str, str]], *, columns: int = 0) -> None:
        """Place and date on the right, then the signing titles, "(Ký, họ tên)", room, and names, spread
        over the first ``columns`` columns (default: all; a wide report keeps them on its first page)."""
        self._line([])
        end = columns or self.heading_columns
        total = end - self.first + 1
        span = max(1, total // len(signers))
        last = self.first + (len(signers) - 1) * span
        self._line([(last, place_date, "vx-sign-note", end - last + 1)])

        def line(texts: list[str], style: str) -> None:
            pieces = []
            for i, text in enumerate(texts):
                start = self.first + i * span
                width = span if i < len(texts) - 1 else end - start + 1
                pieces.append((start, text, style, width))
            self._line(pieces)

        line([title for title, _ in signers], "vx-sign")
        line(["(Ký, họ tên)"] * len(signers), "vx-sign-note")
        for _ in range(3):
            self._line([])
        line([name for _, name in signers], "vx-sign")


# Printable width of A4 landscape with the margins above, in column-width units (0.2–0.27 cm each).
# Measured from LibreOffice's rendering, which draws columns wider than Excel does; Excel gets some spare room.
_PAGE_UNITS = 27.5 / 0.27


def _scale_for(columns: Sequence[Column], breaks: Sequence[int], repeated: int) -> int:
    """The largest print scale (percent) at which every part between breaks fits the page width."""
    lead = sum(c.width for c in columns[:repeated])
    edges = [0, *(b + 1 for b in breaks), len(columns)]
    widest = max(sum(c.width for c in columns[max(a, repeated):b]) + (lead if a else 0)
                 for a, b in zip(edges, edges[1:], strict=False) if b > a)
    return max(30, min(100, int(_PAGE_UNITS / widest * 100)))


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped cell needs, by greedy word wrap at about ``width`` characters a line."""
    lines, used = 1, 0
    for word in text.split():
        need = len(word) + (1 if used else 0)
        if used and used + need > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += need
    return lines


def _excel_value(value, kind: str):
    """Dates stay dates (shown dd/mm/yyyy), ISO strings in a date column become dates, booleans "x"."""
    if isinstance(value, bool):
        return "x" if value else None
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value) if value else None
    return value


def save_workbook(workbook: Workbook, path: Path) -> Path:
    """Write atomically: a failed export never leaves half a file under the chosen name.

    An ordinary (not write-only) workbook is checked cell by cell first: whatever was put in a cell without
    ``set_value`` and taken by openpyxl for a formula or an error value is stored as the text it is. (A
    write-only sheet's cells are already on disk; ``ReportSheet`` makes each of them with ``set_value``.)
    """
    if not workbook.write_only:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type in ("f", "e"):
                        cell.data_type = "s"
    return write_atomic(Path(path), lambda temp: workbook.save(temp))


def place_and_date(settings: dict, on: date) -> str:
    """"Đức Chính, ngày 01 tháng 12 năm 2026": the place without its level word, as a date line writes it."""
    place = place_name(settings.get("commune_name", ""))
    return f"{place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"
