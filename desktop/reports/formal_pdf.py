"""The formal report (``formal.FormalDoc``) on A4 landscape: the national header and the unit side by side,
number and date line, title, "Kính gửi", "Căn cứ", then text and tables in the template's order, and
"Nơi nhận" with the signatures after the last table. Every table spans the page's usable width (its columns in
proportion to their widths), repeats its header rows on each page, and keeps its heading with its first rows;
the pages are numbered."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from desktop.reports.formal import FormalDoc, TableBlock, TextBlock
from desktop.reports.pdfkit import write_story
from desktop.reports.tabular import MARGIN, PAGE, cell_text

_BASE = ParagraphStyle("fx-base", fontName=SERIF, fontSize=12, leading=15.5)
_BODY = ParagraphStyle("fx-body", parent=_BASE, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=3)
_CENTER = ParagraphStyle("fx-c", parent=_BASE, alignment=TA_CENTER)
_HEAD = ParagraphStyle("fx-h", parent=_BASE, fontName=SERIF_BOLD, alignment=TA_CENTER, fontSize=12.5)
_ITALIC_C = ParagraphStyle("fx-ic", parent=_CENTER, fontName=SERIF_ITALIC)
_TITLE = ParagraphStyle("fx-t", parent=_BASE, fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=TA_CENTER)
_SUBJECT = ParagraphStyle("fx-s", parent=_HEAD, fontSize=12.5)
_SECTION = ParagraphStyle("fx-sec", parent=_BASE, fontName=SERIF_BOLD, spaceBefore=6, spaceAfter=3)
_SMALL = ParagraphStyle("fx-small", parent=_BASE, fontSize=10.5, leading=13)
_SMALL_B = ParagraphStyle("fx-small-b", parent=_SMALL, fontName=SERIF_BOLD)
_SMALL_I = ParagraphStyle("fx-small-i", parent=_SMALL, fontName=SERIF_ITALIC, alignment=TA_RIGHT)
_ALIGN = {"money": TA_RIGHT, "int": TA_RIGHT, "center": TA_CENTER, "date": TA_CENTER}
USABLE = PAGE[0] - 2 * MARGIN


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _heading(doc: FormalDoc) -> list:
    left = [Paragraph(_esc(doc.unit), _HEAD), Paragraph("———", _CENTER), Paragraph(_esc(doc.number), _CENTER)]
    right = [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _HEAD),
             Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", _HEAD), Spacer(1, 2 * mm),
             Paragraph(f"<i>{_esc(doc.place_date)}</i>", _CENTER)]
    top = Table([[left, right]], colWidths=[USABLE * 0.4, USABLE * 0.6])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    flow = [top, Spacer(1, 6 * mm), Paragraph(_esc(doc.title), _TITLE), Paragraph(_esc(doc.subject), _SUBJECT),
            Spacer(1, 4 * mm)]
    if doc.addressee:
        flow.append(Paragraph(f"Kính gửi: {_esc(doc.addressee)}", _CENTER))
        flow.append(Spacer(1, 4 * mm))
    flow += [Paragraph(f"<i>{_esc(line)}</i>" if line.startswith("Căn cứ") else _esc(line), _BODY)
             for line in doc.bases]
    return flow


def _size(widths: float) -> float:
    """Type size for a table: 10.5 pt when its columns fit, smaller for a wide one, never below 7."""
    return max(7.0, min(10.5, 10.5 * 150 / max(widths, 1)))


def _table(block: TableBlock) -> Table:
    columns = block.columns
    total_width = sum(w for _, w, _, _ in columns)
    size = _size(total_width)
    cell = ParagraphStyle(f"fx-cell-{size}", fontName=SERIF, fontSize=size, leading=size * 1.2)
    styles = {kind: ParagraphStyle(f"fx-{kind}-{size}", parent=cell, alignment=_ALIGN.get(kind, TA_LEFT))
              for kind in ("text", "wrap", "center", "int", "money", "date")}
    bold = {k: ParagraphStyle(f"{s.name}-b", parent=s, fontName=SERIF_BOLD) for k, s in styles.items()}
    head = ParagraphStyle(f"fx-head-{size}", parent=cell, fontName=SERIF_BOLD, alignment=TA_CENTER)
    grouped = any(g for _, _, _, g in columns)
    commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    rows: list[list] = []
    if grouped:
        top, start = [], 0
        while start < len(columns):
            group, end = columns[start][3], start
            while end + 1 < len(columns) and group and columns[end + 1][3] == group:
                end += 1
            for i in range(start, end + 1):
                text = (group if i == start else "") if group else columns[i][0]
                top.append(Paragraph(_esc(text), head) if text else "")
            commands.append(("SPAN", (start, 0), (end, 0) if group else (start, 1)))
            start = end + 1
        rows.append(top)
    rows.append([Paragraph(_esc(h), head) if g or not grouped else "" for h, _, _, g in columns])
    header_rows = len(rows)
    commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.91, 0.91, 0.91)))
    # The column numbers under the headers, as administrative tables print them: (1), (2), …
    rows.append([Paragraph(f"({i})", ParagraphStyle(f"fx-n-{size}", parent=head, fontName=SERIF_ITALIC))
                 for i in range(1, len(columns) + 1)])
    header_rows += 1
    for index, values in enumerate(block.rows):
        chosen = bold if block.total and index == len(block.rows) - 1 else styles
        row = []
        for (_, _, kind, _), value in zip(columns, values, strict=True):
            text = cell_text(value, kind)
            style = chosen["text" if isinstance(value, str) and kind in ("int", "money") else kind]
            row.append(Paragraph(_esc(text), style) if text else "")
        rows.append(row)
    table = Table(rows, colWidths=[USABLE * w / total_width for _, w, _, _ in columns], repeatRows=header_rows)
    table.setStyle(TableStyle(commands))
    return table


def _block(block) -> list:
    if isinstance(block, TextBlock):
        paragraphs = [Paragraph(_esc(p), _BODY) for p in block.paragraphs]
        if not block.heading:  # a note under the block before it
            return paragraphs
        return [KeepTogether([Paragraph(_esc(block.heading), _SECTION), *paragraphs[:1]]), *paragraphs[1:]]
    heading = Paragraph(_esc(block.heading), _SECTION)
    if not block.rows:
        return [KeepTogether([heading, Paragraph(f"<i>{_esc(block.empty_text)}</i>", _BODY)])]
    # The heading stays with the table's first rows (a split table repeats its header on the next page).
    return [KeepTogether([heading, _table(block)]) if len(block.rows) <= 12 else heading, *(
        [] if len(block.rows) <= 12 else [_table(block)])]


def _closing(doc: FormalDoc) -> Table:
    """"Nơi nhận" on the left, the signatures to its right: the clerk, the accountant, the chairman."""
    received = [Paragraph("<b><i>Nơi nhận:</i></b>", _SMALL),
                *[Paragraph(_esc(f"- {r};" if i < len(doc.recipients) - 1 else f"- {r}."), _SMALL)
                  for i, r in enumerate(doc.recipients)]]
    cells = [received]
    for over, title, name in doc.signers:
        block = [Paragraph(_esc(over), _HEAD)] if over else [Paragraph("&nbsp;", _HEAD)]
        block += [Paragraph(_esc(title), _HEAD), Paragraph("<i>(Ký, ghi rõ họ tên)</i>" if not over else
                                                           "<i>(Ký, ghi rõ họ tên, đóng dấu)</i>", _ITALIC_C),
                  Spacer(1, 20 * mm), Paragraph(f"<b>{_esc(name)}</b>", _CENTER)]
        cells.append(block)
    widths = [USABLE * 0.28] + [USABLE * 0.72 / len(doc.signers)] * len(doc.signers)
    table = Table([cells], colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return table


def story(doc: FormalDoc) -> list:
    flow = _heading(doc)
    if doc.units:
        flow.append(Paragraph(f"<i>{_esc(doc.units)}</i>", _SMALL_I))
    for block in doc.blocks:
        flow += _block(block)
    # The signatures never stand alone on a page: they keep the end of the last block with them.
    flow += [Spacer(1, 5 * mm), KeepTogether([_closing(doc)])]
    for annex in doc.annexes:
        flow += _block(annex)
    return flow


def write_formal_pdf(path: Path, doc: FormalDoc) -> Path:
    register_fonts()
    return write_story(path, story(doc), title=doc.file_title or doc.title, pagesize=PAGE, margin=MARGIN)
