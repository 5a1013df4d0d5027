"""No workbook the program writes holds a formula built from data. Every text a clerk (or a commune's package)
can put in the books is given here as a formula or an error value — a name ``=1+1``, a hamlet
``=HYPERLINK(…)``, a signatory ``#N/A`` — and every XLSX is read back: each such text is a string cell holding
exactly what was typed, and no cell at all is a formula or an error (the program writes its totals as values,
so it has no formulas of its own). LibreOffice, which evaluates formulas when it opens a file, shows the text.

The reports come from the catalogue: a new report is checked here without a new line in this file.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.books import Books
from desktop.domain import Category
from desktop.reports.catalogue import REPORTS
from desktop.services import payments, schedules, support
from desktop.services.hamlets import add_hamlet
from desktop.services.households import HouseholdInput, add_household, set_category
from desktop.services.payments import PaymentInput
from desktop.services.projects import ProjectInput, add_project
from desktop.services.settings import update_settings
from desktop.services.support import SupportInput
from desktop.services.support_void import void_support
from tests.sync_helpers import export, make_commune, make_upper, run

HYPERLINK = '=HYPERLINK("http://x","click")'
# What a spreadsheet program would evaluate: formulas, and the error values openpyxl would store as errors.
HOSTILE = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", HYPERLINK, "#N/A")
# Codes are upper case, without spaces, at most 20 characters: the hostile ones that fit.
CODES = ("=1+1", "+SUM(A1)", "-2+3", "@CMD", "=A1", "#REF!")
SIGNERS = ("signer_chairman", "signer_accountant", "signer_cashier", "signer_clerk")


def build_hostile_commune(books: Books) -> None:
    """A commune in which every free text that reaches a report is formula-like: the commune's and upper
    level's names, the signatories, hamlets, household codes, names, phones and notes, project codes, names,
    decisions, in-kind supports and payments, payers, void and review reasons, a public-works decision."""
    # The commune's name starts the place-and-date line above the signatures: "=HYPERLINK(…), ngày …".
    update_settings(books, {"commune_name": HYPERLINK, "upper_name": "=1+1", "province_name": "+SUM(A1)",
                            **{key: HOSTILE[i] for i, key in enumerate(SIGNERS)}}, effective_on=date(2020, 1, 1))
    for text in HOSTILE:
        add_hamlet(books, text)
    for code, text in zip(CODES, HOSTILE, strict=True):
        add_household(books, HouseholdInput(code, text, text, Category.POOR, category_on=date(2021, 1, 1),
                                            notes=text))
    # A phone is digits now, but books kept before that rule may hold any text in it: reports still face it.
    with books.transaction() as conn:
        conn.execute("UPDATE household SET phone = notes")
    add_project(books, ProjectInput("=1+1", HYPERLINK, programme="GNBV", component="Dự án 2",
                                    decision_number="=1+1", decision_authority="@cmd",
                                    budget_central=100_000_000))
    add_project(books, ProjectInput("-2+3", "=1+1", programme="GNBV", component="Dự án 2",
                                    decision_number="#N/A", budget_central=100_000_000))
    for code, text in zip(CODES, HOSTILE, strict=True):
        support.record_support(books, SupportInput("=1+1", code, date(2022, 3, 10), in_kind=text))
    support.record_support(books, SupportInput("-2+3", "-2+3", date(2022, 3, 10), in_kind="-2+3"))
    support.record_support(books, SupportInput("-2+3", "@CMD", date(2022, 3, 10)))
    void_support(books, "-2+3", "@CMD", "=1+1", on=date(2022, 4, 1))
    for code, text in zip(CODES, HOSTILE, strict=True):
        payments.record_payment(books, PaymentInput("=1+1", code, 1_000_000, date(2023, 3, 1), payer=text,
                                                    in_kind=text))
    wrong = payments.record_payment(books, PaymentInput("=1+1", "=1+1", 500_000, date(2023, 3, 2))).to_json()
    payments.void_receipt(books, wrong["receipt"]["book"], wrong["receipt"]["number"], HYPERLINK,
                          year=wrong["receipt"]["year"], on=date(2023, 3, 2))
    payments.record_payment(books, PaymentInput("-2+3", "-2+3", 2_000_000, date(2023, 3, 5), payer="@cmd"))
    set_category(books, "+SUM(A1)", Category.NEAR_POOR, date(2024, 1, 1), "=1+1")
    schedules.transfer_to_public_works(books, "-2+3", date(2025, 6, 1), "=1+1", note="#N/A")


@pytest.fixture
def hostile(books):
    build_hostile_commune(books)
    return books


def formulas_and_errors(path: Path) -> list[str]:
    """Every cell read back as a formula or an error value, in every sheet (hidden ones too)."""
    workbook = openpyxl.load_workbook(path)
    return [f"{ws.title}!{cell.coordinate} = {cell.value!r}" for ws in workbook.worksheets
            for row in ws.iter_rows() for cell in row if cell.data_type in ("f", "e")]


def texts(path: Path) -> set[str]:
    workbook = openpyxl.load_workbook(path)
    return {cell.value for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
            if isinstance(cell.value, str)}


def check(path: Path, expected: set[str]) -> None:
    assert formulas_and_errors(path) == [], path.name
    missing = expected - texts(path)
    assert not missing, (path.name, missing)


# The command-line flag of each catalogue input a report needs to be given; the others are optional filters.
FLAGS = {"start": ("--from", "2022-01-01"), "end": ("--to", "2025-12-31"), "as_of": ("--as-of", "2024-06-30")}
FILTERS = {"within_days", "search", "hamlet", "category", "programme", "status"}
# What each report must show verbatim (beyond the signatories, which every report with signatures shows).
SHOWN = {
    "period": {HYPERLINK},  # the place-and-date line starts with the commune's name
    "due": set(HOSTILE),  # hamlet sections, names and phones
    "ledger": set(HOSTILE),  # household names, for the project all households were supported from
    "households": set(HOSTILE),
    "projects": {HYPERLINK, "=1+1", "-2+3"},  # codes and names
}


def report_runs() -> list[tuple[str, tuple[str, ...]]]:
    """(report key, command-line flags) for every report of the catalogue; a project's report for each of the
    two projects (the second one's shows only its two households' names)."""
    runs = []
    for report in REPORTS:
        unknown = set(report.inputs) - set(FLAGS) - FILTERS - {"project"}
        assert not unknown, f"report {report.key}: say here how to give {unknown}"
        flags = tuple(part for key in report.inputs if key in FLAGS for part in FLAGS[key])
        if "project" in report.inputs:
            # "--project=…": a code starting with "-" would otherwise read as a flag.
            runs += [(report.key, (*flags, f"--project={code}")) for code in ("=1+1", "-2+3")]
        else:
            runs.append((report.key, flags))
    return runs


def test_the_catalogue_is_covered():
    assert {key for key, _ in report_runs()} == {report.key for report in REPORTS} == set(SHOWN)


@pytest.mark.parametrize(("key", "flags"), [pytest.param(key, flags, id=" ".join((key, *flags)))
                                            for key, flags in report_runs()])
def test_every_report_workbook_keeps_formula_like_text_as_text(hostile, cli, tmp_path, key, flags):
    out = tmp_path / f"{key}.xlsx"
    result = cli("report", key, *flags, "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.stderr
    shown = {"-2+3", "@cmd"} if "--project=-2+3" in flags else SHOWN[key]
    signers = set(HOSTILE[:4]) if key != "projects" else set()
    check(out, shown | signers)


def test_the_household_template_keeps_hamlet_names_as_text(hostile, cli, tmp_path):
    out = tmp_path / "mau.xlsx"
    assert cli("household", "template", "--out", str(out)).code == 0
    check(out, set(HOSTILE))
    hamlets = openpyxl.load_workbook(out)["Danh mục"]
    assert {hamlets.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))} == set(HOSTILE)


def test_a_text_is_stored_exactly_as_given(tmp_path):
    """The writer's rule itself: no apostrophe added, nothing lost, numbers and dates untouched; characters
    XML cannot carry do not stop the export; a formula-like text put in a cell some other way is still saved
    as text."""
    from openpyxl import Workbook

    from desktop.reports.xlsxkit import save_workbook, set_value

    ws = Workbook().active
    for text in (*HOSTILE, "'=1+1", "=", "", " =1+1"):
        cell = set_value(ws.cell(row=1, column=1), text)
        assert (cell.value, cell.data_type) == (text, "s")
    assert set_value(ws["A2"], 7_000_000).data_type == "n" and ws["A2"].value == 7_000_000
    assert set_value(ws["A3"], date(2024, 1, 2)).data_type == "d"
    assert set_value(ws["A4"], None).value is None
    assert set_value(ws["A6"], "Nguyễn\x01An").value == "Nguyễn\ufffdAn"
    ws["B1"], ws["B2"] = HYPERLINK, "#DIV/0!"
    assert (ws["B1"].data_type, ws["B2"].data_type) == ("f", "e")  # what openpyxl does on its own
    saved = save_workbook(ws.parent, tmp_path / "book.xlsx")
    assert formulas_and_errors(saved) == []
    back = openpyxl.load_workbook(saved).active
    assert [back[c].value for c in ("B1", "B2", "A2", "A6")] == [HYPERLINK, "#DIV/0!", 7_000_000, "Nguyễn\ufffdAn"]


def test_a_project_code_with_a_slash_still_names_the_ledger_sheet(books, cli, tmp_path):
    add_project(books, ProjectInput("DA/01:[x]", "Nuôi bò", programme="GNBV", component="Dự án 2"))
    out = tmp_path / "so-quy.xlsx"
    result = cli("report", "ledger", "--project", "DA/01:[x]", "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["Sổ quỹ DA-01--X-"]


# ------------------------------------------------------------------ the upper level's consolidated workbook
PERIOD = ("--from", "2025-07-01", "--to", "2026-06-30")


@pytest.fixture
def consolidated(tmp_path) -> Path:
    """An upper store fed with the package of a commune whose name, project codes and names are formula-like;
    its consolidated workbook."""
    commune = make_commune(tmp_path, "10599", households=8)
    with Books.open(commune) as books, books.transaction() as conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = 'commune_name'", (HYPERLINK,))
        ids = [row[0] for row in conn.execute("SELECT id FROM project ORDER BY id")]
        for project_id, code, name in zip(ids, ("=1+1", "@CMD"), ("-2+3", "#N/A"), strict=False):
            conn.execute("UPDATE project SET code = ?, name = ? WHERE id = ?", (code, name, project_id))
    upper = make_upper(tmp_path)
    imported = run(upper, "--json", "upper", "import", str(export(commune, tmp_path / "out")))
    assert imported.code == 0 and imported.json["results"][0]["status"] == "imported", imported.stdout
    out = tmp_path / "tong-hop.xlsx"
    result = run(upper, "upper", "report", *PERIOD, "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.stderr
    return out


def test_the_consolidated_workbook_keeps_a_commune_package_text_as_text(consolidated):
    check(consolidated, {HYPERLINK, "=1+1", "@CMD", "-2+3", "#N/A"})


# ------------------------------------------------------------------ as a spreadsheet program opens them
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: cannot open the workbooks "
                                            "in a program that evaluates formulas")
def test_libreoffice_shows_the_text_not_its_value(hostile, cli, consolidated, tmp_path):
    register = tmp_path / "so-dang-ky-ho.xlsx"
    assert cli("report", "households", "--format", "xlsx", "--out", str(register)).code == 0
    outdir = tmp_path / "csv"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(outdir), str(register), str(consolidated)],
        check=True, capture_output=True, timeout=300)
    # The consolidated workbook's first sheet is the formal report: the commune's row reads "name (code)".
    for name, expected in (("so-dang-ky-ho.csv", set(HOSTILE)), ("tong-hop.csv", {f"{HYPERLINK} (10599)"})):
        with open(outdir / name, encoding="utf-8", newline="") as handle:
            fields = {field for row in csv.reader(handle) for field in row}
        # Evaluated, =1+1 would read 2 and the link "click": the text itself is there, the link's label is not.
        assert expected <= fields, (name, expected - fields)
        assert "click" not in fields, name
