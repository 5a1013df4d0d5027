"""A report as a table the office prints: heading, title, columns, rows (with hamlet sections and totals),
notes and signatures. Each document module builds a ``TabularDoc``; this module writes it as XLSX or PDF, so
the two formats always show the same figures.

Lines are ``(kind, values)`` with kind "row", "section" (values: one text) or "total" (values: one per
column, the label as a string). They may be a generator: the XLSX writer streams them to disk, so a
100 000-household register never sits in memory; the PDF writer lays them out in chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.dates import format_date
from desktop.money import format_vnd
from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from desktop.reports.pdfkit import write_story
from desktop.reports.xlsxkit import Column, ReportSheet, new_workbook, save_workbook

Line = tuple[str, Sequence]


@dataclass
class SideTable:
    """A small table after the main one and before the notes, e.g. the receipts voided within a report's
    period."""

    title: str
    columns: list[Column]
    rows: list[Sequence]


@dataclass
class TabularDoc:
    sheet_name: str
    unit: str
    title: str
    columns: list[Column]
    lines: Iterable[Line]
    subtitles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    place_date: str = ""
    signers: list[tuple[str, str]] = field(default_factory=list)
    # Wide tables print in parts, each repeating the first ``repeat_columns`` columns: the index of the last
    # column of every part but the last.
    page_breaks: list[int] = field(default_factory=list)
    repeat_columns: int = 0
    freeze_columns: int = 0
    tall_rows: bool = False  # room to sign in each row
    side_tables: list[SideTable] = field(default_factory=list)  # only those with rows are printed


def write_xlsx(path: Path, doc: TabularDoc) -> Path:
    workbook = new_workbook()
    sheet = ReportSheet(workbook, doc.sheet_name, doc.columns, unit=doc.unit, title=doc.title,
                        subtitles=doc.subtitles, freeze_columns=doc.freeze_columns,
                        repeat_columns=doc.repeat_columns, page_breaks=doc.page_breaks,
                        row_height=24 if doc.tall_rows else None)
    for kind, values in doc.lines:
        if kind == "row":
            sheet.row(values)
        elif kind == "section":
            sheet.section(values[0])
        else:
            sheet.total_row(values)
    for side in doc.side_tables:
        if side.rows:
            sheet.side_table(side.title, side.columns, side.rows)
    for note in doc.notes:
        sheet.note(note)
    if doc.signers:
        sheet.signatures(doc.place_date, doc.signers)
    return save_workbook(workbook, path)


# ----------------------------------------------------------------------------------------------- PDF

_BASE = ParagraphStyle("vx-base", fontName=SERIF, fontSize=10.5, leading=13)
_CENTER = ParagraphStyle("vx-c", parent=_BASE, alignment=TA_CENTER)
_HEAD = ParagraphStyle("vx-h", parent=_BASE, fontName=SERIF_BOLD, alignment=TA_CENTER)
_TITLE = ParagraphStyle("vx-t", parent=_BASE, fontName=SERIF_BOLD, fontSize=13.5, leading=17, alignment=TA_CENTER)
_SUB = ParagraphStyle("vx-s", parent=_CENTER, fontName=SERIF_ITALIC)
_NOTE = ParagraphStyle("vx-n", parent=_BASE, fontName=SERIF_ITALIC, fontSize=9.5, leading=12)
_ALIGN = {"money": TA_RIGHT, "int": TA_RIGHT, "center": TA_CENTER, "date": TA_CENTER}
PAGE = landscape(A4)
MARGIN = 10 * mm
# Rows per reportlab Table: one huge table costs quadratic layout time; chunks keep it linear.
CHUNK = 400
TAIL = 3


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if kind in ("money", "int") and isinstance(value, int):
        return format_vnd(value)
    if kind == "date":
        return format_date(value) if isinstance(value, date | str) else str(value)
    return str(value)


class _Styles:
    """Cell styles at a font size chosen so the widest part fits the page."""

    def __init__(self, size: float):
        self.size = size
        cell = ParagraphStyle(f"vx-cell-{size}", fontName=SERIF, fontSize=size, leading=size * 1.2)
        self.cell = {kind: ParagraphStyle(f"vx-{kind}-{size}", parent=cell, alignment=_ALIGN.get(kind, TA_LEFT))
                     for kind in ("text", "wrap", "center", "int", "money", "date")}
        self.bold = {k: ParagraphStyle(f"{s.name}-b", parent=s, fontName=SERIF_BOLD) for k, s in self.cell.items()}
        self.head = ParagraphStyle(f"vx-head-{size}", parent=cell, fontName=SERIF_BOLD, alignment=TA_CENTER)


def _parts(doc: TabularDoc) -> list[list[int]]:
    """Column indexes of each printed part; every part after the first repeats the leading columns."""
    n = len(doc.columns)
    if not doc.page_breaks:
        return [list(range(n))]
    edges = [0, *(b + 1 for b in doc.page_breaks), n]
    lead = list(range(doc.repeat_columns))
    return [(lead if a else []) + list(range(max(a, doc.repeat_columns if a else 0), b))
            for a, b in zip(edges, edges[1:], strict=False) if b > a]


def _table(doc: TabularDoc, part: list[int], lines: list[Line], styles: _Styles, widths: list[float],
           *, header: bool = True) -> Table:
    columns = [doc.columns[i] for i in part]
    grouped = any(c.group for c in columns) and header
    rows: list[list] = []
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if grouped:
        top, start = [], 0
        while start < len(columns):
            group, end = columns[start].group, start
            while end + 1 < len(columns) and group and columns[end + 1].group == group:
                end += 1
            for i in range(start, end + 1):
                text = (group if i == start else "") if group else columns[i].header
                top.append(Paragraph(_esc(text), styles.head) if text else "")
            commands.append(("SPAN", (start, 0), (end, 0) if group else (start, 1)))
            start = end + 1
        rows.append(top)
    if header:
        rows.append([Paragraph(_esc(c.header), styles.head) if c.group or not grouped else "" for c in columns])
    header_rows = len(rows)
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.91, 0.91, 0.91)))
    for kind, values in lines:
        index = len(rows)
        if kind == "section":
            rows.append([Paragraph(f"<b>{_esc(values[0])}</b>", styles.cell["text"])] + [""] * (len(part) - 1))
            commands.append(("SPAN", (0, index), (-1, index)))
            commands.append(("BACKGROUND", (0, index), (-1, index), colors.Color(0.96, 0.96, 0.96)))
            continue
        chosen = styles.bold if kind == "total" else styles.cell
        row = []
        for i in part:
            column, value = doc.columns[i], values[i]
            style_kind = "text" if isinstance(value, str) and column.numeric else column.kind
            text = cell_text(value, column.kind)
            row.append(Paragraph(_esc(text), chosen[style_kind]) if text else "")
        rows.append(row)
    if doc.tall_rows:
        commands += [("TOPPADDING", (0, header_rows), (-1, -1), 5), ("BOTTOMPADDING", (0, header_rows), (-1, -1), 6)]
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle(commands))
    return table


def write_pdf(path: Path, doc: TabularDoc, *, min_size: float = 6.5, max_size: float = 9.5) -> Path:
    """A4 landscape; the header row repeats on each page; wide tables print part after part."""
    register_fonts()
    parts = _parts(doc)
    usable = PAGE[0] - 2 * MARGIN
    # Widths in proportion to the spreadsheet's; the font shrinks with the widest part, within limits.
    widest = max(sum(doc.columns[i].width for i in part) for part in parts)
    size = max(min_size, min(max_size, max_size * 150 / widest))
    styles = _Styles(size)
    lines = list(doc.lines)

    def story():
        flow: list = [_heading(doc), Spacer(1, 3 * mm)]
        for number, part in enumerate(parts):
            total_width = sum(doc.columns[i].width for i in part)
            widths = [usable * doc.columns[i].width / total_width for i in part]
            if number:
                # Parts share a page when the next one fits; otherwise it starts on a fresh page.
                flow += [Spacer(1, 5 * mm), CondPageBreak(60 * mm)]
            last = number == len(parts) - 1
            # The last rows of the table stay on the page of the notes and signatures: a signature alone on a
            # page proves nothing.
            body = lines[:-TAIL] if last and len(lines) > TAIL else ([] if last else lines)
            for start in range(0, len(body), CHUNK):
                flow.append(_table(doc, part, body[start:start + CHUNK], styles, widths))
            if last:
                closing = [_table(doc, part, lines[len(body):], styles, widths, header=not body),
                           *_side_flow(doc, styles, usable),
                           Spacer(1, 2 * mm), *[Paragraph(_esc(note), _NOTE) for note in doc.notes]]
                if doc.signers:
                    closing += [Spacer(1, 4 * mm), _signatures(doc)]
                flow.append(KeepTogether(closing))
        return flow

    return write_story(path, story(), title=doc.title.capitalize(), pagesize=PAGE, margin=MARGIN)


def _side_flow(doc: TabularDoc, styles: _Styles, usable: float) -> list:
    flow: list = []
    for side in doc.side_tables:
        if not side.rows:
            continue
        sub = TabularDoc(sheet_name=side.title, unit="", title=side.title, columns=side.columns,
                         lines=[("row", values) for values in side.rows])
        total = sum(c.width for c in side.columns)
        widths = [usable * c.width / max(total, 150) for c in side.columns]
        table = _table(sub, list(range(len(side.columns))), sub.lines, styles, widths)
        table.hAlign = "LEFT"  # under its title
        flow += [Spacer(1, 4 * mm), Paragraph(f"<b>{_esc(side.title)}</b>", _BASE), Spacer(1, 1.5 * mm), table]
    return flow


def _heading(doc: TabularDoc) -> KeepTogether:
    left = [Paragraph(_esc(doc.unit.upper()), _HEAD)]
    right = [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _HEAD),
             Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", _HEAD)]
    top = Table([[left, right]], colWidths=["40%", "60%"])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([top, Spacer(1, 4 * mm), Paragraph(_esc(doc.title), _TITLE),
                         *[Paragraph(_esc(s), _SUB) for s in doc.subtitles]])


def _signatures(doc: TabularDoc) -> Table:
    n = len(doc.signers)
    head = [""] * n
    head[-1] = Paragraph(f"<i>{_esc(doc.place_date)}</i>", _CENTER)
    row = [[Paragraph(f"<b>{_esc(title)}</b>", _CENTER), Paragraph("<i>(Ký, họ tên)</i>", _CENTER),
            Spacer(1, 16 * mm), Paragraph(f"<b>{_esc(name)}</b>", _CENTER)] for title, name in doc.signers]
    table = Table([head, row], colWidths=[f"{100 / n:.2f}%"] * n)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def write(path: Path, doc: TabularDoc, fmt: str) -> Path:
    if fmt == "xlsx":
        return write_xlsx(path, doc)
    if fmt == "pdf":
        return write_pdf(path, doc)
    raise ValueError(fmt)
