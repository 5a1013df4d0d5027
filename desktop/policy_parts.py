"""The pieces both versions of a policy file share: the limits of a value, a category's rule, and where a
key is written in the file (for the messages). Kept apart so the two readers depend on it, not on each other.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from desktop.money import format_vnd, fraction_round_half_up

# Fifty years: far beyond any rotating fund, well inside what a date can hold.
MAX_INSTALLMENT_MONTHS = 600
MAX_YEARS = MAX_INSTALLMENT_MONTHS // 12
# Basis points: 10 000 bp is 100 % of the budget support.
MAX_BP = 10_000
# Amounts to return are rounded to this: a million đồng is already coarse next to a support of a few
# million; a larger unit rounds a whole support's return to 0 (a billion turned 7 million into nothing).
MAX_ROUNDING_UNIT = 1_000_000
# A share of the support is a fraction of small whole numbers (2/3, 1/2, 0.25): at most a basis point fine.
# A denominator of 10^24 is no rule a province wrote; it only makes every return round to 0.
MAX_SHARE_DENOMINATOR = 10_000
# A policy's code names its file (<code>.toml) and is printed in reports and exports: plain lowercase ASCII
# words joined by hyphens, so it can be neither a path ("../x") nor a spreadsheet formula ("=1+1").
MAX_CODE_LENGTH = 64
_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_NAME_LENGTH = 200
# Characters that reorder or hide text on screen and on paper: a name holding them reads as something else.
_BIDI = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class InKindReturn:
    """What a household gives back instead of money: ``quantity`` of ``item``, each at the agreed ``value``."""

    item: str
    quantity: int
    value: int  # đồng, agreed with the households for one item

    def describe(self, quantity: int | None = None) -> str:
        count = self.quantity if quantity is None else quantity
        return f"{count} {self.item} (giá thỏa thuận {format_vnd(self.value)} đ/{self.item})"


@dataclass(frozen=True)
class CategoryRule:
    """How one category of household is supported and what it returns, whichever file version said so.

    Exactly one of ``return_share`` (a fraction of the support, as numerator and denominator),
    ``return_amount`` (đồng) and ``in_kind`` says what goes back. ``installment_shares`` is None for equal
    installments, else one fraction per installment (they add up to 1). Due dates are ``grace_months`` +
    each of ``installment_months`` after the support date."""

    category: str
    eligible: bool
    support: int
    return_share: tuple[int, int] | None
    return_amount: int | None
    in_kind: InKindReturn | None
    grace_months: int
    installment_months: tuple[int, ...]
    installment_shares: tuple[tuple[int, int], ...] | None


# --------------------------------------------------------------------------- rules both versions share

def shown_short(text: str, limit: int = 40) -> str:
    """A value as a message quotes it: cut short, so a 10 000-character typo does not bury the message."""
    return text if len(text) <= limit else text[:limit] + "…"


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a policy's code, or None."""
    if len(code) > MAX_CODE_LENGTH or not _CODE.fullmatch(code):
        return (f"mã quy định “{shown_short(code)}” chỉ được gồm chữ thường không dấu, chữ số và dấu “-” "
                f"nối giữa (ví dụ “hai-duong-2019”), nhiều nhất {MAX_CODE_LENGTH} ký tự.")
    return None


def name_problem(text: str, what: str, limit: int = MAX_NAME_LENGTH) -> str | None:
    """Why ``text`` cannot be shown as a name (control or bidi characters, too long), or None."""
    hidden = sorted({ch for ch in text if ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0 or ch in _BIDI})
    if hidden:
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in hidden[:5])
        return (f"{what} có ký tự điều khiển hoặc ký tự đảo chiều chữ ({codes}), không hiện ra được mà làm sai "
                f"chữ trên màn hình và giấy tờ; hãy gõ lại {what}.")
    if len(text) > limit:
        return f"{what} dài {len(text)} ký tự (“{shown_short(text)}”), nhiều nhất {limit}."
    return None


def returns_nothing(support: int, numerator: int, denominator: int, unit: int) -> bool:
    """Whether a positive share of a positive support rounds to nothing to return (the unit is too coarse)."""
    return support > 0 and numerator > 0 and fraction_round_half_up(support, numerator, denominator, unit) == 0


# --------------------------------------------------------------------------- where a key is in the file

# A header may be dotted ([category.poor]): version 2 writes a table per category that way.
_TABLE_HEADER = re.compile(r"""^\s*\[\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*\]\s*(?:#.*)?$""")
_KEY_AT_START = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")


class _Lines:
    """The line of each table header and key in a policy file's text.

    tomllib returns the values but not where they were written, and a clerk fixing a file needs the line.
    So the text is scanned: a line ``[table]`` opens a table, a line starting with ``key =`` inside it is
    that key. Keys written otherwise (dotted, inline tables) get no line; the message still names them.
    """

    def __init__(self, text: str) -> None:
        self.keys: dict[tuple[str | None, str], int] = {}
        self.tables: dict[str, int] = {}
        table: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if header := _TABLE_HEADER.match(line):
                table = next(g for g in header.groups() if g is not None)
                self.tables.setdefault(table, number)
            elif key := _KEY_AT_START.match(line):
                self.keys.setdefault((table, next(g for g in key.groups() if g is not None)), number)

    def key(self, table: str | None, key: str) -> int | None:
        return self.keys.get((table, key))

    def table(self, table: str) -> int | None:
        return self.tables.get(table)


class _NoLines(_Lines):
    """For policy data that never was a file (a project's JSON copy, data built in a test)."""

    def __init__(self) -> None:
        self.keys, self.tables = {}, {}


_no_lines = _NoLines()


def _line(number: int | None) -> str:
    return f" (dòng {number})" if number else ""


def _unknown(key: str, known: list[str], number: int | None = None, hints: dict[str, str] | None = None) -> str:
    """A key the program does not know, with the closest one it does: most unknown keys are typos."""
    text = f"Khóa không có trong quy định: {key}{_line(number)}."
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    if close:
        text += f" Có phải ý bạn là {close[0]}{(hints or {}).get(close[0], '')}?"
    return text
