"""Version 7, part "programmes": the programme catalogue versions, project leads, merged communes' origins.

Version 7 is one step made of several parts (see ``db/migrations/__init__.py``); each part only adds
tables and columns, so their order inside the step does not matter.

- ``catalogue_version``: every catalogue the books took in (shipped with the program or imported from a
  file the upper level sent), with its whole text, so what a project was approved under can be read back.
  Programmes and components gain validity dates and a mark for what is assumed rather than published; a
  project records the catalogue version it was approved under (its codes never change afterwards).
- ``project_lead`` / ``project_lead_member``: a cooperative, cooperative group or household group leading a
  project, and the member households of that group.
- ``merged_commune`` / ``merged_duplicate`` / ``household_alias``: the old communes whose books were
  merged into these (2025 reform), the clerk's decision on each person found in two of them, and the
  household UUIDs of an old commune that now point at a household kept from another; households, projects
  and receipts say which old commune they came from (``origin_commune``).
"""

_NEVER_CHANGED = ("catalogue_version", "merged_commune", "merged_duplicate", "household_alias")

STATEMENTS: list[str] = [
    """
    CREATE TABLE catalogue_version (
        version     INTEGER PRIMARY KEY CHECK (version >= 1),
        source      TEXT NOT NULL CHECK (source IN ('shipped', 'imported')),
        file_name   TEXT NOT NULL DEFAULT '',
        sha256      TEXT NOT NULL,
        body        TEXT NOT NULL CHECK (json_valid(body)),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL
    )
    """,
    "ALTER TABLE programme ADD COLUMN valid_from TEXT CHECK (valid_from IS NULL OR date(valid_from) IS valid_from)",
    "ALTER TABLE programme ADD COLUMN valid_to TEXT CHECK (valid_to IS NULL OR date(valid_to) IS valid_to)",
    "ALTER TABLE programme ADD COLUMN catalogue_version INTEGER",
    "ALTER TABLE programme_component ADD COLUMN valid_from TEXT "
    "CHECK (valid_from IS NULL OR date(valid_from) IS valid_from)",
    "ALTER TABLE programme_component ADD COLUMN valid_to TEXT CHECK (valid_to IS NULL OR date(valid_to) IS valid_to)",
    "ALTER TABLE programme_component ADD COLUMN assumed INTEGER NOT NULL DEFAULT 0 CHECK (assumed IN (0, 1))",
    "ALTER TABLE programme_component ADD COLUMN catalogue_version INTEGER",
    "ALTER TABLE project ADD COLUMN catalogue_version INTEGER",
    # Project leads: one lead per project at most; its member households.
    """
    CREATE TABLE project_lead (
        id                INTEGER PRIMARY KEY,
        uuid              TEXT NOT NULL UNIQUE,
        project_id        INTEGER NOT NULL UNIQUE REFERENCES project(id),
        kind              TEXT NOT NULL CHECK (kind IN ('cooperative', 'cooperative_group', 'household_group')),
        name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
        representative    TEXT NOT NULL DEFAULT '',
        registration_code TEXT NOT NULL DEFAULT '',
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE project_lead_member (
        id           INTEGER PRIMARY KEY,
        uuid         TEXT NOT NULL UNIQUE,
        lead_id      INTEGER NOT NULL REFERENCES project_lead(id),
        household_id INTEGER NOT NULL REFERENCES household(id),
        added_at     TEXT NOT NULL,
        UNIQUE (lead_id, household_id)
    )
    """,
    # Merged communes.
    "ALTER TABLE household ADD COLUMN origin_commune TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE project ADD COLUMN origin_commune TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE receipt ADD COLUMN origin_commune TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE receipt ADD COLUMN original_book TEXT NOT NULL DEFAULT ''",
    """
    CREATE TABLE merged_commune (
        id             INTEGER PRIMARY KEY,
        uuid           TEXT NOT NULL UNIQUE,
        commune_code   TEXT NOT NULL UNIQUE,
        commune_name   TEXT NOT NULL,
        province_code  TEXT NOT NULL DEFAULT '',
        province_name  TEXT NOT NULL DEFAULT '',
        public_hex     TEXT NOT NULL DEFAULT '',
        fingerprint    TEXT NOT NULL DEFAULT '',
        last_sync_seq  INTEGER NOT NULL DEFAULT 0,
        locked_to      TEXT,
        source_sha256  TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        settings_json  TEXT NOT NULL CHECK (json_valid(settings_json)),
        counts_json    TEXT NOT NULL CHECK (json_valid(counts_json)),
        merged_at      TEXT NOT NULL,
        merged_by      TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE merged_duplicate (
        id           INTEGER PRIMARY KEY,
        id_number    TEXT NOT NULL,
        decision     TEXT NOT NULL CHECK (decision IN ('same', 'different')),
        households   TEXT NOT NULL CHECK (json_valid(households)),
        decided_at   TEXT NOT NULL,
        decided_by   TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE household_alias (
        uuid           TEXT PRIMARY KEY,
        household_id   INTEGER NOT NULL REFERENCES household(id),
        origin_commune TEXT NOT NULL,
        original_code  TEXT NOT NULL,
        created_at     TEXT NOT NULL
    )
    """,
    # Upper level: old communes merged into another (kept in step with db/upper_schema.py).
    """
    CREATE TABLE upper_merged_commune (
        id              INTEGER PRIMARY KEY,
        code            TEXT NOT NULL UNIQUE,
        name            TEXT NOT NULL,
        fingerprint     TEXT NOT NULL,
        last_seq        INTEGER NOT NULL CHECK (last_seq >= 0),
        merged_at       TEXT NOT NULL,
        into_commune_id INTEGER NOT NULL REFERENCES upper_commune(id),
        recorded_seq    INTEGER NOT NULL,
        recorded_at     TEXT NOT NULL,
        recorded_by     TEXT NOT NULL
    )
    """,
    *[
        f"""
        CREATE TRIGGER {table}_never_{verb} BEFORE {event} ON {table}
        BEGIN SELECT RAISE(ABORT, 'Không được {label} dữ liệu ({table}).'); END
        """
        for table in _NEVER_CHANGED
        for verb, event, label in (("deleted", "DELETE", "xóa"), ("edited", "UPDATE", "sửa"))
    ],
    # Where a receipt came from is part of the receipt: fixed once written, like its book and number.
    """
    CREATE TRIGGER receipt_origin_fixed BEFORE UPDATE OF origin_commune, original_book ON receipt
    WHEN NEW.origin_commune IS NOT OLD.origin_commune OR NEW.original_book IS NOT OLD.original_book
    BEGIN SELECT RAISE(ABORT, 'Không được sửa xã gốc của phiếu thu.'); END
    """,
    """
    CREATE TRIGGER project_catalogue_fixed BEFORE UPDATE OF catalogue_version, programme_code, component ON project
    WHEN NEW.catalogue_version IS NOT OLD.catalogue_version OR NEW.programme_code IS NOT OLD.programme_code
      OR NEW.component IS NOT OLD.component
    BEGIN SELECT RAISE(ABORT, 'Dự án giữ mã chương trình đã được phê duyệt; không được sửa.'); END
    """,
]
