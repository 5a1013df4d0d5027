"""Approvals on the command line: ``approval add``, ``approval list``, ``approval pdf``."""

from __future__ import annotations

from pathlib import Path

from desktop.commands.common import Outcome, date_arg, only_in, open_books, positive_int
from desktop.dates import format_date
from desktop.domain import Mode
from desktop.money import parse_amount, vnd
from desktop.services import approvals


def register(commands, common) -> None:
    approval = only_in(Mode.COMMUNE, commands.add_parser("approval", help="bình xét và quyết định phê duyệt hộ")) \
        .add_subparsers(dest="action", required=True)
    p = approval.add_parser("add", parents=[common], help="ghi biên bản bình xét và quyết định phê duyệt")
    p.add_argument("--project", required=True)
    p.add_argument("--decision", required=True, help="số quyết định, ví dụ “12/QĐ-UBND”")
    p.add_argument("--on", type=date_arg, required=True, help="ngày ký quyết định")
    p.add_argument("--households", required=True, help="mã các hộ, cách nhau bằng dấu phẩy: H0001,H0002")
    p.add_argument("--amounts", help="số tiền từng hộ theo thứ tự, cách nhau bằng dấu phẩy "
                                     "(mặc định: mức của quy định theo phân loại hộ)")
    p.add_argument("--round", type=positive_int, default=1, help="vòng hỗ trợ (1: ngân sách; 2, 3…: vốn quay vòng)")
    p.add_argument("--signer", default="", help="người ký (mặc định: chủ tịch trong cài đặt vào ngày ký)")
    p.add_argument("--meeting-on", type=date_arg, help="ngày họp bình xét ở thôn")
    p.add_argument("--hamlet", default="", help="thôn họp bình xét")
    p.add_argument("--attendees", type=positive_int, help="số người dự họp")
    p.add_argument("--chair", default="", help="người chủ trì cuộc họp")
    p.add_argument("--supersedes", metavar="DECISION",
                   help="số quyết định (cùng dự án) mà quyết định này thay thế; hộ của quyết định cũ thôi được tính")
    p.set_defaults(handler=approval_add)
    p = approval.add_parser("list", parents=[common], help="các quyết định phê duyệt")
    p.add_argument("--project")
    p.set_defaults(handler=approval_list)
    p = approval.add_parser("pdf", parents=[common], help="in quyết định (hoặc biên bản bình xét) ra PDF")
    p.add_argument("--id", type=positive_int, required=True, help="mã quyết định (xem “approval list”)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--minutes", action="store_true", help="in biên bản họp bình xét của quyết định")
    p.set_defaults(handler=approval_pdf)


def _amounts(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    return tuple(parse_amount(part.strip()) for part in text.split(",") if part.strip())


def approval_add(args) -> Outcome:
    data = approvals.ApprovalInput(
        project=args.project, decision=args.decision, decided_on=args.on, households=(args.households,),
        round=args.round, amounts=_amounts(args.amounts), signer=args.signer, meeting_on=args.meeting_on,
        hamlet=args.hamlet, attendees=args.attendees, chair=args.chair, supersedes=args.supersedes)
    with open_books(args) as books:
        result = approvals.record_approval(books, data)
    replaced = f"; thay thế quyết định {result.supersedes}" if result.supersedes else ""
    return Outcome(result.to_json(), f"Đã ghi quyết định {result.decision} ngày {format_date(result.decided_on)} "
                                     f"(vòng {result.round}): {len(result.households)} hộ, "
                                     f"{vnd(sum(result.amounts))}{replaced}.")


def approval_list(args) -> Outcome:
    with open_books(args) as books:
        found = approvals.list_decisions(books.conn, args.project)
    return Outcome({"decisions": found}, "\n".join(approvals.decision_text(d) for d in found)
                   or "Chưa có quyết định phê duyệt nào.")


def approval_pdf(args) -> Outcome:
    from desktop.reports import approval_pdf as documents

    with open_books(args) as books:
        doc = approvals.decision_document(books.conn, args.id)
    path = (documents.minutes_pdf if args.minutes else documents.decision_pdf)(args.out, doc)
    what = "biên bản họp bình xét" if args.minutes else f"quyết định {doc['number']}"
    return Outcome({"path": str(path)}, f"Đã ghi {what} vào {path}.")
