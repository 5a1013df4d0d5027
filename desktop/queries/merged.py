"""What an old commune merged into these books was (2025 reform): its settings on a date and the codes its
own documents used. A receipt it issued is reprinted as it was issued: the old unit, its address, its book
and codes; only a note says where the receipt is kept now."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date

from desktop.books import settings_in_force


@dataclass(frozen=True)
class OldCommune:
    code: str
    name: str
    merged_at: str  # when its books were merged into these (an ISO timestamp)
    settings: dict[str, str]  # its settings when merged
    history: tuple[tuple[str, str, str], ...]  # (key, value, effective_on), as setting_history was

    def settings_on(self, day: date) -> dict[str, str]:
        """The old commune's settings in force on ``day``, by the same rule as the open books' own."""
        return settings_in_force(self.settings, self.history, day)


def old_commune(conn: sqlite3.Connection, code: str) -> OldCommune | None:
    if not code:
        return None
    row = conn.execute("SELECT commune_code, commune_name, merged_at, settings_json FROM merged_commune "
                       "WHERE commune_code = ?", (code,)).fetchone()
    if row is None:
        return None
    kept = json.loads(row[3])
    history = sorted(((h["key"], h["value"], h["effective_on"]) for h in kept.get("history", [])),
                     key=lambda h: (h[0], h[2]))  # stable: entries of one key and day keep their order
    return OldCommune(row[0], row[1], row[2], dict(kept.get("settings", {})), tuple(history))


def original_code(code: str, origin: str) -> str:
    """"10507-H001" → "H001": the code the old commune's books gave (merged codes carry its code first)."""
    prefix = f"{origin}-"
    return code[len(prefix):] if origin and code.startswith(prefix) else code


def original_household_code(conn: sqlite3.Connection, household_id: int, code: str, origin: str) -> str:
    """The household's code in the old commune's books; for a person kept from another commune (decided
    "same person" at the merge), the code this commune's books had given them."""
    alias = conn.execute("SELECT original_code FROM household_alias WHERE household_id = ? AND origin_commune = ? "
                         "ORDER BY created_at LIMIT 1", (household_id, origin)).fetchone()
    return alias[0] if alias else original_code(code, origin)
