"""Reading the formal report's XLSX back: each table under its heading, its figures by column header."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from desktop.reports.formal_xlsx import _spans


def tables(path: Path, headings: list[str], widths: dict[str, int]) -> dict[str, dict[str, list]]:
    """For each heading (with its table's column count in ``widths``): {row label: [values of its columns]},
    the label being the second column ("DA01 — …", "Tổng cộng"); values read where each column starts."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    found: dict[str, dict[str, list]] = {}
    for index, row in enumerate(rows):
        if row[0] in headings:
            spans = _spans(widths[row[0]])
            body = index + 1
            while rows[body][0] != "(1)":
                body += 1
            table: dict[str, list] = {}
            for values in rows[body + 1:]:
                if values[1] is None:
                    break
                table[values[1]] = [values[first - 1] for first, _ in spans]
            found[row[0]] = table
    return found


def header_names(path: Path, heading: str, count: int) -> list[str]:
    """A table's column headers (a grouped column's own header, an ungrouped one's spanning header)."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == heading)
    numbers = next(i for i in range(start, len(rows)) if rows[i][0] == "(1)")
    names = []
    for first, _ in _spans(count):
        lower = rows[numbers - 1][first - 1]
        upper = rows[numbers - 2][first - 1] if numbers - 2 > start else None
        names.append(lower if lower is not None else upper)
    return names
