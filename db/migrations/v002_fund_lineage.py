"""Version 2: where re-lent money came from (fund lineage) and transfers of a fund to public works."""

STATEMENTS = [
    # A round-2+ support is paid out of money other households returned; each row says how much of it
    # came from which earlier support, so a report can follow one grant through every household it reached.
    """
    CREATE TABLE fund_draw (
        id                   INTEGER PRIMARY KEY,
        uuid                 TEXT NOT NULL UNIQUE,
        membership_id        INTEGER NOT NULL REFERENCES membership(id),
        source_membership_id INTEGER NOT NULL REFERENCES membership(id),
        amount               INTEGER NOT NULL CHECK (amount > 0),
        CHECK (membership_id != source_membership_id),
        UNIQUE (membership_id, source_membership_id)
    )
    """,
    "CREATE INDEX fund_draw_source ON fund_draw(source_membership_id)",
    # After the policy's number of years with no further demand, a recorded commune decision may turn
    # the recovered balance to public works; the project's fund then stops re-lending.
    """
    CREATE TABLE fund_transfer (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,
        project_id  INTEGER NOT NULL REFERENCES project(id),
        kind        TEXT NOT NULL CHECK (kind IN ('public_works')),
        amount      INTEGER NOT NULL CHECK (amount > 0),
        decided_on  TEXT NOT NULL CHECK (date(decided_on) IS decided_on),
        decision    TEXT NOT NULL CHECK (length(trim(decision)) > 0),
        note        TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL
    )
    """,
    "CREATE INDEX fund_transfer_project ON fund_transfer(project_id)",
    *[
        f"""
        CREATE TRIGGER {table}_never_{verb} BEFORE {event} ON {table}
        BEGIN SELECT RAISE(ABORT, 'Không được {label} dữ liệu tài chính ({table}).'); END
        """
        for table in ("fund_draw", "fund_transfer")
        for verb, event, label in (("deleted", "DELETE", "xóa"), ("edited", "UPDATE", "sửa"))
    ],
]
