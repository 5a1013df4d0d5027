"""VốnXoay's application core: everything the commune office does, with no widget in it."""

__version__ = "0.1.0"
