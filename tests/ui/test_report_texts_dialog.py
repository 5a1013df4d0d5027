"""Viết phần nhận xét: the periodic report's three sections are written in the window for the chosen period,
kept through save_report_text, loaded again when the dialog opens, and printed in the exported report."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from PySide6.QtWidgets import QPushButton

from desktop.services.report_texts import report_texts
from tests.conftest import books_digest
from tests.reports.pdfcheck import flat, pdftext

PERIOD = (date(2022, 1, 1), date(2022, 12, 31))


def test_the_button_shows_only_for_the_periodic_report(window):
    page = window.go("reports")
    page.select("period")
    assert page.texts_button.isVisibleTo(page) and "&" in page.texts_button.text()
    page.select("due")
    assert not page.texts_button.isVisibleTo(page)


def test_sections_are_saved_loaded_and_printed(window, qtbot, demo_books, tmp_path):
    page = window.go("reports")
    page.select("period")
    page.period.set_period(*PERIOD)
    dialog = page.write_texts()
    assert set(dialog.edits) == {"results", "difficulties", "proposals"}
    buttons = dialog.findChildren(QPushButton)
    assert buttons and all("&" in b.text() for b in buttons)
    dialog.edits["results"].setPlainText("Đã hỗ trợ đủ các hộ theo kế hoạch.\nCác hộ đều nuôi bò đúng mục đích.")
    dialog.edits["proposals"].setPlainText("Đề nghị cấp bổ sung vốn cho năm sau.")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save.click()
    texts = report_texts(demo_books.conn, *PERIOD)
    assert texts["results"].startswith("Đã hỗ trợ đủ các hộ") and "difficulties" not in texts
    # Opened again, it shows what was saved.
    again = page.write_texts()
    assert again.edits["proposals"].toPlainText() == "Đề nghị cấp bổ sung vốn cho năm sau."
    # Clearing a saved section is refused in the dialog, before anything is written.
    before = books_digest(demo_books.data_dir.database)
    again.edits["proposals"].setPlainText("")
    again.save.click()
    assert "không để trống được" in again.error.text() and again.isVisible()
    assert books_digest(demo_books.data_dir.database) == before
    again.reject()
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    page.last_path = None
    page.export("pdf", tmp_path / "dinh-ky.pdf")
    qtbot.waitUntil(lambda: page.last_path is not None, timeout=30000)
    text = flat(pdftext(page.last_path))
    assert "Đã hỗ trợ đủ các hộ theo kế hoạch." in text and "Đề nghị cấp bổ sung vốn cho năm sau." in text
