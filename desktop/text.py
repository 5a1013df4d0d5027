"""Folding Vietnamese text for search: "Nguyễn Văn Đặng" and "nguyen van dang" must meet."""

import functools
import unicodedata

# đ/Đ is a letter of its own, not d plus a mark, so NFD leaves it alone; fold it by hand.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d and collapse white space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(bare.lower().split())


def nfc(text: str) -> str:
    """The one Unicode form we store: typed, pasted and imported text all end up the same."""
    return " ".join(unicodedata.normalize("NFC", text).split())


# --- Vietnamese alphabetical order -------------------------------------------------------------------------
#
# The alphabet as schools and dictionaries teach it, with the Latin letters Vietnamese borrows (f j w z) in
# their Latin places: ă and â follow a, đ follows d (so "Thôn Đông" comes after "Thôn Dưới" and before
# "Thôn Êm"), ê follows e, ô and ơ follow o, ư follows u.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}

# Tones are compared only when the letters are equal, in the order of the Vietnamese dictionaries (Hoàng Phê's
# Từ điển tiếng Việt) and of the Unicode CLDR Vietnamese collation: none, huyền, hỏi, ngã, sắc, nặng — so
# "ma, mà, mả, mã, má, mạ". (School readers teach "sắc" second; the dictionaries are what clerks look names up
# in, and CLDR is what phones and spreadsheets sort by, so lists here agree with both.)
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a letter of their own (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}

# The primary key is a string whose code points sort in Vietnamese order: white space, then punctuation, then
# numbers (by value), then the letters of the alphabet, then letters of other scripts.
_SPACE, _PUNCT, _NUMBER, _LETTER, _FOREIGN = "\x01", "\x02", "\x03", 0x100, "\u0200"


@functools.lru_cache(maxsize=4096)
def _letter(ch: str) -> tuple[str, str]:
    """One lower-case character as (primary code, tone digit); tone "" for what is not a letter."""
    if ch == "đ":
        return chr(_LETTER + _RANK["đ"]), "0"
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    tone = next((_TONES[m] for m in marks if m in _TONES), "0")
    letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _LETTER_MARKS))
    if letter in _RANK:
        return chr(_LETTER + _RANK[letter]), tone
    if base in _RANK:  # a letter with a mark Vietnamese does not use (ç, ñ, ö): sorted with its base letter
        return chr(_LETTER + _RANK[base]), tone
    if ch.isalpha():
        return _FOREIGN + ch, tone
    return _PUNCT + ch, ""


@functools.lru_cache(maxsize=65536)
def collation_key(text: str) -> tuple[str, str, str, str]:
    """Sort key for Vietnamese order: letters first ignoring tones and case, then the tones letter by letter,
    then the text itself, then the text as given (so that different texts never compare equal, even two that
    differ only in spaces or Unicode form, and every sort is repeatable).

    A run of digits sorts by its value: "Thôn 2" before "Thôn 10".
    """
    given = text or ""
    text = nfc(given)
    primary, tones = [], []
    lowered = text.lower()
    i = 0
    while i < len(lowered):
        ch = lowered[i]
        if ch.isspace():
            primary.append(_SPACE)
        elif ch in "0123456789":
            j = i
            while j < len(lowered) and lowered[j] in "0123456789":
                j += 1
            digits = lowered[i:j].lstrip("0") or "0"
            # Length first, then the digits: a longer number (without leading zeros) is the larger one.
            primary.append(_NUMBER + chr(0x30 + min(len(digits), 0xCF)) + digits)
            i = j
            continue
        elif unicodedata.combining(ch):
            if ch in _TONES and tones:  # a stray tone mark NFC could not attach: it still counts as a tone
                tones[-1] = _TONES[ch]
        else:
            code, tone = _letter(ch)
            primary.append(code)
            if tone:
                tones.append(tone)
        i += 1
    return "".join(primary), "".join(tones), text, given


def collate(left: str, right: str) -> int:
    """SQLite collation "vi" (``ORDER BY name COLLATE vi``): -1, 0 or 1 as Vietnamese order has it."""
    a, b = collation_key(left), collation_key(right)
    return (a > b) - (a < b)


def format_size(size: int) -> str:
    """A file's size for the clerk: "17,8 MB", "640 KB", "12 byte", with the Vietnamese decimal comma.

    Counted in 1024s, as Windows Explorer counts them, so the figure matches what the clerk sees on the stick.
    """
    if size < 1024:
        return f"{size} byte"
    for unit, scale in (("KB", 1024), ("MB", 1024 ** 2), ("GB", 1024 ** 3)):
        value = size / scale
        if unit == "KB" and round(value) < 1024:
            return f"{round(value)} KB"
        if unit != "KB" and (round(value, 1) < 1024 or unit == "GB"):
            return f"{value:.1f} {unit}".replace(".", ",")
    raise AssertionError("unreachable")
