"""One report catalogue: ``vonxoay-cli report …`` gives, for every report of ``desktop.reports.catalogue``, the
catalogue's own figures, text, document and file name, and no report of its own."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import build_parser
from desktop.domain import Category
from desktop.errors import Refused
from desktop.reports.catalogue import REPORT_BY_KEY, REPORTS, ReportInputs, write_document
from tests.conftest import REPO

# For each report: the flags of its command, and the same request as the catalogue's inputs.
CASES = {
    "period": (["--from", "2023-01-01", "--to", "2023-12-31"], ReportInputs(start=date(2023, 1, 1),
                                                                          end=date(2023, 12, 31))),
    "due": (["--as-of", "2024-06-30", "--within", "90"], ReportInputs(as_of=date(2024, 6, 30), within_days=90)),
    "ledger": (["--project", "da01"], ReportInputs(project="da01")),
    "households": (["--hamlet", "Thôn Tây", "--category", "poor", "--as-of", "2025-01-01"],
                   ReportInputs(hamlet="Thôn Tây", category=Category.POOR, as_of=date(2025, 1, 1))),
    "projects": (["--programme", "GNBV"], ReportInputs(programme="GNBV")),
}


def sheet_values(path: Path) -> list[tuple]:
    return [row for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows(values_only=True)]


def test_every_report_of_the_catalogue_is_tested_here():
    assert set(CASES) == set(REPORT_BY_KEY) and len(REPORTS) == len(REPORT_BY_KEY)


def test_the_report_commands_are_the_catalogue_and_fund():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    report = next(a for a in commands.choices["report"]._actions if isinstance(a, argparse._SubParsersAction))
    # fund has no document; text keeps the periodic report's written sections; the cash book writes its own;
    # due-slips prints one notice per household (a document without a table or JSON figures): they stay commands
    assert set(report.choices) == set(REPORT_BY_KEY) | {"fund", "text", "cashbook", "due-slips"}


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r.key)
def test_the_cli_prints_the_catalogues_figures_and_summary(commune, cli, report):
    flags, inputs = CASES[report.key]
    data = json.loads(json.dumps(report.data(commune, inputs), ensure_ascii=False, default=str))
    printed = cli("--json", "report", report.key, *flags, "--format", "json")
    assert printed.code == 0, printed.stderr
    assert printed.json == data
    assert any(isinstance(v, list) and v for v in data.values())  # a small commune, but not an empty report
    text = cli("report", report.key, *flags, "--format", "json")
    assert text.stdout.strip() == report.summary(data)


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r.key)
def test_the_cli_writes_the_catalogues_document_under_its_name(commune, cli, data_dir, tmp_path, report):
    flags, inputs = CASES[report.key]
    written = cli("--json", "report", report.key, *flags, "--format", "xlsx")
    assert written.code == 0, written.stderr
    assert Path(written.json["path"]) == data_dir.exports / f"{report.stem(inputs)}.xlsx"
    expected = write_document(report, commune, inputs, tmp_path / "catalogue.xlsx", "xlsx")
    assert sheet_values(Path(written.json["path"])) == sheet_values(expected)


def test_the_ledger_is_named_after_the_project_code_as_the_books_spell_it():
    assert REPORT_BY_KEY["ledger"].stem(ReportInputs(project="da01")) == "so-quy-DA01"


def test_the_catalogue_refuses_a_reversed_period_before_reading_the_books():
    with pytest.raises(Refused, match="sau ngày kết thúc"):
        REPORT_BY_KEY["period"].check(ReportInputs(start=date(2025, 12, 31), end=date(2025, 1, 1)))


def test_the_cli_starts_without_the_document_libraries():
    code = ("import sys\n"
            "from desktop.cli import build_parser\n"
            "build_parser()\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'openpyxl'))\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
