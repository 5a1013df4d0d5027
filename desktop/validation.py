"""What the clerk enters is checked here, once for every way it comes in.

Identifiers that end up in file and folder names: unit codes and receipt book names. A package is named
``<province>-<upper>-<commune>_<seq>_<date>.vxp`` and a receipt's PDF after its book, so a code or a book edited
to ``../../x`` would write outside the data folder. They are checked at every entry (set-up, settings, a
payment's book) against what they really are; file names are built only from checked parts, and a name shown
again from old data goes through ``file_part``.

The household register's fields (names, hamlets, phone, notes, number of members, the date a category took
effect): the form, ``household add``/``edit`` and every row of an imported list are held to the same rules.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

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


# --- The household register's free text, numbers and dates --------------------------------------------------

# Real names stay well under 60 characters, even a long Ê Đê or Chăm name or one followed by "(người đại diện)";
# 120 leaves a wide margin. A hamlet's longest ("Tổ dân phố số 12, khu phố Tân Lập") is about 40.
NAME_MAX = 120
HAMLET_MAX = 120
NOTES_MAX = 2000
MEMBERS = (1, 99)
PHONE_DIGITS = (8, 15)  # a fixed line without its area code has 8 digits; E.164 allows 15
# The poverty classification this register records started with the 1990s programmes; an earlier date is a
# typing slip (a 1 in a date cell shows as 01/01/1900).
EARLIEST_CATEGORY_ON = date(1990, 1, 1)
_SHOWN = 40  # characters of a refused value shown in the message

_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_PHONE = re.compile(r"\+?[0-9]+(?:[ .-][0-9]+)*")  # one separator between groups: no backtracking


def hidden_character(ch: str) -> str | None:
    """What an invisible character that has no place in a name or a note is, or None for an ordinary one.
    A bidi override (U+202E) makes the name after it display reversed; control and zero-width characters make
    two names that look the same differ, so search and the duplicate checks miss them."""
    if ch in _BIDI:
        return "ký tự đảo chiều chữ"
    kind = unicodedata.category(ch)
    if kind == "Cc":
        return "ký tự điều khiển"
    if kind in ("Cf", "Cs", "Co"):
        return "ký tự ẩn"
    return None


def shown(value: str, limit: int = _SHOWN) -> str:
    """``value`` as a message may quote it: invisible characters written as [U+202E], cut short after
    ``limit`` characters."""
    text = "".join(f"[U+{ord(ch):04X}]" if hidden_character(ch) else ch for ch in str(value)[: limit + 1])
    return text if len(value) <= limit else text[:limit] + "…"


def _refuse_hidden(text: str, label: str) -> None:
    for position, ch in enumerate(text, start=1):
        if kind := hidden_character(ch):
            raise Refused(f"{label} “{shown(text)}” có {kind} U+{ord(ch):04X} ở vị trí {position}; hãy xóa và gõ "
                          "lại (ký tự này thường đi theo chữ dán từ trang web hoặc tin nhắn).")


def check_text(value: str | None, label: str, *, max_length: int) -> str:
    """Free text in the books' form (NFC, white space collapsed): at most ``max_length`` characters, no control,
    bidi or zero-width characters. Formula-like text ("=HYPERLINK(…)", "+1+1") is text like any other: every
    export writes it as text."""
    text = nfc(value or "")
    _refuse_hidden(text, label)
    if len(text) > max_length:
        size = f"{len(text):,}".replace(",", ".")
        raise Refused(f"{label} “{shown(text)}” dài {size} ký tự, quá mức {max_length} ký tự; hãy kiểm tra lại "
                      "(có thể đã dán nhầm cả đoạn văn).")
    return text


def check_phone(value: str | None, label: str = "Số điện thoại") -> str:
    """A phone number: 8 to 15 digits, grouped by spaces, dots or dashes, a leading + allowed; empty is none."""
    text = nfc(value or "")
    _refuse_hidden(text, label)
    digits = sum(ch in "0123456789" for ch in text)
    low, high = PHONE_DIGITS
    if text and not (len(text) <= 2 * high and _PHONE.fullmatch(text) and low <= digits <= high):
        raise Refused(f"{label} “{shown(text)}” không hợp lệ: cần {low} đến {high} chữ số, có thể cách nhau bằng "
                      "dấu cách, dấu chấm hoặc gạch ngang, dấu + ở đầu (ví dụ 0912 345 678); nếu có nhiều số, ghi "
                      "một số ở đây và các số khác vào ghi chú.")
    return text


def check_members(value, label: str = "Số nhân khẩu") -> int | None:
    """How many people the household has, typed or read from a cell: a whole number from 1 to 99 (4 and 4.0
    are 4; 4.5 is refused rather than cut to 4); empty is None."""
    if value is None or value == "":
        return None
    low, high = MEMBERS
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise Refused(f"{label} {str(value).replace('.', ',')} không phải số nguyên; hãy ghi số người ({low}–{high}).")
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
    else:
        text = nfc(str(value))
        if re.fullmatch(r"[+-]?[0-9]+[.,][0-9]+", text):
            raise Refused(f"{label} {text} không phải số nguyên; hãy ghi số người ({low}–{high}).")
        if not re.fullmatch(r"[+-]?[0-9]{1,20}", text):
            raise Refused(f"{label} “{shown(text)}” không phải số; hãy ghi số người ({low}–{high}).")
        number = int(text)
    if not low <= number <= high:
        raise Refused(f"{label} {number} không hợp lệ (từ {low} đến {high}).")
    return number


def check_category_on(day: date, today: date, label: str = "Ngày xếp loại") -> date:
    """When a household's category took effect: not in the future, not before the programmes began."""
    if day > today:
        raise Refused(f"{label} {day:%d/%m/%Y} ở tương lai (hôm nay là {today:%d/%m/%Y}).")
    if day < EARLIEST_CATEGORY_ON:
        raise Refused(f"{label} {day:%d/%m/%Y} trước {EARLIEST_CATEGORY_ON:%d/%m/%Y}, không thể là ngày "
                      "xếp loại hộ; hãy kiểm tra lại (số 1 trong ô ngày hiện thành 01/01/1900).")
    return day
