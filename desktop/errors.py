"""The exceptions the core raises on purpose: bad input or a broken rule (exit 2 on the command line),
and a job stopped by the person who started it."""

import errno

from db.errors import Refused

__all__ = ["Cancelled", "Refused", "os_error_text"]

_OS_REASONS = {
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EACCES: "không có quyền ghi vào đó",
    errno.EPERM: "không có quyền ghi vào đó",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EEXIST: "có một tệp trùng tên nằm đúng chỗ đó",
    errno.ENOTDIR: "có một tệp trùng tên nằm đúng chỗ thư mục",
    errno.ENOENT: "thư mục không tồn tại",
    errno.EBUSY: "tệp đang được chương trình khác mở",
}


def os_error_text(exc: OSError) -> str:
    """Why the system refused a file, in the clerk's words (the system's own text is often English)."""
    return _OS_REASONS.get(exc.errno, exc.strerror or str(exc))


class Cancelled(Exception):
    """Long work (an import, a batch print, a report) stopped because the clerk pressed Cancel.

    It is raised before anything is written, or inside the transaction so that it rolls back: nothing the
    job did is kept. The window shows no error for it; every cancellable job raises this one class.
    """

    def __init__(self, message: str = "Đã dừng theo yêu cầu; không có gì được ghi."):
        super().__init__(message)
        self.message = message
