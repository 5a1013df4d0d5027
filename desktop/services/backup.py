"""Backups with SQLite's online backup API, and a restore that verifies before it replaces anything.

The window writes one automatic backup at the first start of each day (``vonxoay-tu-dong-<stamp>.sqlite``)
and keeps those of the last N days (setting ``backup_keep_days``); backups the clerk makes by hand, and the
copies a restore sets aside, are never pruned.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from db import connection
from db.connection import APPLICATION_ID, backup_copy, open_store, refusal_for
from db.guards import trigger_tampering
from db.migrations import LATEST_VERSION
from desktop import clock
from desktop.backup_names import DAMAGED_PREFIX, STAMP_FORMAT
from desktop.backup_names import written_at as written_at  # where the dashboard has always found it
from desktop.books import Books
from desktop.errors import Refused
from desktop.paths import DataDir


def _stamp() -> str:
    return clock.now().strftime(STAMP_FORMAT)


def _unused_name(folder: Path, prefix: str) -> Path:
    """A dated file name nothing has yet: two restores in one second must not overwrite the first kept copy."""
    stamp = _stamp()
    candidate, n = folder / f"{prefix}-{stamp}.sqlite", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{prefix}-{stamp}-{n}.sqlite"
    return candidate


def backup_now(books: Books, out: Path | None = None) -> Path:
    """A consistent copy of the live books (other writers may go on meanwhile), checked after writing."""
    target = Path(out) if out else books.data_dir.backups / f"vonxoay-{_stamp()}.sqlite"
    if target.exists():
        raise Refused(f"Tệp {target} đã có; không ghi đè lên một bản sao lưu.")
    try:
        backup_copy(books.conn, target)
    except (OSError, sqlite3.Error) as exc:
        raise Refused(f"Không ghi được bản sao lưu vào {target}: {exc}.") from exc
    verify_backup(target)
    return target


def _open_read_only(path: Path) -> sqlite3.Connection:
    # A URI built by pathlib: a folder named "USB #1" or "Sao lưu?" must not cut the path short (a raw
    # "file:" string would read "#" as a fragment and open some other file).
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


_BUSY_OR_LOCKED = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def _copy_into(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Overwrite ``target`` with ``source`` page by page, giving up if another program keeps the target locked.

    Python's ``backup()`` retries a busy target forever; a window left open mid-write must not hang the
    restore, so after the usual busy timeout the copy stops (nothing of it was written) and is refused.
    """
    busy_since: float | None = None

    def give_up_when_locked(status: int, remaining: int, total: int) -> None:
        nonlocal busy_since
        if status not in _BUSY_OR_LOCKED:
            busy_since = None
            return
        busy_since = busy_since or time.monotonic()
        if time.monotonic() - busy_since > connection.BUSY_TIMEOUT_MS / 1000:
            raise sqlite3.OperationalError("database is locked")

    source.backup(target, progress=give_up_when_locked)


AUTOMATIC_PREFIX = "vonxoay-tu-dong-"
DEFAULT_KEEP_DAYS = 30


def keep_days(books: Books) -> int:
    value = books.setting("backup_keep_days", "")
    return int(value) if value and value.isdigit() and int(value) > 0 else DEFAULT_KEEP_DAYS


def automatic_backup(books: Books, *, today: date | None = None) -> tuple[Path, list[Path]]:
    """The day's automatic backup, then the automatic ones older than the kept days removed."""
    path = backup_now(books, books.data_dir.backups / f"{AUTOMATIC_PREFIX}{_stamp()}.sqlite")
    return path, prune_automatic(books.data_dir.backups, keep_days(books), today=today)


def _automatic_day(path: Path) -> date | None:
    """The day in ``vonxoay-tu-dong-20261122-081500.sqlite``, or None for any other file."""
    stem = path.name
    if not (stem.startswith(AUTOMATIC_PREFIX) and stem.endswith(".sqlite")):
        return None
    try:
        return datetime.strptime(stem[len(AUTOMATIC_PREFIX):len(AUTOMATIC_PREFIX) + 8], "%Y%m%d").date()
    except ValueError:
        return None


def prune_automatic(folder: Path, days: int, *, today: date | None = None) -> list[Path]:
    """Remove automatic backups made before the last ``days`` days (today counts as one). The newest
    automatic backup always stays, however old, so pruning can never leave no copy at all."""
    if days < 1:
        raise Refused("Phải giữ bản sao lưu tự động ít nhất 1 ngày.")
    today = today or clock.today()
    first_kept = today - timedelta(days=days - 1)
    dated = sorted((day, p) for p in Path(folder).glob(f"{AUTOMATIC_PREFIX}*.sqlite")
                   if (day := _automatic_day(p)) is not None)
    removed = []
    for day, path in dated[:-1]:
        if day < first_kept:
            for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                companion.unlink(missing_ok=True)
            removed.append(path)
    return removed


def verify_backup(path: Path) -> dict:
    """Open a backup read-only and prove it is whole, ours and not from the future."""
    path = Path(path)
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp sao lưu {path}.")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise Refused(f"Tệp {path.name} không phải bản sao lưu VốnXoay (không phải SQLite).")
    try:
        conn = _open_read_only(path)
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            settings = dict(conn.execute("SELECT key, value FROM settings")) if app_id == APPLICATION_ID else {}
            tampering = trigger_tampering(conn) if app_id == APPLICATION_ID and 0 < version <= LATEST_VERSION \
                else []
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise Refused(f"Tệp {path.name} bị hỏng, không dùng để khôi phục được ({exc}).") from exc
    if integrity != "ok":
        raise Refused(f"Tệp {path.name} bị hỏng (kiểm tra toàn vẹn: {integrity}).")
    if app_id != APPLICATION_ID:
        raise Refused(f"Tệp {path.name} là cơ sở dữ liệu của chương trình khác, không phải VốnXoay.")
    if version > LATEST_VERSION:
        raise Refused(f"Bản sao lưu {path.name} do phiên bản mới hơn tạo ra (lược đồ {version}); "
                      "hãy cập nhật chương trình trước.")
    if tampering:
        raise Refused(f"Bản sao lưu {path.name} đã bị sửa ngoài chương trình ({', '.join(tampering[:3])}), "
                      "không dùng để khôi phục được; hãy chọn bản sao lưu khác.")
    return {"schema_version": version, "commune_code": settings.get("commune_code", ""),
            "commune_name": settings.get("commune_name", "")}


def is_damaged(path: Path) -> bool:
    """Not a SQLite file at all, or one whose pages fail SQLite's own check. Another program's database
    or a newer version of ours is not damaged: restore refuses to replace those."""
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            return True
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True


def _set_aside(path: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.replace(target.with_name(target.name + suffix))
    path.replace(target)
    return target


def restore(data_dir: DataDir, source: Path) -> dict:
    """Replace the books with a verified backup. The replaced file is kept in backups/ first, and a
    backup of another commune is refused: restoring the wrong unit would mix two communes' money."""
    info = verify_backup(source)
    current = data_dir.database
    replaced_copy = None
    if current.exists() and is_damaged(current):
        # Damaged books are exactly what a restore is for; they are set aside whole, never deleted.
        replaced_copy = _set_aside(current, data_dir.backups / f"{DAMAGED_PREFIX}{_stamp()}.sqlite")
    if current.exists():
        live = open_store(current, backups_dir=data_dir.backups, now=clock.now())
        try:
            code = live.execute("SELECT value FROM settings WHERE key = 'commune_code'").fetchone()
            if code and code[0] != info["commune_code"]:
                raise Refused(f"Bản sao lưu là của đơn vị {info['commune_code']} ({info['commune_name']}), "
                              f"khác đơn vị đang dùng {code[0]}. Không khôi phục.")
            replaced_copy = backup_copy(live, _unused_name(data_dir.backups, "vonxoay-bi-thay-the"))
            source_conn = _open_read_only(source)
            try:
                # Copying *into* the live connection keeps its WAL consistent; no file is swapped under it.
                _copy_into(source_conn, live)
            finally:
                source_conn.close()
        except sqlite3.Error as exc:  # e.g. the window has the books open and is writing: locked
            raise refusal_for(exc, current) from exc
        finally:
            live.close()
    else:
        try:
            data_dir.root.mkdir(parents=True, exist_ok=True)
            source_conn = _open_read_only(source)
            try:
                target = sqlite3.connect(current)
                try:
                    _copy_into(source_conn, target)
                finally:
                    target.close()
            finally:
                source_conn.close()
        except (OSError, sqlite3.Error) as exc:  # a new machine's disk full or folder not writable
            with contextlib.suppress(OSError):  # nothing was there before: a half copy must not pass for books
                current.unlink()
            raise Refused(f"Không khôi phục được vào {data_dir.root}: {exc}.") from exc
    # Opening upgrades an older backup to the current schema (with its own copy aside).
    open_store(current, backups_dir=data_dir.backups, now=clock.now()).close()
    return {"path": str(current), "restored_from": str(source), "replaced_copy": str(replaced_copy or ""),
            **info}
