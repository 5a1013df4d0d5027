"""``project lead …`` commands: who leads a project (cooperative, cooperative group, household group)."""

from __future__ import annotations

from desktop.commands.common import Outcome, open_books
from desktop.errors import Refused
from desktop.services import project_leads
from desktop.services.project_leads import LEAD_KINDS
from desktop.services.projects import require_project


def register_lead(project_group, common) -> None:
    lead = project_group.add_parser("lead", help="đơn vị chủ trì dự án (HTX, tổ hợp tác, nhóm hộ)").add_subparsers(
        dest="lead_action", required=True)
    p = lead.add_parser("set", parents=[common], help="ghi hoặc sửa đơn vị chủ trì")
    p.add_argument("--project", required=True)
    add_lead_flags(p, required=True)
    p.set_defaults(handler=lead_set)
    p = lead.add_parser("add-members", parents=[common], help="thêm hộ thành viên của đơn vị chủ trì")
    p.add_argument("--project", required=True)
    p.add_argument("--households", required=True, help="mã hộ, cách nhau bởi dấu phẩy: H001,H002")
    p.set_defaults(handler=lead_members)
    p = lead.add_parser("show", parents=[common], help="xem đơn vị chủ trì và hộ thành viên")
    p.add_argument("--project", required=True)
    p.set_defaults(handler=lead_show)


def add_lead_flags(parser, *, required: bool = False) -> None:
    parser.add_argument("--lead-kind", choices=list(LEAD_KINDS), required=required,
                        help="cooperative (HTX) | cooperative_group (tổ hợp tác) | household_group (nhóm hộ)")
    parser.add_argument("--lead-name", required=required, help="tên đơn vị chủ trì")
    parser.add_argument("--lead-representative", default="", help="người đại diện")
    parser.add_argument("--lead-code", default="", help="mã số thuế hoặc số đăng ký")


def set_from_args(books, project: str, args) -> project_leads.LeadSet | None:
    """``project add`` with --lead-…: the lead is set right after the project (both flags or neither)."""
    if not args.lead_kind and not args.lead_name:
        if args.lead_representative or args.lead_code:
            raise Refused("Đã ghi người đại diện hoặc mã số của đơn vị chủ trì nhưng chưa ghi --lead-kind và "
                          "--lead-name.")
        return None
    if not (args.lead_kind and args.lead_name):
        raise Refused("Đơn vị chủ trì cần cả loại (--lead-kind) và tên (--lead-name).")
    return project_leads.set_lead(books, project, kind=args.lead_kind, name=args.lead_name,
                                  representative=args.lead_representative, registration_code=args.lead_code)


def lead_set(args) -> Outcome:
    with open_books(args) as books:
        done = set_from_args(books, args.project, args)
    return Outcome(done.to_json(), f"Dự án {done.project} do {LEAD_KINDS[done.kind].lower()} {done.name} chủ trì.")


def lead_members(args) -> Outcome:
    with open_books(args) as books:
        done = project_leads.add_lead_members(books, args.project, args.households.split(","))
    return Outcome(done.to_json(), f"Đã thêm {len(done.added)} hộ; đơn vị chủ trì có {done.members} hộ thành viên.")


def lead_show(args) -> Outcome:
    with open_books(args) as books:
        project = require_project(books.conn, args.project)
        lead = project_leads.project_lead(books.conn, project["id"])
    if lead is None:
        return Outcome({"project": project["code"], "lead": None}, f"Dự án {project['code']} chưa có đơn vị chủ trì.")
    lines = [f"{lead['kind_label']} {lead['name']}, đại diện: {lead['representative'] or '—'}, "
             f"mã số: {lead['registration_code'] or '—'}"]
    lines += [f"  {m['code']} {m['head_name']}" for m in lead["members"]]
    return Outcome({"project": project["code"], "lead": lead}, "\n".join(lines))
