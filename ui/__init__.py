"""VốnXoay's window (PySide6): pages, dialogs and table models over the ``desktop`` services."""
