"""The first window, driven offscreen through its real widgets over a demo commune."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.books import Books
from desktop.services.demo import make_demo
from desktop.text import fold

pytest.importorskip("PySide6")

from ui.main_window import MainWindow  # noqa: E402


@pytest.fixture
def window(qtbot, data_dir):
    make_demo(data_dir, households=1200, seed=3, as_of=date(2025, 6, 30))
    books = Books.open(data_dir)
    win = MainWindow(books)
    qtbot.addWidget(win)
    win.show()
    yield win
    books.close()


def test_household_table_fetches_lazily_and_counts_all(window):
    page = window.households_page
    assert page.model.total == 1200
    # Only the first page is loaded; the rest comes as the clerk scrolls.
    assert page.model.rowCount() == 500
    page.model.fetchMore()
    assert page.model.rowCount() == 1000
    assert page.count.text() == "1.200 hộ"


def test_search_without_diacritics_finds_the_household(window, qtbot):
    page = window.households_page
    name = page.model.row_at(123)["head_name"]
    qtbot.keyClicks(page.search, fold(name))
    qtbot.waitUntil(lambda: page.model.total < 1200, timeout=2000)
    shown = [page.model.row_at(r)["head_name"] for r in range(page.model.rowCount())]
    assert name in shown
    assert all(fold(name) in fold(n) for n in shown)


def test_projects_page_shows_fund_figures_as_vietnamese_numbers(window):
    window.nav.setCurrentRow(1)
    model = window.projects_page.model
    assert model.rowCount() >= 6
    disbursed = model.data(model.index(0, 4))
    assert "." in disbursed and disbursed.replace(".", "").isdigit()
