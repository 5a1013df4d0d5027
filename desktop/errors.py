"""The one exception the core raises for bad input or a broken rule (exit 2 on the command line)."""

from db.errors import Refused

__all__ = ["Refused"]
