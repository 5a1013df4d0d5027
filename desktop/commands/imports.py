"""``household import`` and ``household template``: the commune's Excel list in, the blank list out."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.commands.common import Outcome, open_books
from desktop.errors import Refused
from desktop.services.hamlets import list_hamlets


def _household_group(commands) -> argparse._SubParsersAction:
    """The ``household`` command's sub-commands, registered by ``households.py`` before us."""
    parser = commands.choices["household"]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def register(commands, common) -> None:
    household = _household_group(commands)
    p = household.add_parser("import", parents=[common], help="nhập danh sách hộ từ Excel (.xlsx)")
    p.add_argument("file", type=Path, help="tệp .xlsx")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, báo lỗi từng dòng, không ghi gì")
    p.add_argument("--sheet", metavar="TÊN", help="trang tính cần đọc (mặc định: trang đang mở khi lưu tệp, "
                                                  "nếu không bị ẩn; nếu không thì trang hiện đầu tiên)")
    p.add_argument("--map", action="append", default=[], metavar="CỘT=TRƯỜNG",
                   help="chỉ định cột: tiêu đề (hoặc chữ cột) = head_name, id_number, hamlet, category, …; "
                        "“=ignore” để bỏ qua")
    p.set_defaults(handler=household_import)

    p = household.add_parser("template", parents=[common], help="tải mẫu danh sách hộ (.xlsx) để điền")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=household_template)


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip():
            raise Refused(f"--map “{pair}” phải có dạng “Tên cột=trường”, ví dụ “Tên chủ hộ=head_name”.")
        mapping[column.strip()] = field.strip()
    return mapping


def household_import(args) -> Outcome:
    from desktop.importing.households_xlsx import apply_import, plan_import  # openpyxl: only here

    mapping = _mapping(args.map)
    with open_books(args) as books:
        plan = plan_import(books, args.file, mapping, sheet=args.sheet)
        if args.dry_run:
            data = plan.to_dict()
            verb = "Sẽ"
        else:
            data = apply_import(books, plan).to_dict()
            verb = "Đã"
    others = ", ".join(f"“{t}”" for t in plan.sheets if t != data["sheet"])
    lines = [f"Đọc trang tính “{data['sheet']}”." + (f" Các trang khác: {others} (chọn bằng --sheet TÊN)."
                                                     if others else ""),
             f"{verb} thêm {data['inserted']} hộ, cập nhật {data['updated']} hộ; {data['unchanged']} hộ không đổi; "
             f"{len(data['rejected'])} dòng lỗi."]
    if data["new_hamlets"]:
        lines.append(f"{verb} thêm thôn: {', '.join(data['new_hamlets'])}.")
    lines += [f"  {p['reason']}" + (f" ({', '.join(filter(None, (p['head_name'], p['hamlet'])))})"
                                    if p["head_name"] or p["hamlet"] else "") for p in data["rejected"][:50]]
    lines += [f"  Cảnh báo — {w['message']}" for w in data["warnings"][:50]]
    if len(data["rejected"]) > 50:
        lines.append(f"  … và {len(data['rejected']) - 50} dòng lỗi khác (xem --json).")
    if args.dry_run:
        lines.append("Chạy thử: chưa ghi gì vào sổ.")
    return Outcome(data, "\n".join(lines))


def household_template(args) -> Outcome:
    from desktop.importing.template import write_template

    if args.out.suffix.lower() != ".xlsx":
        raise Refused(f"Mẫu là tệp Excel: hãy đặt tên có đuôi .xlsx (đang là “{args.out.name}”).")
    with open_books(args) as books:
        hamlets = [h["name"] for h in list_hamlets(books)]
    path = write_template(args.out, hamlets)
    return Outcome({"path": str(path)}, f"Đã ghi mẫu danh sách hộ vào {path}.")
