"""Setting up and looking after the books: ``init``, ``settings``, ``check``, ``backup``, ``restore``, ``demo``."""

from __future__ import annotations

from pathlib import Path

from db.postgres import shown_url
from desktop import upper_store
from desktop.books import Books
from desktop.commands.common import Outcome, data_dir, date_arg, open_books, positive_int
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.services import backup, checks, settings
from desktop.sync.upper_setup import init_upper_on_server


def register(commands, common) -> None:
    p = commands.add_parser("init", parents=[common], help="khởi tạo dữ liệu của xã (hoặc cấp trên)")
    p.add_argument("--commune-code", required=True, help="mã xã 5 chữ số (chế độ upper: mã huyện/tỉnh)")
    p.add_argument("--commune-name", required=True)
    p.add_argument("--upper-code", default="")
    p.add_argument("--upper-name", default="")
    p.add_argument("--province-code", required=True)
    p.add_argument("--province-name", required=True)
    p.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.COMMUNE.value)
    p.add_argument("--book", default="01", help="quyển phiếu thu đầu tiên (mặc định 01)")
    p.add_argument("--require-approval", choices=("0", "1"), default="1",
                   help="bắt buộc có quyết định phê duyệt trước khi hỗ trợ (mặc định 1: có)")
    p.add_argument("--database", help="chế độ upper: kho dữ liệu trên máy chủ PostgreSQL (postgresql://…); "
                                      "mặc định: tệp SQLite trong thư mục dữ liệu")
    p.set_defaults(handler=init)

    p = commands.add_parser("settings", parents=[common], help="xem hoặc sửa cài đặt (người ký, QHNS, …)")
    p.add_argument("--set", nargs=2, action="append", metavar=("KEY", "VALUE"), default=[],
                   help=f"các mục: {', '.join(settings.KNOWN_SETTINGS)}")
    p.add_argument("--from", dest="effective_on", type=date_arg,
                   help="ngày bắt đầu áp dụng thay đổi (mặc định: hôm nay); chứng từ lập trước ngày đó giữ giá trị cũ")
    p.add_argument("--on", dest="on", type=date_arg, help="xem cài đặt có hiệu lực vào ngày này")
    p.set_defaults(handler=settings_cmd)

    p = commands.add_parser("check", parents=[common], help="kiểm tra mọi ràng buộc của sổ sách")
    p.set_defaults(handler=check)

    p = commands.add_parser("backup", parents=[common], help="sao lưu khi đang chạy")
    p.add_argument("--out", type=Path, help="tệp sao lưu (mặc định trong thư mục backups/)")
    p.set_defaults(handler=backup_cmd)

    p = commands.add_parser("restore", parents=[common], help="khôi phục từ bản sao lưu, sau khi kiểm tra")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=restore_cmd)

    p = commands.add_parser("demo", parents=[common], help="tạo một xã mẫu với dữ liệu giả lập")
    p.add_argument("--households", type=positive_int, default=3000)
    p.add_argument("--projects", type=positive_int, help="mặc định: theo số hộ (ít nhất 6)")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(handler=demo_cmd)


def init(args) -> Outcome:
    setup = settings.CommuneSetup(
        commune_code=args.commune_code, commune_name=args.commune_name, upper_code=args.upper_code,
        upper_name=args.upper_name, province_code=args.province_code, province_name=args.province_name,
        mode=Mode(args.mode), receipt_book=args.book, require_approval=args.require_approval == "1",
    )
    database = getattr(args, "database", None)
    if database:
        books, fingerprint = init_upper_on_server(data_dir(args), setup, database)
    else:
        books, fingerprint = settings.init_books(data_dir(args), setup)
    with books:
        code = books.setting("commune_code")
        name = books.setting("commune_name")
    data = {"commune_code": code, "mode": args.mode, "key_fingerprint": fingerprint,
            "data_dir": str(books.data_dir.root),
            "database": upper_store.POSTGRESQL if database else upper_store.SQLITE}
    where = f"\nKho dữ liệu các xã: PostgreSQL {shown_url(database)}" if database else ""
    return Outcome(data, f"Đã khởi tạo {name} ({code}) ở {books.data_dir.root}.\n"
                         f"Dấu vân tay khóa ký: {fingerprint}{where}{_merged_province_notice(setup)}")


def _merged_province_notice(setup: settings.CommuneSetup) -> str:
    """A province named as it was before the 2025 merger is kept as typed, but the documents dated from
    1/7/2025 carry the unit that took it over: the clerk is told so at once, not when the first receipt prints."""
    from desktop import clock
    from desktop.provinces import merged_notice

    notice = merged_notice(setup.province_code, setup.province_name, clock.today())
    return f"\nLưu ý: {notice}" if notice else ""

def settings_cmd(args) -> Outcome:
    with open_books(args) as books:
        if args.set:
            settings.update_settings(books, dict(args.set), effective_on=args.effective_on)
        elif args.effective_on:
            raise Refused("--from chỉ dùng cùng --set (ngày bắt đầu áp dụng thay đổi).")
        values = dict(books.settings_on(args.on) if args.on else books.settings())
    text = "\n".join(f"{settings.KNOWN_SETTINGS.get(k, k)}: {v}" for k, v in values.items())
    return Outcome(values, text)


def check(args) -> Outcome:
    with open_books(args) as books:
        problems = checks.check_books(books)
        notices = checks.notices(books)
    data = {"ok": not problems, "problems": problems, "notices": notices}
    text = "Sổ sách nhất quán: không có vấn đề." if not problems else "\n".join(
        [f"Phát hiện {len(problems)} vấn đề:"] + [f"- {p['message']}\n  Cách xử lý: {p['remedy']}" for p in problems])
    if notices:
        text += "\n" + "\n".join([f"Lưu ý ({len(notices)}):"] + [f"- {n['message']}" for n in notices])
    return Outcome(data, text)


def backup_cmd(args) -> Outcome:
    with open_books(args) as books:
        path = backup.backup_now(books, args.out)
    return Outcome({"path": str(path)}, f"Đã sao lưu vào {path}.")


def restore_cmd(args) -> Outcome:
    result = backup.restore(data_dir(args), args.file)
    text = f"Đã khôi phục từ {args.file}."
    if result.get("replaced_copy"):
        text += f" Dữ liệu cũ được giữ ở {result['replaced_copy']}."
    return Outcome(result, text)


def demo_cmd(args) -> Outcome:
    from desktop.services import demo  # the name lists and generator are only needed here

    target = data_dir(args)
    result = demo.make_demo(target, households=args.households, projects=args.projects, seed=args.seed)
    with Books.open(target) as books:
        name = books.setting("commune_name")
    return Outcome(result, f"Đã tạo xã mẫu {name}: {result['households']} hộ, {result['projects']} dự án, "
                           f"{result['receipts']} phiếu thu.")
