"""Money in whole đồng: show it, read it from what the clerk typed, spell it out in Vietnamese words
for receipts and contracts, and split or scale it without losing a single đồng."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from desktop.errors import Refused

__all__ = [
    "MAX_AMOUNT",
    "amount_in_words",
    "format_vnd",
    "fraction_round_half_up",
    "parse_amount",
    "split_even",
]

# Fifteen digits: the words below stop at "nghìn tỷ", and no commune fund comes anywhere near it.
MAX_AMOUNT = 999_999_999_999_999

# Keyboards and spreadsheets paste ordinary, non-breaking and narrow non-breaking spaces alike.
_SPACES = " \u00a0\u202f\u2009"
_SPACE_RUN = re.compile(f"[{_SPACES}]+")
_MINUS_SIGNS = ("-", "\u2212")
# Longest first so "đồng" is not cut down to "đồn" by the bare "đ".
_CURRENCY_SUFFIXES = ("đồng", "vnđ", "vnd", "đ")
# Plain digits, or dot/space groups of exactly three; a leading 0 in a grouped number ("0.500")
# means someone wrote a decimal the English way, so it is refused rather than read as 500.
_WELL_FORMED = re.compile(r"[0-9]+|[1-9][0-9]{0,2}(?:[. ][0-9]{3})+")

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_OPTION_CHOICES = {
    "zero_tens": ("linh", "lẻ"),
    "thousand": ("nghìn", "ngàn"),
    "billion": ("tỷ", "tỉ"),
    "four": ("bốn", "tư"),
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _require_int(value: object, name: str) -> int:
    # bool is an int subclass; True đồng is always a programming mistake, never an amount.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def format_vnd(amount: int) -> str:
    """Show whole đồng with dots between thousands, the way Vietnamese documents print money."""
    _require_int(amount, "amount")
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def vnd(amount: int) -> str:
    """The amount with its unit ("7.000.000 đ"), as a sentence about money writes it."""
    return f"{format_vnd(amount)} đ"


def _check_range(amount: int, shown: str) -> int:
    if amount < 0:
        raise Refused(f"Số tiền không được âm: {shown}.")
    if amount > MAX_AMOUNT:
        raise Refused(f"Số tiền quá lớn: {shown} (tối đa {format_vnd(MAX_AMOUNT)} đồng).")
    return amount


def parse_amount(text: str | int) -> int:
    """Read an amount of đồng the clerk typed ("7.000.000", "7 000 000 đ", "7000000 đồng").

    Dots and spaces only ever separate thousands: đồng has no fractions, so "7.000" is seven
    thousand and anything that looks like a decimal is refused instead of guessed at.
    """
    if not isinstance(text, str):
        amount = _require_int(text, "text")
        return _check_range(amount, format_vnd(amount))

    shown = _nfc(text).strip()
    body = shown.lower()
    for suffix in _CURRENCY_SUFFIXES:
        if body.endswith(suffix):
            body = body[: -len(suffix)].strip()
            break
    if not body:
        raise Refused("Chưa nhập số tiền.")
    if body.startswith(_MINUS_SIGNS):
        raise Refused(f"Số tiền không được âm: {shown}.")
    if "," in body:
        raise Refused(f"Số tiền phải là số đồng chẵn, không có phần thập phân: {shown}.")
    body = _SPACE_RUN.sub(" ", body)
    if not all(ch in "0123456789. " for ch in body):
        raise Refused(f"Số tiền chỉ được gồm chữ số và dấu chấm ngăn cách hàng nghìn: {shown}.")
    if not _WELL_FORMED.fullmatch(body):
        raise Refused(
            "Dấu chấm chỉ dùng để ngăn cách hàng nghìn, mỗi nhóm đủ ba chữ số "
            f"(đồng không có phần lẻ): {shown}."
        )
    digits = body.replace(".", "").replace(" ", "").lstrip("0") or "0"
    # Checking the length first keeps int() away from absurdly long pasted strings.
    if len(digits) > len(str(MAX_AMOUNT)):
        raise Refused(f"Số tiền quá lớn: {shown} (tối đa {format_vnd(MAX_AMOUNT)} đồng).")
    return _check_range(int(digits), shown)


def _read_group(group: int, inner: bool, zero_tens: str, four: str) -> list[str]:
    hundreds, rest = divmod(group, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    # Inside a longer number the hundreds are always said, so 1.005 is not heard as 1.5.
    if hundreds or inner:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(zero_tens)
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: four, 5: "lăm"}.get(units, _DIGITS[units]))
    return words


def amount_in_words(
    amount: int,
    *,
    zero_tens: str = "linh",
    thousand: str = "nghìn",
    billion: str = "tỷ",
    four: str = "bốn",
    even: bool = False,
) -> str:
    """Spell out an amount of đồng as written on receipts, e.g. 1.005 → "Một nghìn không trăm linh năm đồng".

    The options follow regional usage (linh/lẻ, nghìn/ngàn, tỷ/tỉ, bốn/tư after "mươi");
    ``even`` adds the "chẵn" that some forms want after a non-zero amount.
    """
    _require_int(amount, "amount")
    _check_range(amount, format_vnd(amount))
    options = {"zero_tens": zero_tens, "thousand": thousand, "billion": billion, "four": four}
    for name, value in options.items():
        options[name] = _nfc(value)
        if options[name] not in _OPTION_CHOICES[name]:
            raise ValueError(f"{name} must be one of {_OPTION_CHOICES[name]}, not {value!r}")
    if amount == 0:
        return "Không đồng"

    # Above tỷ the scale words start over: the top group counts thousands of tỷ, and "tỷ" is said
    # once after the tỷ group, so 1.005 tỷ is "một nghìn không trăm linh năm tỷ", not "nghìn tỷ ... tỷ".
    scales = ["", options["thousand"], "triệu", "", options["thousand"]]
    groups: list[int] = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)

    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group:
            words += _read_group(group, bool(words), options["zero_tens"], options["four"])
            if scales[index]:
                words.append(scales[index])
        if index == 3 and words:
            words.append(options["billion"])
    words.append("đồng chẵn" if even else "đồng")
    text = " ".join(words)
    return _nfc(text[0].upper() + text[1:])


def split_even(total: int, parts: int, unit: int = 1) -> list[int]:
    """Share ``total`` into ``parts`` equal payments rounded down to ``unit``; the last one takes the rest.

    Rounding down and settling the difference on the final payment keeps the sum exact, which
    the ledger checks to the đồng.
    """
    for name, value in (("total", total), ("parts", parts), ("unit", unit)):
        _require_int(value, name)
    if total < 0:
        raise ValueError(f"total must be >= 0, not {total}")
    if parts < 1:
        raise ValueError(f"parts must be >= 1, not {parts}")
    if unit < 1:
        raise ValueError(f"unit must be >= 1, not {unit}")
    share = total // parts // unit * unit
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def split_shares(total: int, shares: Sequence[tuple[int, int]] | None, parts: int, unit: int) -> list[int]:
    """Share ``total`` over ``parts`` installments so that they add up to it exactly.

    Equal shares (``None``) as version 1 always did: each rounded down to the unit, the last takes the
    rest. Listed shares (fractions adding up to 1) the same way: every installment but the last is
    ``total × share`` rounded down to the unit, and the last takes the rest, so it is never below its own
    share and the sum is exact to the đồng."""
    if shares is None:
        return split_even(total, parts, unit)
    if len(shares) != parts:
        raise ValueError(f"{len(shares)} shares for {parts} installments")
    firsts = [total * numerator // (denominator * unit) * unit for numerator, denominator in shares[:-1]]
    return [*firsts, total - sum(firsts)]


def fraction_round_half_up(amount: int, numerator: int, denominator: int, unit: int = 1) -> int:
    """``amount × numerator / denominator`` rounded half-up to a multiple of ``unit``.

    Integer arithmetic only, so the result does not depend on float rounding and matches what
    the clerk gets by hand: 7.000.000 × 2/3 to the nearest 1.000 is 4.667.000.
    """
    named = {"amount": amount, "numerator": numerator, "denominator": denominator, "unit": unit}
    for name, value in named.items():
        _require_int(value, name)
    if amount < 0:
        raise ValueError(f"amount must be >= 0, not {amount}")
    if numerator < 0:
        raise ValueError(f"numerator must be >= 0, not {numerator}")
    if denominator < 1:
        raise ValueError(f"denominator must be >= 1, not {denominator}")
    if unit < 1:
        raise ValueError(f"unit must be >= 1, not {unit}")
    scaled, divisor = amount * numerator, denominator * unit
    # floor(x + 1/2) with x = scaled / divisor, kept in integers.
    return (2 * scaled + divisor) // (2 * divisor) * unit
