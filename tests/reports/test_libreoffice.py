"""A real spreadsheet program reads the reports: LibreOffice converts the periodic report's XLSX to CSV and
the numbers it computes from the cells are the ones in the books."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date

import pytest

from desktop.reports.formal import load_template
from desktop.reports.formal_xlsx import _spans
from desktop.reports.period import NUMBER_FIELDS, period_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) not installed")


def as_number(text: str) -> int:
    """LibreOffice writes cells as shown: "5,999,000" (or "5.999.000" in a Vietnamese locale)."""
    digits = text.replace(",", "").replace(".", "").replace("\u00a0", "").strip()
    return int(digits)


def test_libreoffice_reads_the_period_report_numbers(commune, cli, tmp_path):
    xlsx = tmp_path / "bao-cao.xlsx"
    assert cli("report", "period", "--from", "2023-01-01", "--to", "2024-12-31", "--format", "xlsx",
               "--out", str(xlsx)).code == 0
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path / "csv"), str(xlsx)],
        check=True, capture_output=True, timeout=180)
    with open(tmp_path / "csv" / "bao-cao.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    report = period_report(commune.conn, date(2023, 1, 1), date(2024, 12, 31))
    # The formal report's tables, each under its heading: the figures where each column starts.
    checked = 0
    for part in (p for p in load_template().parts if p["kind"] == "table"):
        at = next(i for i, r in enumerate(rows) if r and r[0] == part["heading"])
        spans = _spans(2 + len(part["columns"]))
        numbers = next(i for i in range(at, len(rows)) if rows[i] and rows[i][0] == "(1)")
        body = {}
        for r in rows[numbers + 1:]:
            if len(r) < 2 or not r[1]:
                break
            body[r[1]] = r
        for project in [*report.projects, report.totals]:
            label = "Tổng cộng" if not project.code else f"{project.code} — {project.name}"
            for (first, _), column in zip(spans[2:], part["columns"], strict=True):
                if column["field"] in NUMBER_FIELDS:
                    assert as_number(body[label][first - 1]) == getattr(project, column["field"]), (
                        part["heading"], label, column["header"])
                    checked += 1
    assert checked >= 4 * 30
    assert report.totals.recovered_to_date > 0
