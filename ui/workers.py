"""Long work off the window's thread: a QRunnable with progress, Cancel and the result back by signal.

The work function receives ``progress(done, total)`` and ``cancelled()``; it must open its own ``Books``
(a SQLite connection never crosses threads) and must not touch Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.errors import Cancelled
from ui.errors import log_exception

_RUNNING: set = set()
# Tasks whose result has still to be handed to the window; a task whose receiving widget has gone leaves it.
_AWAITING: set = set()
_WRITER: QThreadPool | None = None


def writer_pool() -> QThreadPool:
    """One thread for every write to the books: operations run one after another, never two at once, so
    none waits on SQLite's lock and their outcomes arrive in the order the clerk asked for them."""
    global _WRITER
    if _WRITER is None:
        _WRITER = QThreadPool()
        _WRITER.setMaxThreadCount(1)
        _WRITER.setExpiryTimeout(-1)
    return _WRITER


def idle() -> bool:
    """True when no background job is running or waiting to hand its result to the window."""
    return not _AWAITING


def wait_for_workers(msecs: int = -1) -> bool:
    """Wait for every background job (reads and writes) to finish; True when they all did."""
    done = QThreadPool.globalInstance().waitForDone(msecs)
    return (writer_pool().waitForDone(msecs) if _WRITER is not None else True) and done


class _Signals(QObject):
    # Only plain ints cross threads: the result stays on the Task and is read in the window's thread.
    progressed = Signal(int, int)
    finished = Signal()


class Task(QRunnable):
    def __init__(self, work: Callable[[Callable[[int, int], None], Callable[[], bool]], object]):
        super().__init__()
        self.signals = _Signals()
        self._work = work
        self._cancel = threading.Event()
        self.done = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None
        self.delivered = False  # set in the window's thread once the result or error was handed over

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            self.result = self._work(self.signals.progressed.emit, self._cancel.is_set)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the window as a message
            log_exception(exc)
            self.error = exc
        finally:
            self.done.set()
            self.signals.finished.emit()


class _Relay(QObject):
    """Receives a task's result in the window's thread. It is a child of the widget that started the
    task, so a result arriving after that widget is gone is dropped instead of touching a dead widget."""

    def __init__(self, parent: QObject | None, task: Task, on_success, on_failure):
        super().__init__(parent)
        self._task, self._on_success, self._on_failure = task, on_success, on_failure
        # By id: the relay lives as long as its widget, and must not keep the task (and its result) alive.
        key = id(task)
        _AWAITING.add(key)
        self.destroyed.connect(lambda *_: _AWAITING.discard(key))

    @Slot()
    def finished(self) -> None:
        task = self._task
        _RUNNING.discard(task)
        _AWAITING.discard(id(task))
        on_success, on_failure = self._on_success, self._on_failure
        # The relay is not deleted here (deleteLater): deleting it crashed inside Qt now and then, when a
        # window test closed dialogs while others ran (a PySide teardown race we could not pin down). It
        # stays, an empty QObject, until the widget that started the task goes; it lets go of everything
        # it held so the task's result and callbacks are freed now.
        self._on_success = self._on_failure = None
        self._task = None
        try:
            if task.error is not None:
                on_failure(task.error)
            else:
                on_success(task.result)
        finally:
            task.delivered = True


def run_task(parent: QWidget | None, label: str, work, on_success: Callable[[object], None],
             on_failure: Callable[[BaseException], None] | None = None, *, show_progress: bool = True,
             on_cancelled: Callable[[], None] | None = None, pool: QThreadPool | None = None) -> Task:
    """Start ``work`` in the global thread pool; a progress dialog with Cancel shows while it runs.
    Work that stopped on Cancel reports no error: only ``on_cancelled`` is called, if given."""
    task = Task(work)
    dialog = None
    if show_progress:
        dialog = QProgressDialog(label, "&Hủy", 0, 0, parent)
        dialog.setWindowTitle("VốnXoay")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(task.cancel)
        task.signals.progressed.connect(_progress_to(dialog))

    def finish() -> None:
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()

    def succeeded(result) -> None:
        finish()
        on_success(result)

    def failed(exc) -> None:
        finish()
        if isinstance(exc, Cancelled):
            if on_cancelled is not None:
                on_cancelled()
            return
        if on_failure is not None:
            on_failure(exc)
        else:
            from ui.errors import show_error

            show_error(parent, exc)

    relay = _Relay(parent, task, succeeded, failed)
    task.signals.finished.connect(relay.finished)
    # Keep the Python object alive while the pool runs it; dropped when its result is delivered.
    _RUNNING.add(task)
    task.setAutoDelete(False)
    (pool or QThreadPool.globalInstance()).start(task)
    return task


def _progress_to(dialog: QProgressDialog):
    receiver = _ProgressRelay(dialog)
    return receiver.progressed


class _ProgressRelay(QObject):
    def __init__(self, dialog: QProgressDialog):
        super().__init__(dialog)
        self._dialog = dialog

    @Slot(int, int)
    def progressed(self, done: int, total: int) -> None:
        self._dialog.setMaximum(total)
        self._dialog.setValue(done)


class Loader:
    """Reads what a page shows off the window's thread, on a connection of its own; when the clerk asks
    again before an older read finished, only the newest result is shown."""

    def __init__(self, parent: QWidget, books):
        self._parent, self._books = parent, books
        self._generation = 0

    def run(self, read: Callable[[object], object], show: Callable[[object], None]) -> Task:
        from desktop.books import Books

        data_dir, actor = self._books.data_dir, self._books.actor
        self._generation += 1
        generation = self._generation

        def work(progress, cancelled):
            with Books.open(data_dir, actor=actor) as books:
                return read(books)

        def done(result) -> None:
            if generation == self._generation:
                show(result)

        return run_task(self._parent, "Đang đọc số liệu…", work, done, show_progress=False)
