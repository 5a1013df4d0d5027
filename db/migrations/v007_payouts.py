"""Version 7, part "payouts": vouchers, handover records, the cash book's management-cost spending.

Version 7 is one step made of several parts (see ``db/migrations/__init__.py``); each part only adds
tables and columns, so their order inside the step does not matter.

- ``voucher`` is the phiếu chi (Mẫu C41-BB): numbered gapless per book and year in date order like
  receipts, documenting exactly one payout (a cash support or re-lend, a transfer to public works, a
  management-cost spending). Never deleted; it changes only by being voided once, from a date.
- ``voucher_print`` logs prints: the first is the original, every later one a copy (BẢN SAO).
- ``handover`` is the biên bản bàn giao of a support given in kind (cows, seedlings, materials).
- ``management_spend`` is what the commune spent of its management-cost allowance, each with its voucher.
- ``payout_before_vouchers`` lists the payouts recorded before vouchers existed, so ``check`` reports their
  missing voucher as a notice, not a problem. Filled once here, from the books as they are.
"""

_DATE = "CHECK ({0} IS NULL OR date({0}) IS {0})"

STATEMENTS: list[str] = [
    f"""
    CREATE TABLE management_spend (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,
        project_id  INTEGER REFERENCES project(id),
        amount      INTEGER NOT NULL CHECK (amount > 0),
        spent_on    TEXT NOT NULL CHECK (date(spent_on) IS spent_on),
        reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        voided_on   TEXT {_DATE.format('voided_on')},
        voided_at   TEXT,
        voided_by   TEXT,
        void_reason TEXT CHECK (void_reason IS NULL OR length(trim(void_reason)) > 0),
        CHECK ((voided_at IS NULL) = (voided_on IS NULL) AND (voided_at IS NULL) = (void_reason IS NULL)
               AND (voided_at IS NULL) = (voided_by IS NULL)),
        CHECK (voided_on IS NULL OR voided_on >= spent_on)
    )
    """,
    f"""
    CREATE TABLE voucher (
        id                  INTEGER PRIMARY KEY,
        uuid                TEXT NOT NULL UNIQUE,
        book                TEXT NOT NULL CHECK (length(trim(book)) > 0),
        year                INTEGER NOT NULL,
        number              INTEGER NOT NULL CHECK (number >= 1),
        issued_on           TEXT NOT NULL CHECK (date(issued_on) IS issued_on),
        amount              INTEGER NOT NULL CHECK (amount > 0),
        kind                TEXT NOT NULL CHECK (kind IN ('budget_support', 'relend', 'refund', 'management',
                                                          'public_works')),
        membership_id       INTEGER REFERENCES membership(id),
        fund_transfer_id    INTEGER REFERENCES fund_transfer(id),
        management_spend_id INTEGER REFERENCES management_spend(id),
        receipt_id          INTEGER REFERENCES receipt(id),
        project_id          INTEGER REFERENCES project(id),
        recipient           TEXT NOT NULL CHECK (length(trim(recipient)) > 0),
        recipient_id_number TEXT NOT NULL DEFAULT '',
        reason              TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        created_at          TEXT NOT NULL,
        created_by          TEXT NOT NULL,
        voided_on           TEXT {_DATE.format('voided_on')},
        voided_at           TEXT,
        voided_by           TEXT,
        void_reason         TEXT CHECK (void_reason IS NULL OR length(trim(void_reason)) > 0),
        UNIQUE (book, year, number),
        CHECK (year = CAST(substr(issued_on, 1, 4) AS INTEGER)),
        CHECK ((voided_at IS NULL) = (voided_on IS NULL) AND (voided_at IS NULL) = (void_reason IS NULL)
               AND (voided_at IS NULL) = (voided_by IS NULL)),
        CHECK (voided_on IS NULL OR voided_on >= issued_on),
        -- exactly the one payout its kind documents
        CHECK ((membership_id IS NOT NULL) + (fund_transfer_id IS NOT NULL) + (management_spend_id IS NOT NULL)
               + (receipt_id IS NOT NULL) = 1),
        CHECK ((kind IN ('budget_support', 'relend')) = (membership_id IS NOT NULL)),
        CHECK ((kind = 'public_works') = (fund_transfer_id IS NOT NULL)),
        CHECK ((kind = 'management') = (management_spend_id IS NOT NULL)),
        CHECK ((kind = 'refund') = (receipt_id IS NOT NULL))
    )
    """,
    "CREATE INDEX voucher_book_order ON voucher(book, year, issued_on)",
    "CREATE INDEX voucher_membership ON voucher(membership_id)",
    "CREATE INDEX voucher_issued ON voucher(issued_on)",
    """
    CREATE TABLE voucher_print (
        id         INTEGER PRIMARY KEY,
        voucher_id INTEGER NOT NULL REFERENCES voucher(id),
        printed_at TEXT NOT NULL,
        printed_by TEXT NOT NULL,
        is_copy    INTEGER NOT NULL CHECK (is_copy IN (0, 1))
    )
    """,
    "CREATE UNIQUE INDEX voucher_print_one_original ON voucher_print(voucher_id) WHERE is_copy = 0",
    """
    CREATE TABLE handover (
        id            INTEGER PRIMARY KEY,
        uuid          TEXT NOT NULL UNIQUE,
        membership_id INTEGER NOT NULL UNIQUE REFERENCES membership(id),
        delivered_on  TEXT NOT NULL CHECK (date(delivered_on) IS delivered_on),
        item          TEXT NOT NULL CHECK (length(trim(item)) > 0),
        quantity      INTEGER NOT NULL CHECK (quantity >= 1),
        unit          TEXT NOT NULL DEFAULT '',
        unit_price    INTEGER NOT NULL CHECK (unit_price >= 0),
        value         INTEGER NOT NULL CHECK (value > 0),
        supplier      TEXT NOT NULL DEFAULT '',
        receiver      TEXT NOT NULL CHECK (length(trim(receiver)) > 0),
        witnesses     TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        created_by    TEXT NOT NULL
    )
    """,
    "CREATE INDEX handover_day ON handover(delivered_on)",
    """
    CREATE TABLE payout_before_vouchers (
        entity    TEXT NOT NULL CHECK (entity IN ('membership', 'fund_transfer')),
        entity_id INTEGER NOT NULL,
        PRIMARY KEY (entity, entity_id)
    )
    """,
    # Payouts already in the books when vouchers came: their paper vouchers, if any, are outside the program.
    """
    INSERT INTO payout_before_vouchers (entity, entity_id)
    SELECT 'membership', id FROM membership WHERE in_kind = '' AND source IN ('central', 'local', 'fund')
    UNION ALL SELECT 'membership', id FROM membership WHERE in_kind != ''
    UNION ALL SELECT 'fund_transfer', id FROM fund_transfer
    """,
    # Nothing here is ever deleted; the lists and handover records never change; a voucher or a spending
    # changes only by being voided, once, from a date not before its own.
    *[
        f"""
        CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, 'Không được xóa dữ liệu tài chính ({table}).'); END
        """
        for table in ("voucher", "voucher_print", "handover", "management_spend", "payout_before_vouchers")
    ],
    *[
        f"""
        CREATE TRIGGER {table}_never_edited BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, 'Không được sửa dữ liệu tài chính ({table}).'); END
        """
        for table in ("voucher_print", "handover", "payout_before_vouchers")
    ],
    """
    CREATE TRIGGER voucher_only_voided BEFORE UPDATE ON voucher
    WHEN OLD.voided_at IS NOT NULL
      OR NEW.voided_at IS NULL OR NEW.voided_on IS NULL OR NEW.voided_on < OLD.issued_on
      OR NEW.uuid IS NOT OLD.uuid OR NEW.book IS NOT OLD.book OR NEW.year IS NOT OLD.year
      OR NEW.number IS NOT OLD.number OR NEW.issued_on IS NOT OLD.issued_on OR NEW.amount IS NOT OLD.amount
      OR NEW.kind IS NOT OLD.kind OR NEW.membership_id IS NOT OLD.membership_id
      OR NEW.fund_transfer_id IS NOT OLD.fund_transfer_id
      OR NEW.management_spend_id IS NOT OLD.management_spend_id OR NEW.receipt_id IS NOT OLD.receipt_id
      OR NEW.project_id IS NOT OLD.project_id OR NEW.recipient IS NOT OLD.recipient
      OR NEW.recipient_id_number IS NOT OLD.recipient_id_number OR NEW.reason IS NOT OLD.reason
      OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
    BEGIN SELECT RAISE(ABORT, 'Phiếu chi chỉ có thể bị hủy một lần, từ một ngày không trước ngày lập phiếu.'); END
    """,
    """
    CREATE TRIGGER management_spend_only_voided BEFORE UPDATE ON management_spend
    WHEN OLD.voided_at IS NOT NULL
      OR NEW.voided_at IS NULL OR NEW.voided_on IS NULL OR NEW.voided_on < OLD.spent_on
      OR NEW.uuid IS NOT OLD.uuid OR NEW.project_id IS NOT OLD.project_id OR NEW.amount IS NOT OLD.amount
      OR NEW.spent_on IS NOT OLD.spent_on OR NEW.reason IS NOT OLD.reason
      OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
    BEGIN SELECT RAISE(ABORT, 'Khoản chi quản lý chỉ có thể bị hủy một lần, không được sửa.'); END
    """,
]
