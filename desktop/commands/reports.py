"""The ``report …`` commands: due list, fund, periodic report, ledger and registers, as JSON, XLSX or PDF.

Every report but ``fund`` comes from the catalogue (``desktop.reports.catalogue``), as in the window: these
commands only read the flags and write what the catalogue gives. ``--format xlsx|pdf`` writes the document to
``--out`` (default: the data folder's exports/) and prints ``{"path", "format"}``; ``--format json`` prints
the figures themselves (with ``--out``, also saved there).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from desktop.books import Books
from desktop.commands.common import Outcome, date_arg, only_in, open_books, positive_int
from desktop.domain import Category, Mode, ProjectStatus
from desktop.errors import Refused
from desktop.money import vnd
from desktop.reports.catalogue import DUE_WITHIN_DAYS, REPORT_BY_KEY, ReportInputs, write_document
from desktop.services import schedules

# The documents (reportlab, openpyxl) are imported by the command that writes one: every other command of
# vonxoay-cli starts without loading them.

FORMATS = ["json", "xlsx", "pdf"]


def _output(p) -> None:
    p.add_argument("--format", choices=FORMATS, default="json")
    p.add_argument("--out", type=Path, help="tệp kết quả (mặc định: thư mục exports của dữ liệu)")


def _json(args, data: dict, text: str) -> Outcome:
    """The figures go to stdout, and to --out if given."""
    if args.out:
        from desktop.reports.pdfkit import write_atomic

        payload = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        write_atomic(args.out, lambda temp: Path(temp).write_text(payload, encoding="utf-8"))
    return Outcome(data, text)


def _document(args, books: Books, stem: str, write: Callable[[Path, str], Path]) -> Outcome:
    """The document goes to --out, or to the exports folder under the report's own name."""
    fmt = args.format
    out = args.out
    if out is None:
        books.data_dir.exports.mkdir(parents=True, exist_ok=True)
        out = books.data_dir.exports / f"{stem}.{fmt}"
    if out.suffix.lower() != f".{fmt}":
        raise Refused(f"Tệp “{out.name}” không có đuôi .{fmt} như định dạng đã chọn.")
    path = write(out, fmt)
    return Outcome({"path": str(path), "format": fmt}, f"Đã ghi {path}.")


def register(commands, common) -> None:
    # The upper level's reports are ``upper report``: these read a commune's own books.
    report = only_in(Mode.COMMUNE, commands.add_parser("report", help="báo cáo")).add_subparsers(
        dest="action", required=True)
    p = report.add_parser("due", parents=[common], help="đến hạn và quá hạn, theo thôn")
    p.add_argument("--as-of", type=date_arg, required=True)
    p.add_argument("--within", type=positive_int, default=DUE_WITHIN_DAYS, help="số ngày tới tính là sắp đến hạn")
    _output(p)
    p.set_defaults(handler=report_from_catalogue)

    p = report.add_parser("due-slips", parents=[common], help="giấy báo đến hạn trả vốn cho từng hộ, theo thôn (PDF)")
    p.add_argument("--as-of", type=date_arg, required=True)
    p.add_argument("--hamlet", help="chỉ in cho một thôn")
    p.add_argument("--within", type=positive_int, default=DUE_WITHIN_DAYS, help="số ngày tới tính là sắp đến hạn")
    p.add_argument("--out", type=Path, required=True, help="tệp PDF")
    p.set_defaults(handler=report_due_slips)

    p = report.add_parser("fund", parents=[common], help="quỹ luân chuyển của một dự án")
    p.add_argument("--project", required=True)
    p.set_defaults(handler=report_fund)

    p = report.add_parser("period", parents=[common], help="báo cáo định kỳ (6 tháng, năm) gửi cấp trên")
    p.add_argument("--from", dest="date_from", type=date_arg, required=True)
    p.add_argument("--to", dest="date_to", type=date_arg, required=True)
    p.add_argument("--number", default="", help="số văn bản, ví dụ 15 (in “Số: 15/BC-UBND”); bỏ trống để viết tay")
    p.add_argument("--template", help="mẫu báo cáo trong resources/report_templates (mặc định: period)")
    _output(p)
    p.set_defaults(handler=report_from_catalogue)

    p = report.add_parser("text", parents=[common], help="nội dung báo cáo định kỳ do xã viết (kết quả, khó khăn, "
                                                         "đề xuất)").add_subparsers(dest="text_action", required=True)
    q = p.add_parser("set", parents=[common], help="lưu nội dung một mục của báo cáo kỳ này")
    q.add_argument("--from", dest="date_from", type=date_arg, required=True)
    q.add_argument("--to", dest="date_to", type=date_arg, required=True)
    q.add_argument("--section", required=True, help="results | difficulties | proposals")
    source = q.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="nội dung (xuống dòng để tách đoạn)")
    source.add_argument("--file", type=Path, help="đọc nội dung từ tệp văn bản UTF-8")
    q.set_defaults(handler=report_text_set)
    q = p.add_parser("show", parents=[common], help="xem nội dung đã lưu của báo cáo kỳ này")
    q.add_argument("--from", dest="date_from", type=date_arg, required=True)
    q.add_argument("--to", dest="date_to", type=date_arg, required=True)
    q.set_defaults(handler=report_text_show)

    p = report.add_parser("ledger", parents=[common], help="sổ theo dõi quỹ của một dự án, có số dư lũy kế")
    p.add_argument("--project", required=True)
    _output(p)
    p.set_defaults(handler=report_from_catalogue)

    p = report.add_parser("households", parents=[common], help="sổ đăng ký hộ (lọc được)")
    p.add_argument("--search", default="", help="tìm theo tên, mã, CCCD; không phân biệt dấu và đ/d")
    p.add_argument("--hamlet")
    p.add_argument("--category", help="poor | near_poor | escaped | non_poor")
    p.add_argument("--as-of", type=date_arg, help="phân loại hộ tại ngày này (mặc định hôm nay)")
    _output(p)
    p.set_defaults(handler=report_from_catalogue, format="xlsx")

    from desktop.commands.payouts import register_report as register_cashbook

    register_cashbook(report, common, _output)

    p = report.add_parser("projects", parents=[common], help="danh mục dự án (lọc được)")
    p.add_argument("--programme", help="mã chương trình, ví dụ GNBV")
    p.add_argument("--status", choices=[s.value for s in ProjectStatus])
    _output(p)
    p.set_defaults(handler=report_from_catalogue, format="xlsx")


def _inputs(args: argparse.Namespace) -> ReportInputs:
    """This command's flags as the catalogue's inputs; the flags a command does not have stay unset."""
    flags = vars(args)
    category = flags.get("category")
    return ReportInputs(
        start=flags.get("date_from"), end=flags.get("date_to"), as_of=flags.get("as_of"),
        within_days=flags.get("within", DUE_WITHIN_DAYS), project=flags.get("project"),
        programme=flags.get("programme"), status=flags.get("status"), search=flags.get("search", ""),
        hamlet=flags.get("hamlet"), category=Category.parse(category) if category else None,
        template=flags.get("template"), number=flags.get("number") or "",
    )


def report_from_catalogue(args: argparse.Namespace) -> Outcome:
    """``report due|period|ledger|households|projects``: the catalogue's figures, or its document."""
    report = REPORT_BY_KEY[args.action]
    inputs = _inputs(args)
    report.check(inputs)  # what needs no books is refused before they are opened
    with open_books(args) as books:
        if args.format == "json":
            data = report.data(books, inputs)
            return _json(args, data, report.summary(data))
        return _document(args, books, report.stem(inputs),
                         lambda out, fmt: write_document(report, books, inputs, out, fmt))


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


def report_text_set(args) -> Outcome:
    from desktop.services.report_texts import SECTIONS, save_report_text

    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Refused(f"Không đọc được tệp {args.file}: {exc}. Hãy lưu tệp dạng văn bản UTF-8.") from exc
    else:
        text = args.text.replace("\\n", "\n")
    with open_books(args) as books:
        saved = save_report_text(books, args.date_from, args.date_to, args.section, text)
    return Outcome(saved.to_json(), f"Đã lưu mục “{SECTIONS[saved.section]}” ({saved.characters} ký tự) của báo cáo "
                                    f"từ {saved.period_start:%d/%m/%Y} đến {saved.period_end:%d/%m/%Y}.")


def report_text_show(args) -> Outcome:
    from desktop.services.report_texts import SECTIONS, report_texts

    with open_books(args) as books:
        texts = report_texts(books.conn, args.date_from, args.date_to)
    lines = [f"{SECTIONS[k]}:\n{texts.get(k, '(chưa viết)')}" for k in SECTIONS]
    return Outcome({"period_start": args.date_from.isoformat(), "period_end": args.date_to.isoformat(),
                    "sections": {k: texts.get(k, "") for k in SECTIONS}}, "\n".join(lines))


def report_due_slips(args) -> Outcome:
    """``report due-slips``: one giấy báo per household with something overdue or due soon, hamlet by hamlet."""
    from desktop import clock
    from desktop.reports.due_notes import due_slips
    from desktop.reports.due_slips_pdf import write_due_slips

    if args.out.suffix.lower() != ".pdf":
        raise Refused(f"Tệp “{args.out.name}” không có đuôi .pdf: giấy báo được in ra PDF.")
    with open_books(args) as books:
        slips = due_slips(books.conn, args.as_of, within_days=args.within, hamlet=args.hamlet)
        if not slips:
            where = f" ở {args.hamlet}" if args.hamlet else ""
            raise Refused(f"Không có hộ nào{where} có kỳ quá hạn hoặc đến hạn trong {args.within} ngày tính từ "
                          f"{args.as_of:%d/%m/%Y}: không có giấy báo nào để in.")
        path = write_due_slips(args.out, books.settings(), slips, as_of=args.as_of, made_on=clock.today())
    hamlets = len({s.hamlet for s in slips})
    return Outcome({"path": str(path), "slips": len(slips)},
                   f"Đã ghi {len(slips)} giấy báo ({hamlets} thôn) vào {path}.")
