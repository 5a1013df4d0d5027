"""What every command shares: the result it prints, opening the books, parsing flags the clerk's way."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from datetime import date
from typing import Any

from db.connection import DAMAGE_ERRORS
from desktop.books import Books
from desktop.dates import parse_date
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.money import parse_amount
from desktop.paths import DataDir, resolve_data_dir


@dataclass(frozen=True)
class Outcome:
    """``data`` is printed with ``--json``; ``text`` is the short Vietnamese summary otherwise. ``refused``:
    the command reports what it did but refused part of it (a batch with a rejected package): after the
    output, the reason goes to stderr like any refusal's and the exit code is 2."""

    data: Any
    text: str
    refused: str | None = None


def data_dir(args: argparse.Namespace) -> DataDir:
    return resolve_data_dir(args.data_dir)


def only_in(mode: Mode, parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Mark a command, or a whole group such as ``household``, as belonging to one mode. ``open_books`` then
    refuses it on a database of the other mode, before anything is read or written: a commune's command
    would answer an upper level from empty tables, and an upper one has nothing to consolidate at a commune."""
    parser.set_defaults(only_in=mode)
    return parser


def _command_name(args: argparse.Namespace) -> str:
    return " ".join(str(part) for part in (args.command, getattr(args, "action", None)) if part)


def open_books(args: argparse.Namespace) -> Books:
    books = Books.open(data_dir(args))
    try:
        _sign_in(books, args)
    except BaseException:
        books.close()
        raise
    wanted: Mode | None = getattr(args, "only_in", None)
    mode = books.setting("mode") or Mode.COMMUNE.value
    if wanted is not None and mode != wanted.value:
        unit = books.setting("commune_name") or books.setting("commune_code") or ""
        books.close()
        if wanted is Mode.COMMUNE:
            raise Refused(f"Lệnh “{_command_name(args)}” chỉ dùng ở xã; dữ liệu này là của cấp trên {unit} "
                          "(chế độ tổng hợp), ở đây dùng các lệnh “upper …”.")
        raise Refused(f"Lệnh “{_command_name(args)}” chỉ dùng ở cấp trên (khởi tạo với --mode upper); "
                      f"dữ liệu này là của {unit}.")
    return books


def _password_for(name: str) -> str | None:
    """The password from ``VONXOAY_PASSWORD`` (scripts), else asked at the terminal; never from argv."""
    if "VONXOAY_PASSWORD" in os.environ:
        return os.environ["VONXOAY_PASSWORD"]
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"Mật khẩu của {name}: ")
    return None


def _sign_in(books: Books, args: argparse.Namespace) -> None:
    """Who acts: ``--as NAME`` (a current user, or refused), else ``VONXOAY_USER``; with the user's password
    when that user has one. Every record and audit row of the command then names this user."""
    from desktop.services import users

    given = getattr(args, "as_user", None)
    name = given or os.environ.get("VONXOAY_USER")
    try:
        password = _password_for(name) if users.needs_password(books.conn, name) else None
        acting = users.acting_user(books.conn, name, explicit=given is not None, password=password)
    except DAMAGE_ERRORS:
        # A damaged file is refused at every write (and is ``check``'s finding): who reads it changes nothing.
        return
    if acting is not None:
        books.actor = acting


def amount_arg(text: str) -> int:
    """argparse type: whole đồng, "7000000" or "7.000.000"."""
    try:
        return parse_amount(text)
    except Refused as refusal:
        raise argparse.ArgumentTypeError(refusal.message) from None


def date_arg(text: str) -> date:
    """argparse type: YYYY-MM-DD or dd/mm/yyyy."""
    try:
        return parse_date(text)
    except Refused as refusal:
        raise argparse.ArgumentTypeError(refusal.message) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” không phải số nguyên.") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"“{text}” không được âm.")
    return value
