"""``catalogue …`` commands: the programme catalogue in the books, and taking in a newer one."""

from __future__ import annotations

from pathlib import Path

from desktop.catalogue import catalogue_versions, current_version
from desktop.commands.common import Outcome, open_books
from desktop.services.catalogue_import import import_catalogue


def register(commands, common) -> None:
    group = commands.add_parser("catalogue", help="danh mục chương trình, dự án thành phần").add_subparsers(
        dest="action", required=True)
    p = group.add_parser("import", parents=[common], help="nhận tệp danh mục mới hơn (TOML/JSON) từ cấp trên")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=catalogue_import)
    p = group.add_parser("show", parents=[common], help="danh mục đang dùng và các phiên bản đã nhận")
    p.set_defaults(handler=catalogue_show)


def catalogue_import(args) -> Outcome:
    with open_books(args) as books:
        done = import_catalogue(books, args.file)
    return Outcome(done.to_json(), f"Đã nhận danh mục phiên bản {done.version} (trước: {done.previous}): "
                                   f"{done.programmes} chương trình, {done.components} thành phần.")


def catalogue_show(args) -> Outcome:
    with open_books(args) as books:
        conn = books.conn
        programmes = []
        for p in conn.execute("SELECT id, code, name, period, structure, valid_from, valid_to FROM programme "
                              "ORDER BY id"):
            row = dict(p)
            row["components"] = [dict(c) for c in conn.execute(
                "SELECT code, name, parent_code AS parent, valid_from, valid_to, assumed FROM programme_component "
                "WHERE programme_id = ? ORDER BY id", (row.pop("id"),))]
            programmes.append(row)
        data = {"version": current_version(conn), "versions": catalogue_versions(conn), "programmes": programmes}
    lines = [f"Danh mục phiên bản {data['version']}"]
    for p in programmes:
        lines.append(f"{p['code']}: {p['name']} ({p['valid_from'] or '…'} – {p['valid_to'] or '…'})")
        lines += [f"    {c['code']}{' (giả định)' if c['assumed'] else ''}: {c['name']}" for c in p["components"]]
    return Outcome(data, "\n".join(lines))
