"""Version 5: the requests an operation has already carried out, so a retried request changes nothing.

The payment dialog sends one key per payment it shows; pressing its button again after a failure (the
receipt printed badly, the window froze, a double Enter) finds the key and returns the receipt already
issued instead of issuing a second one.
"""

STATEMENTS = [
    """
    CREATE TABLE operation_request (
        key         TEXT PRIMARY KEY CHECK (length(key) BETWEEN 8 AND 64),
        operation   TEXT NOT NULL,
        entity_uuid TEXT NOT NULL,
        created_at  TEXT NOT NULL
    )
    """,
]
