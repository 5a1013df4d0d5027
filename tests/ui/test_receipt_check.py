"""Kiểm tra phiếu thu in the window: the QR text scanned (typed, then Enter) on the commune's receipts page and
on the upper level's pages, the verdict in words; the form's hint for an old CMND; the import dialog's sheet."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt

from desktop.books import Books
from desktop.services.receipts import receipt_views
from tests.conftest import books_digest
from tests.sync_helpers import export, make_commune, make_upper


def _scan(qtbot, box, text: str) -> str:
    box.text.clear()
    box.text.setFocus()
    box.text.insert(text)  # QTest cannot synthesise Vietnamese letters; insert() edits the same way
    qtbot.keyClick(box.text, Qt.Key.Key_Return)  # a scanner ends what it types with Enter
    return box.result.text()


def test_the_receipts_page_checks_a_scanned_receipt(window, qtbot, demo_books):
    view = next(v for v in receipt_views(demo_books) if not v.voided)
    box = window.go("receipts").receipt_check
    digest = books_digest(demo_books.data_dir.database)
    shown = _scan(qtbot, box, view.qr_payload)
    assert "HỢP LỆ" in shown and box.last.status == "valid" and box.text.selectedText() == view.qr_payload
    forged = view.qr_payload.replace(f"|{view.amount}|", f"|{view.amount * 10}|")
    assert "BỊ SỬA / GIẢ" in _scan(qtbot, box, forged) and box.last.differences == ("amount",)
    assert "Không phải mã QR" in _scan(qtbot, box, "xin chào") and box.last is None
    assert books_digest(demo_books.data_dir.database) == digest


@pytest.fixture
def upper_window(qtbot, tmp_path):
    from ui.main_window import MainWindow
    from ui.workers import wait_for_workers

    commune = make_commune(tmp_path, "10801", seed=1, households=30)
    with Books.open(commune) as books:
        view = receipt_views(books)[0]
    upper = make_upper(tmp_path)
    from desktop.sync.upper import import_packages

    with Books.open(upper) as books:
        import_packages(books, [export(commune, tmp_path / "out")])
        window = MainWindow(books)
        qtbot.addWidget(window)
        window.show()
        yield window, view
        window.close()
        wait_for_workers(20000)


def test_the_upper_level_checks_a_communes_receipt_on_its_pages(upper_window, qtbot):
    window, view = upper_window
    for key in ("consolidated", "import_log"):
        box = window.go(key).receipt_check
        assert "HỢP LỆ" in _scan(qtbot, box, view.qr_payload) and box.last.commune_name == "Xã Thử 10801"
        unknown = view.qr_payload.replace("VXR1|10801|", "VXR1|10899|")
        assert "KHÔNG CÓ TRONG DỮ LIỆU" in _scan(qtbot, box, unknown)


def test_the_form_says_an_old_cmnd_goes_to_the_notes(window, qtbot):
    form = window.go("households").add_household()
    form.id_number.insert("121234567")
    assert form.id_hint.isVisibleTo(form) and "CMND cũ" in form.id_hint.text()
    form.id_number.setText("030185001234")
    assert not form.id_hint.isVisibleTo(form)
    form.reject()


def test_the_import_dialog_names_the_sheet_and_reads_another(window, qtbot, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Ẩn"
    book.active.sheet_state = "hidden"
    for title, name in (("Năm 2025", "Người Năm Trước"), ("Năm 2026", "Người Năm Nay")):
        sheet = book.create_sheet(title)
        sheet.append(["Họ và tên chủ hộ", "Thôn", "Phân loại hộ"])
        sheet.append([name, "Thôn Đông", "Hộ nghèo"])
    book.active = 2
    book.save(tmp_path / "ds.xlsx")
    dialog = window.go("households").open_import()
    dialog.path.setText(str(tmp_path / "ds.xlsx"))
    dialog.check()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    assert dialog.plan.sheet == "Năm 2026" and "Trang “Năm 2026”" in dialog.summary.text()
    assert [dialog.sheet.itemText(i) for i in range(dialog.sheet.count())] == ["Năm 2025", "Năm 2026"]
    assert dialog.sheet.currentText() == "Năm 2026"
    dialog.choose_sheet("Năm 2025")
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.sheet == "Năm 2025", timeout=10000)
    assert [r["head_name"] for r in dialog.model.rows()] == ["Người Năm Trước"]
    dialog.reject()
