"""Đồng bộ at the commune, and the upper-level window: packages exported, imported, consolidated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.books import Books
from desktop.reports.period import NUMBER_FIELDS, period_report
from desktop.sync.ack import accept_ack, make_ack
from desktop.sync.envelope import Unsealer, write_key_file
from desktop.sync.upper import import_packages
from desktop.sync.verify import verify_package
from tests.conftest import books_digest
from tests.sync_helpers import export, make_commune, make_upper


@pytest.fixture
def open_window(qtbot):
    from ui.main_window import MainWindow
    from ui.workers import wait_for_workers

    opened = []

    def open_(books: Books) -> MainWindow:
        window = MainWindow(books)
        qtbot.addWidget(window)
        window.show()
        opened.append(window)
        return window

    yield open_
    for window in opened:
        window.close()
    wait_for_workers(20000)


def test_commune_exports_a_verified_package_and_shows_the_acknowledgement(qtbot, open_window, tmp_path):
    commune = make_commune(tmp_path, seed=71)
    upper = make_upper(tmp_path)
    with Books.open(upper) as upper_books:
        key_file = write_key_file(upper_books, tmp_path / "khoa.vxk")
        unsealer = Unsealer.of(upper_books)
    with Books.open(commune) as books:
        window = open_window(books)
        page = window.go("sync")
        assert page.model.rowCount() == 0
        assert "chưa có khóa của cấp trên" in page.recipient_label.text()
        # Without the upper level's key the package is not written: the clerk is told how to get it.
        digest = books_digest(commune.database)
        page.export()
        qtbot.waitUntil(lambda: page.export_button.isEnabled(), timeout=15000)
        assert page.last_export is None and books_digest(commune.database) == digest
        # … in the window's own words: its button and check box, never a command to type.
        told = [box.text() for box in page.findChildren(QMessageBox) if box.isVisible()]
        assert told and "Nạp tệp khóa của cấp trên…" in told[-1] and "Xuất gói không mã hóa" in told[-1]
        assert "sync recipient" not in told[-1] and "--unencrypted" not in told[-1]
        for box in page.findChildren(QMessageBox):
            box.close()
        assert page.load_recipient(key_file.path).fingerprint == key_file.fingerprint
        assert key_file.fingerprint in page.recipient_label.text() and key_file.fingerprint in page.status.text()
        page.export()
        qtbot.waitUntil(lambda: page.last_export is not None, timeout=15000)
        result = page.last_export
        assert result.path.parent == commune.exports and result.path.is_file() and result.encrypted
        # The signature and every part check out.
        with verify_package(result.path, staging_dir=tmp_path / "staging", unsealer=unsealer) as package:
            assert (package.seq, package.fingerprint) == (1, page.fingerprint)
        shown = page.result.text()
        assert str(result.path) in shown and result.key_fingerprint in shown and "KB" in shown
        assert f"Đã mã hóa cho Huyện Cẩm Giàng (vân tay <code>{key_file.fingerprint}</code>)" in shown
        assert page.open_folder_button.isEnabled()
        history = page.model.rows()
        assert [(r["seq"], r["ack"]) for r in history] == [(1, "Chưa xác nhận")]

        with Books.open(upper) as upper_books:
            import_packages(upper_books, [result.path])
            ack, _ = make_ack(upper_books, "10507", tmp_path / "acks")
        accepted = page.load_ack(ack)
        assert accepted["seq"] == 1
        assert page.model.rows()[0]["ack"].startswith("Đã nhận lúc")
        # A file that is not an acknowledgement is refused and changes nothing.
        digest = books_digest(commune.database)
        bogus = tmp_path / "x.vxa"
        bogus.write_text("{}", encoding="utf-8")
        assert page.load_ack(bogus) is None
        assert books_digest(commune.database) == digest


@pytest.mark.usefixtures("upper_engine")  # the same pages on either engine of the upper store
def test_upper_window_imports_packages_and_consolidates_them(qtbot, open_window, tmp_path, monkeypatch):
    communes = [make_commune(tmp_path, code, seed=80 + i) for i, code in enumerate(("10507", "10510", "10513"))]
    upper = make_upper(tmp_path)
    packages = [export(c, tmp_path / "out", to=upper) for c in communes]  # encrypted to the upper level
    with Books.open(upper) as books:
        window = open_window(books)
        titles = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert titles == ["Tổng hợp", "Nhập gói", "Trùng lặp", "Nhật ký", "Cài đặt"]
        page = window.go("upper_import")
        written = page.export_key(tmp_path / "khoa-moi.vxk")
        assert written.path.is_file() and written.fingerprint in page.key_label.text()
        assert written.fingerprint in page.summary.text()

        def imported(paths):
            page.results = []
            page.import_files(paths)
            qtbot.waitUntil(lambda: len(page.results) == len(paths), timeout=30000)
            return [r["status"] for r in page.model.rows()]

        # The first three arrive by drag and drop, as the operator drops them from a USB stick.
        from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
        from PySide6.QtGui import QDropEvent

        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in packages])
        page.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier))
        qtbot.waitUntil(lambda: len(page.results) == 3, timeout=30000)
        assert [r["status"] for r in page.model.rows()] == ["imported"] * 3
        fingerprints = [r.fingerprint for r in page.results]
        assert all(f in row["reason"] for f, row in zip(fingerprints, page.model.rows(), strict=True))
        digest = books_digest(upper.database)
        assert imported(packages) == ["unchanged"] * 3
        assert books_digest(upper.database) == digest
        # A newer package, then the older one again.
        newer = export(communes[0], tmp_path / "out2")
        assert imported([newer, packages[0]]) == ["imported", "older"]
        assert "Đã nhập: <b>1</b>" in page.summary.text()
        not_a_package = tmp_path / "bao-cao.vxp"
        not_a_package.write_bytes(b"PK\x03\x04 not really")
        assert imported([not_a_package]) == ["rejected"]
        assert page.accept_button.isHidden()  # accepting a key is offered only for a changed key

        log = window.go("import_log")
        assert log.communes_model.rowCount() == 3 and log.log_model.rowCount() == 4
        assert log.make_ack() is None  # no commune chosen
        log.communes_table.selectRow(0)
        ack = log.make_ack()
        with Books.open(communes[0]) as commune_books:  # the commune accepts it for its newest package
            assert accept_ack(commune_books, ack)["seq"] == 2
        duplicates = window.go("duplicates")
        qtbot.waitUntil(lambda: duplicates.found is not None, timeout=20000)
        assert duplicates.model.rowCount() == len(duplicates.found)
        assert duplicates.status.text().startswith(str(len(duplicates.found)) if duplicates.found else "Không")

        totals_page = window.go("consolidated")
        totals_page.period.set_period(date(2020, 1, 1), date(2026, 6, 30))
        totals_page.report = None
        totals_page.compute()
        qtbot.waitUntil(lambda: totals_page.report is not None, timeout=30000)
        rows = totals_page.model.rows()
        assert [r["code"] for r in rows] == ["10507", "10510", "10513", ""]
        # The totals row equals the sum of each commune's own periodic report over the same period.
        own = []
        for commune in communes:
            with Books.open(commune) as commune_books:
                own.append(period_report(commune_books.conn, date(2020, 1, 1), date(2026, 6, 30)).totals)
        for key in ("disbursed_in_period", "recovered_in_period", "outstanding", "fund_balance"):
            assert key in NUMBER_FIELDS
            assert rows[-1][key] == sum(getattr(t, key) for t in own) == sum(r[key] for r in rows[:-1])
        assert rows[-1]["disbursed_in_period"] > 0
        assert totals_page.drill_down("10510") == totals_page.detail_model.rowCount() > 0
        xlsx = totals_page.export("xlsx", tmp_path / "tong-hop.xlsx")
        pdf = totals_page.export("pdf", tmp_path / "tong-hop.pdf", preview=False)
        assert xlsx.stat().st_size > 0 and pdf.read_bytes().startswith(b"%PDF")
        # Saved through the window: the dialog suggests the period's name, and a name typed without its extension
        # gets one.
        suggested = []

        def save_as(parent, title, start, filters):
            suggested.append(Path(start).name)
            return str(tmp_path / "gui-chon"), filters

        monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
        assert totals_page.export("xlsx") == tmp_path / "gui-chon.xlsx"
        assert suggested == ["bao-cao-tong-hop_20200101_20260630.xlsx"] and (tmp_path / "gui-chon.xlsx").stat().st_size


@pytest.mark.usefixtures("upper_engine")  # the same pages on either engine of the upper store
def test_a_changed_key_is_imported_only_after_the_operator_types_its_fingerprint(qtbot, open_window, tmp_path):
    first = export(make_commune(tmp_path / "a", seed=90), tmp_path / "out-a")
    reinstalled = export(make_commune(tmp_path / "b", seed=91), tmp_path / "out-b")  # same commune, new key
    upper = make_upper(tmp_path)
    with Books.open(upper) as books:
        window = open_window(books)
        page = window.go("upper_import")
        page.import_files([first])
        qtbot.waitUntil(lambda: len(page.results) == 1, timeout=20000)
        assert page.accept_button.isHidden()  # accepting a key is offered only for a changed key
        page.results = []
        digest = books_digest(upper.database)
        page.import_files([reinstalled])
        qtbot.waitUntil(lambda: len(page.results) == 1, timeout=20000)
        assert page.results[0].status.value == "rejected" and page.results[0].key_changed
        assert "khóa khác" in page.results[0].reason
        assert books_digest(upper.database) == digest
        assert page.accept_button.isVisible()
        new_fingerprint = page.results[0].fingerprint
        assert page.accept_new_key("0000-0000-0000-0000") is None  # not what the package was signed by
        assert "Không chấp nhận" in page.key_note.text()
        assert books_digest(upper.database) == digest
        shown = page.results
        page.accept_new_key(new_fingerprint.lower().replace("-", " "))  # as read out over the phone
        qtbot.waitUntil(lambda: page.results is not shown, timeout=20000)
        result = page.results[0]
        assert result.status.value == "imported" and result.new_key
        assert result.fingerprint in page.model.rows()[0]["reason"]
        assert window.go("settings").fields["commune_code"].text() == "290"  # Cài đặt works in upper mode
