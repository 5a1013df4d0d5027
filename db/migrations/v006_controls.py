"""Version 6: the controls an auditor signs — dated voids, voided supports, the period lock, and settings
with effective dates.

- A receipt is voided *from a date* (``voided_on``): valid before it, voided from it, so the ledger and the
  periodic report of the same books agree for every period. Receipts voided by earlier versions get the
  day they were voided (never before the receipt itself).
- A support recorded by mistake can be voided the same way while it has no valid receipt; its schedule
  stops counting from that date. The row and its installments stay.
- ``period_lock`` is the history of locking the books up to a date after a report was sent, and of every
  reopening with its reason; the latest row is in force.
- ``setting_history`` keeps what the settings that name people and units said from which date, so a
  document reprinted later shows what was true on its own date. Existing values hold from the beginning.

The upper store mirrors the new columns and the lock history (sync format 2).
"""

from db.migrations.v004_sync_upper import MIRRORED as MIRRORED_V4

# Columns this step adds to commune tables that packages carry, and the new tables they carry.
ADDED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "membership": [("voided_on", "TEXT"), ("voided_at", "TEXT"), ("voided_by", "TEXT"), ("void_reason", "TEXT")],
    "receipt": [("voided_on", "TEXT")],
}
PERIOD_LOCK_COLUMNS: list[tuple[str, str]] = [
    ("id", "INTEGER"), ("uuid", "TEXT"), ("action", "TEXT"), ("locked_to", "TEXT"), ("reason", "TEXT"),
    ("at", "TEXT"), ("actor", "TEXT"),
]

# The tables and columns the upper store mirrors from this version on (sync format 2), parents first;
# the lock history goes before the audit log, which stays last.
MIRRORED: dict[str, list[tuple[str, str]]] = {}
for _table, _columns in MIRRORED_V4.items():
    if _table == "audit_log":
        MIRRORED["period_lock"] = PERIOD_LOCK_COLUMNS
    MIRRORED[_table] = _columns + ADDED_COLUMNS.get(_table, [])

_DATE = "CHECK ({0} IS NULL OR date({0}) IS {0})"

STATEMENTS = [
    # Receipts: the void date. The trigger that keeps a receipt unchanged except for one void is recreated
    # around the backfill (it would refuse touching a voided row) and now also demands the date.
    "DROP TRIGGER receipt_only_voided",
    f"ALTER TABLE receipt ADD COLUMN voided_on TEXT {_DATE.format('voided_on')}",
    """
    UPDATE receipt SET voided_on = max(issued_on, substr(voided_at, 1, 10)) WHERE voided_at IS NOT NULL
    """,
    """
    CREATE TRIGGER receipt_only_voided BEFORE UPDATE ON receipt
    WHEN OLD.voided_at IS NOT NULL
      OR NEW.voided_at IS NULL OR NEW.voided_on IS NULL OR NEW.voided_on < OLD.issued_on
      OR NEW.book IS NOT OLD.book OR NEW.year IS NOT OLD.year OR NEW.number IS NOT OLD.number
      OR NEW.issued_on IS NOT OLD.issued_on OR NEW.amount IS NOT OLD.amount
      OR NEW.project_id IS NOT OLD.project_id OR NEW.household_id IS NOT OLD.household_id
      OR NEW.method IS NOT OLD.method OR NEW.in_kind IS NOT OLD.in_kind
      OR NEW.payer IS NOT OLD.payer OR NEW.reason IS NOT OLD.reason OR NEW.uuid IS NOT OLD.uuid
    BEGIN SELECT RAISE(ABORT, 'Phiếu thu chỉ có thể bị hủy một lần, từ một ngày không trước ngày lập phiếu.'); END
    """,
    """
    CREATE TRIGGER receipt_void_dated BEFORE INSERT ON receipt
    WHEN (NEW.voided_at IS NULL) != (NEW.voided_on IS NULL) OR NEW.voided_on < NEW.issued_on
    BEGIN SELECT RAISE(ABORT, 'Phiếu thu đã hủy phải có ngày hủy không trước ngày lập phiếu.'); END
    """,
    # Supports: voided from a date, with who and why; otherwise still never edited.
    "DROP TRIGGER membership_never_edited",
    f"ALTER TABLE membership ADD COLUMN voided_on TEXT {_DATE.format('voided_on')}",
    "ALTER TABLE membership ADD COLUMN voided_at TEXT",
    "ALTER TABLE membership ADD COLUMN voided_by TEXT",
    "ALTER TABLE membership ADD COLUMN void_reason TEXT CHECK (void_reason IS NULL OR length(trim(void_reason)) > 0)",
    """
    CREATE TRIGGER membership_only_voided BEFORE UPDATE ON membership
    WHEN OLD.voided_at IS NOT NULL
      OR NEW.voided_at IS NULL OR NEW.voided_on IS NULL OR NEW.voided_by IS NULL OR NEW.void_reason IS NULL
      OR NEW.voided_on < OLD.supported_on
      OR NEW.uuid IS NOT OLD.uuid OR NEW.project_id IS NOT OLD.project_id
      OR NEW.household_id IS NOT OLD.household_id OR NEW.round IS NOT OLD.round OR NEW.source IS NOT OLD.source
      OR NEW.category_at_entry IS NOT OLD.category_at_entry OR NEW.support_amount IS NOT OLD.support_amount
      OR NEW.counterpart IS NOT OLD.counterpart OR NEW.to_return IS NOT OLD.to_return
      OR NEW.in_kind IS NOT OLD.in_kind OR NEW.supported_on IS NOT OLD.supported_on
      OR NEW.created_at IS NOT OLD.created_at
    BEGIN SELECT RAISE(ABORT, 'Khoản hỗ trợ chỉ có thể bị hủy một lần (có ngày, người và lý do), không được sửa.'); END
    """,
    """
    CREATE TRIGGER membership_void_complete BEFORE INSERT ON membership
    WHEN NOT ((NEW.voided_at IS NULL AND NEW.voided_on IS NULL AND NEW.voided_by IS NULL AND NEW.void_reason IS NULL)
              OR (NEW.voided_at IS NOT NULL AND NEW.voided_on >= NEW.supported_on AND NEW.voided_by IS NOT NULL
                  AND NEW.void_reason IS NOT NULL))
    BEGIN SELECT RAISE(ABORT, 'Khoản hỗ trợ đã hủy phải có ngày, người và lý do hủy.'); END
    """,
    "CREATE INDEX receipt_book_order ON receipt(book, year, issued_on)",
    # The period lock: every lock and every reopening, never edited or deleted; the latest row is in force.
    """
    CREATE TABLE period_lock (
        id        INTEGER PRIMARY KEY,
        uuid      TEXT NOT NULL UNIQUE,
        action    TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
        locked_to TEXT CHECK (locked_to IS NULL OR date(locked_to) IS locked_to),
        reason    TEXT NOT NULL DEFAULT '',
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        CHECK ((action = 'lock' AND locked_to IS NOT NULL)
               OR (action = 'unlock' AND locked_to IS NULL AND length(trim(reason)) > 0))
    )
    """,
    *[
        f"""
        CREATE TRIGGER period_lock_never_{verb} BEFORE {event} ON period_lock
        BEGIN SELECT RAISE(ABORT, 'Không được {label} lịch sử khóa sổ.'); END
        """
        for verb, event, label in (("deleted", "DELETE", "xóa"), ("edited", "UPDATE", "sửa"))
    ],
    # Settings with effective dates: the latest row for a key with effective_on on or before a document's
    # date is what the document shows. What the settings hold now is taken to hold from the beginning.
    """
    CREATE TABLE setting_history (
        id           INTEGER PRIMARY KEY,
        key          TEXT NOT NULL,
        value        TEXT NOT NULL,
        effective_on TEXT NOT NULL CHECK (date(effective_on) IS effective_on),
        recorded_at  TEXT NOT NULL,
        recorded_by  TEXT NOT NULL
    )
    """,
    "CREATE INDEX setting_history_key ON setting_history(key, effective_on)",
    """
    INSERT INTO setting_history (key, value, effective_on, recorded_at, recorded_by)
    SELECT key, value, '1900-01-01', '1900-01-01T00:00:00', 'nâng cấp'
    FROM settings ORDER BY key
    """,
    # The upper store: the new columns and the lock history of every commune.
    *[
        f"ALTER TABLE upper_{table} ADD COLUMN {name} {kind}"
        for table, columns in ADDED_COLUMNS.items() for name, kind in columns
    ],
    """
    UPDATE upper_receipt SET voided_on = max(issued_on, substr(voided_at, 1, 10)) WHERE voided_at IS NOT NULL
    """,
    """
    CREATE TABLE upper_period_lock (
        commune_id INTEGER NOT NULL REFERENCES upper_commune(id),
        id INTEGER, uuid TEXT, action TEXT, locked_to TEXT, reason TEXT, at TEXT, actor TEXT,
        PRIMARY KEY (commune_id, id)
    )
    """,
]
