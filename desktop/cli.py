"""``vonxoay-cli``: the scriptable twin of the window, calling the same services (contract: CLI.md).

Exit 0: done. Exit 2: refused — one Vietnamese line on stderr and nothing written. Exit 1: unexpected
failure, with the path of the log file that holds the details.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from db.connection import is_damage
from desktop import __version__, cli_words, clock
from desktop.commands import REGISTRARS
from desktop.commands.common import Outcome
from desktop.damage import damaged_books
from desktop.errors import Refused
from desktop.paths import resolve_data_dir


class _Parser(argparse.ArgumentParser):
    """Bad flags are a refusal like any other: one line on stderr, exit 2."""

    def error(self, message: str):
        self.exit(2, f"Lỗi: tham số không hợp lệ ({self.prog}): {message}\n")


def build_parser() -> argparse.ArgumentParser:
    cli_words.install()
    parser = _Parser(
        prog="vonxoay-cli",
        description="VốnXoay — sổ quỹ vốn luân chuyển của xã, dòng lệnh.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="thư mục dữ liệu (mặc định: VONXOAY_DATA_DIR hoặc "
                                                          "thư mục dữ liệu người dùng)")
    parser.add_argument("--json", action="store_true", help="in đúng một tài liệu JSON ra stdout")
    parser.add_argument("--version", action="version", version=f"VốnXoay {__version__}")
    parser.add_argument("--as", dest="as_user", metavar="NAME",
                        help="người làm (người dùng đã thêm bằng “user add”; mặc định: VONXOAY_USER); mật khẩu "
                             "hỏi khi chạy hoặc lấy từ VONXOAY_PASSWORD")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="in đúng một tài liệu JSON ra stdout")
    common.add_argument("--as", dest="as_user", metavar="NAME", default=argparse.SUPPRESS,
                        help="người làm (người dùng đã thêm bằng “user add”)")
    for register in REGISTRARS:
        register(commands, common)
    return parser


def _log_failure(data_dir_arg: str | None) -> Path | None:
    """Write the traceback where support staff can find it; never fail while reporting a failure."""
    candidates = []
    try:
        candidates.append(resolve_data_dir(data_dir_arg).logs)
    except Exception:  # noqa: BLE001 - the data dir itself may be what is broken
        pass
    import tempfile

    candidates.append(Path(tempfile.gettempdir()) / "vonxoay-logs")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "vonxoay-cli.log"
            with path.open("a", encoding="utf-8") as log:
                log.write(f"--- {clock.now().isoformat(timespec='seconds')} {' '.join(sys.argv)}\n")
                log.write(traceback.format_exc())
            return path
        except OSError:
            continue
    return None


def _tampering(database: Path) -> list[str]:
    """What was changed outside the program in the books' schema (a dropped table or trigger makes queries fail
    with "no such table"): said as damage, with the backup to restore, not as the program's own error."""
    from db.guards import trigger_tampering

    try:
        conn = sqlite3.connect(database.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return trigger_tampering(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return []


def _unexpected(args: argparse.Namespace) -> int:
    """Called inside an ``except`` block: log the traceback and say where it is."""
    log = _log_failure(getattr(args, "data_dir", None))
    where = f" Chi tiết ghi ở {log}." if log else ""
    print(f"Lỗi không mong đợi: {sys.exc_info()[1]!r}.{where}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], Outcome] = args.handler
    try:
        outcome = handler(args)
    except Refused as refusal:
        print(f"Lỗi: {refusal.message}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:
        # A damaged page is only found when it is read, which may be deep inside any command.
        where = resolve_data_dir(getattr(args, "data_dir", None))
        tampering = [] if is_damage(exc) else _tampering(where.database)
        if not is_damage(exc) and not tampering:
            return _unexpected(args)
        refusal = damaged_books(where.database, where.backups, ", ".join(tampering[:3]) if tampering else str(exc),
                                tampered=bool(tampering))
        print(f"Lỗi: {refusal.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu; không có gì được ghi dở dang.", file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - last line of defence: log it and say where
        return _unexpected(args)
    try:
        if args.json:
            json.dump(outcome.data, sys.stdout, ensure_ascii=False, indent=2, default=str)
            sys.stdout.write("\n")
        else:
            print(outcome.text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`| head`) went away after the work was done and committed: not a failure of ours.
        # Point stdout at devnull so Python's own flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if outcome.refused:
        print(f"Lỗi: {outcome.refused}", file=sys.stderr)
        return 2
    return 0
