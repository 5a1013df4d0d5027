"""Sync on the command line: ``sync export`` at the commune; ``upper import``, ``upper report``,
``upper duplicates`` and ``upper communes`` at the upper level."""

from __future__ import annotations

from pathlib import Path

from desktop import clock
from desktop.commands.common import Outcome, date_arg, only_in, open_books
from desktop.domain import Mode
from desktop.money import format_vnd


def _vn_date(iso: str) -> str:
    from datetime import date

    from desktop.dates import format_date

    return format_date(date.fromisoformat(iso))


def register(commands, common) -> None:
    sync = only_in(Mode.COMMUNE, commands.add_parser("sync", help="gói đồng bộ gửi cấp trên")).add_subparsers(
        dest="action", required=True)
    p = sync.add_parser("export", parents=[common], help="xuất gói dữ liệu đã ký của xã")
    p.add_argument("--out", type=Path, help="thư mục ghi gói (mặc định: exports/ trong thư mục dữ liệu)")
    p.add_argument("--as-of", type=date_arg, help="dữ liệu tính đến ngày (mặc định: hôm nay)")
    p.add_argument("--unencrypted", action="store_true",
                   help="xuất gói KHÔNG mã hóa (gói chứa số CCCD: chỉ dùng khi thật cần)")
    p.set_defaults(handler=sync_export)
    recipient = sync.add_parser("recipient", help="khóa mã hóa của cấp trên (nạp một lần, đối chiếu vân tay)"
                                ).add_subparsers(dest="recipient_action", required=True)
    p = recipient.add_parser("set", parents=[common], help="nạp tệp khóa cấp trên gửi (.vxk)")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=sync_recipient_set)
    p = recipient.add_parser("show", parents=[common], help="khóa mã hóa đang dùng và vân tay của nó")
    p.set_defaults(handler=sync_recipient_show)
    p = sync.add_parser("history", parents=[common], help="các gói đã xuất")
    p.set_defaults(handler=sync_history)
    p = sync.add_parser("ack", parents=[common], help="nhận tệp xác nhận của cấp trên cho một gói đã gửi")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=sync_ack)

    upper = only_in(Mode.UPPER, commands.add_parser("upper", help="cấp trên: nhập và tổng hợp gói của các xã")
                    ).add_subparsers(dest="action", required=True)
    p = upper.add_parser("import", parents=[common], help="kiểm tra và nhập gói của xã")
    p.add_argument("packages", nargs="+", type=Path, metavar="PKG")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và cho biết sẽ làm gì, không ghi gì")
    p.set_defaults(handler=upper_import)
    key = upper.add_parser("key", help="khóa của đơn vị cấp trên và khóa ký của các xã").add_subparsers(
        dest="key_action", required=True)
    p = key.add_parser("export", parents=[common], help="xuất tệp khóa công khai để các xã mã hóa gói gửi lên")
    p.add_argument("--out", type=Path, required=True, help="tệp (.vxk) hoặc thư mục ghi")
    p.set_defaults(handler=upper_key_export)
    p = key.add_parser("accept", parents=[common],
                       help="chấp nhận khóa mới của một xã, sau khi gọi điện đối chiếu vân tay với xã")
    p.add_argument("--commune", required=True, help="mã xã")
    p.add_argument("--fingerprint", required=True, help="vân tay khóa mới do xã đọc qua điện thoại")
    p.set_defaults(handler=upper_key_accept)
    p = upper.add_parser("report", parents=[common], help="báo cáo tổng hợp: mỗi xã một dòng và tổng cộng")
    p.add_argument("--from", dest="date_from", type=date_arg, help="mặc định: ngày 1/1 năm nay")
    p.add_argument("--to", dest="date_to", type=date_arg, help="mặc định: hôm nay")
    p.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
    p.add_argument("--out", type=Path, help="tệp kết quả (mặc định với xlsx/pdf: trong thư mục exports/)")
    p.add_argument("--commune", help="xem chi tiết từng dự án của một xã (mã xã)")
    p.add_argument("--number", default="", help="số văn bản, ví dụ 15 (in “Số: 15/BC”); bỏ trống để viết tay")
    p.set_defaults(handler=upper_report)
    p = upper.add_parser("ack", parents=[common], help="lập tệp xác nhận đã nhận gói mới nhất của một xã")
    p.add_argument("--commune", required=True, help="mã xã")
    p.add_argument("--out", type=Path, help="thư mục ghi (mặc định: exports/)")
    p.set_defaults(handler=upper_ack)
    catalogue = upper.add_parser("catalogue", help="danh mục chương trình gửi xuống các xã kèm tệp xác nhận"
                                 ).add_subparsers(dest="catalogue_action", required=True)
    p = catalogue.add_parser("set", parents=[common], help="nhận tệp danh mục mới hơn (TOML/JSON) để gửi các xã")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=upper_catalogue_set)
    p = upper.add_parser("log", parents=[common], help="các lần nhập đã thay đổi dữ liệu (ai, khi nào, tệp nào)")
    p.set_defaults(handler=upper_log)
    p = upper.add_parser("communes", parents=[common], help="các xã đã đăng ký, vân tay khóa, gói mới nhất")
    p.set_defaults(handler=upper_communes)
    p = upper.add_parser("duplicates", parents=[common], help="một người được hỗ trợ ở nhiều xã hoặc nhiều dự án")
    p.set_defaults(handler=upper_duplicates)
    p = upper.add_parser("migrate", parents=[common],
                         help="chuyển kho dữ liệu các xã từ tệp SQLite lên máy chủ PostgreSQL và kiểm tra khớp")
    p.add_argument("--to", required=True, help="postgresql://người_dùng@máy_chủ:cổng/tên_cơ_sở_dữ_liệu (còn trống)")
    p.set_defaults(handler=upper_migrate)


def sync_export(args) -> Outcome:
    from desktop.sync.export import export_package

    with open_books(args) as books:
        result = export_package(books, args.out, as_of=args.as_of, encrypt=not args.unencrypted)
    data = {"path": str(result.path), "seq": result.seq, "sha256": result.sha256, "bytes": result.bytes,
            "rows": result.rows, "key_fingerprint": result.key_fingerprint, "encrypted": result.encrypted}
    if result.encrypted:
        data["recipient_fingerprint"] = result.recipient_fingerprint
        sealed = (f"Đã mã hóa cho {result.recipient_name} (vân tay khóa {result.recipient_fingerprint}): chỉ đơn vị "
                  "đó mở được gói.")
    else:
        sealed = "CHÚ Ý: gói KHÔNG được mã hóa và chứa số CCCD; chỉ chuyển qua đường an toàn, xóa bản chép sau khi gửi."
    return Outcome(data, f"Đã xuất gói số {result.seq}: {result.path} ({format_vnd(round(result.bytes / 1024))} KB, "
                         f"{format_vnd(sum(result.rows.values()))} dòng).\n{sealed}\n"
                         f"SHA-256 của gói đã ký: {result.sha256}\n"
                         f"Vân tay khóa ký của xã (để cấp trên đối chiếu): {result.key_fingerprint}")


def sync_recipient_set(args) -> Outcome:
    from desktop.sync.envelope import set_recipient

    with open_books(args) as books:
        result = set_recipient(books, args.file)
    replaced = f" (thay khóa cũ có vân tay {result.replaced})" if result.replaced else ""
    return Outcome({"fingerprint": result.fingerprint, "name": result.name},
                   f"Đã nạp khóa mã hóa của {result.name}{replaced}. Vân tay: {result.fingerprint}\n"
                   "Hãy gọi điện cho cấp trên và đối chiếu vân tay này với vân tay hiển thị ở máy của họ.")


def sync_recipient_show(args) -> Outcome:
    from desktop.sync.envelope import recipient_of

    with open_books(args) as books:
        recipient = recipient_of(books)
    if recipient is None:
        return Outcome({"fingerprint": None, "name": None},
                       "Chưa nạp khóa mã hóa của cấp trên (sync recipient set TỆP).")
    return Outcome({"fingerprint": recipient.fingerprint, "name": recipient.name},
                   f"Gói gửi lên được mã hóa cho {recipient.name} (mã {recipient.code}), "
                   f"vân tay {recipient.fingerprint}.")


def upper_key_export(args) -> Outcome:
    from desktop.sync.envelope import write_key_file

    with open_books(args) as books:
        result = write_key_file(books, args.out)
    return Outcome({"path": str(result.path), "fingerprint": result.fingerprint},
                   f"Đã ghi tệp khóa {result.path}. Vân tay: {result.fingerprint}\nGửi tệp này cho các xã; khi xã gọi "
                   "điện, đọc vân tay này để xã đối chiếu.")


def sync_history(args) -> Outcome:
    from desktop.sync.export import export_history

    with open_books(args) as books:
        rows = export_history(books)
    text = "\n".join(f"Gói {r['seq']}: {r['file_name']} (số liệu đến {_vn_date(r['as_of'])})"
                     + (f", cấp trên đã nhận {r['acked_at']}" if r["acked_at"] else "") for r in rows)
    return Outcome({"exports": rows}, text or "Chưa xuất gói nào.")


def sync_ack(args) -> Outcome:
    from desktop.sync.ack import accept_ack

    with open_books(args) as books:
        result = accept_ack(books, args.file)
    catalogue = f"\n{result['catalogue']['note']}" if result["catalogue"] else ""
    return Outcome(result, f"Gói số {result['seq']} ({result['file_name']}) đã được {result['acked_by']} nhận "
                           f"lúc {result['acked_at']}.{catalogue}")


def upper_catalogue_set(args) -> Outcome:
    from desktop.sync.ack import set_sent_catalogue

    with open_books(args) as books:
        done = set_sent_catalogue(books, args.file)
    return Outcome(done.to_json(), f"Đã nhận danh mục phiên bản {done.version} (trước: {done.previous}): "
                                   f"{done.programmes} chương trình, {done.components} thành phần. Từ nay mỗi tệp xác "
                                   "nhận lập cho xã (upper ack) mang danh mục này xuống xã.")


def upper_ack(args) -> Outcome:
    from desktop.sync.ack import make_ack

    with open_books(args) as books:
        path, body = make_ack(books, args.commune, args.out)
    version = body["catalogue"]["version"] if "catalogue" in body else None
    return Outcome({"path": str(path), "commune_code": body["commune"]["code"], "seq": body["seq"],
                    "catalogue_version": version},
                   f"Đã lập tệp xác nhận gói số {body['seq']} của {body['commune']['name']}: {path}"
                   + (f" (kèm danh mục chương trình phiên bản {version})" if version else ""))


def upper_import(args) -> Outcome:
    from desktop.sync.upper import ImportStatus, import_packages, refusal_text

    with open_books(args) as books:
        results = import_packages(books, args.packages, dry_run=args.dry_run)
    # Every package has its result, printed even when all were refused; any refusal also goes to stderr and
    # makes the exit code 2, so a script sees it without reading the results.
    data = {"results": [r.to_json() for r in results], "dry_run": args.dry_run}
    prefix = "(Chạy thử, không ghi gì) " if args.dry_run else ""
    lines = [prefix + _result_line(r)
             + "".join(f"\n  Xã đã mở khóa sổ lúc {u['at']}: {u['reason']}" for u in r.reopened)
             + "".join(f"\n  Lưu ý (sổ của xã): {n}" for n in r.notices) for r in results]
    rejected = [refusal_text(r) for r in results if r.status is ImportStatus.REJECTED]
    refused = None
    if len(rejected) == 1:
        refused = rejected[0]
    elif rejected:
        refused = f"{len(rejected)}/{len(results)} gói bị từ chối: " + " | ".join(rejected)
    return Outcome(data, "\n".join(lines), refused=refused)


def _result_line(result) -> str:
    """One package's line; a refusal's reason already names the package, so it is not named twice."""
    from desktop.sync.upper import ImportStatus, refusal_text

    if result.status is ImportStatus.REJECTED:
        return f"{result.status.label}: {refusal_text(result)}"
    return f"{result.package}: {result.status.label}" + (f" — {result.reason}" if result.reason else "")


def upper_key_accept(args) -> Outcome:
    from desktop.sync.upper import accept_key

    with open_books(args) as books:
        taken = accept_key(books, args.commune, args.fingerprint)
    return Outcome({"commune_code": taken["commune_code"], "fingerprint": taken["fingerprint"]},
                   f"Đã chấp nhận khóa mới của xã {taken['commune_code']} {taken['commune_name']}: vân tay "
                   f"{taken['fingerprint']}. Gói tiếp theo của xã ký bằng khóa này sẽ được nhập (số gói có thể bắt "
                   f"đầu lại); khóa cũ {taken['replaces']} đã thay và không bao giờ được nhận lại.")


def upper_report(args) -> Outcome:
    import json
    from datetime import date

    from desktop.dates import format_date
    from desktop.money import vnd
    from desktop.sync.consolidate import consolidate

    end = args.date_to or clock.today()
    start = args.date_from or date(end.year, 1, 1)
    with open_books(args) as books:
        report = consolidate(books, start, end, only=args.commune)
        exports = books.data_dir.exports
        settings = books.settings()
    data = report.to_dict(drill_down=args.commune)
    path = args.out
    if args.format != "json" and path is None:
        exports.mkdir(parents=True, exist_ok=True)
        from desktop.reports.consolidated import file_name

        path = exports / file_name(report, args.format)
    if path is not None:
        if args.format == "xlsx":
            from desktop.reports.consolidated import write_xlsx

            write_xlsx(path, report, settings, number=args.number)
        elif args.format == "pdf":
            from desktop.reports.consolidated import write_pdf

            write_pdf(path, report, settings, number=args.number)
        else:
            from desktop.reports.pdfkit import write_atomic

            def produce(temp_name: str) -> None:
                with open(temp_name, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, ensure_ascii=False, indent=1)

            write_atomic(path, produce)
        data["path"] = str(path)
    t = report.totals
    lines = [f"Tổng hợp {len(report.communes)} xã, từ {format_date(start)} đến {format_date(end)}:",
             *(f"  {c.code} {c.name}: hỗ trợ trong kỳ {vnd(c.report.totals.disbursed_in_period)}, thu hồi "
               f"{vnd(c.report.totals.recovered_in_period)}, số dư quỹ {vnd(c.report.totals.fund_balance)}"
               for c in report.communes),
             *(f"  {m.code} {m.name}: {m.note}" for m in report.merged),
             f"  Tổng cộng: hỗ trợ trong kỳ {vnd(t.disbursed_in_period)}, thu hồi {vnd(t.recovered_in_period)}, "
             f"còn phải thu {vnd(t.outstanding)}, quá hạn {vnd(t.overdue)}, số dư quỹ {vnd(t.fund_balance)}"]
    if path is not None:
        lines.append(f"Đã ghi {path}.")
    return Outcome(data, "\n".join(lines))


def upper_log(args) -> Outcome:
    from desktop.sync.upper import import_log

    with open_books(args) as books:
        rows = import_log(books)
        log_file = books.data_dir.logs / "upper-import.log"
    text = "\n".join(f"{r['at']} {r['actor']}: {r['file_name']} (xã {r['commune_code']}, gói số {r['seq']}, "
                     f"{format_vnd(r['rows'])} dòng)" for r in rows) or "Chưa nhập gói nào."
    return Outcome({"imports": rows, "log_file": str(log_file)},
                   f"{text}\nMọi lần thử nhập (kể cả bị từ chối) được ghi ở {log_file}.")


def upper_communes(args) -> Outcome:
    from desktop.sync.upper import communes

    with open_books(args) as books:
        rows = communes(books)
    text = "\n".join(f"{r['code']} {r['name']}: gói số {r['last_seq']} (số liệu đến {_vn_date(r['last_as_of'])}), "
                     f"{format_vnd(r['households'])} hộ, vân tay {r['fingerprint']}"
                     + (" (khóa mới đã chấp nhận, chờ gói đầu tiên)" if r["key_waiting"] else "")
                     + (f", khóa sổ đến {_vn_date(r['locked_to'])}" if r["locked_to"] else "")
                     + (f" — đã sáp nhập vào {r['merged_into']['name']} ({r['merged_into']['code']}) từ "
                        f"{_vn_date(r['merged_into']['merged_at'][:10])}, không tính trong tổng hợp"
                        if r["merged_into"] else "") for r in rows)
    return Outcome({"communes": rows}, text or "Chưa nhập gói của xã nào.")


def upper_duplicates(args) -> Outcome:
    from desktop.sync.duplicates import describe, find_duplicates

    with open_books(args) as books:
        found = find_duplicates(books)
    text = "\n".join(describe(d) for d in found) or "Không phát hiện hỗ trợ trùng giữa các xã hoặc dự án."
    return Outcome({"duplicates": found}, text)


def upper_migrate(args) -> Outcome:
    from db.postgres import shown_url
    from desktop.sync.migrate import migrate_to_postgres

    with open_books(args) as books:
        moved = migrate_to_postgres(books, args.to)
    rows = sum(moved.tables.values())
    return Outcome({"tables": moved.tables, "equal": moved.equal, "communes": moved.communes},
                   f"Đã chuyển {moved.communes} xã ({format_vnd(rows)} dòng) lên {shown_url(args.to)}; số dòng của "
                   "mọi bảng và số liệu tổng hợp khớp với bản gốc. Từ nay đơn vị dùng kho trên máy chủ; tệp SQLite "
                   "cũ vẫn được giữ nguyên.")
