"""Citizen ID numbers (CCCD / số định danh cá nhân): 12 digits, with a structure we can check; and the old
9-digit CMND many household lists still carry.

Digits 1–3 are the province where the birth was registered (the 2004 list of 63 provinces, still used
on cards after the 2025 mergers), digit 4 gender and century, digits 5–6 the year of birth. There is no
check digit, so a well-formed number can still be wrong; we catch what can be caught.

The century digit follows Thông tư 07/2016/TT-BCA: 0/1 for the 20th century (1900–1999), 2/3 for the 21st,
4/5 for the 22nd, 6/7 for the 23rd, 8/9 for the 24th (even for men, odd for women). A number whose fourth
digit is 4–9 therefore names someone born after 2099: no living person holds it.

A 9-digit CMND is not a citizen ID and the household table holds only 12-digit numbers, so it is kept
aside as a legacy identity: the household's ID number stays empty and the CMND goes into its notes
(``CMND cũ: 123456789``), with a warning asking for the CCCD.
"""

from __future__ import annotations

from dataclasses import dataclass
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

# Digit 4 → the first year of its century (TT 07/2016): pairs of digits, even for men, odd for women.
CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}
# Centuries a living person can be born in; digits 4–9 name the 22nd to 24th centuries.
_LIVING_CENTURY_DIGITS = {0, 1, 2, 3}
CMND_LENGTH = 9
CMND_NOTE = "CMND cũ: "


def _digits(text) -> str:
    return "".join(str(text).split()).replace(".", "").replace("-", "")


def normalise_id_number(text: str | None, *, today: date | None = None) -> str | None:
    """Return the 12 digits, or None for an empty field; refuse a malformed number with the reason."""
    if text is None:
        return None
    digits = _digits(text)
    if not digits:
        return None
    if not digits.isdigit() or not digits.isascii():
        raise Refused(f"Số CCCD “{text}” chỉ được gồm chữ số.")
    if len(digits) == CMND_LENGTH:
        raise Refused(f"Số “{text}” là số CMND cũ (9 chữ số), không phải số CCCD 12 chữ số; hãy ghi số CCCD, "
                      f"hoặc ghi số CMND vào ghi chú (“{CMND_NOTE}{digits}”).")
    if len(digits) != 12:
        raise Refused(f"Số CCCD “{text}” phải có đúng 12 chữ số (đang có {len(digits)}).")
    if digits[:3] not in CCCD_PROVINCES:
        raise Refused(f"Số CCCD “{text}”: mã tỉnh “{digits[:3]}” ở 3 chữ số đầu không tồn tại.")
    century_digit = int(digits[3])
    if century_digit not in _LIVING_CENTURY_DIGITS:
        century = CENTURY[century_digit] // 100 + 1
        raise Refused(f"Số CCCD “{text}”: chữ số thứ 4 là {century_digit}, nghĩa là sinh ở thế kỷ {century} "
                      f"({CENTURY[century_digit]}–{CENTURY[century_digit] + 99}) theo Thông tư 07/2016/TT-BCA; "
                      "không có người nào đang sống mang số này. Hãy kiểm tra lại số trên thẻ.")
    today = today or clock.today()
    birth_year = CENTURY[century_digit] + int(digits[4:6])
    if birth_year > today.year:
        raise Refused(f"Số CCCD “{text}”: năm sinh {birth_year} suy ra từ chữ số thứ 4–6 ở tương lai. "
                      "Hãy kiểm tra lại số trên thẻ.")
    return digits


@dataclass(frozen=True)
class Identity:
    """What an ID field holds: a citizen ID (``cccd``), an old CMND kept aside (``cmnd``), or neither."""

    cccd: str | None = None
    cmnd: str | None = None

    @property
    def warning(self) -> str:
        if not self.cmnd:
            return ""
        return (f"số {self.cmnd} là CMND cũ (9 chữ số): đã ghi vào ghi chú (“{CMND_NOTE}{self.cmnd}”), "
                "số CCCD để trống; hãy bổ sung số CCCD 12 chữ số khi có")


def read_identity(text, *, today: date | None = None) -> Identity:
    """A CCCD as ``normalise_id_number`` checks it, or a 9-digit CMND accepted as a legacy identity."""
    if text is not None:
        digits = _digits(text)
        if len(digits) == CMND_LENGTH and digits.isdigit() and digits.isascii():
            if len(set(digits)) == 1:
                raise Refused(f"Số CMND “{text}” không hợp lệ (cùng một chữ số lặp lại).")
            return Identity(cmnd=digits)
    return Identity(cccd=normalise_id_number(text, today=today))


def with_cmnd_note(notes: str | None, cmnd: str | None) -> str:
    """The notes with ``CMND cũ: …`` added once (kept as they are when they already say it)."""
    notes = (notes or "").strip()
    if not cmnd:
        return notes
    mark = f"{CMND_NOTE}{cmnd}"
    if mark in notes:
        return notes
    return f"{notes}; {mark}" if notes else mark


def cmnd_in_notes(notes: str | None) -> str | None:
    """The CMND a household's notes keep (``CMND cũ: 123456789``), to recognise it on the next import."""
    notes = notes or ""
    at = notes.find(CMND_NOTE)
    if at < 0:
        return None
    digits = notes[at + len(CMND_NOTE): at + len(CMND_NOTE) + CMND_LENGTH]
    return digits if len(digits) == CMND_LENGTH and digits.isdigit() else None


def describe_id_number(digits: str) -> dict:
    """What the number says: birth province code, sex and year, e.g. for a tooltip."""
    gender_digit = int(digits[3])
    return {
        "province_code": digits[:3],
        "female": gender_digit % 2 == 1,
        "birth_year": CENTURY[gender_digit] + int(digits[4:6]),
    }
