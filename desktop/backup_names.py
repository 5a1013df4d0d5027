"""The names of the copies in ``backups/``: when each was written, and which of them may be restored.

Kept apart from the backup service so that the books themselves can point at the newest good copy when they
find their file damaged (the service builds on the books, the books may not build on it).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from db.connection import APPLICATION_ID, SQLITE_MAGIC
from db.guards import trigger_tampering
from db.migrations import LATEST_VERSION

STAMP_FORMAT = "%Y%m%d-%H%M%S"  # every copy the program writes into backups/ ends with -<stamp>[-n].sqlite
_STAMPED = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?\.sqlite$")
# Damaged books a restore set aside: kept for the record, never offered for restoring.
DAMAGED_PREFIX = "vonxoay-bi-hong-"
# Looking further back than this many copies on a damaged start would keep the clerk waiting for little.
_MOST_TRIED = 12


def written_at(path: Path) -> datetime:
    """When a copy in backups/ was made: the stamp the program put in its name, which comes from the same
    clock as "today" (so ``VONXOAY_TODAY`` moves both); a file without one, by its modification time."""
    if match := _STAMPED.search(path.name):
        with contextlib.suppress(ValueError):
            return datetime.strptime(match.group(1), STAMP_FORMAT)
    return datetime.fromtimestamp(path.stat().st_mtime)


def _restorable(path: Path) -> bool:
    """Whole (SQLite's quick check), ours, not from a newer version and with its guarding triggers as the
    program made them: what a restore would accept."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return False
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return (conn.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
                    and conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
                    and 0 < conn.execute("PRAGMA user_version").fetchone()[0] <= LATEST_VERSION
                    and not trigger_tampering(conn))
        finally:
            conn.close()
    except (OSError, sqlite3.Error, UnicodeDecodeError):
        return False


def newest_good_backup(folder: Path) -> tuple[Path, datetime] | None:
    """The most recent copy in ``folder`` that a restore would accept, with when it was written."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    candidates = []
    for path in folder.glob("*.sqlite"):
        if path.name.startswith(DAMAGED_PREFIX) or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            candidates.append((written_at(path), path))
    for when, path in sorted(candidates, reverse=True)[:_MOST_TRIED]:
        if _restorable(path):
            return path, when
    return None
