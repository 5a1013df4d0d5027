"""Version 3: a record of every receipt printed, so a second print is always marked as a copy (BẢN SAO)."""

STATEMENTS = [
    """
    CREATE TABLE receipt_print (
        id         INTEGER PRIMARY KEY,
        receipt_id INTEGER NOT NULL REFERENCES receipt(id),
        printed_at TEXT NOT NULL,
        printed_by TEXT NOT NULL,
        is_copy    INTEGER NOT NULL CHECK (is_copy IN (0, 1))
    )
    """,
    "CREATE INDEX receipt_print_receipt ON receipt_print(receipt_id)",
    # At most one original per receipt: the database itself refuses a second.
    "CREATE UNIQUE INDEX receipt_print_one_original ON receipt_print(receipt_id) WHERE is_copy = 0",
]
