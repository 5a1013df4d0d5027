"""Errors the store raises when it refuses to do something; the message is for the clerk, in Vietnamese."""


class Refused(Exception):
    """An operation was refused and nothing was written.

    ``message`` is one plain Vietnamese sentence the clerk can act on. The command line prints it
    and exits with status 2; the window shows it in a message box.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
