"""``household …`` and ``hamlet …`` commands."""

from __future__ import annotations

import argparse

from desktop.commands.common import Outcome, date_arg, only_in, open_books, positive_int
from desktop.dates import format_date
from desktop.domain import Category, Mode
from desktop.errors import Refused
from desktop.services import hamlets, households
from desktop.services.households import HouseholdChanges, HouseholdInput, HouseholdQuery


def register(commands, common) -> None:
    hamlet = only_in(Mode.COMMUNE, commands.add_parser("hamlet", help="thôn/ấp của xã")).add_subparsers(
        dest="action", required=True)
    p = hamlet.add_parser("add", parents=[common], help="thêm một thôn")
    p.add_argument("name", help="tên thôn, ví dụ “Thôn 1”")
    p.set_defaults(handler=hamlet_add)
    p = hamlet.add_parser("list", parents=[common], help="danh sách thôn")
    p.set_defaults(handler=hamlet_list)

    household = only_in(Mode.COMMUNE, commands.add_parser("household", help="hộ gia đình")).add_subparsers(
        dest="action", required=True)
    p = household.add_parser("add", parents=[common], help="đăng ký một hộ")
    p.add_argument("--code", required=True, help="mã hộ, duy nhất trong xã (ví dụ H001)")
    p.add_argument("--head", required=True, help="họ tên chủ hộ")
    p.add_argument("--hamlet", required=True, help="thôn")
    p.add_argument("--category", required=True, help="poor | near_poor | escaped | non_poor")
    p.add_argument("--category-on", type=date_arg, help="ngày xếp loại có hiệu lực (mặc định hôm nay)")
    p.add_argument("--escaped-on", type=date_arg, help="ngày thoát nghèo (với hộ mới thoát nghèo)")
    p.add_argument("--id-number", help="số CCCD 12 chữ số của chủ hộ")
    p.add_argument("--ethnic-minority", action="store_true", help="hộ dân tộc thiểu số")
    p.add_argument("--female-head", action="store_true", help="chủ hộ là nữ")
    p.add_argument("--members", type=positive_int, help="số nhân khẩu")
    p.add_argument("--phone", default="")
    p.add_argument("--notes", default="")
    p.set_defaults(handler=household_add)

    p = household.add_parser("list", parents=[common], help="tìm và liệt kê hộ")
    p.add_argument("--search", default="", help="tìm theo tên, mã, CCCD; không phân biệt dấu và đ/d")
    p.add_argument("--hamlet")
    p.add_argument("--category", help="poor | near_poor | escaped | non_poor")
    p.add_argument("--as-of", type=date_arg, help="phân loại hộ tại ngày này (mặc định hôm nay)")
    p.add_argument("--limit", type=positive_int)
    p.set_defaults(handler=household_list)

    p = household.add_parser("show", parents=[common], help="thông tin một hộ và lịch sử phân loại")
    p.add_argument("code")
    p.set_defaults(handler=household_show)

    p = household.add_parser("edit", parents=[common], help="sửa thông tin hộ (có ghi nhật ký)")
    p.add_argument("code")
    p.add_argument("--head")
    p.add_argument("--hamlet")
    p.add_argument("--id-number")
    p.add_argument("--ethnic-minority", type=_yes_no)
    p.add_argument("--female-head", type=_yes_no)
    p.add_argument("--members", type=positive_int)
    p.add_argument("--phone")
    p.add_argument("--notes")
    p.set_defaults(handler=household_edit)

    p = household.add_parser("category", parents=[common], help="ghi kết quả rà soát: phân loại mới của hộ")
    p.add_argument("code")
    p.add_argument("--category", required=True)
    p.add_argument("--on", type=date_arg, required=True, help="ngày có hiệu lực")
    p.add_argument("--note", default="")
    p.set_defaults(handler=household_category)


def _yes_no(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "yes", "true", "co", "có", "y"):
        return True
    if lowered in ("0", "no", "false", "khong", "không", "n"):
        return False
    raise argparse.ArgumentTypeError(f"“{text}”: hãy ghi có/không (yes/no).")


def hamlet_add(args) -> Outcome:
    with open_books(args) as books:
        row = hamlets.add_hamlet(books, args.name)
    return Outcome(row.to_json(), f"Đã thêm thôn {row.name}.")


def hamlet_list(args) -> Outcome:
    with open_books(args) as books:
        rows = hamlets.list_hamlets(books)
    text = "\n".join(f"{r['name']}: {r['households']} hộ" for r in rows) or "Chưa có thôn nào."
    return Outcome({"hamlets": rows}, text)


def household_add(args) -> Outcome:
    category = Category.parse(args.category)
    category_on = args.category_on
    if args.escaped_on and category is not Category.ESCAPED:
        # Silently dropping a date the clerk typed would hide a mistake in the category or the date.
        raise Refused(f"Ngày thoát nghèo (--escaped-on) chỉ dùng cho hộ mới thoát nghèo, không cho "
                      f"{category.label.lower()}.")
    if category is Category.ESCAPED and args.escaped_on:
        category_on = args.escaped_on
    data = HouseholdInput(
        code=args.code, head_name=args.head, hamlet=args.hamlet, category=category, category_on=category_on,
        id_number=args.id_number, ethnic_minority=args.ethnic_minority, female_head=args.female_head,
        members=args.members, phone=args.phone, notes=args.notes,
    )
    with open_books(args) as books:
        row = households.add_household(books, data)
    return Outcome({"id": row.id, "code": row.code, "uuid": row.uuid, "warnings": list(row.warnings)},
                   "\n".join([f"Đã đăng ký hộ {row.code} — {args.head.strip()} ({category.label}).",
                              *(f"Cảnh báo: {w}" for w in row.warnings)]))


def household_list(args) -> Outcome:
    category = Category.parse(args.category) if args.category else None
    # A search lists the best matches first, as the window's pickers do; the whole register stays in code order.
    query = HouseholdQuery(search=args.search, hamlet=args.hamlet, category=category, as_of=args.as_of,
                           order="match" if args.search else "code")
    with open_books(args) as books:
        rows = households.list_households(books, query, limit=args.limit)
    for row in rows:
        row.pop("id")
        row.pop("match", None)
    lines = [f"{r['code']:<8} {r['head_name']:<28} {r['hamlet']:<14} {Category(r['category']).label}"
             for r in rows]
    lines.append(f"— {len(rows)} hộ")
    return Outcome({"households": rows}, "\n".join(lines))


def household_show(args) -> Outcome:
    with open_books(args) as books:
        row = dict(households.require_household(books.conn, args.code))
        history = households.category_history(books.conn, row["id"])
        hamlet = books.conn.execute("SELECT name FROM hamlet WHERE id = ?", (row["hamlet_id"],)).fetchone()[0]
    row.pop("search_key")
    data = {**row, "hamlet": hamlet, "categories": history}
    lines = [f"Hộ {row['code']}: {row['head_name']} — {hamlet}"]
    lines += [f"  {format_date(h['effective_on'])}: {Category(h['category']).label} {h['note']}".rstrip()
              for h in history]
    return Outcome(data, "\n".join(lines))


def household_edit(args) -> Outcome:
    changes = HouseholdChanges(
        head_name=args.head, hamlet=args.hamlet, id_number=args.id_number, ethnic_minority=args.ethnic_minority,
        female_head=args.female_head, members=args.members, phone=args.phone, notes=args.notes,
    )
    with open_books(args) as books:
        result = households.edit_household(books, args.code, changes)
    if not result.changed:
        return Outcome(result.to_json(), "Không có gì thay đổi.")
    text = "\n".join([f"Đã sửa hộ {result.code}: {', '.join(result.changed)}.",
                      *(f"Cảnh báo: {w}" for w in result.warnings)])
    return Outcome(result.to_json(), text)


def household_category(args) -> Outcome:
    category = Category.parse(args.category)
    with open_books(args) as books:
        result = households.set_category(books, args.code, category, args.on, args.note)
    return Outcome(result.to_json(), f"Hộ {result.code}: {category.label} từ {format_date(args.on)}.")
