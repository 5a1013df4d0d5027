"""Version 1: the commune's books — settings, hamlets, households, categories, programmes, projects,
memberships, installments, receipts, allocations and the audit log.

Money columns are INTEGER đồng with CHECKs. Financial rows are never deleted: triggers refuse it, and a
receipt may only change by being voided once.
"""

STATEMENTS = [
    """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    # The commune's Ed25519 key signs its sync packages. Kept inside the database so that a backup and
    # restore keeps the identity the upper level registered; never exported.
    """
    CREATE TABLE signing_key (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        private_pem TEXT NOT NULL,
        public_hex  TEXT NOT NULL,
        created_at  TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE hamlet (
        id         INTEGER PRIMARY KEY,
        uuid       TEXT NOT NULL UNIQUE,
        name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
        name_key   TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE household (
        id              INTEGER PRIMARY KEY,
        uuid            TEXT NOT NULL UNIQUE,
        code            TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
        head_name       TEXT NOT NULL CHECK (length(trim(head_name)) > 0),
        id_number       TEXT CHECK (id_number IS NULL
                                    OR (length(id_number) = 12 AND id_number NOT GLOB '*[^0-9]*')),
        hamlet_id       INTEGER NOT NULL REFERENCES hamlet(id),
        ethnic_minority INTEGER NOT NULL DEFAULT 0 CHECK (ethnic_minority IN (0, 1)),
        female_head     INTEGER NOT NULL DEFAULT 0 CHECK (female_head IN (0, 1)),
        members         INTEGER CHECK (members IS NULL OR members BETWEEN 1 AND 99),
        phone           TEXT NOT NULL DEFAULT '',
        notes           TEXT NOT NULL DEFAULT '',
        search_key      TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    )
    """,
    "CREATE INDEX household_hamlet ON household(hamlet_id)",
    "CREATE UNIQUE INDEX household_id_number ON household(id_number) WHERE id_number IS NOT NULL",
    # A household's category changes with the yearly poverty review; reports use the one in force on
    # their date, so the history is kept, never overwritten.
    """
    CREATE TABLE household_category (
        id           INTEGER PRIMARY KEY,
        uuid         TEXT NOT NULL UNIQUE,
        household_id INTEGER NOT NULL REFERENCES household(id),
        category     TEXT NOT NULL CHECK (category IN ('poor', 'near_poor', 'escaped', 'non_poor')),
        effective_on TEXT NOT NULL CHECK (date(effective_on) IS effective_on),
        note         TEXT NOT NULL DEFAULT '',
        created_at   TEXT NOT NULL,
        UNIQUE (household_id, effective_on)
    )
    """,
    """
    CREATE TABLE programme (
        id        INTEGER PRIMARY KEY,
        code      TEXT NOT NULL UNIQUE,
        name      TEXT NOT NULL,
        period    TEXT NOT NULL,
        decision  TEXT NOT NULL DEFAULT '',
        structure TEXT NOT NULL CHECK (structure IN ('du_an', 'hop_phan'))
    )
    """,
    """
    CREATE TABLE programme_component (
        id           INTEGER PRIMARY KEY,
        programme_id INTEGER NOT NULL REFERENCES programme(id),
        code         TEXT NOT NULL,
        name         TEXT NOT NULL,
        parent_code  TEXT,
        UNIQUE (programme_id, code)
    )
    """,
    """
    CREATE TABLE project (
        id                 INTEGER PRIMARY KEY,
        uuid               TEXT NOT NULL UNIQUE,
        code               TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
        name               TEXT NOT NULL CHECK (length(trim(name)) > 0),
        programme_code     TEXT REFERENCES programme(code),
        component          TEXT NOT NULL DEFAULT '',
        decision_number    TEXT NOT NULL DEFAULT '',
        decision_date      TEXT CHECK (decision_date IS NULL OR date(decision_date) IS decision_date),
        decision_authority TEXT NOT NULL DEFAULT '',
        budget_central     INTEGER NOT NULL DEFAULT 0 CHECK (budget_central >= 0),
        budget_local       INTEGER NOT NULL DEFAULT 0 CHECK (budget_local >= 0),
        budget_other       INTEGER NOT NULL DEFAULT 0 CHECK (budget_other >= 0),
        budget_counterpart INTEGER NOT NULL DEFAULT 0 CHECK (budget_counterpart >= 0),
        status             TEXT NOT NULL DEFAULT 'active'
                           CHECK (status IN ('active', 'closed', 'public_works')),
        policy_code        TEXT NOT NULL,
        policy_json        TEXT NOT NULL CHECK (json_valid(policy_json)),
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
    )
    """,
    # One support given to one household in one project. Round 1 comes from the budget; round 2, 3, …
    # is re-lent from money the project's fund recovered.
    """
    CREATE TABLE membership (
        id                INTEGER PRIMARY KEY,
        uuid              TEXT NOT NULL UNIQUE,
        project_id        INTEGER NOT NULL REFERENCES project(id),
        household_id      INTEGER NOT NULL REFERENCES household(id),
        round             INTEGER NOT NULL CHECK (round >= 1),
        source            TEXT NOT NULL CHECK (source IN ('central', 'local', 'other', 'fund')),
        category_at_entry TEXT NOT NULL
                          CHECK (category_at_entry IN ('poor', 'near_poor', 'escaped', 'non_poor')),
        support_amount    INTEGER NOT NULL CHECK (support_amount > 0),
        counterpart       INTEGER NOT NULL DEFAULT 0 CHECK (counterpart >= 0),
        to_return         INTEGER NOT NULL CHECK (to_return >= 0 AND to_return <= support_amount),
        in_kind           TEXT NOT NULL DEFAULT '',
        supported_on      TEXT NOT NULL CHECK (date(supported_on) IS supported_on),
        created_at        TEXT NOT NULL,
        CHECK ((source = 'fund') = (round >= 2))
    )
    """,
    "CREATE INDEX membership_project ON membership(project_id, household_id)",
    "CREATE INDEX membership_household ON membership(household_id)",
    """
    CREATE TABLE installment (
        id            INTEGER PRIMARY KEY,
        uuid          TEXT NOT NULL UNIQUE,
        membership_id INTEGER NOT NULL REFERENCES membership(id),
        seq           INTEGER NOT NULL CHECK (seq >= 1),
        due_on        TEXT NOT NULL CHECK (date(due_on) IS due_on),
        amount        INTEGER NOT NULL CHECK (amount >= 0),
        UNIQUE (membership_id, seq)
    )
    """,
    "CREATE INDEX installment_due ON installment(due_on)",
    """
    CREATE TABLE receipt (
        id           INTEGER PRIMARY KEY,
        uuid         TEXT NOT NULL UNIQUE,
        book         TEXT NOT NULL CHECK (length(trim(book)) > 0),
        year         INTEGER NOT NULL,
        number       INTEGER NOT NULL CHECK (number >= 1),
        issued_on    TEXT NOT NULL CHECK (date(issued_on) IS issued_on),
        project_id   INTEGER NOT NULL REFERENCES project(id),
        household_id INTEGER NOT NULL REFERENCES household(id),
        amount       INTEGER NOT NULL CHECK (amount > 0),
        method       TEXT NOT NULL CHECK (method IN ('cash', 'in_kind')),
        in_kind      TEXT NOT NULL DEFAULT '',
        payer        TEXT NOT NULL CHECK (length(trim(payer)) > 0),
        reason       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        voided_at    TEXT,
        voided_by    TEXT,
        void_reason  TEXT,
        UNIQUE (book, year, number),
        CHECK (year = CAST(substr(issued_on, 1, 4) AS INTEGER)),
        CHECK ((voided_at IS NULL) = (void_reason IS NULL) AND (voided_at IS NULL) = (voided_by IS NULL)),
        CHECK (void_reason IS NULL OR length(trim(void_reason)) > 0),
        CHECK ((method = 'in_kind') = (length(trim(in_kind)) > 0))
    )
    """,
    "CREATE INDEX receipt_household ON receipt(project_id, household_id)",
    "CREATE INDEX receipt_issued ON receipt(issued_on)",
    # Which installments a receipt paid. Allocations of a voided receipt no longer count: voiding marks
    # the receipt, so its allocations drop out of every sum and the outstanding amount returns exactly.
    """
    CREATE TABLE allocation (
        id             INTEGER PRIMARY KEY,
        uuid           TEXT NOT NULL UNIQUE,
        receipt_id     INTEGER NOT NULL REFERENCES receipt(id),
        installment_id INTEGER NOT NULL REFERENCES installment(id),
        amount         INTEGER NOT NULL CHECK (amount > 0),
        UNIQUE (receipt_id, installment_id)
    )
    """,
    "CREATE INDEX allocation_installment ON allocation(installment_id)",
    """
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        entity      TEXT NOT NULL,
        entity_uuid TEXT NOT NULL,
        action      TEXT NOT NULL,
        before      TEXT CHECK (before IS NULL OR json_valid(before)),
        after       TEXT CHECK (after IS NULL OR json_valid(after))
    )
    """,
    "CREATE INDEX audit_entity ON audit_log(entity_uuid)",
    # Nothing financial is ever deleted; a receipt changes only by being voided, once.
    *[
        f"""
        CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, 'Không được xóa dữ liệu tài chính ({table}).'); END
        """
        for table in ("household", "household_category", "project", "membership", "installment",
                      "receipt", "allocation", "audit_log")
    ],
    *[
        f"""
        CREATE TRIGGER {table}_never_edited BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, 'Không được sửa dữ liệu tài chính ({table}).'); END
        """
        for table in ("membership", "installment", "allocation", "audit_log")
    ],
    """
    CREATE TRIGGER receipt_only_voided BEFORE UPDATE ON receipt
    WHEN OLD.voided_at IS NOT NULL
      OR NEW.voided_at IS NULL
      OR NEW.book IS NOT OLD.book OR NEW.year IS NOT OLD.year OR NEW.number IS NOT OLD.number
      OR NEW.issued_on IS NOT OLD.issued_on OR NEW.amount IS NOT OLD.amount
      OR NEW.project_id IS NOT OLD.project_id OR NEW.household_id IS NOT OLD.household_id
      OR NEW.method IS NOT OLD.method OR NEW.in_kind IS NOT OLD.in_kind
      OR NEW.payer IS NOT OLD.payer OR NEW.reason IS NOT OLD.reason OR NEW.uuid IS NOT OLD.uuid
    BEGIN SELECT RAISE(ABORT, 'Phiếu thu chỉ có thể bị hủy một lần, không được sửa.'); END
    """,
]
