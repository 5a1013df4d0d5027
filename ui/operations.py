"""The window's one path for a change to the books.

A dialog or page hands an operation of the core (a function taking ``Books`` and returning a frozen
``Outcome``) to ``run_op``. It runs on the writer thread with its own connection, one operation at a time;
a refusal or an error comes back the same way for every operation; on success the hub announces
``outcome.changes`` once, and every page that shows one of those parts of the books reloads itself. No
page refreshes another page by hand.

    run_op(self, self.books, lambda books: record_payment(books, data), on_success=self._recorded)
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.damage import DamagedBooks
from desktop.errors import Refused
from ui.workers import Task, run_task, writer_pool


class ChangeHub(QObject):
    """Carries what an operation changed to whoever shows it (pages, the header)."""

    changed = Signal(object)  # a Changes flag

    def announce(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)


_hub: ChangeHub | None = None


def hub() -> ChangeHub:
    global _hub
    if _hub is None:
        _hub = ChangeHub()
    return _hub


def subscribe(widget: QWidget, shows: Changes, reload: Callable[[], None]) -> None:
    """Call ``reload`` whenever an operation changes a part of the books in ``shows``. A page that is not
    on screen only notes it and reloads when it is shown next, so a payment never waits for pages the clerk
    is not looking at."""
    stale = {"value": False}

    def changed(changes: Changes) -> None:
        if not changes & shows:
            return
        if widget.isVisible():
            reload()
        else:
            stale["value"] = True

    def shown() -> None:
        if stale["value"]:
            stale["value"] = False
            reload()

    hub().changed.connect(_Relay(widget, changed).changed)
    widget.installEventFilter(_OnShow(widget, shown))


class _OnShow(QObject):
    """Calls ``shown`` each time its parent widget is shown."""

    def __init__(self, parent: QWidget, shown: Callable[[], None]):
        super().__init__(parent)
        self._shown = shown

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show:
            self._shown()
        return False


class _Relay(QObject):
    """A child of the subscribing widget: when the widget goes, the connection goes with it."""

    def __init__(self, parent: QObject, call: Callable[[Changes], None]):
        super().__init__(parent)
        self._call = call

    @Slot(object)
    def changed(self, changes: Changes) -> None:
        self._call(changes)


def run_op(parent: QWidget | None, books: Books, op: Callable[..., Outcome],
           on_success: Callable[[Outcome], None] | None = None,
           on_failure: Callable[[BaseException], None] | None = None, *, label: str = "Đang ghi vào sổ…",
           show_progress: bool = False, on_cancelled: Callable[[], None] | None = None,
           busy: QWidget | None = None) -> Task:
    """Run ``op(books)`` on the writer thread with a connection of its own, announce what it changed, then
    hand the outcome to ``on_success``. Without ``on_failure`` a refusal or an error is shown in a message
    box. With ``show_progress`` the op is called ``op(books, progress, cancelled)`` and gets a Cancel button.
    ``busy`` (the dialog's button) is disabled while the op runs, so a second Enter cannot send it twice."""
    data_dir, actor = books.data_dir, books.actor

    def work(progress, cancelled):
        with Books.open(data_dir, actor=actor) as own:
            return op(own, progress, cancelled) if show_progress else op(own)

    def settle() -> None:
        if busy is not None:
            busy.setEnabled(True)

    def succeeded(outcome: Outcome) -> None:
        settle()
        hub().announce(outcome.changes)
        if on_success is not None:
            on_success(outcome)

    def failed(exc: BaseException) -> None:
        settle()
        if isinstance(exc, DamagedBooks):
            point_at_restore(parent, exc)
        if on_failure is not None:
            on_failure(exc)
        else:
            from ui.errors import show_error

            show_error(parent, exc)

    def cancelled() -> None:
        settle()
        if on_cancelled is not None:
            on_cancelled()

    if busy is not None:
        busy.setEnabled(False)
    return run_task(parent, label, work, succeeded, failed, show_progress=show_progress, pool=writer_pool(),
                    on_cancelled=cancelled)


def point_at_restore(widget: QWidget | None, damage: DamagedBooks) -> None:
    """Whatever form met the damage, the main window's settings page gets the restore ready."""
    while widget is not None:
        if (offer := getattr(widget, "offer_restore", None)) is not None:
            offer(damage.backup)
            return
        widget = widget.parentWidget()


def refusal_shown_in(label, parent: QWidget | None = None,
                     also: Callable[[Refused], None] | None = None) -> Callable[[BaseException], None]:
    """The usual failure handler of a form: a refusal goes to the form's error line (what was typed stays
    for the clerk to correct); anything unexpected gets the program's error message box."""
    def failed(exc: BaseException) -> None:
        if isinstance(exc, Refused):
            label.show_message(exc.message)
            if also is not None:
                also(exc)
        else:
            from ui.errors import show_error

            show_error(parent, exc)

    return failed
