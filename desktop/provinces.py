"""The province list shipped in resources/provinces.toml: the 34 units since 1 July 2025, and the 63 before,
which old data and upper-level setups made before the merger still name."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
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
