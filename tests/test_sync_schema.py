"""Schema step 4: a released database climbs to it, and the upper store mirrors every synced column."""

from __future__ import annotations

import shutil
import sqlite3

from db.connection import open_store, upgrade
from db.migrations import LATEST_VERSION
from desktop.sync import format as fmt


def test_a_version_1_database_upgrades_with_the_sync_tables(tmp_path):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "schema_v1.sqlite"
    copy = tmp_path / "vonxoay.sqlite"
    shutil.copy(fixture, copy)
    conn = open_store(copy, backups_dir=tmp_path / "backups")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 4
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        assert {"sync_export", "upper_commune", "upper_commune_key", "upper_import"} <= tables
        assert {f"upper_{t}" for t in fmt.PARTS} <= tables
        assert conn.execute("SELECT count(*) FROM sync_export").fetchone()[0] == 0
    finally:
        conn.close()
    assert any((tmp_path / "backups").iterdir())


def test_every_commune_column_travels_and_is_mirrored_at_the_upper_level():
    """If a later step adds a column to a synced table, the package format and the mirror must follow."""
    conn = sqlite3.connect(":memory:")
    upgrade(conn)
    for table, columns in fmt.PARTS.items():
        own = [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info({table})")]
        assert own == columns, table
        mirror = [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info(upper_{table})")]
        assert mirror == [("commune_id", "INTEGER"), *columns], table
    # Left out on purpose: the key, the export log, the payment requests already carried out, and the dated
    # history of names and signatories (it serves the commune's own reprints; the upper level reads the
    # settings in force when the package was made).
    synced = set(fmt.PARTS) | {"signing_key", "sync_export", "operation_request", "setting_history",
                               # Money going out: not in the package format yet (its next version).
                               "voucher", "voucher_print", "handover", "management_spend", "payout_before_vouchers"}
    commune_tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'upper_%'")}
    assert commune_tables == synced, "a new commune table is neither synced nor deliberately left out"
    conn.close()
