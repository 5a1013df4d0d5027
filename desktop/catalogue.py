"""The programme catalogue shipped as data (resources/programmes.toml) and kept current in each database."""

from __future__ import annotations

import sqlite3
import tomllib

from desktop.resources import resource_path

CATALOGUE_SETTING = "catalogue_version"


def shipped_catalogue() -> dict:
    with resource_path("programmes.toml").open("rb") as handle:
        return tomllib.load(handle)


def catalogue_outdated(conn: sqlite3.Connection) -> bool:
    """Read-only test, so that opening the books takes no write lock when nothing is to be done."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (CATALOGUE_SETTING,)).fetchone()
    # A version that is not a number (a damaged row) counts as outdated: the refresh writes it again.
    return row is None or not str(row[0]).isdigit() or int(row[0]) < shipped_catalogue()["version"]


def refresh_catalogue(conn: sqlite3.Connection) -> bool:
    """Add or rename programmes and components when the shipped list is newer; never removes any,
    because projects refer to them. Runs inside the caller's transaction. Returns whether it changed."""
    if not catalogue_outdated(conn):
        return False
    catalogue = shipped_catalogue()
    for programme in catalogue["programme"]:
        conn.execute(
            """INSERT INTO programme (code, name, period, decision, structure) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (code) DO UPDATE SET name = excluded.name, period = excluded.period,
                   decision = excluded.decision, structure = excluded.structure""",
            (programme["code"], programme["name"], programme["period"], programme.get("decision", ""),
             programme["structure"]),
        )
        programme_id = conn.execute("SELECT id FROM programme WHERE code = ?", (programme["code"],)).fetchone()[0]
        for component in programme.get("components", []):
            conn.execute(
                """INSERT INTO programme_component (programme_id, code, name, parent_code) VALUES (?, ?, ?, ?)
                   ON CONFLICT (programme_id, code) DO UPDATE SET name = excluded.name,
                       parent_code = excluded.parent_code""",
                (programme_id, component["code"], component["name"], component.get("parent")),
            )
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (CATALOGUE_SETTING, str(catalogue["version"])),
    )
    return True
