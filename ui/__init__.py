"""The PySide6 window of VốnXoay; it talks to desktop/, never to db/."""
