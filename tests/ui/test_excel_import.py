"""Hộ gia đình → Nhập từ Excel: the dry-run report row by row, mapping a column, the import, the template."""

from __future__ import annotations

import openpyxl

from desktop.services.hamlets import list_hamlets
from desktop.services.households import HouseholdQuery, count_households, list_households
from tests.conftest import books_digest

HEADER = ["STT", "Họ và tên chủ hộ", "Số CCCD", "Thôn/Ấp", "Phân loại hộ", "SĐT liên lạc"]


def _xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH HỘ NĂM 2026"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


ROWS = [[1, "Nguyễn Thị Xuyến", "030190007771", "Thôn Mới Lập", "Hộ nghèo", "0912000111"],
        [2, "", "030190007772", "Thôn Mới Lập", "Hộ nghèo", ""],
        [3, "Trần Văn Yên", "", "Thôn Mới Lập", "Cận nghèo", "0912000333"]]


def _planned(qtbot, dialog):
    dialog.plan = None
    dialog.check()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    return dialog.plan


def test_import_reports_the_bad_row_maps_a_column_and_adds_the_households(window, qtbot, demo_books, tmp_path):
    path = _xlsx(tmp_path / "ds.xlsx", ROWS)
    page = window.go("households")
    before = count_households(demo_books)
    dialog = page.open_import()
    dialog.path.setText(str(path))
    plan = _planned(qtbot, dialog)
    # The report: one line per spreadsheet row, the bad one with its reason; nothing written yet.
    lines = dialog.model.rows()
    assert [(r["row"], r["result"]) for r in lines] == [(3, "Thêm mới"), (4, "Lỗi"), (5, "Thêm mới")]
    assert "thiếu họ và tên chủ hộ" in lines[1]["reason"]
    assert count_households(demo_books) == before
    assert dialog.apply_button.isEnabled() and dialog.apply_button.text() == "&Nhập 2 hộ"
    # "SĐT liên lạc" is not a known column name: the clerk maps it to the phone and plans again.
    assert plan.unmapped == ("SĐT liên lạc",) and not dialog.mapping_box.isHidden()
    dialog.map_column("SĐT liên lạc", "phone")
    plan = _planned(qtbot, dialog)
    assert plan.columns["SĐT liên lạc"] == "phone" and plan.unmapped == ()
    dialog.apply()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert (dialog.result.inserted, len(dialog.result.rejected)) == (2, 1)
    assert count_households(demo_books) == before + 2
    added = list_households(demo_books, HouseholdQuery(search="Nguyen Thi Xuyen"))
    assert [(h["hamlet"], h["phone"]) for h in added] == [("Thôn Mới Lập", "0912000111")]
    # The page shows the new households and offers the new hamlet as a filter.
    qtbot.waitUntil(lambda: page.model.total == before + 2, timeout=10000)
    assert page.hamlet.findData("Thôn Mới Lập") >= 0
    # The same file again: every valid row unchanged, nothing to import.
    plan = _planned(qtbot, dialog)
    assert (plan.count("insert"), plan.count("unchanged")) == (0, 2) and not dialog.apply_button.isEnabled()


def test_closing_after_the_dry_run_writes_nothing(window, qtbot, demo_books, tmp_path):
    path = _xlsx(tmp_path / "ds.xlsx", ROWS)
    digest = books_digest(demo_books.data_dir.database)
    dialog = window.go("households").open_import()
    dialog.path.setText(str(path))
    assert _planned(qtbot, dialog).count("insert") == 2
    dialog.reject()
    assert books_digest(demo_books.data_dir.database) == digest


def test_a_file_that_is_not_excel_is_refused_on_the_form(window, qtbot, demo_books, tmp_path):
    bad = tmp_path / "ds.xlsx"
    bad.write_text("Họ và tên chủ hộ;Thôn\n", encoding="utf-8")
    dialog = window.go("households").open_import()
    dialog.path.setText(str(bad))
    dialog.check()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10000)
    assert "ds.xlsx" in dialog.error.text() and not dialog.apply_button.isEnabled()


def test_the_template_is_a_workbook_with_the_commune_hamlets(window, demo_books, tmp_path):
    path = window.go("households").save_template(tmp_path / "mau")
    assert path.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "Danh sách hộ"
    listed = {c.value for row in workbook["Danh mục"].iter_rows() for c in row if c.value}
    assert {h["name"] for h in list_hamlets(demo_books)} <= listed


def test_cancel_during_the_import_writes_nothing(window, qtbot, demo_books, tmp_path):
    import sqlite3

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    rows = [[n, f"Người Thử {n}", "", "Thôn Mới Lập", "Hộ nghèo", ""] for n in range(1, 1201)]
    path = _xlsx(tmp_path / "lon.xlsx", rows)
    dialog = window.go("households").open_import()
    dialog.path.setText(str(path))
    assert _planned(qtbot, dialog).count("insert") == 1200
    digest = books_digest(demo_books.data_dir.database)
    # Another writer holds the books, so the import is certainly still running when Cancel is pressed.
    blocker = sqlite3.connect(demo_books.data_dir.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        task = dialog.apply()
        progress = dialog.findChildren(QProgressDialog)[-1]
        progress.findChild(QPushButton).click()  # the progress dialog's Cancel button
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=20000)
    assert task.done.is_set() and dialog.result is None
    assert "không có hộ nào được ghi" in dialog.summary.text()
    assert books_digest(demo_books.data_dir.database) == digest


def test_refused_rows_show_the_name_and_hamlet_read_from_the_file(window, qtbot, demo_books, tmp_path):
    from PySide6.QtCore import Qt

    path = _xlsx(tmp_path / "loi.xlsx", [
        [1, "Lê Văn Tám", "030190008881", "Thôn Bến", "Hộ giàu", ""],  # unknown category: refused by the reader
        [2, "Phạm Thị Chín", "030190008882", "Thôn Bến", "Hộ nghèo", ""],
        [3, "Phạm T. Chín", "030190008882", "Xóm Trại", "Hộ nghèo", ""],  # same ID as row 4: refused by matching
    ])
    dialog = window.go("households").open_import()
    dialog.path.setText(str(path))
    plan = _planned(qtbot, dialog)
    assert [(p.row, p.head_name, p.hamlet) for p in plan.rejected] == \
        [(3, "Lê Văn Tám", "Thôn Bến"), (5, "Phạm T. Chín", "Xóm Trại")]
    shown = [[dialog.model.data(dialog.model.index(r, c), Qt.ItemDataRole.DisplayRole) for c in range(5)]
             for r in range(dialog.model.rowCount())]
    refused = [line for line in shown if line[1] == "Lỗi"]
    assert [line[2:4] for line in refused] == [["Lê Văn Tám", "Thôn Bến"], ["Phạm T. Chín", "Xóm Trại"]]
    assert "dòng 4" in refused[1][4]
    colours = {dialog.model.data(dialog.model.index(r, 2), Qt.ItemDataRole.ForegroundRole) is not None
               for r in range(dialog.model.rowCount()) if shown[r][1] == "Lỗi"}
    assert colours == {True}  # refused lines stand out in red
    assert plan.to_dict()["rejected"][0] == {"row": 3, "reason": plan.rejected[0].reason,
                                             "head_name": "Lê Văn Tám", "hamlet": "Thôn Bến"}
    dialog.close()
