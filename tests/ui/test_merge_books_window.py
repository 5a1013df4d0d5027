"""The merge wizard in the window: old communes' folders, a dry run with the counts and the person found in
both books, a decision, the confirmation, the merge; refusals shown in Vietnamese with nothing written."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop import clock
from desktop.paths import DataDir
from desktop.services import checks
from desktop.services.demo import DEMO_SETUP, make_demo
from tests.conftest import books_digest, run_cli
from tests.ui.confirming import confirm

TODAY = date(2026, 6, 30)


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


@pytest.fixture
def old_communes(tmp_path, monkeypatch):
    """Old communes 10511 and 10510 (small demos); a person of the first also registered and supported in the
    second. The open books (10507) are the new commune's."""
    monkeypatch.setenv("VONXOAY_TODAY", TODAY.isoformat())
    a, b = DataDir(tmp_path / "xa-a"), DataDir(tmp_path / "xa-b")
    make_demo(a, households=40, seed=1, setup=replace(DEMO_SETUP, commune_code="10511", commune_name="Xã Cẩm Vũ"))
    make_demo(b, households=40, seed=2, setup=replace(DEMO_SETUP, commune_code="10510", commune_name="Xã Cẩm Văn"))
    conn = sqlite3.connect(a.database)
    person = conn.execute("SELECT id_number, head_name FROM household WHERE id_number IS NOT NULL "
                          "ORDER BY id LIMIT 1").fetchone()
    conn.close()
    hamlet = sqlite3.connect(b.database).execute("SELECT name FROM hamlet ORDER BY id LIMIT 1").fetchone()[0]
    ok(run_cli(b, "household", "add", "--code", "H9001", "--head", person[1], "--hamlet", hamlet, "--category",
               "poor", "--category-on", "2024-01-01", "--id-number", person[0], "--json"))
    return a, b, person[0]


def shot(widget, name: str, *, full: bool = True) -> None:
    folder = os.environ.get("VONXOAY_SCREENSHOTS")
    if folder:
        if full:
            widget.resize(1366, 768)
        widget.grab().save(os.path.join(folder, f"{name}.png"))


def test_the_wizard_dry_runs_asks_each_decision_confirms_and_merges(qtbot, books, old_communes, settle, tmp_path):
    from ui.dialogs.merge_books import MergeBooksDialog

    a, b, id_number = old_communes
    database = books.data_dir.database
    with clock.frozen(TODAY):
        dialog = MergeBooksDialog(books)
        qtbot.addWidget(dialog)
        dialog.show()
        # Nothing chosen: said, nothing run.
        qtbot.mouseClick(dialog.dry_run_button, Qt.MouseButton.LeftButton)
        assert "Chưa chọn thư mục dữ liệu của xã cũ nào" in dialog.error.text()

        # A folder that is not a commune's data: the dry run is refused by name, nothing written.
        stray = tmp_path / "tai-lieu"
        stray.mkdir()
        before = books_digest(database)
        dialog.add_folders([a.root, stray])
        dialog.dry_run()
        settle()
        assert f"{stray} không phải thư mục dữ liệu VốnXoay" in dialog.error.text()
        assert not dialog.merge_button.isEnabled()
        dialog.folders.setCurrentRow(1)
        dialog.remove_folder()
        dialog.add_folders([b.root])

        dialog.dry_run()
        settle()
        assert dialog.error.text() == ""
        assert dialog.counts.rowCount() == 2
        assert [dialog.counts.item(r, 0).text() for r in range(2)] == ["10511", "10510"]
        assert dialog.duplicates.rowCount() == 1 and dialog.duplicates.item(0, 0).text() == id_number
        assert "10511" in dialog.duplicates.item(0, 1).text() and "10510" in dialog.duplicates.item(0, 1).text()
        assert "Chưa ghi gì vào sổ" in dialog.summary.text()
        shot(dialog, "merge-dry-run")
        assert books_digest(database) == before  # a dry run writes nothing

        # Undecided: refused before any confirmation.
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        assert dialog.confirmation is None
        assert "chưa quyết định" in dialog.error.text() and id_number in dialog.error.text()

        dialog.decision_box(0).setCurrentIndex(1)  # same person
        assert dialog.decisions() == {id_number: "same"}
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        text = dialog.confirmation.plain_text()
        assert "Xã Cẩm Vũ (10511)" in text and "Xã Cẩm Văn (10510)" in text and "1 người giữ làm một hộ" in text
        shot(dialog.confirmation, "merge-confirm", full=False)
        assert books_digest(database) == before  # nothing written until the clerk confirms
        confirm(qtbot, dialog)
        settle(60000)
        assert dialog.error.text() == "", dialog.error.text()
        assert "Đã gộp sổ của Xã Cẩm Vũ (10511), Xã Cẩm Văn (10510)" in dialog.outcome_text.text()
        shot(dialog, "merge-done")
    assert books.conn.execute("SELECT count(*) FROM merged_commune").fetchone()[0] == 2
    assert books.conn.execute("SELECT count(*) FROM household WHERE id_number = ?", (id_number,)).fetchone()[0] == 1
    assert checks.check_books(books) == []


def test_the_settings_page_opens_the_wizard(qtbot, books):
    from ui.pages.settings import SettingsPage

    page = SettingsPage(books)
    qtbot.addWidget(page)
    dialog = page.merge_books()
    assert dialog.windowTitle() == "Gộp sổ của xã cũ" and dialog.isVisible()
    dialog.close()
