"""A real spreadsheet program reads the reports: LibreOffice converts the periodic report's XLSX to CSV and
the numbers it computes from the cells are the ones in the books."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date

import pytest

from desktop.reports.period import period_report
from desktop.reports.period_doc import PERIOD_COLUMNS

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
    by_label = {r[1]: r for r in rows if len(r) > 3 and r[1]}
    checked = 0
    for project in [*report.projects, report.totals]:
        label = "Tổng cộng" if not project.code else f"{project.code} — {project.name}"
        row = by_label[label]
        for offset, (_, header, field, _) in enumerate(PERIOD_COLUMNS):
            assert as_number(row[3 + offset]) == getattr(project, field), (label, header)
            checked += 1
    assert checked == len(PERIOD_COLUMNS) * 4
    assert by_label["Tổng cộng"][3 + [c[2] for c in PERIOD_COLUMNS].index("recovered_to_date")] != "0"
