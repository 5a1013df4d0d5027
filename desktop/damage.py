"""Damaged books take no more writes: what SQLite finds broken is said plainly, with the copy to restore. So do
books whose guarding triggers were dropped or rewritten outside the program (``db.guards``).

A file damaged by a failing disk or a pulled USB stick still opens, and SQLite only notices the damage when
it reads a broken page, which a payment may never touch: it would then go on writing receipts into a file
whose other pages are lost. So before the first write on a file the books run SQLite's quick check (a few
tenths of a second on 100 000 households) and refuse every write while it fails. The verdict is kept for the
process as long as the file is the same file, unchanged on disk: the window opens a connection per write,
and each payment must not pay for the check again.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from db.connection import DAMAGE_ERRORS, is_damage, refusal_for
from db.guards import trigger_tampering
from desktop.backup_names import newest_good_backup
from desktop.errors import Refused

# Files found sound, by what identifies their content on disk. Commits go to the -wal file, so the main file
# changes only at a checkpoint, which the transaction that made it re-registers; anything else that changes
# the file (another program, a restore copying over it, a disk writing garbage) makes it checked again.
_SOUND: set[tuple] = set()
_GUARD = threading.Lock()


class DamagedBooks(Refused):
    """The books' file is damaged; ``backup`` is the newest copy a restore would accept, if any."""

    def __init__(self, message: str, backup: Path | None = None):
        super().__init__(message)
        self.backup = backup


def _identity(database: Path) -> tuple | None:
    try:
        stat = database.stat()
    except OSError:
        return None
    return str(database.resolve()), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def damaged_books(database: Path, backups: Path, detail: str = "", *, tampered: bool = False) -> DamagedBooks:
    """The refusal for a damaged file (or one whose guarding triggers were changed outside the program),
    naming the newest backup that would restore it."""
    forget(database)
    detail = " ".join(detail.split())[:200]
    if tampered:
        head = (f"Sổ {database} đã bị sửa ngoài chương trình ({detail}): các ràng buộc giữ phiếu thu, khoản hỗ "
                "trợ và quyết định không bị sửa, xóa đã mất. Không ghi thêm gì vào sổ cho đến khi khôi phục.")
    else:
        said = f" (SQLite báo: {detail})" if detail else ""
        head = (f"Tệp dữ liệu bị hỏng: {database}{said}. Không ghi thêm gì vào sổ cho đến khi khôi phục, để không "
                "lập phiếu thu vào một tệp đã mất dữ liệu.")
    found = newest_good_backup(backups)
    if found is None:
        return DamagedBooks(f"{head} Không thấy bản sao lưu nào còn tốt trong {backups}: hãy lấy bản sao lưu từ USB "
                            "hoặc máy khác rồi khôi phục (Cài đặt › Sao lưu và khôi phục › Khôi phục).")
    path, when = found
    return DamagedBooks(f"{head} Hãy khôi phục bản sao lưu gần nhất: {path.name}, lập lúc {when:%H:%M ngày %d/%m/%Y} "
                        f"(Cài đặt › Sao lưu và khôi phục › Khôi phục, hoặc lệnh: vonxoay-cli restore \"{path}\").",
                        path)


def require_sound(conn: sqlite3.Connection, database: Path, backups: Path) -> tuple | None:
    """Refuse if SQLite's quick check finds the file damaged; return the identity it was found sound under."""
    key = _identity(database)
    if key is not None and key in _SOUND:
        return key
    try:
        verdict = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except DAMAGE_ERRORS as exc:
        if not is_damage(exc):
            raise refusal_for(exc, database) from exc
        raise damaged_books(database, backups, str(exc)) from exc
    if verdict != "ok":
        raise damaged_books(database, backups, str(verdict))
    tampering = trigger_tampering(conn)
    if tampering:
        raise damaged_books(database, backups, _listed(tampering), tampered=True)
    if key is not None:
        with _GUARD:
            _SOUND.add(key)
    return key


def _listed(problems: list[str]) -> str:
    return ", ".join(problems[:3]) + (f" và {len(problems) - 3} chỗ khác" if len(problems) > 3 else "")


def still_sound(database: Path, checked: tuple | None) -> None:
    """After a commit found sound beforehand: its own checkpoint may have changed the file, not damaged it."""
    if checked is not None and checked in _SOUND and (now := _identity(database)) is not None:
        with _GUARD:
            _SOUND.add(now)


def forget(database: Path) -> None:
    """Check the file again before its next write (damage was seen, or the file was replaced)."""
    where = str(Path(database).resolve())
    with _GUARD:
        for key in [k for k in _SOUND if k[0] == where]:
            _SOUND.discard(key)
