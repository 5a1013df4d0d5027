"""Version 7, part "approvals": users, roles, selection meetings, decisions, two-person voids.

Version 7 is one step made of several parts (see ``db/migrations/__init__.py``); each part only adds
tables and columns, so their order inside the step does not matter.

- ``app_user``: the office's people with their role; a password is kept only as a memory-hard hash (scrypt,
  with its salt and parameters in the same text). A person is retired, never deleted; the name and role of
  a user never change (audit rows name them).
- ``approval_meeting`` (biên bản bình xét) and ``approval_decision`` (quyết định phê duyệt of the chairman),
  each with its households. Frozen once recorded: a correction is a new decision that supersedes the old one
  (``supersedes_id``, at most once per decision); the superseded decision's households no longer count.
- ``void_request``: with the setting ``two_person_voids``, a void asked by one user waits here until a second
  user with an approving role confirms it; the row is completed once and never deleted.
- The setting ``require_approval`` needs no row here: books that already hold a commune have none, which
  reads as off, so they keep working as before; ``init`` writes 1 into books created from this version on.
"""

_FROZEN = [
    ("approval_meeting", "Biên bản bình xét đã ghi không được sửa hay xóa; ghi sai thì lập quyết định mới thay thế."),
    ("approval_meeting_household", "Danh sách hộ của biên bản bình xét đã ghi không được sửa hay xóa."),
    ("approval_decision", "Quyết định phê duyệt đã ghi không được sửa hay xóa; hãy ghi quyết định mới thay thế "
                          "quyết định sai."),
    ("approval_decision_household", "Danh sách hộ của quyết định phê duyệt đã ghi không được sửa hay xóa."),
]

STATEMENTS: list[str] = [
    """
    CREATE TABLE app_user (
        id            INTEGER PRIMARY KEY,
        uuid          TEXT NOT NULL UNIQUE,
        name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
        name_key      TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('clerk', 'accountant', 'cashier', 'chairman')),
        password_hash TEXT CHECK (password_hash IS NULL OR password_hash LIKE 'scrypt$%'),
        created_at    TEXT NOT NULL,
        created_by    TEXT NOT NULL,
        retired_at    TEXT
    )
    """,
    # One living person per name: the name is what ``--as`` and every audit row carry.
    "CREATE UNIQUE INDEX app_user_name ON app_user(name_key) WHERE retired_at IS NULL",
    """
    CREATE TRIGGER app_user_never_deleted BEFORE DELETE ON app_user
    BEGIN SELECT RAISE(ABORT, 'Không được xóa người dùng; hãy cho nghỉ (retire).'); END
    """,
    """
    CREATE TRIGGER app_user_identity_kept BEFORE UPDATE ON app_user
    WHEN NEW.uuid IS NOT OLD.uuid OR NEW.name IS NOT OLD.name OR NEW.name_key IS NOT OLD.name_key
      OR NEW.role IS NOT OLD.role OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
      OR OLD.retired_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'Tên, vai trò của người dùng không đổi được; người đã nghỉ không dùng lại được.'); END
    """,
    """
    CREATE TABLE approval_meeting (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,
        project_id  INTEGER NOT NULL REFERENCES project(id),
        hamlet_id   INTEGER REFERENCES hamlet(id),
        held_on     TEXT NOT NULL CHECK (date(held_on) IS held_on),
        chair       TEXT NOT NULL DEFAULT '',
        attendees   INTEGER CHECK (attendees IS NULL OR attendees >= 0),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE approval_meeting_household (
        meeting_id   INTEGER NOT NULL REFERENCES approval_meeting(id),
        household_id INTEGER NOT NULL REFERENCES household(id),
        category     TEXT NOT NULL,
        amount       INTEGER NOT NULL CHECK (amount >= 0),
        PRIMARY KEY (meeting_id, household_id)
    )
    """,
    """
    CREATE TABLE approval_decision (
        id            INTEGER PRIMARY KEY,
        uuid          TEXT NOT NULL UNIQUE,
        project_id    INTEGER NOT NULL REFERENCES project(id),
        number        TEXT NOT NULL CHECK (length(trim(number)) > 0),
        decided_on    TEXT NOT NULL CHECK (date(decided_on) IS decided_on),
        round         INTEGER NOT NULL CHECK (round >= 1),
        signer        TEXT NOT NULL DEFAULT '',
        meeting_id    INTEGER REFERENCES approval_meeting(id),
        supersedes_id INTEGER UNIQUE REFERENCES approval_decision(id),
        recorded_at   TEXT NOT NULL,
        recorded_by   TEXT NOT NULL
    )
    """,
    # Decision numbers start again each year: "12/QĐ-UBND" names one decision within its year.
    "CREATE UNIQUE INDEX approval_decision_number ON approval_decision(number, substr(decided_on, 1, 4))",
    "CREATE INDEX approval_decision_project ON approval_decision(project_id, round)",
    """
    CREATE TABLE approval_decision_household (
        decision_id  INTEGER NOT NULL REFERENCES approval_decision(id),
        household_id INTEGER NOT NULL REFERENCES household(id),
        amount       INTEGER NOT NULL CHECK (amount >= 0),
        PRIMARY KEY (decision_id, household_id)
    )
    """,
    "CREATE INDEX approval_decision_household_by ON approval_decision_household(household_id)",
    *[
        f"""
        CREATE TRIGGER {table}_frozen_{verb} BEFORE {event} ON {table}
        BEGIN SELECT RAISE(ABORT, '{message}'); END
        """
        for table, message in _FROZEN for verb, event in (("delete", "DELETE"), ("update", "UPDATE"))
    ],
    """
    CREATE TABLE void_request (
        id           INTEGER PRIMARY KEY,
        uuid         TEXT NOT NULL UNIQUE,
        kind         TEXT NOT NULL CHECK (kind IN ('receipt', 'support')),
        target       TEXT NOT NULL,
        label        TEXT NOT NULL,
        reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        void_on      TEXT NOT NULL CHECK (date(void_on) IS void_on),
        requested_at TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        confirmed_at TEXT,
        confirmed_by TEXT,
        CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL)),
        CHECK (confirmed_by IS NULL OR confirmed_by != requested_by)
    )
    """,
    """
    CREATE TRIGGER void_request_never_deleted BEFORE DELETE ON void_request
    BEGIN SELECT RAISE(ABORT, 'Không được xóa yêu cầu hủy.'); END
    """,
    """
    CREATE TRIGGER void_request_confirmed_once BEFORE UPDATE ON void_request
    WHEN OLD.confirmed_at IS NOT NULL OR NEW.confirmed_at IS NULL
      OR NEW.uuid IS NOT OLD.uuid OR NEW.kind IS NOT OLD.kind OR NEW.target IS NOT OLD.target
      OR NEW.label IS NOT OLD.label OR NEW.reason IS NOT OLD.reason OR NEW.void_on IS NOT OLD.void_on
      OR NEW.requested_at IS NOT OLD.requested_at OR NEW.requested_by IS NOT OLD.requested_by
    BEGIN SELECT RAISE(ABORT, 'Yêu cầu hủy chỉ được xác nhận một lần và không được sửa.'); END
    """,
]
