"""The ``report …`` commands: due list, fund, periodic report, ledger and registers, as JSON, XLSX or PDF.

``--format xlsx|pdf`` writes the document to ``--out`` (default: the data folder's exports/) and prints
``{"path", "format", ...}``; ``--format json`` prints the figures themselves (with ``--out``, also saved there).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import clock
from desktop.books import Books
from desktop.commands.common import Outcome, date_arg, only_in, open_books, positive_int
from desktop.dates import format_date
from desktop.domain import Category, Mode, ProjectStatus
from desktop.errors import Refused
from desktop.money import vnd
from desktop.services import schedules
from desktop.services.households import HouseholdQuery

# The documents (reportlab, openpyxl) are imported by the command that writes one: every other command of
# vonxoay-cli starts without loading them.
if TYPE_CHECKING:
    from desktop.reports.tabular import TabularDoc

FORMATS = ["json", "xlsx", "pdf"]


def _output(p) -> None:
    p.add_argument("--format", choices=FORMATS, default="json")
    p.add_argument("--out", type=Path, help="tệp kết quả (mặc định: thư mục exports của dữ liệu)")


def _emit(args, books: Books, stem: str, data: dict, text: str, build: Callable[[], TabularDoc]) -> Outcome:
    from desktop.reports import tabular
    from desktop.reports.pdfkit import write_atomic

    """Write the chosen format; JSON goes to stdout (and to --out if given), XLSX/PDF to a file."""
    fmt = args.format
    if fmt == "json":
        if args.out:
            payload = json.dumps(data, ensure_ascii=False, indent=2, default=str)
            write_atomic(args.out, lambda temp: Path(temp).write_text(payload, encoding="utf-8"))
        return Outcome(data, text)
    out = args.out
    if out is None:
        books.data_dir.exports.mkdir(parents=True, exist_ok=True)
        out = books.data_dir.exports / f"{stem}.{fmt}"
    if out.suffix.lower() != f".{fmt}":
        raise Refused(f"Tệp “{out.name}” không có đuôi .{fmt} như định dạng đã chọn.")
    path = tabular.write(out, build(), fmt)
    return Outcome({"path": str(path), "format": fmt}, f"Đã ghi {path}.")


def register(commands, common) -> None:
    # The upper level's reports are ``upper report``: these read a commune's own books.
    report = only_in(Mode.COMMUNE, commands.add_parser("report", help="báo cáo")).add_subparsers(
        dest="action", required=True)
    p = report.add_parser("due", parents=[common], help="đến hạn và quá hạn, theo thôn")
    p.add_argument("--as-of", type=date_arg, required=True)
    p.add_argument("--within", type=positive_int, default=30, help="số ngày tới tính là sắp đến hạn")
    _output(p)
    p.set_defaults(handler=report_due)

    p = report.add_parser("fund", parents=[common], help="quỹ luân chuyển của một dự án")
    p.add_argument("--project", required=True)
    p.set_defaults(handler=report_fund)

    p = report.add_parser("period", parents=[common], help="báo cáo định kỳ (6 tháng, năm) gửi cấp trên")
    p.add_argument("--from", dest="date_from", type=date_arg, required=True)
    p.add_argument("--to", dest="date_to", type=date_arg, required=True)
    _output(p)
    p.set_defaults(handler=report_period)

    p = report.add_parser("ledger", parents=[common], help="sổ theo dõi quỹ của một dự án, có số dư lũy kế")
    p.add_argument("--project", required=True)
    _output(p)
    p.set_defaults(handler=report_ledger)

    p = report.add_parser("households", parents=[common], help="sổ đăng ký hộ (lọc được)")
    p.add_argument("--search", default="", help="tìm theo tên, mã, CCCD; không phân biệt dấu và đ/d")
    p.add_argument("--hamlet")
    p.add_argument("--category", help="poor | near_poor | escaped | non_poor")
    p.add_argument("--as-of", type=date_arg, help="phân loại hộ tại ngày này (mặc định hôm nay)")
    _output(p)
    p.set_defaults(handler=report_households, format="xlsx")

    p = report.add_parser("projects", parents=[common], help="danh mục dự án (lọc được)")
    p.add_argument("--programme", help="mã chương trình, ví dụ GNBV")
    p.add_argument("--status", choices=[s.value for s in ProjectStatus])
    _output(p)
    p.set_defaults(handler=report_projects, format="xlsx")


def report_due(args) -> Outcome:
    from desktop.reports.due_doc import due_doc

    with open_books(args) as books:
        result = schedules.due_list(books, args.as_of or clock.today(), within_days=args.within)
        text = (f"Tính đến {format_date(result['as_of'])}: {len(result['rows'])} kỳ đến hạn/quá hạn, còn phải thu "
                f"{vnd(result['total_outstanding'])}, trong đó quá hạn {vnd(result['total_overdue'])}.")
        return _emit(args, books, f"den-han-{result['as_of']}", result, text,
                     lambda: due_doc(books.settings(), result))


def report_fund(args) -> Outcome:
    with open_books(args) as books:
        result = schedules.fund_report(books, args.project)
    text = "\n".join([
        f"Dự án {result['project']}:",
        f"  Đã hỗ trợ: {vnd(result['disbursed'])} (ngân sách {vnd(result['from_budget'])}, "
        f"vốn khác {vnd(result['from_other'])}, "
        f"cho vay lại {vnd(result['relent'])})",
        f"  Phải hoàn trả: {vnd(result['to_return'])}; đã thu hồi: {vnd(result['recovered'])}",
        f"  Chuyển công trình công ích: {vnd(result['public_works'])}",
        f"  Số dư quỹ: {vnd(result['balance'])}",
    ])
    return Outcome(result, text)


def report_period(args) -> Outcome:
    from desktop.reports.period import period_report
    from desktop.reports.period_doc import period_doc

    if args.date_from > args.date_to:
        raise Refused(f"Ngày bắt đầu {format_date(args.date_from)} sau ngày kết thúc {format_date(args.date_to)}.")
    with open_books(args) as books:
        report = period_report(books.conn, args.date_from, args.date_to)
        return _emit(args, books, f"bao-cao-{report.start}-{report.end}", report.to_dict(), _period_text(report),
                     lambda: period_doc(report))


def _period_text(report) -> str:
    t = report.totals
    text = "\n".join([
        f"Báo cáo từ {format_date(report.start)} đến {format_date(report.end)}: {len(report.projects)} dự án, "
        f"{report.households_distinct} hộ tham gia.",
        f"  Hỗ trợ trong kỳ: {vnd(t.disbursed_in_period)} (cho vay lại {vnd(t.disbursed_relent)}); "
        f"thu hồi trong kỳ: {vnd(t.recovered_in_period)}",
        f"  Lũy kế thu hồi: {vnd(t.recovered_to_date)}; quá hạn: {vnd(t.overdue)}; số dư quỹ: {vnd(t.fund_balance)}",
    ])
    return text


def report_ledger(args) -> Outcome:
    from desktop.reports.ledger import ledger_doc, project_ledger

    with open_books(args) as books:
        ledger = project_ledger(books.conn, args.project)
        text = (f"Sổ quỹ dự án {ledger['project']}: {len(ledger['rows'])} dòng; thu vào quỹ {vnd(ledger['fund_in'])}, "
                f"chi {vnd(ledger['fund_out'])}, số dư {vnd(ledger['balance'])}.")
        return _emit(args, books, f"so-quy-{ledger['project']}", ledger, text,
                     lambda: ledger_doc(books.settings(), ledger))


def report_households(args) -> Outcome:
    from desktop.reports.household_register import household_register_doc

    category = Category.parse(args.category) if args.category else None
    query = HouseholdQuery(search=args.search, hamlet=args.hamlet, category=category, as_of=args.as_of)
    with open_books(args) as books:
        doc = household_register_doc(books.conn, books.settings(), query)
        if args.format != "json":
            return _emit(args, books, "so-dang-ky-ho", {}, "", lambda: doc)
        keys = ("stt", "code", "head_name", "id_number", "hamlet", "category", "ethnic_minority", "female_head",
                "members", "phone", "supports", "supported", "to_return", "outstanding")
        rows, totals = [], {}
        for kind, values in doc.lines:
            if kind == "row":
                rows.append(dict(zip(keys, values, strict=True)))
            else:
                totals = {k: v for k, v in zip(keys, values, strict=True) if isinstance(v, int)}
        return _emit(args, books, "so-dang-ky-ho", {"households": rows, "totals": totals},
                     f"{len(rows)} hộ.", lambda: doc)


def report_projects(args) -> Outcome:
    from desktop.reports.project_register import project_register_doc, project_rows

    with open_books(args) as books:
        rows = project_rows(books.conn, programme=args.programme, status=args.status)
        filters = ", ".join(f for f in (f"chương trình {args.programme}" if args.programme else "",
                                        ProjectStatus(args.status).label.lower() if args.status else "") if f)
        return _emit(args, books, "danh-muc-du-an", {"projects": rows}, f"{len(rows)} dự án.",
                     lambda: project_register_doc(books.settings(), rows, filters=filters.capitalize()))
