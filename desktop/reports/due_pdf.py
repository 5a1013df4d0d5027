"""The due list on paper, hamlet by hamlet: a hamlet's heading never ends a page without its first rows, and
each hamlet's rows end with that hamlet head's signature block (the head carries only their own pages door to
door); the list closes with the two totals under their own names and the office's signatures.

The rows, columns and figures are the due list's ``TabularDoc`` (the XLSX and the preview show the same);
only the layout is this module's.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.reports import tabular
from desktop.reports.due_doc import hamlet_sign_line
from desktop.reports.fonts import register_fonts
from desktop.reports.pdfkit import write_story
from desktop.reports.tabular import MARGIN, PAGE, TabularDoc

# Room for a hamlet's heading, the column headers and its first rows (rows are tall: room to sign).
_HAMLET_START = 55 * mm
# The last rows of a hamlet stay with its subtotal and its head's signature.
_TAIL_ROWS = 2


def _hamlets(lines: list) -> tuple[list[list], list]:
    """The lines cut into hamlets (section, rows, subtotal; the XLSX's signature line dropped) and the rest."""
    hamlets: list[list] = []
    current: list | None = None
    closing: list = []
    for kind, values in lines:
        if kind == "section" and current is not None and values[0] == hamlet_sign_line(current[0][1][0]):
            hamlets.append(current)
            current = None
        elif kind == "section":
            current = [(kind, values)]
        elif current is not None:
            current.append((kind, values))
        else:
            closing.append((kind, values))
    return hamlets, closing


def _hamlet_signature(hamlet: str, styles: tabular._Styles) -> Table:
    block = [Paragraph(f"<b>TRƯỞNG {tabular._esc(hamlet.upper())}</b>", tabular._CENTER),
             Paragraph("<i>(Ký, ghi rõ họ tên)</i>", tabular._CENTER), Spacer(1, 14 * mm)]
    table = Table([["", block]], colWidths=["55%", "45%"])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3)]))
    return table


def write_due_pdf(path: Path, doc: TabularDoc) -> Path:
    register_fonts()
    usable = PAGE[0] - 2 * MARGIN
    widest = sum(c.width for c in doc.columns)
    styles = tabular._Styles(max(6.5, min(9.5, 9.5 * 150 / widest)))
    part = list(range(len(doc.columns)))
    widths = [usable * c.width / widest for c in doc.columns]
    hamlets, closing = _hamlets(list(doc.lines))
    flow: list = [tabular._heading(doc), Spacer(1, 3 * mm)]
    for lines in hamlets:
        hamlet = lines[0][1][0]
        tail = min(len(lines) - 1, _TAIL_ROWS + 1)  # the last rows and the subtotal
        body, end = lines[:-tail], lines[-tail:]
        flow.append(CondPageBreak(_HAMLET_START))
        if len(body) > 1:
            flow.append(tabular._table(doc, part, body, styles, widths))
            flow.append(KeepTogether([tabular._table(doc, part, end, styles, widths, header=False),
                                      _hamlet_signature(hamlet, styles)]))
        else:
            flow.append(KeepTogether([tabular._table(doc, part, lines, styles, widths),
                                      _hamlet_signature(hamlet, styles)]))
        flow.append(Spacer(1, 2 * mm))
    end = [tabular._table(doc, part, closing, styles, widths), Spacer(1, 2 * mm),
           *[Paragraph(tabular._esc(note), tabular._NOTE) for note in doc.notes]]
    if doc.signers:
        end += [Spacer(1, 4 * mm), tabular._signatures(doc)]
    flow.append(KeepTogether(end))
    return write_story(path, flow, title=doc.title.capitalize(), pagesize=PAGE, margin=MARGIN)
