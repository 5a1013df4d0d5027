"""Version 4: the export history of a commune and the upper level's store of consolidated communes.

A commune numbers its sync packages from ``sync_export``. The upper level (district or province) keeps a
registry of commune keys, a log of the imports that changed its data, and one ``upper_<table>`` per commune
table holding every commune's latest snapshot side by side, keyed by ``commune_id``. The mirrored columns
are frozen here; a later step that adds a column to a commune table adds it to its mirror too.
"""

# The commune tables a sync package carries, in the order they are loaded (parents before children), each
# with its columns and their types as of this version.
MIRRORED: dict[str, list[tuple[str, str]]] = {
    "settings": [("key", "TEXT"), ("value", "TEXT")],
    "hamlet": [("id", "INTEGER"), ("uuid", "TEXT"), ("name", "TEXT"), ("name_key", "TEXT"), ("created_at", "TEXT")],
    "household": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("code", "TEXT"), ("head_name", "TEXT"), ("id_number", "TEXT"),
        ("hamlet_id", "INTEGER"), ("ethnic_minority", "INTEGER"), ("female_head", "INTEGER"), ("members", "INTEGER"),
        ("phone", "TEXT"), ("notes", "TEXT"), ("search_key", "TEXT"), ("created_at", "TEXT"), ("updated_at", "TEXT"),
    ],
    "household_category": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("household_id", "INTEGER"), ("category", "TEXT"),
        ("effective_on", "TEXT"), ("note", "TEXT"), ("created_at", "TEXT"),
    ],
    "programme": [
        ("id", "INTEGER"), ("code", "TEXT"), ("name", "TEXT"), ("period", "TEXT"), ("decision", "TEXT"),
        ("structure", "TEXT"),
    ],
    "programme_component": [
        ("id", "INTEGER"), ("programme_id", "INTEGER"), ("code", "TEXT"), ("name", "TEXT"), ("parent_code", "TEXT"),
    ],
    "project": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("code", "TEXT"), ("name", "TEXT"), ("programme_code", "TEXT"),
        ("component", "TEXT"), ("decision_number", "TEXT"), ("decision_date", "TEXT"),
        ("decision_authority", "TEXT"), ("budget_central", "INTEGER"), ("budget_local", "INTEGER"),
        ("budget_other", "INTEGER"), ("budget_counterpart", "INTEGER"), ("status", "TEXT"), ("policy_code", "TEXT"),
        ("policy_json", "TEXT"), ("created_at", "TEXT"), ("updated_at", "TEXT"),
    ],
    "membership": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("project_id", "INTEGER"), ("household_id", "INTEGER"),
        ("round", "INTEGER"), ("source", "TEXT"), ("category_at_entry", "TEXT"), ("support_amount", "INTEGER"),
        ("counterpart", "INTEGER"), ("to_return", "INTEGER"), ("in_kind", "TEXT"), ("supported_on", "TEXT"),
        ("created_at", "TEXT"),
    ],
    "installment": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("membership_id", "INTEGER"), ("seq", "INTEGER"), ("due_on", "TEXT"),
        ("amount", "INTEGER"),
    ],
    "fund_draw": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("membership_id", "INTEGER"), ("source_membership_id", "INTEGER"),
        ("amount", "INTEGER"),
    ],
    "fund_transfer": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("project_id", "INTEGER"), ("kind", "TEXT"), ("amount", "INTEGER"),
        ("decided_on", "TEXT"), ("decision", "TEXT"), ("note", "TEXT"), ("created_at", "TEXT"),
        ("created_by", "TEXT"),
    ],
    "receipt": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("book", "TEXT"), ("year", "INTEGER"), ("number", "INTEGER"),
        ("issued_on", "TEXT"), ("project_id", "INTEGER"), ("household_id", "INTEGER"), ("amount", "INTEGER"),
        ("method", "TEXT"), ("in_kind", "TEXT"), ("payer", "TEXT"), ("reason", "TEXT"), ("created_at", "TEXT"),
        ("created_by", "TEXT"), ("voided_at", "TEXT"), ("voided_by", "TEXT"), ("void_reason", "TEXT"),
    ],
    "allocation": [
        ("id", "INTEGER"), ("uuid", "TEXT"), ("receipt_id", "INTEGER"), ("installment_id", "INTEGER"),
        ("amount", "INTEGER"),
    ],
    "receipt_print": [
        ("id", "INTEGER"), ("receipt_id", "INTEGER"), ("printed_at", "TEXT"), ("printed_by", "TEXT"),
        ("is_copy", "INTEGER"),
    ],
    "audit_log": [
        ("id", "INTEGER"), ("at", "TEXT"), ("actor", "TEXT"), ("entity", "TEXT"), ("entity_uuid", "TEXT"),
        ("action", "TEXT"), ("before", "TEXT"), ("after", "TEXT"),
    ],
}


def _mirror(table: str, columns: list[tuple[str, str]]) -> str:
    key = "key" if table == "settings" else "id"
    body = ",\n        ".join(f"{name} {kind}" for name, kind in columns)
    return f"""
    CREATE TABLE upper_{table} (
        commune_id INTEGER NOT NULL REFERENCES upper_commune(id),
        {body},
        PRIMARY KEY (commune_id, {key})
    )
    """


STATEMENTS = [
    # Commune side: every package made, so the sequence only grows (a gap is a package that failed half-way)
    # and an acknowledgement from the upper level can be shown against the package it confirms.
    """
    CREATE TABLE sync_export (
        seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
        file_name  TEXT NOT NULL,
        as_of      TEXT NOT NULL CHECK (date(as_of) IS as_of),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        sha256     TEXT,
        bytes      INTEGER,
        acked_at   TEXT,
        acked_by   TEXT
    )
    """,
    # Upper side: one row per commune ever imported, with the key it is known by and its latest package.
    """
    CREATE TABLE upper_commune (
        id              INTEGER PRIMARY KEY,
        code            TEXT NOT NULL UNIQUE,
        name            TEXT NOT NULL,
        upper_code      TEXT NOT NULL,
        upper_name      TEXT NOT NULL,
        province_code   TEXT NOT NULL,
        province_name   TEXT NOT NULL,
        public_hex      TEXT NOT NULL,
        fingerprint     TEXT NOT NULL,
        last_seq        INTEGER NOT NULL CHECK (last_seq >= 1),
        last_sha256     TEXT NOT NULL,
        last_as_of      TEXT NOT NULL,
        last_created_at TEXT NOT NULL,
        imported_at     TEXT NOT NULL,
        imported_by     TEXT NOT NULL
    )
    """,
    # Every key a commune has been known by: the first registration and each explicit re-registration.
    """
    CREATE TABLE upper_commune_key (
        id            INTEGER PRIMARY KEY,
        commune_id    INTEGER NOT NULL REFERENCES upper_commune(id),
        public_hex    TEXT NOT NULL,
        fingerprint   TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        registered_by TEXT NOT NULL,
        how           TEXT NOT NULL CHECK (how IN ('first', 'reregister'))
    )
    """,
    # The imports that changed the store. Refused, repeated and older packages change nothing, so they are
    # logged in the data folder's log file instead (the store stays byte-for-byte as it was).
    """
    CREATE TABLE upper_import (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        commune_id  INTEGER NOT NULL REFERENCES upper_commune(id),
        file_name   TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        as_of       TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('imported')),
        rows        INTEGER NOT NULL
    )
    """,
    "CREATE INDEX upper_import_commune ON upper_import(commune_id)",
    *[_mirror(table, columns) for table, columns in MIRRORED.items()],
    # The duplicate check looks people up by ID number across communes.
    "CREATE INDEX upper_household_id_number ON upper_household(id_number) WHERE id_number IS NOT NULL",
]
