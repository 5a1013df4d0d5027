"""The province list shipped in resources/provinces.toml: the 34 units since 1 July 2025, and the 63 before,
which old data and upper-level setups made before the merger still name."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from desktop.resources import resource_path


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    merged_into: str = ""  # for a unit before 2025: the current unit that took it over


@cache
def _load() -> dict:
    with resource_path("provinces.toml").open("rb") as handle:
        return tomllib.load(handle)


def provinces(*, before_2025: bool = False) -> list[Province]:
    """The current units, or with ``before_2025`` the 63 older ones, in code order."""
    rows = _load()["before_2025" if before_2025 else "current"]
    return sorted((Province(r["code"], r["name"], r.get("merged_into", "")) for r in rows), key=lambda p: p.code)


# The day the 63 provinces became 34 (NQ 202/2025/QH15): from it, a document names the merged unit.
REFORM_2025 = date(2025, 7, 1)


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def merged_unit(code: str, name: str) -> Province | None:
    """The current unit that took over the pre-2025 province named ``name`` (and coded ``code`` when a code
    is given), or None when it names no older unit, or one that kept its own name (Hà Nội, Cao Bằng, …).

    The name decides: codes were reused by the merger (an old unit's code may now be another unit's), and a
    name the clerk typed differently ("Tỉnh Hải Dương (cũ)") is taken as meant and never rewritten.
    """
    wanted = _key(name)
    old = next((p for p in provinces(before_2025=True) if _key(p.name) == wanted), None)
    if old is None or (code and code != old.code):
        return None
    current = next(p for p in provinces() if p.code == old.merged_into)
    return None if _key(current.name) == wanted else current


def merged_notice(code: str, name: str, on: date) -> str:
    """What the clerk is told when the province in the settings was merged in 2025 (its documents dated from
    1/7/2025 carry the unit that took it over, see ``desktop.books``); "" when nothing changes."""
    current = merged_unit(code, name)
    if current is None or on < REFORM_2025:
        return ""
    return (f"{name} đã hợp nhất vào {current.name} từ 01/07/2025; phiếu thu, phiếu chi và báo cáo lập từ ngày đó "
            f"ghi “{current.name}”.")
