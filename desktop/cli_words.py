"""The command line's own words in Vietnamese: argparse's messages ("the following arguments are required",
"invalid choice", "usage:") reach the clerk in the same line as ours, so they are translated too.

argparse looks its messages up through ``gettext`` under their English text at the moment it needs them; the
table below answers them instead, for argparse only (the rest of the process keeps ``gettext`` as it is). A
message not in the table stays English rather than vanish.
"""

from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "cách dùng: ",
    "options": "tùy chọn",
    "positional arguments": "tham số",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in phiên bản chương trình rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "không có lựa chọn %(value)r (chọn một trong: %(choices)s)",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "expected one argument": "cần đúng một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (kiểu %(type)s)",
    "ambiguous option: %(option)s could match %(matches)s":
        "tùy chọn %(option)s không rõ, có thể là: %(matches)s",
    "not allowed with argument %s": "không dùng được cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r không cần",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "không có lệnh %(parser_name)r (các lệnh: %(choices)s)",
    "can't open '%(filename)s': %(error)s": "không mở được “%(filename)s”: %(error)s",
}


def _gettext(message: str) -> str:
    return WORDS.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    if singular == "expected %s argument":
        return "cần %s giá trị"
    return singular if count == 1 else plural


def install() -> None:
    """Make argparse speak Vietnamese (idempotent)."""
    argparse._ = _gettext  # noqa: SLF001 - argparse's own lookup of its messages
    argparse.ngettext = _ngettext
