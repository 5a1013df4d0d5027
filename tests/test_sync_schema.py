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
    """If a later step adds a column to a synced table, the package format and the mirror must follow, or the
    column is named here as the commune's own."""
    conn = sqlite3.connect(":memory:")
    upgrade(conn)
    for table, columns in fmt.PARTS.items():
        own = [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info({table})")]
        assert [c for c in own if c[0] not in LOCAL_COLUMNS.get(table, ())] == columns, table
        mirror = [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info(upper_{table})")]
        assert mirror == [("commune_id", "INTEGER"), *columns], table
    synced = set(fmt.PARTS) | LOCAL_TABLES
    commune_tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'upper_%'")}
    assert commune_tables == synced, "a new commune table is neither synced nor deliberately left out"
    conn.close()


# Left out of the package on purpose (sync format 2 stays as it was):
LOCAL_TABLES = {
    # the key, the export log, the payment requests already carried out, and the dated history of names and
    # signatories (it serves the commune's own reprints; the upper level reads the settings in force when the
    # package was made);
    "signing_key", "sync_export", "operation_request", "setting_history",
    # the texts the clerk writes for a report (the report itself is what the upper level receives);
    "report_text",
    # the office's users (their password hashes stay on the commune's PC), approvals and void requests: the
    # commune's own working papers;
    "app_user", "approval_meeting", "approval_meeting_household", "approval_decision",
    "approval_decision_household", "void_request",
    # money going out and its documents: the upper level's figures come from the supports, receipts and
    # transfers the package carries;
    "voucher", "voucher_print", "handover", "management_spend", "payout_before_vouchers",
    # the catalogue's versions, project leads, and what a merge of old communes' books recorded.
    "catalogue_version", "project_lead", "project_lead_member", "merged_commune", "merged_duplicate",
    "household_alias",
}
# Columns of synced tables the package does not carry (version 7): where a project's catalogue came from, and
# which old commune a merged row came from.
LOCAL_COLUMNS: dict[str, set[str]] = {
    "programme": {"valid_from", "valid_to", "catalogue_version"},
    "programme_component": {"valid_from", "valid_to", "assumed", "catalogue_version"},
    "project": {"catalogue_version", "origin_commune"},
    "household": {"origin_commune"},
    "receipt": {"origin_commune", "original_book"},
}
