"""Fixtures for the window tests: the shipped fonts loaded once, and a small demo commune in a window."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from desktop import clock
from desktop.books import Books  # noqa: E402
from desktop.services.demo import make_demo  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _theme(qapp):
    from ui.theme import apply_theme

    apply_theme(qapp)


@pytest.fixture
def demo_books(data_dir):
    make_demo(data_dir, households=1200, seed=3, as_of=clock.today())
    books = Books.open(data_dir)
    # The demo requires approval, as books made now do: a test that supports a household records its decision
    # first (tests/ui/approving.py, or the Phê duyệt tab).
    assert books.setting("require_approval") == "1"
    yield books
    books.close()


@pytest.fixture
def window(qtbot, demo_books):
    from ui.main_window import MainWindow

    win = MainWindow(demo_books)
    qtbot.addWidget(win)
    win.show()
    # The dashboard computes in a worker; let it finish so no thread outlives the test's database.
    qtbot.waitUntil(lambda: win.page("dashboard").figures is not None, timeout=10000)
    yield win
    win.close()
    # No worker may outlive the test's database folder.
    from ui.workers import wait_for_workers

    wait_for_workers(20000)
    _flush_deletions()


def _flush_deletions() -> None:
    """Hand over what finished and delete what was closed now, inside the test that made it, rather than
    in whichever later test next runs the event loop."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def settle(qtbot):
    """Wait until every operation and background job has finished and handed its result to the window."""
    from ui.workers import idle

    def wait(timeout: int = 15000) -> None:
        qtbot.waitUntil(idle, timeout=timeout)

    return wait
