"""Helpers for the tests that go through the confirmation before money moves (ui/confirm.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt


def confirmation_of(qtbot, dialog, timeout: int = 5000):
    """The confirmation the form opened (waits until it is on screen)."""
    qtbot.waitUntil(lambda: dialog.confirmation is not None and dialog.confirmation.isVisible(), timeout=timeout)
    return dialog.confirmation


def confirm(qtbot, dialog):
    """Confirm as the clerk does with the mouse: a click on the confirm button."""
    confirmation = confirmation_of(qtbot, dialog)
    qtbot.mouseClick(confirmation.confirm, Qt.MouseButton.LeftButton)
    return confirmation


def confirm_now(dialog):
    """Click the confirm button of the confirmation the form has just opened (it opens at once)."""
    assert dialog.confirmation is not None and dialog.confirmation.isVisible(), "no confirmation was shown"
    dialog.confirmation.confirm.click()
    return dialog.confirmation
