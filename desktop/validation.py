"""The identifiers that end up in file and folder names: unit codes and receipt book names.

A package is named ``<province>-<upper>-<commune>_<seq>_<date>.vxp`` and a receipt's PDF after its book, so a
code or a book edited to ``../../x`` would write outside the data folder. They are checked at every entry
(set-up, settings, a payment's book) against what they really are; file names are built only from checked
parts, and a name shown again from old data goes through ``file_part``.
"""

from __future__ import annotations

import re

from desktop.errors import Refused
from desktop.text import nfc

BOOK_MAX = 10
_BOOK = re.compile(rf"[0-9A-Za-z_-]{{1,{BOOK_MAX}}}")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() would take "٣" or "³"


def check_code(value: str, lengths: tuple[int, ...], label: str, *, optional: bool = False) -> str:
    """A unit code of the national list of administrative units: only ASCII digits, of one of ``lengths``."""
    value = (value or "").strip()
    if not value and optional:
        return ""
    if not _DIGITS.fullmatch(value) or len(value) not in lengths:
        want = " hoặc ".join(str(n) for n in lengths)
        raise Refused(f"{label} “{value}” không hợp lệ: phải gồm {want} chữ số theo danh mục đơn vị hành chính.")
    return value


def check_book(value: str, label: str = "Tên quyển phiếu thu") -> str:
    """A receipt book: 1 to 10 letters (no diacritics), digits, “-” or “_”, such as 01, 2026-A or BM."""
    value = nfc(value or "").strip()
    if not _BOOK.fullmatch(value):
        raise Refused(f"{label} “{value}” không hợp lệ: chỉ gồm 1 đến {BOOK_MAX} chữ cái không dấu, chữ số, "
                      "dấu “-” hoặc “_” (ví dụ 01, 2026-A); không có dấu cách, “/”, “\\” hay “.”.")
    return value


def file_part(value: str) -> str:
    """``value`` made safe to stand inside a file name: what a check would refuse becomes “_”. For names built
    from data recorded before these checks existed (an old receipt's book), never for new data."""
    text = re.sub(r"[^0-9A-Za-z_-]", "_", str(value))[:40]
    return text or "_"
