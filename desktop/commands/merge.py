"""``books merge``: bring the books of the old communes merged into this one (2025 reform) into its books."""

from __future__ import annotations

from pathlib import Path

from desktop.commands.common import Outcome, only_in, open_books
from desktop.domain import Mode
from desktop.services.merge import merge_books, read_decisions


def register(commands, common) -> None:
    group = only_in(Mode.COMMUNE, commands.add_parser("books", help="sổ sách của xã")).add_subparsers(
        dest="action", required=True)
    p = group.add_parser("merge", parents=[common],
                         help="gộp sổ của các xã cũ (thư mục dữ liệu) vào sổ của xã mới đang mở")
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="thư mục dữ liệu của từng xã cũ")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem sẽ gộp gì và người trùng, không ghi gì")
    p.add_argument("--same-person", action="append", default=[], metavar="SỐ_ĐỊNH_DANH",
                   help="người có số định danh này ở nhiều sổ là cùng một người (giữ một hộ)")
    p.add_argument("--different-person", action="append", default=[], metavar="SỐ_ĐỊNH_DANH",
                   help="là những người khác nhau (hộ đầu giữ số định danh, các hộ sau được ghi chú để kiểm tra)")
    p.add_argument("--decisions", type=Path, help='tệp JSON {"số định danh": "same" | "different"}')
    p.set_defaults(handler=books_merge)


def books_merge(args) -> Outcome:
    decisions = read_decisions(args.decisions, args.same_person, args.different_person)
    with open_books(args) as books:
        done = merge_books(books, args.folders, dry_run=args.dry_run, decisions=decisions)
    data = done.to_json()
    lines = [("Sẽ gộp" if done.dry_run else "Đã gộp") + f" {done.projects} dự án, {done.households} hộ, "
             f"{done.receipts} phiếu thu:"]
    lines += [f"  {c['commune_name']} ({c['commune_code']}): {c['projects']} dự án, {c['households']} hộ, "
              f"{c['receipts']} phiếu thu" for c in done.communes]
    for d in done.duplicates:
        said = {"same": "cùng một người", "different": "người khác nhau", None: "CHƯA QUYẾT ĐỊNH"}[d["decision"]]
        lines.append(f"  Trùng số định danh {d['id_number']} ({said}): " + "; ".join(
            f"{h['head_name']} – {h['commune_code']} {h['code']}, {h['hamlet']}" for h in d["households"]))
    return Outcome(data, "\n".join(lines))
