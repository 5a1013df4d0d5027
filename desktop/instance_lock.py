"""One copy of the program per data folder, held by an operating-system lock on ``vonxoay.lock``.

The lock belongs to the open file, not to what the file says: when the holder exits or crashes the system
releases it, so a lock left behind by a dead copy is taken over without a question, and a file whose text is
damaged or written by some other version is simply overwritten. The text (process, machine, user, since when)
only tells a second copy who holds the folder.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import sys
from dataclasses import dataclass

from desktop import clock
from desktop.errors import Refused, os_error_text
from desktop.paths import DataDir

LOCK_FILE = "vonxoay.lock"
# Windows locks byte ranges and a locked range cannot be read by others: lock one byte far past the text.
_WINDOWS_LOCK_OFFSET = 1 << 30
_MOST_READ = 4096  # a holder's text is a few lines; a huge file there is not one of ours


@dataclass(frozen=True)
class Holder:
    """Who the lock file says holds the folder; every part may be missing."""

    pid: int | None = None
    host: str = ""
    user: str = ""
    since: str = ""

    def describe(self) -> str:
        parts = []
        if self.pid is not None:
            parts.append(f"tiến trình {self.pid}")
        if self.user:
            parts.append(f"người dùng {self.user}")
        if self.host:
            parts.append(f"máy {self.host}")
        if self.since:
            parts.append(f"mở lúc {self.since}")
        return ", ".join(parts) if parts else "không rõ tiến trình nào"


def parse_holder(text: str) -> Holder:
    """Read what a holder wrote, tolerating anything: garbage gives an unknown holder, never an error."""
    fields: dict[str, str] = {}
    for line in text.splitlines()[:16]:
        key, sep, value = line.partition("=")
        if sep and key.strip() in ("pid", "host", "user", "since"):
            fields[key.strip()] = "".join(ch for ch in value.strip() if ch.isprintable())[:80]
    pid = fields.get("pid", "")
    return Holder(int(pid) if pid.isascii() and pid.isdigit() and 0 < int(pid) < 1 << 31 else None,
                  fields.get("host", ""), fields.get("user", ""), fields.get("since", ""))


def _user() -> str:
    try:
        return os.environ.get("VONXOAY_USER") or getpass.getuser()
    except (OSError, KeyError):
        return ""


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:  # a file system without locks: better one warning than two copies writing
        raise Refused(f"Không khóa được thư mục dữ liệu ({os_error_text(exc)}).") from exc
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class DataLock:
    """``acquire()`` once at start; ``holder()`` says who has it when it fails; ``release()`` at exit."""

    def __init__(self, data_dir: DataDir):
        self.path = data_dir.root / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as exc:
            raise Refused(f"Không mở được tệp khóa {self.path} ({os_error_text(exc)}): thư mục dữ liệu có thể chỉ "
                          "cho đọc.") from exc
        try:
            if not _try_lock(fd):
                os.close(fd)
                return False
            text = (f"pid={os.getpid()}\nhost={socket.gethostname()}\nuser={_user()}\n"
                    f"since={clock.now():%H:%M %d/%m/%Y}\n")
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, text.encode("utf-8"))
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def holder(self) -> Holder:
        try:
            with self.path.open("rb") as handle:
                return parse_holder(handle.read(_MOST_READ).decode("utf-8", errors="replace"))
        except OSError:
            return Holder()

    def release(self) -> None:
        """Let go (the file stays: removing it could let two later copies lock two different files)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)
