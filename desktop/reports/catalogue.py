"""The commune's reports (báo cáo), each said once: its title, the inputs it reads, its figures as JSON, its
document (a ``TabularDoc``), its one-paragraph summary and its file name. The window's Báo cáo page lists
these and ``vonxoay-cli report …`` runs them, so the two always give the same figures under the same name.

The document modules (reportlab, openpyxl) are imported inside the functions that need them: vonxoay-cli
starts, and answers every command that writes no document, without loading them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import clock
from desktop.books import Books
from desktop.dates import format_date
from desktop.domain import Category, ProjectStatus
from desktop.errors import Refused
from desktop.money import vnd
from desktop.services.households import HouseholdQuery
from desktop.services.schedules import due_list
from desktop.text import nfc

if TYPE_CHECKING:
    from desktop.reports.tabular import TabularDoc

# What falls due within this many days is listed with what is already overdue.
DUE_WITHIN_DAYS = 30


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report may be asked for; each report reads only the fields its ``inputs`` name."""

    start: date | None = None  # first day of the period
    end: date | None = None  # last day of the period, included
    as_of: date | None = None  # None: today
    within_days: int = DUE_WITHIN_DAYS
    project: str | None = None  # a project's code
    programme: str | None = None  # a programme's code
    status: str | None = None  # a ProjectStatus value
    search: str = ""  # name, code or ID number; case, diacritics and đ/d ignored
    hamlet: str | None = None
    category: Category | None = None
    template: str | None = None  # the formal report's template (resources/report_templates/<key>.toml)
    number: str = ""  # the formal report's document number ("15" or "15/BC-UBND")


def _nothing_to_check(inputs: ReportInputs) -> None:
    return None


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    inputs: tuple[str, ...]  # the ReportInputs fields it reads
    data: Callable[[Books, ReportInputs], dict]  # the figures, JSON-ready
    doc: Callable[[Books, ReportInputs], TabularDoc]  # the document, for the preview, XLSX and PDF
    summary: Callable[[dict], str]  # a few Vietnamese lines about ``data``
    stem: Callable[[ReportInputs], str]  # the file name without its suffix
    # Refusals that need no books, so the command line can refuse before opening them; data and doc check too.
    check: Callable[[ReportInputs], None] = _nothing_to_check
    # A report whose printed form is not its preview table (the formal periodic report) writes its files itself.
    write: Callable[[Books, ReportInputs, Path, str], Path] | None = None


def write_document(report: Report, books: Books, inputs: ReportInputs, path: Path, fmt: str) -> Path:
    """The report's XLSX or PDF at ``path``: its own form if it has one, else its table."""
    if report.write is not None:
        return report.write(books, inputs, path, fmt)
    from desktop.reports import tabular

    return tabular.write(path, report.doc(books, inputs), fmt)


def _as_of(inputs: ReportInputs) -> date:
    return inputs.as_of or clock.today()


# ------------------------------------------------------------------ the periodic report to the upper level
def _check_period(inputs: ReportInputs) -> None:
    if inputs.start > inputs.end:
        raise Refused(f"Ngày bắt đầu {format_date(inputs.start)} sau ngày kết thúc {format_date(inputs.end)}.")


def _period_report(books: Books, inputs: ReportInputs):
    from desktop.reports.period import period_report

    _check_period(inputs)
    return period_report(books.conn, inputs.start, inputs.end)


def _period_data(books: Books, inputs: ReportInputs) -> dict:
    return _period_report(books, inputs).to_dict()


def _period_doc(books: Books, inputs: ReportInputs) -> TabularDoc:
    from desktop.reports.period_doc import period_doc

    return period_doc(_period_report(books, inputs))


def _period_write(books: Books, inputs: ReportInputs, path: Path, fmt: str) -> Path:
    """The formal report (national header, narrative, tables, signatures), from the same figures."""
    from desktop.reports.formal import DEFAULT_TEMPLATE, formal_report
    from desktop.services.checks import check_conn

    report = _period_report(books, inputs)
    doc = formal_report(books.conn, report, check_conn(books.conn, storage=False), number=inputs.number,
                        template=inputs.template or DEFAULT_TEMPLATE)
    if fmt == "xlsx":
        from desktop.reports.formal_xlsx import write_formal_xlsx

        return write_formal_xlsx(path, doc)
    from desktop.reports.formal_pdf import write_formal_pdf

    return write_formal_pdf(path, doc)


def _period_summary(data: dict) -> str:
    t = data["totals"]
    return "\n".join([
        f"Báo cáo từ {format_date(data['start'])} đến {format_date(data['end'])}: {len(data['projects'])} dự án, "
        f"{data['households_distinct']} hộ tham gia.",
        f"  Hỗ trợ trong kỳ: {vnd(t['disbursed_in_period'])} (cho vay lại {vnd(t['disbursed_relent'])}); "
        f"thu hồi trong kỳ: {vnd(t['recovered_in_period'])}",
        f"  Lũy kế thu hồi: {vnd(t['recovered_to_date'])}; quá hạn: {vnd(t['overdue'])}; "
        f"số dư quỹ: {vnd(t['fund_balance'])}",
    ])


# ------------------------------------------------------------------ due and overdue, by hamlet
def _due(books: Books, inputs: ReportInputs) -> dict:
    """The due list, with all the listed households still owe (due or not): the list's second total."""
    from desktop.reports.due_notes import owed_by_household

    due = due_list(books, _as_of(inputs), within_days=inputs.within_days)
    owed = owed_by_household(books.conn, _as_of(inputs))
    listed = {row["household"] for row in due["rows"]}
    return {**due, "households": len(listed), "total_owed": sum(owed.get(code, 0) for code in listed)}


def _due_write(books: Books, inputs: ReportInputs, path: Path, fmt: str) -> Path:
    """The XLSX is the table; the PDF keeps each hamlet's heading with its rows and signs per hamlet."""
    if fmt == "xlsx":
        from desktop.reports import tabular

        return tabular.write(path, _due_doc(books, inputs), fmt)
    from desktop.reports.due_pdf import write_due_pdf

    return write_due_pdf(path, _due_doc(books, inputs))


def _due_doc(books: Books, inputs: ReportInputs) -> TabularDoc:
    from desktop.reports.due_doc import due_doc

    return due_doc(books.settings(), _due(books, inputs))


def _due_summary(data: dict) -> str:
    return (f"Tính đến {format_date(data['as_of'])}: {len(data['rows'])} kỳ đến hạn/quá hạn, tổng đến hạn "
            f"{vnd(data['total_outstanding'])}, trong đó quá hạn {vnd(data['total_overdue'])}; tổng còn phải trả "
            f"của {data['households']} hộ {vnd(data['total_owed'])}.")


# ------------------------------------------------------------------ a project's fund ledger
def _check_ledger(inputs: ReportInputs) -> None:
    if not inputs.project:
        raise Refused("Chưa có dự án nào để lập sổ quỹ.")


def _ledger(books: Books, inputs: ReportInputs) -> dict:
    from desktop.reports.ledger import project_ledger

    _check_ledger(inputs)
    return project_ledger(books.conn, inputs.project)


def _ledger_doc(books: Books, inputs: ReportInputs) -> TabularDoc:
    from desktop.reports.ledger import ledger_doc

    return ledger_doc(books.settings(), _ledger(books, inputs))


def _ledger_summary(data: dict) -> str:
    return (f"Sổ quỹ dự án {data['project']}: {len(data['rows'])} dòng; thu vào quỹ {vnd(data['fund_in'])}, "
            f"chi {vnd(data['fund_out'])}, số dư {vnd(data['balance'])}.")


def _ledger_stem(inputs: ReportInputs) -> str:
    # The code as the books spell it, which is how project_ledger looks the project up.
    return f"so-quy-{nfc(inputs.project or '').upper()}"


# ------------------------------------------------------------------ the household register
HOUSEHOLD_KEYS = ("stt", "code", "head_name", "id_number", "hamlet", "category", "ethnic_minority", "female_head",
                  "members", "phone", "supports", "supported", "to_return", "outstanding")


def _households_doc(books: Books, inputs: ReportInputs) -> TabularDoc:
    from desktop.reports.household_register import household_register_doc

    query = HouseholdQuery(search=inputs.search, hamlet=inputs.hamlet, category=inputs.category, as_of=inputs.as_of)
    return household_register_doc(books.conn, books.settings(), query)


def _households(books: Books, inputs: ReportInputs) -> dict:
    """Read off the register's own lines, so the JSON holds exactly the document's figures."""
    rows, totals = [], {}
    for kind, values in _households_doc(books, inputs).lines:
        if kind == "row":
            rows.append(dict(zip(HOUSEHOLD_KEYS, values, strict=True)))
        else:
            totals = {k: v for k, v in zip(HOUSEHOLD_KEYS, values, strict=True) if isinstance(v, int)}
    return {"households": rows, "totals": totals}


# ------------------------------------------------------------------ the project register
def _projects(books: Books, inputs: ReportInputs) -> dict:
    from desktop.reports.project_register import project_rows

    return {"projects": project_rows(books.conn, programme=inputs.programme, status=inputs.status)}


def _projects_doc(books: Books, inputs: ReportInputs) -> TabularDoc:
    from desktop.reports.project_register import project_register_doc

    filters = ", ".join(f for f in (f"chương trình {inputs.programme}" if inputs.programme else "",
                                    ProjectStatus(inputs.status).label.lower() if inputs.status else "") if f)
    return project_register_doc(books.settings(), _projects(books, inputs)["projects"], filters=filters.capitalize())


REPORTS: tuple[Report, ...] = (
    Report("period", "Báo cáo định kỳ gửi cấp trên (6 tháng, năm)", ("start", "end"), data=_period_data,
           doc=_period_doc, summary=_period_summary, stem=lambda i: f"bao-cao-{i.start}-{i.end}", check=_check_period,
           write=_period_write),
    Report("due", "Danh sách đến hạn và quá hạn, theo thôn", ("as_of", "within_days"), data=_due, doc=_due_doc,
           summary=_due_summary, stem=lambda i: f"den-han-{_as_of(i)}", write=_due_write),
    Report("ledger", "Sổ theo dõi quỹ luân chuyển của dự án", ("project",), data=_ledger, doc=_ledger_doc,
           summary=_ledger_summary, stem=_ledger_stem, check=_check_ledger),
    Report("households", "Sổ đăng ký hộ", ("as_of", "search", "hamlet", "category"), data=_households,
           doc=_households_doc, summary=lambda data: f"{len(data['households'])} hộ.",
           stem=lambda i: "so-dang-ky-ho"),
    Report("projects", "Danh mục dự án", ("programme", "status"), data=_projects, doc=_projects_doc,
           summary=lambda data: f"{len(data['projects'])} dự án.", stem=lambda i: "danh-muc-du-an"),
)

REPORT_BY_KEY: dict[str, Report] = {report.key: report for report in REPORTS}
