"""What every command shares: the result it prints, opening the books, parsing flags the clerk's way."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.books import Books
from desktop.dates import parse_date
from desktop.errors import Refused
from desktop.money import format_vnd, parse_amount
from desktop.paths import DataDir, resolve_data_dir


@dataclass(frozen=True)
class Outcome:
    """``data`` is printed with ``--json``; ``text`` is the short Vietnamese summary otherwise."""

    data: Any
    text: str


def data_dir(args: argparse.Namespace) -> DataDir:
    return resolve_data_dir(args.data_dir)


def open_books(args: argparse.Namespace) -> Books:
    return Books.open(data_dir(args))


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


def vnd(amount: int) -> str:
    return f"{format_vnd(amount)} đ"
