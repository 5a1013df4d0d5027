"""A guard for a reference-counting fault of PySide6 6.12 on Python 3.11.

PySide6 6.12 hands ``None`` (from every method returning nothing), ``True`` and ``False`` back to Python
without taking a reference, as is harmless on Python 3.12+ where those objects are immortal (PEP 683). On
3.11 each such call drops one reference that was never taken: after a few thousand clicks and repaints the
count reaches zero and the interpreter aborts ("none_dealloc: deallocating None"). Raising the three counts
far out of reach makes them as good as immortal here too; on 3.12+ this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40  # ~10^12 calls: more than a program running for years could make
_done = False


def guard_singletons() -> bool:
    """Returns True when the counts were raised (Python < 3.12, once per process)."""
    global _done
    if _done or sys.version_info >= (3, 12):
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in CPython's release builds.
        ctypes.c_ssize_t.from_address(id(obj)).value += _HEADROOM
    _done = True
    return True
