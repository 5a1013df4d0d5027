"""Moving a verified package's rows into the upper store on PostgreSQL: COPY, table by table.

The rows come from the package's staging database, which passed every check of ``verify``; the COPY runs
inside the import's one transaction, so other sessions see none of the rows until the whole package is in.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.sync import format as fmt

BATCH = 5000


def copy_rows(store, staging: Path, commune_id: int) -> int:
    """COPY every part of the staging database into the upper tables under ``commune_id``; the rows moved."""
    source = sqlite3.connect(f"{Path(staging).resolve().as_uri()}?mode=ro", uri=True)
    moved = 0
    try:
        cursor = store.conn.cursor()
        for table, columns in fmt.PART_COLUMNS.items():
            names = ", ".join(columns)
            rows = source.execute(f"SELECT {names} FROM {table} ORDER BY rowid")
            with cursor.copy(f"COPY upper_{table} (commune_id, {names}) FROM STDIN") as copy:
                while batch := rows.fetchmany(BATCH):
                    for row in batch:
                        copy.write_row((commune_id, *row))
                    moved += len(batch)
    finally:
        source.close()
    return moved
