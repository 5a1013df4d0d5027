"""Where a package is unpacked while it is checked: a folder inside the data folder, never the system's temp
folder, because a commune's package holds every household's ID number (Law on Personal Data Protection).

Each check works in a folder of its own under ``<data>/staging/`` and holds a lock on it (a file beside it,
locked before the folder is made) while it lives. A
folder nobody holds a lock on is what a killed import left behind: the next start of the books removes it.
Another process importing at the same time holds its lock, so its folder is never taken from under it.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

from desktop.paths import DataDir

_LOCK = ".in-use"


def staging_root(data_dir: DataDir) -> Path:
    return data_dir.root / "staging"


class WorkFolder:
    """A folder under the staging root, locked until ``close()`` removes it."""

    def __init__(self, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / uuid.uuid4().hex
        # The lock is taken before the folder exists, so a sweep running at the same moment (the books opened
        # by another thread) never finds the folder unlocked.
        self._lock_path = _lock_of(self.path)
        self._handle = self._lock_path.open("a+b")
        if not _try_lock(self._handle):  # a fresh name: nobody else can hold it
            self._handle.close()
            raise OSError(f"cannot lock {self._lock_path}")
        self.path.mkdir()

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None
            self._lock_path.unlink(missing_ok=True)


def sweep(data_dir: DataDir) -> list[Path]:
    """Remove the folders a killed check left behind; returns them. Never raises: a folder that cannot be
    removed now is tried again at the next start."""
    root = staging_root(data_dir)
    removed: list[Path] = []
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        return removed
    for folder in folders:
        try:
            handle = _lock_of(folder).open("r+b")  # never created here: only its check creates it
        except FileNotFoundError:
            # No lock beside it: left by an earlier version, or by a check killed between the two steps.
            if _older_than(folder, _ORPHAN_SECONDS):
                shutil.rmtree(folder, ignore_errors=True)
                if not folder.exists():
                    removed.append(folder)
            continue
        except OSError:
            continue
        try:
            if not _try_lock(handle):
                continue  # another check is using it right now
            _unlock(handle)
        finally:
            handle.close()
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
            _lock_of(folder).unlink(missing_ok=True)
    return removed


# A folder with no lock beside it this long after it was made is no check's.
_ORPHAN_SECONDS = 600


def _lock_of(folder: Path) -> Path:
    return folder.with_name(folder.name + _LOCK)


def _older_than(folder: Path, seconds: float) -> bool:
    try:
        return time.time() - folder.stat().st_mtime > seconds
    except OSError:
        return False


def _try_lock(handle) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        pass
