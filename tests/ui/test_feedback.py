"""What the window tells the clerk: a first-day checklist on an empty commune, where an export went (with a
button to open its folder), where a package is written, sizes in MB, and names that are never cut."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QFontMetrics

from desktop import clock
from desktop.books import Books
from desktop.services.dashboard import first_steps
from desktop.services.households import HouseholdChanges, edit_household
from desktop.sync.envelope import write_key_file
from desktop.text import format_size
from tests.sync_helpers import make_commune, make_upper

LONG_NAME = "Nguyễn Hữu Phương Hiếu Trường Giang"


def _first_day(cli, steps: tuple[str, ...]) -> None:
    """Do the first-day steps named in ``steps`` through the command line, as another program would."""
    on = clock.today().isoformat()
    if "households" in steps:
        assert cli("household", "add", "--code", "H001", "--head", "Đỗ Văn Bình", "--hamlet", "Thôn Đông",
                   "--category", "poor").code == 0
    if "project" in steps:
        assert cli("project", "add", "--code", "DA01", "--name", "Nuôi bò", "--approved-on", on).code == 0
    if "support" in steps:
        result = cli("support", "add", "--project", "DA01", "--household", "H001", "--amount", "7000000", "--on", on)
        assert result.code == 0, result.stderr


def test_the_service_says_which_first_steps_are_done(books, cli):
    steps = first_steps(books)
    assert (steps.hamlets, steps.households, steps.project, steps.support) == (True, False, False, False)
    assert not steps.done
    _first_day(cli, ("households", "project", "support"))
    assert first_steps(books).done


def test_an_empty_communes_dashboard_shows_the_checklist_until_every_step_is_done(qtbot, books, cli):
    from ui.pages.dashboard import DashboardPage
    from ui.workers import wait_for_workers

    page = DashboardPage(books)
    qtbot.addWidget(page)
    page.show()
    try:
        qtbot.waitUntil(lambda: page.figures is not None, timeout=10000)
        box = page.first_steps
        assert box.isVisible()
        assert {key: item.isChecked() for key, item in box.items.items()} == {
            "hamlets": True, "households": False, "project": False, "support": False}
        assert "Đăng ký dự án" in box.items["project"].text()
        _first_day(cli, ("households", "project"))
        page.figures = None
        page.refresh()
        qtbot.waitUntil(lambda: page.figures is not None, timeout=10000)
        assert box.isVisible() and box.items["households"].isChecked() and box.items["project"].isChecked()
        assert not box.items["support"].isChecked()
        _first_day(cli, ("support",))
        page.figures = None
        page.refresh()
        qtbot.waitUntil(lambda: page.figures is not None, timeout=10000)
        assert not box.isVisible()  # all done: the checklist is gone
    finally:
        page.close()
        wait_for_workers(20000)


def test_a_report_export_shows_the_path_and_opens_its_folder(window, qtbot, tmp_path, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    page = window.go("reports")
    page.select("households")
    target = tmp_path / "bao cao" / "so-dang-ky-ho.xlsx"
    target.parent.mkdir()
    page.export("xlsx", target)
    qtbot.waitUntil(lambda: page.exported.isVisible(), timeout=20000)
    text = page.exported.label.text()
    assert str(target) in text and ("MB" in text or "KB" in text)
    assert page.exported.open_button.text().replace("&", "") == "Mở thư mục"
    page.exported.open_button.click()
    assert [Path(url.toLocalFile()) for url in opened] == [target.parent]


def test_the_package_goes_to_the_folder_the_clerk_chose_and_the_choice_is_remembered(qtbot, tmp_path, monkeypatch):
    from ui.pages.sync import SyncPage
    from ui.workers import wait_for_workers

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    commune, upper = make_commune(tmp_path, seed=72), make_upper(tmp_path)
    with Books.open(upper) as upper_books:
        key_file = write_key_file(upper_books, tmp_path / "khoa.vxk")
    stick = tmp_path / "USB"
    stick.mkdir()
    with Books.open(commune) as books:
        page = SyncPage(books)
        qtbot.addWidget(page)
        try:
            assert page.destination == commune.exports and "mặc định" in page.destination_label.text()
            page.load_recipient(key_file.path)
            page.choose_destination(stick)
            page.export()
            qtbot.waitUntil(lambda: page.last_export is not None, timeout=20000)
            assert page.last_export.path.parent == stick and page.last_export.path.is_file()
            assert str(stick) in page.result.text()
            assert "MB" in page.result.text() or "KB" in page.result.text()
            page.open_folder_button.click()
            assert [Path(url.toLocalFile()) for url in opened] == [stick]
            again = SyncPage(books)
            qtbot.addWidget(again)
            assert again.destination == stick  # remembered on this machine
            # A report saved elsewhere afterwards does not move where the next package goes.
            from ui.export_bar import remember_export_dir

            reports = tmp_path / "bao-cao"
            reports.mkdir()
            remember_export_dir(commune, reports)
            third = SyncPage(books)
            qtbot.addWidget(third)
            assert third.destination == stick
        finally:
            wait_for_workers(20000)
    # A remembered stick that is no longer plugged in falls back to exports/.
    shutil.rmtree(stick)
    with Books.open(commune) as books:
        page = SyncPage(books)
        qtbot.addWidget(page)
        assert page.destination == commune.exports


def test_sizes_are_shown_in_megabytes_with_a_decimal_comma():
    from ui.pages.sync import size_text

    assert size_text(18_700_000) == format_size(18_700_000) == "17,8 MB"


def test_the_due_lists_names_are_not_cut_at_1366_by_768(window, qtbot, demo_books):
    window.resize(1366, 768)
    page = window.go("dashboard")
    code = page.figures.due_soon[0]["household"]
    edit_household(demo_books, code, HouseholdChanges(head_name=LONG_NAME))
    page.figures = None
    page.refresh()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10000)
    qtbot.wait(50)
    table = page.due_table
    metrics = QFontMetrics(table.font())
    names = [page.due_model.row(r)["head_name"] for r in range(page.due_model.rowCount())]
    assert LONG_NAME in names
    margin = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 2
    for name in names:
        assert metrics.horizontalAdvance(name) + margin <= table.columnWidth(2), name


def test_no_page_is_wider_than_a_1366_screen_at_125_percent(window, qtbot):
    """1366×768 screen pixels at 125 % are 1093×614 logical pixels: every page fits that width (a page may
    scroll down, never sideways) so no button is cut at the right edge."""
    from PySide6.QtWidgets import QScrollArea

    from ui.main_window import KEYS

    window.resize(1093, 614)
    for key in KEYS:
        page = window.go(key)
        qtbot.wait(20)
        wide = window.minimumSizeHint().width()
        assert wide <= 1093, f"{key} makes the window {wide} wide"
        for area in page.findChildren(QScrollArea):
            inner = area.widget()
            if inner is None or not area.isVisible():
                continue
            assert inner.minimumSizeHint().width() <= area.viewport().width(), \
                f"{key}: {inner.minimumSizeHint().width()} > {area.viewport().width()}"
