"""Closing the books for a period: ``period lock``, ``period unlock`` and ``period status``."""

from __future__ import annotations

from desktop.commands.common import Outcome, date_arg, only_in, open_books
from desktop.dates import format_date
from desktop.domain import Mode
from desktop.services import period_lock


def register(commands, common) -> None:
    period = only_in(Mode.COMMUNE, commands.add_parser("period", help="khóa sổ theo kỳ báo cáo")).add_subparsers(
        dest="action", required=True)
    p = period.add_parser("lock", parents=[common], help="khóa mọi ghi chép có ngày đến hết ngày D")
    p.add_argument("--to", type=date_arg, required=True, help="ngày cuối của kỳ đã báo cáo")
    p.set_defaults(handler=lock)

    p = period.add_parser("unlock", parents=[common], help="mở khóa sổ (ghi lý do, được lưu vết)")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=unlock)

    p = period.add_parser("status", parents=[common], help="sổ đang khóa đến ngày nào, lịch sử khóa/mở")
    p.set_defaults(handler=status)


def _said(locked_to) -> str:
    return f"Sổ đã khóa đến hết ngày {format_date(locked_to)}." if locked_to else "Sổ đang không khóa."


def lock(args) -> Outcome:
    with open_books(args) as books:
        result = period_lock.lock_period(books, args.to)
    return Outcome(result.to_json(), _said(result.locked_to))


def unlock(args) -> Outcome:
    with open_books(args) as books:
        result = period_lock.unlock_period(books, args.reason)
    return Outcome(result.to_json(), "Đã mở khóa sổ. " + _said(result.locked_to))


def status(args) -> Outcome:
    with open_books(args) as books:
        locked = period_lock.locked_to(books.conn)
        history = [dict(r) for r in books.conn.execute(
            "SELECT action, locked_to, reason, at, actor FROM period_lock ORDER BY id")]
    lines = [_said(locked)] + [
        f"  {h['at']} {h['actor']}: " + (f"khóa đến {format_date(h['locked_to'])}" if h["action"] == "lock"
                                         else f"mở khóa ({h['reason']})") for h in history]
    return Outcome({"locked_to": locked.isoformat() if locked else None, "history": history}, "\n".join(lines))
