"""The exceptions the core raises on purpose: bad input or a broken rule (exit 2 on the command line),
and a job stopped by the person who started it."""

from db.errors import Refused

__all__ = ["Cancelled", "Refused"]


class Cancelled(Exception):
    """Long work (an import, a batch print, a report) stopped because the clerk pressed Cancel.

    It is raised before anything is written, or inside the transaction so that it rolls back: nothing the
    job did is kept. The window shows no error for it; every cancellable job raises this one class.
    """

    def __init__(self, message: str = "Đã dừng theo yêu cầu; không có gì được ghi."):
        super().__init__(message)
        self.message = message
