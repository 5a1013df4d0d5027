"""One copy of the program per data folder: a second one warns instead of writing beside the first."""

from __future__ import annotations

from PySide6.QtCore import QLockFile

from desktop.paths import DataDir


class DataLock:
    def __init__(self, data_dir: DataDir):
        data_dir.root.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(data_dir.root / "vonxoay.lock"))
        # 0: a lock held by a running copy never expires, however long the window stays open; one left
        # behind by a copy that crashed is still taken over at once, because Qt checks the owner's PID.
        self._lock.setStaleLockTime(0)

    def acquire(self) -> bool:
        return self._lock.tryLock(100)

    def holder(self) -> str:
        ok, pid, host, app = self._lock.getLockInfo()
        return f"tiến trình {pid} trên máy {host}" if ok else "một chương trình khác"

    def release(self) -> None:
        self._lock.unlock()


ALREADY_OPEN = ("Dữ liệu này đang được mở bởi một cửa sổ VốnXoay khác ({holder}).\n"
                "Hãy dùng cửa sổ đang mở; mở hai bản cùng lúc có thể làm hỏng sổ sách.")
