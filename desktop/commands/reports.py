"""The ``report …`` commands: due list, fund, periodic report, ledger and registers, as JSON, XLSX or PDF."""

from __future__ import annotations

from datetime import date

from desktop.commands.common import Outcome, date_arg, open_books, positive_int, vnd
from desktop.dates import format_date
from desktop.errors import Refused
from desktop.reports.period import period_report
from desktop.services import schedules


def register(commands, common) -> None:
    report = commands.add_parser("report", help="báo cáo").add_subparsers(dest="action", required=True)
    p = report.add_parser("due", parents=[common], help="đến hạn và quá hạn, theo thôn")
    p.add_argument("--as-of", type=date_arg, required=True)
    p.add_argument("--within", type=positive_int, default=30, help="số ngày tới tính là sắp đến hạn")
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(handler=report_due)

    p = report.add_parser("fund", parents=[common], help="quỹ luân chuyển của một dự án")
    p.add_argument("--project", required=True)
    p.set_defaults(handler=report_fund)

    p = report.add_parser("period", parents=[common], help="báo cáo định kỳ (6 tháng, năm) gửi cấp trên")
    p.add_argument("--from", dest="date_from", type=date_arg, required=True)
    p.add_argument("--to", dest="date_to", type=date_arg, required=True)
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(handler=report_period)


def report_due(args) -> Outcome:
    with open_books(args) as books:
        result = schedules.due_list(books, args.as_of or date.today(), within_days=args.within)
    text = (f"Tính đến {format_date(result['as_of'])}: {len(result['rows'])} kỳ đến hạn/quá hạn, còn phải thu "
            f"{vnd(result['total_outstanding'])}, trong đó quá hạn {vnd(result['total_overdue'])}.")
    return Outcome(result, text)


def report_fund(args) -> Outcome:
    with open_books(args) as books:
        result = schedules.fund_report(books, args.project)
    text = "\n".join([
        f"Dự án {result['project']}:",
        f"  Đã hỗ trợ: {vnd(result['disbursed'])} (ngân sách {vnd(result['from_budget'])}, "
        f"cho vay lại {vnd(result['relent'])})",
        f"  Phải hoàn trả: {vnd(result['to_return'])}; đã thu hồi: {vnd(result['recovered'])}",
        f"  Chuyển công trình công ích: {vnd(result['public_works'])}",
        f"  Số dư quỹ: {vnd(result['balance'])}",
    ])
    return Outcome(result, text)


def report_period(args) -> Outcome:
    if args.date_from > args.date_to:
        raise Refused(f"Ngày bắt đầu {format_date(args.date_from)} sau ngày kết thúc {format_date(args.date_to)}.")
    with open_books(args) as books:
        report = period_report(books.conn, args.date_from, args.date_to)
    t = report.totals
    text = "\n".join([
        f"Báo cáo từ {format_date(report.start)} đến {format_date(report.end)}: {len(report.projects)} dự án, "
        f"{report.households_distinct} hộ tham gia.",
        f"  Hỗ trợ trong kỳ: {vnd(t.disbursed_in_period)} (cho vay lại {vnd(t.disbursed_relent)}); "
        f"thu hồi trong kỳ: {vnd(t.recovered_in_period)}",
        f"  Lũy kế thu hồi: {vnd(t.recovered_to_date)}; quá hạn: {vnd(t.overdue)}; số dư quỹ: {vnd(t.fund_balance)}",
    ])
    return Outcome(report.to_dict(), text)
