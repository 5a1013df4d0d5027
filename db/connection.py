"""Opening the commune's SQLite file safely: recognise it, refuse what is not ours, upgrade with a copy aside.

Every connection runs with foreign keys on, a WAL journal and full fsync: a power cut may lose the
transaction in flight, never one that was reported as done.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from db.errors import Refused
from db.migrations import LATEST_VERSION, STEPS

SQLITE_MAGIC = b"SQLite format 3\x00"
# "VnXy": marks a file as a VốnXoay database, so that some other program's SQLite file is never upgraded.
APPLICATION_ID = 0x566E5879
BUSY_TIMEOUT_MS = 5000


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per user action.
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    return conn


def _apply_pragmas(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise _refusal_for(exc, path) from exc
    if mode.lower() != "wal":
        raise Refused(f"Không bật được chế độ ghi an toàn (WAL) cho {path}; thư mục có thể chỉ cho đọc.")
    conn.execute("PRAGMA synchronous = FULL")


# What a damaged file can raise while it is read: SQLite's own errors, and a UnicodeDecodeError when the
# damage reaches text SQLite hands back (a mangled table definition inside its error message, say).
DAMAGE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)


def _refusal_for(exc: Exception, path: Path) -> Refused:
    """Turn SQLite's English error into a sentence the clerk can act on."""
    text = "malformed" if isinstance(exc, UnicodeDecodeError) else str(exc).lower()
    if "locked" in text or "busy" in text:
        return Refused("Dữ liệu đang được một chương trình khác ghi (có thể VốnXoay đang mở ở máy khác). "
                       "Hãy đóng chương trình đó rồi thử lại.")
    if "disk is full" in text or "database or disk is full" in text:
        return Refused("Ổ đĩa đã đầy: không ghi được dữ liệu. Hãy giải phóng dung lượng rồi thử lại; "
                       "dữ liệu cũ vẫn còn nguyên.")
    if "disk i/o error" in text:
        return Refused(f"Không ghi được xuống ổ đĩa ở {path.parent} (ổ đầy, hỏng hoặc mất kết nối). "
                       "Dữ liệu cũ vẫn còn nguyên; hãy kiểm tra ổ đĩa rồi thử lại.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return Refused(f"Không ghi được vào {path.parent}: thư mục chỉ cho đọc hoặc không có quyền ghi.")
    if any(word in text for word in ("not a database", "malformed", "corrupt", "could not decode")):
        return Refused(f"Tệp {path} bị hỏng hoặc không phải cơ sở dữ liệu. Chương trình không ghi gì lên nó; "
                       "hãy khôi phục từ bản sao lưu.")
    return Refused(f"Lỗi cơ sở dữ liệu ở {path}: {exc}")


def refusal_for(exc: Exception, path: Path) -> Refused:
    return _refusal_for(exc, path)


def is_damage(exc: Exception) -> bool:
    """SQLite found the file damaged (it may only notice when it reads a broken page, long after opening)."""
    if isinstance(exc, UnicodeDecodeError):
        return True  # text that is not UTF-8 where the schema or a row should be
    if isinstance(exc, sqlite3.IntegrityError):
        return False  # a constraint or trigger said no: the file is fine, the statement was not
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def open_store(path: Path, *, create: bool = False, backups_dir: Path | None = None,
               now: datetime | None = None) -> sqlite3.Connection:
    """Open (or with ``create``, make) the database at ``path``, upgraded to the latest schema.

    An older database is first copied into ``backups_dir`` (default: ``backups/`` beside it). A newer
    one, a file that is not SQLite, a corrupt one or another program's database is refused untouched.
    """
    path = Path(path)
    exists = path.exists()
    if not exists and not create:
        raise Refused(f"Chưa có dữ liệu ở {path.parent}. Hãy khởi tạo xã trước (lệnh init hoặc tạo dữ liệu mẫu).")
    if exists:
        if path.is_dir():
            raise Refused(f"{path} là một thư mục, không phải tệp dữ liệu.")
        if not _looks_like_sqlite(path):
            raise Refused(f"Tệp {path} không phải cơ sở dữ liệu VốnXoay (không phải SQLite hoặc đã hỏng). "
                          "Chương trình không ghi gì lên nó.")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Refused(f"Không tạo được thư mục dữ liệu {path.parent}: {exc.strerror or exc}.") from exc
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise _refusal_for(exc, path) from exc
    try:
        version, app_id, table_count = _identify(conn, path)
        if version < 0:  # user_version is a signed 32-bit field: a negative one is damage, not a version
            raise _refusal_for(sqlite3.DatabaseError("malformed header"), path)
        if version > LATEST_VERSION:
            raise Refused(f"Dữ liệu ở {path} do phiên bản VốnXoay mới hơn tạo ra (lược đồ {version}, "
                          f"phiên bản này chỉ hiểu đến {LATEST_VERSION}). Hãy cập nhật chương trình.")
        if exists and (app_id != APPLICATION_ID or version == 0) and (app_id != 0 or table_count):
            raise Refused(f"Tệp {path} là cơ sở dữ liệu của chương trình khác, không phải của VốnXoay. "
                          "Chương trình không ghi gì lên nó.")
        _apply_pragmas(conn, path)
        if version < LATEST_VERSION:
            if version > 0:
                # The time comes from the program's clock (``now``); the database layer never reads one.
                stamp = f"-{now:%Y%m%d-%H%M%S}" if now else ""
                backup_copy(conn, (backups_dir or path.parent / "backups")
                            / f"{path.stem}-truoc-nang-cap-v{version}{stamp}.sqlite")
            upgrade(conn)
        return conn
    except DAMAGE_ERRORS as exc:
        conn.close()
        raise _refusal_for(exc, path) from exc
    except BaseException:
        conn.close()
        raise


def _identify(conn: sqlite3.Connection, path: Path) -> tuple[int, int, int]:
    try:
        version = schema_version(conn)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        # Reading every definition makes SQLite parse the whole schema now, before anything is written,
        # so a file whose schema is damaged is refused untouched.
        tables = sum(row[0] == "table" for row in conn.execute("SELECT type, sql FROM sqlite_schema"))
    except DAMAGE_ERRORS as exc:
        raise _refusal_for(exc, path) from exc
    return version, app_id, tables


def upgrade(conn: sqlite3.Connection, *, to_version: int = LATEST_VERSION) -> None:
    """Climb the migration ladder one step per transaction, so a failure leaves a consistent version."""
    while (current := schema_version(conn)) < to_version:
        with transaction(conn):
            for statement in STEPS[current]:
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {current + 1}")


def backup_copy(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the live database with SQLite's online backup API (consistent even while others write)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
            # The copy is one self-contained file (out of WAL mode): nothing has to travel beside it on a USB
            # stick, and opening it read-only to verify it leaves no -wal/-shm files behind.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        partial.replace(target)
    except BaseException:
        # A copy that did not finish (disk full, stick pulled out) is not left behind to be taken for a backup.
        for leftover in (partial, *(partial.with_name(partial.name + end) for end in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    return target


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One user action = one IMMEDIATE transaction: all of it is written, or nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        # SQLite may already have rolled back by itself (disk full, I/O error).
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
