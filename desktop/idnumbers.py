"""Citizen ID numbers (CCCD / số định danh cá nhân): 12 digits, with a structure we can check.

Digits 1–3 are the province where the birth was registered (the 2004 list of 63 provinces, still used
on cards after the 2025 mergers), digit 4 gender and century, digits 5–6 the year of birth. There is no
check digit, so a well-formed number can still be wrong; we catch what can be caught.
"""

from __future__ import annotations

from datetime import date

from desktop import clock
from desktop.errors import Refused

# Provinces as of the 2004 list (QĐ 124/2004/QĐ-TTg), three digits as printed on a CCCD.
CCCD_PROVINCES = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022",
    "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042",
    "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066",
    "067", "068", "070", "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087",
    "089", "091", "092", "093", "094", "095", "096",
}

# Digit 4: (century start) for even (male) / odd (female) codes.
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}


def normalise_id_number(text: str | None, *, today: date | None = None) -> str | None:
    """Return the 12 digits, or None for an empty field; refuse a malformed number with the reason."""
    if text is None:
        return None
    digits = "".join(str(text).split()).replace(".", "").replace("-", "")
    if not digits:
        return None
    if not digits.isdigit() or not digits.isascii():
        raise Refused(f"Số CCCD “{text}” chỉ được gồm chữ số.")
    if len(digits) != 12:
        raise Refused(f"Số CCCD “{text}” phải có đúng 12 chữ số (đang có {len(digits)}).")
    if digits[:3] not in CCCD_PROVINCES:
        raise Refused(f"Số CCCD “{text}”: mã tỉnh “{digits[:3]}” ở 3 chữ số đầu không tồn tại.")
    birth_year = _CENTURY[int(digits[3])] + int(digits[4:6])
    if birth_year > (today or clock.today()).year or birth_year < 1880:
        raise Refused(f"Số CCCD “{text}”: năm sinh {birth_year} suy ra từ chữ số thứ 4–6 không hợp lệ.")
    return digits


def describe_id_number(digits: str) -> dict:
    """What the number says: birth province code, sex and year, e.g. for a tooltip."""
    gender_digit = int(digits[3])
    return {
        "province_code": digits[:3],
        "female": gender_digit % 2 == 1,
        "birth_year": _CENTURY[gender_digit] + int(digits[4:6]),
    }
