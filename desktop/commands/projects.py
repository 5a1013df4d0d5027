"""``project …`` commands."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from desktop import clock
from desktop.commands.common import Outcome, amount_arg, date_arg, only_in, open_books
from desktop.commands.project_leads import add_lead_flags, register_lead, set_from_args
from desktop.domain import Mode
from desktop.money import vnd
from desktop.services import projects
from desktop.services.project_leads import validate_lead
from desktop.services.projects import ProjectInput


def register(commands, common) -> None:
    project = only_in(Mode.COMMUNE, commands.add_parser("project", help="dự án")).add_subparsers(
        dest="action", required=True)
    p = project.add_parser("add", parents=[common], help="đăng ký một dự án theo một quy định quỹ")
    p.add_argument("--code", required=True, help="mã dự án, ví dụ DA01")
    p.add_argument("--name", required=True)
    p.add_argument("--programme", help="mã chương trình: GNBV, DTTS, MTQG-2026")
    p.add_argument("--component", default="", help="dự án/tiểu dự án thành phần, ví dụ “Dự án 2”")
    p.add_argument("--policy", help="default, mã quy định, hoặc đường dẫn tệp .toml")
    p.add_argument("--approved-on", type=date_arg, help="ngày quyết định phê duyệt")
    p.add_argument("--decision", default="", help="số quyết định phê duyệt")
    p.add_argument("--authority", default="", help="cơ quan phê duyệt, ví dụ “UBND xã”")
    p.add_argument("--budget-central", type=amount_arg, default=0)
    p.add_argument("--budget-local", type=amount_arg, default=0)
    p.add_argument("--budget-other", type=amount_arg, default=0)
    p.add_argument("--budget-counterpart", type=amount_arg, default=0)
    add_lead_flags(p)
    p.set_defaults(handler=project_add)
    p = project.add_parser("list", parents=[common], help="danh sách dự án")
    p.set_defaults(handler=project_list)
    p = project.add_parser("support-list", parents=[common], help="in bảng kê hỗ trợ hộ gia đình (PDF, A4)")
    p.add_argument("--project", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=support_list)
    p = project.add_parser("notice", parents=[common], help="in danh sách công khai hộ được hỗ trợ (PDF, A4)")
    p.add_argument("--project", required=True)
    p.add_argument("--from", dest="posted_from", type=date_arg, help="ngày bắt đầu niêm yết (mặc định hôm nay)")
    p.add_argument("--days", type=int, default=10, help="số ngày niêm yết (mặc định 10)")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=notice)
    register_lead(project, common)


def project_add(args) -> Outcome:
    data = ProjectInput(
        code=args.code, name=args.name, programme=args.programme, component=args.component, policy=args.policy,
        decision_number=args.decision, decision_date=args.approved_on, decision_authority=args.authority,
        budget_central=args.budget_central, budget_local=args.budget_local, budget_other=args.budget_other,
        budget_counterpart=args.budget_counterpart,
    )
    with open_books(args) as books:
        if args.lead_kind or args.lead_name or args.lead_representative or args.lead_code:
            # Refused before the project is written: a project and its lead are one act for the clerk.
            validate_lead(args.lead_kind, args.lead_name, args.lead_representative, args.lead_code, data.code)
        row = projects.add_project(books, data)
        lead = set_from_args(books, row.code, args)
    data = row.to_json() | ({"lead": lead.to_json()} if lead else {})
    return Outcome(data, f"Đã đăng ký dự án {row.code} theo quy định {row.policy}.")


def project_list(args) -> Outcome:
    with open_books(args) as books:
        rows = projects.list_projects(books)
    lines = [f"{r['code']:<8} {r['name']:<40} {r['households']:>5} hộ  "
             f"{vnd(r['budget_central'] + r['budget_local'] + r['budget_other'])}" for r in rows]
    return Outcome({"projects": rows}, "\n".join(lines) or "Chưa có dự án nào.")


def support_list(args) -> Outcome:
    from desktop.reports.beneficiaries import beneficiaries
    from desktop.reports.lists_pdf import support_list as write

    with open_books(args) as books:
        project, members = beneficiaries(books.conn, args.project)
        path = write(args.out, books.settings(), project, members)
    return Outcome({"path": str(path), "rows": len(members)}, f"Đã ghi bảng kê ({len(members)} hộ) vào {path}.")


def notice(args) -> Outcome:
    from desktop.reports.beneficiaries import beneficiaries
    from desktop.reports.lists_pdf import public_notice as write

    start = args.posted_from or clock.today()
    with open_books(args) as books:
        project, members = beneficiaries(books.conn, args.project)
        path = write(args.out, books.settings(), project, members, posted_from=start,
                     posted_to=start + timedelta(days=args.days))
    return Outcome({"path": str(path), "rows": len(members)}, f"Đã ghi danh sách công khai vào {path}.")
