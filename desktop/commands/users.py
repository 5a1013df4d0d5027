"""The office's people on the command line: ``user add``, ``user list``, ``user password``, and the
two-person voids they confirm (``void list``, ``void confirm``).

A password never goes on the command line in clear (it would stay in the shell's history and in the list
of processes): it is asked at the terminal, or read from ``VONXOAY_NEW_PASSWORD`` by a script. The password
of the person acting (``--as``) is ``VONXOAY_PASSWORD``.
"""

from __future__ import annotations

import getpass
import os
import sys

from desktop.commands.common import Outcome, open_books
from desktop.dates import format_date
from desktop.errors import Refused
from desktop.services import users, void_requests


def register(commands, common) -> None:
    user = commands.add_parser("user", help="người dùng và vai trò").add_subparsers(dest="action", required=True)
    p = user.add_parser("add", parents=[common], help="thêm người dùng (cán bộ, kế toán, thủ quỹ, chủ tịch)")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, help="clerk | accountant | cashier | chairman")
    p.add_argument("--password", action="store_true",
                   help="đặt mật khẩu (hỏi khi chạy, hoặc VONXOAY_NEW_PASSWORD); không ghi mật khẩu lên dòng lệnh")
    p.set_defaults(handler=user_add)
    p = user.add_parser("list", parents=[common], help="danh sách người dùng")
    p.set_defaults(handler=user_list)
    p = user.add_parser("password", parents=[common], help="đặt hoặc bỏ mật khẩu của một người dùng")
    p.add_argument("--name", required=True)
    p.add_argument("--remove", action="store_true", help="bỏ mật khẩu")
    p.set_defaults(handler=user_password)


def _new_password(name: str) -> str:
    if "VONXOAY_NEW_PASSWORD" in os.environ:
        return os.environ["VONXOAY_NEW_PASSWORD"]
    if sys.stdin is None or not sys.stdin.isatty():
        raise Refused("Không có mật khẩu: chạy trong cửa sổ dòng lệnh để nhập, hoặc đặt VONXOAY_NEW_PASSWORD.")
    first = getpass.getpass(f"Mật khẩu mới của {name}: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise Refused("Hai lần nhập mật khẩu không khớp; không có gì được ghi.")
    return first


def user_add(args) -> Outcome:
    password = _new_password(args.name) if args.password else None
    with open_books(args) as books:
        result = users.add_user(books, args.name, args.role, password)
    return Outcome({"id": result.id, "name": result.name, "role": result.role.value},
                   f"Đã thêm {result.name} ({result.role.label})" + (" có mật khẩu." if password else "."))


def user_list(args) -> Outcome:
    with open_books(args) as books:
        found = users.list_users(books.conn)
    data = {"users": [{"id": u.id, "name": u.name, "role": u.role.value, "password": u.has_password}
                      for u in found]}
    text = "\n".join(f"{u.name}: {u.role.label}" + (" (có mật khẩu)" if u.has_password else "") for u in found)
    return Outcome(data, text or "Chưa có người dùng.")


def user_password(args) -> Outcome:
    password = None if args.remove else _new_password(args.name)
    with open_books(args) as books:
        result = users.set_password(books, args.name, password)
    return Outcome(result.to_json(), f"Đã {'đặt' if result.has_password else 'bỏ'} mật khẩu của {result.name}.")


def register_voids(commands, common) -> None:
    """``void list`` and ``void confirm``: the requests two-person voids make (setting ``two_person_voids``)."""
    void = commands.add_parser("void", help="yêu cầu hủy chờ người thứ hai xác nhận").add_subparsers(
        dest="action", required=True)
    p = void.add_parser("list", parents=[common], help="các yêu cầu hủy đang chờ xác nhận")
    p.add_argument("--all", action="store_true", help="cả các yêu cầu đã xác nhận")
    p.set_defaults(handler=void_list)
    p = void.add_parser("confirm", parents=[common],
                        help="xác nhận một yêu cầu hủy (kế toán hoặc chủ tịch, khác người yêu cầu)")
    p.add_argument("request_id", metavar="REQUEST_ID", type=int)
    p.set_defaults(handler=void_confirm)


def void_list(args) -> Outcome:
    with open_books(args) as books:
        found = void_requests.list_requests(books.conn, pending_only=not args.all)
    lines = [f"{r['id']}: {r['label']} từ ngày {format_date(r['void_on'])} — {r['reason']} (yêu cầu: "
             f"{r['requested_by']}" + (f"; xác nhận: {r['confirmed_by']})" if r["confirmed_by"] else "; chờ xác nhận)")
             for r in found]
    return Outcome({"requests": found}, "\n".join(lines) or "Không có yêu cầu hủy nào đang chờ.")


def void_confirm(args) -> Outcome:
    with open_books(args) as books:
        result = void_requests.confirm_void(books, args.request_id)
    return Outcome(result.to_json(), f"{result.confirmed_by} đã xác nhận yêu cầu số {result.request_id} của "
                                     f"{result.requested_by}: đã hủy {result.label} từ ngày "
                                     f"{format_date(result.void_on)}.")
