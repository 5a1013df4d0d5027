"""Folding Vietnamese text for search: "Nguyễn Văn Đặng" and "nguyen van dang" must meet."""

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
