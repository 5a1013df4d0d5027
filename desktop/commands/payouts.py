"""Money going out on the command line: ``voucher pdf``/``void``, ``management spend``/``show``,
``handover pdf`` and ``report cashbook`` (registered into the ``report`` group by ``reports.py``)."""

from __future__ import annotations

from pathlib import Path

from desktop import clock
from desktop.commands.common import Outcome, amount_arg, date_arg, only_in, open_books, positive_int
from desktop.dates import format_date
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.money import vnd
from desktop.services import management
from desktop.services.voucher_void import void_voucher


def register(commands, common) -> None:
    voucher = only_in(Mode.COMMUNE, commands.add_parser("voucher", help="phiếu chi")).add_subparsers(
        dest="action", required=True)
    p = voucher.add_parser("pdf", parents=[common], help="in phiếu chi (Mẫu C41-BB) ra PDF")
    p.add_argument("--book", required=True)
    p.add_argument("--number", type=positive_int, required=True)
    p.add_argument("--year", type=positive_int)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--copy", action="store_true", help="in bản sao (BẢN SAO)")
    p.add_argument("--two-up", action="store_true", help="hai liên trên một tờ A4")
    p.set_defaults(handler=voucher_pdf)
    p = voucher.add_parser("void", parents=[common], help="hủy phiếu chi và khoản chi của nó; số phiếu vẫn giữ")
    p.add_argument("--book", required=True)
    p.add_argument("--number", type=positive_int, required=True)
    p.add_argument("--year", type=positive_int)
    p.add_argument("--reason", required=True)
    p.add_argument("--on", type=date_arg, help="hủy từ ngày (mặc định: hôm nay)")
    p.set_defaults(handler=voucher_void_cmd)

    mgmt = only_in(Mode.COMMUNE, commands.add_parser("management", help="kinh phí quản lý")).add_subparsers(
        dest="action", required=True)
    p = mgmt.add_parser("spend", parents=[common], help="chi kinh phí quản lý, lập phiếu chi")
    p.add_argument("--amount", type=amount_arg, required=True)
    p.add_argument("--on", type=date_arg, required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--project")
    p.add_argument("--recipient", default="", help="người nhận tiền (mặc định: thủ quỹ)")
    p.add_argument("--voucher-book", default="", help="quyển phiếu chi (mặc định: quyển đang dùng)")
    p.set_defaults(handler=management_spend)
    p = mgmt.add_parser("show", parents=[common], help="kinh phí quản lý được trích, đã chi, còn lại")
    p.add_argument("--as-of", type=date_arg)
    p.set_defaults(handler=management_show)

    handover = only_in(Mode.COMMUNE, commands.add_parser("handover", help="biên bản bàn giao hiện vật")
                       ).add_subparsers(dest="action", required=True)
    p = handover.add_parser("pdf", parents=[common],
                            help="biên bản bàn giao của một hộ, hoặc danh sách bàn giao của một ngày (--on)")
    p.add_argument("--project")
    p.add_argument("--household")
    p.add_argument("--on", type=date_arg, help="danh sách mọi hiện vật giao trong ngày này")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=handover_pdf)


def register_report(report, common, output) -> None:
    p = report.add_parser("cashbook", parents=[common], help="sổ quỹ tiền mặt: phiếu thu, phiếu chi, tồn quỹ")
    p.add_argument("--project")
    p.add_argument("--from", dest="date_from", type=date_arg, required=True)
    p.add_argument("--to", dest="date_to", type=date_arg, required=True)
    output(p)
    p.set_defaults(handler=report_cashbook)


def voucher_pdf(args) -> Outcome:
    from desktop.reports.voucher_pdf import write_voucher
    from desktop.services.voucher_view import original_printed, record_print, voucher_view

    with open_books(args) as books:
        view = voucher_view(books, args.book, args.number, args.year)
        copy = args.copy or original_printed(books, view.id)
        path = write_voucher(args.out, view, copy=copy, two_up=args.two_up)
        record_print(books, view.id, copy)  # logged once the file is written
    kind = "bản sao" if copy else "bản chính"
    return Outcome({"path": str(path), "copy": copy}, f"Đã ghi phiếu chi ({kind}) vào {path}.")


def voucher_void_cmd(args) -> Outcome:
    with open_books(args) as books:
        result = void_voucher(books, args.book, args.number, args.reason, year=args.year, on=args.on)
    return Outcome(result.to_json(), f"Đã hủy phiếu chi quyển {result.book} số {result.number}/{result.year} "
                                     f"và khoản chi của nó từ ngày {format_date(result.voided_on)}.")


def management_spend(args) -> Outcome:
    with open_books(args) as books:
        result = management.spend(books, args.amount, args.on, args.reason, project=args.project,
                                  recipient=args.recipient, book=args.voucher_book)
    v = result.voucher
    return Outcome(result.to_json(), f"Phiếu chi quyển {v.book} số {v.number}/{v.year}: {vnd(v.amount)}. "
                                     f"Kinh phí quản lý còn {vnd(result.balance)}.")


def management_show(args) -> Outcome:
    with open_books(args) as books:
        data = management.summary(books.conn, args.as_of or clock.today())
    return Outcome(data, f"Kinh phí quản lý đến ngày {format_date(args.as_of or clock.today())}: được trích "
                         f"{vnd(data['accrued'])}, đã chi {vnd(data['spent'])}, còn {vnd(data['balance'])}.")


def handover_pdf(args) -> Outcome:
    from desktop.reports.handover_pdf import write_handover_list, write_handovers
    from desktop.services.handovers import handovers_of
    from desktop.services.households import require_household
    from desktop.services.projects import require_project

    with open_books(args) as books:
        conn = books.conn
        project_id = require_project(conn, args.project)["id"] if args.project else None
        household_id = require_household(conn, args.household)["id"] if args.household else None
        if args.on is None and household_id is None:
            raise Refused("Hãy chọn một hộ (--household, có thể kèm --project) hoặc một ngày giao (--on).")
        rows = handovers_of(conn, project_id=project_id, household_id=household_id, on=args.on)
        settings = books.settings()
        if args.on is not None and household_id is None:
            path = write_handover_list(args.out, rows, settings, args.on)
        else:
            path = write_handovers(args.out, rows, settings)
    return Outcome({"path": str(path), "records": len(rows)}, f"Đã ghi {len(rows)} biên bản bàn giao vào {path}.")


def report_cashbook(args) -> Outcome:
    """As every ``report``: JSON figures (also saved to --out), or the XLSX/PDF document to --out."""
    import json

    from desktop.queries.cashbook import cashbook

    with open_books(args) as books:
        data = cashbook(books.conn, args.date_from, args.date_to, args.project)
        if args.format == "json":
            if args.out:
                from desktop.reports.pdfkit import write_atomic

                payload = json.dumps(data, ensure_ascii=False, indent=2, default=str)
                write_atomic(args.out, lambda temp: Path(temp).write_text(payload, encoding="utf-8"))
            return Outcome(data, f"Tồn quỹ đầu kỳ {vnd(data['opening_balance'])}; thu {vnd(data['total_in'])}, "
                                 f"chi {vnd(data['total_out'])}; tồn quỹ cuối kỳ {vnd(data['closing_balance'])}.")
        from desktop.reports import tabular
        from desktop.reports.cashbook import cashbook_doc

        out = args.out
        if out is None:
            books.data_dir.exports.mkdir(parents=True, exist_ok=True)
            out = books.data_dir.exports / (f"so-quy-{data['project'] or 'tat-ca'}-{args.date_from}-{args.date_to}"
                                            f".{args.format}")
        if out.suffix.lower() != f".{args.format}":
            raise Refused(f"Tệp “{out.name}” không có đuôi .{args.format} như định dạng đã chọn.")
        path = tabular.write(out, cashbook_doc(books.settings(), data), args.format)
    return Outcome({"path": str(path), "format": args.format}, f"Đã ghi {path}.")
