"""The PySide6 window of VốnXoay; it talks to desktop/, never to db/."""

from ui.compat import guard_singletons

guard_singletons()  # before any Qt call: see ui/compat.py
