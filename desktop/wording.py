"""How administrative names are written inside a sentence or after "UBND": "UBND xã Cẩm Văn", "Thôn Đông,
xã Cẩm Văn, tỉnh Hải Dương". The settings hold names as a heading writes them ("Xã Cẩm Văn", "Tỉnh Hải
Dương", "Thành phố Hải Phòng"); the level word is lower-cased anywhere but at the start of a line."""

from __future__ import annotations

# Longest first: "thị xã" before "xã", "thành phố" before any one-word level.
LEVELS = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "quận", "tỉnh", "xã", "thôn", "xóm", "bản",
          "ấp", "tổ dân phố", "khu phố")


def level_lower(name: str) -> str:
    """"Xã Cẩm Văn" → "xã Cẩm Văn"; "Thành phố Hải Phòng" → "thành phố Hải Phòng"; other names unchanged."""
    text = (name or "").strip()
    for level in sorted(LEVELS, key=len, reverse=True):
        if text.lower().startswith(level + " "):
            return level + text[len(level):]
    return text


def unit_name(commune_name: str, *, authority: str = "UBND") -> str:
    """The unit as a document names it: "UBND xã Cẩm Văn" (not "UBND Xã")."""
    name = level_lower(commune_name)
    return f"{authority} {name}".strip() if name else authority


def address(*parts: str) -> str:
    """"Thôn Đông, xã Cẩm Văn, tỉnh Hải Dương": the first part as written, the levels after it lower-cased."""
    kept = [p.strip() for p in parts if p and p.strip()]
    if not kept:
        return ""
    return ", ".join([kept[0], *(level_lower(p) for p in kept[1:])])


def place_name(commune_name: str) -> str:
    """The place in a date line ("Cẩm Văn, ngày …"): the name without its level word."""
    text = (commune_name or "").strip()
    for level in sorted(LEVELS, key=len, reverse=True):
        if text.lower().startswith(level + " "):
            return text[len(level) + 1:].strip()
    return text
