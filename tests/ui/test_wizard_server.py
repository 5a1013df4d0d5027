"""The set-up wizard's PostgreSQL field: an upper level set up with its store on a server (in a worker), and
an address the program cannot use refused under the field with nothing created."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from tests.conftest import POSTGRES_ENV


def _upper_step(qtbot, data_dir):
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert not wizard.server.isVisible()  # a commune's books are always the file in its data folder
    wizard.choose_level(upper=True)
    assert wizard.server.isVisible() and wizard.server_label.buddy() is wizard.server
    assert wizard.server_label.text() == "&Máy chủ PostgreSQL:" and "Để trống" in wizard.server_hint.text()
    for key, value in (("commune_code", "30"), ("commune_name", "Tỉnh Hải Dương"), ("upper_code", ""),
                       ("upper_name", ""), ("province_code", "30"), ("province_name", "Tỉnh Hải Dương")):
        wizard.fields[key].setText(value)
    return wizard


def _finished(wizard) -> bool:
    from ui.workers import idle

    return idle() and wizard.next.isEnabled()


@pytest.mark.parametrize(("address", "words"), [
    ("mysql://vonxoay@may-chu/vonxoay", "không đúng dạng"),
    ("postgresql://nobody@/none?host=/nonexistent&port=1", "Không kết nối được cơ sở dữ liệu PostgreSQL"),
])
def test_an_address_the_program_cannot_use_is_refused_under_the_field_and_nothing_is_created(
        qtbot, data_dir, address, words):
    wizard = _upper_step(qtbot, data_dir)
    wizard.server.setText(address)
    qtbot.keyClick(wizard.next, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _finished(wizard) and bool(wizard.server_error.text()), timeout=20000)
    assert words in wizard.server_error.text()
    assert wizard.server.property("invalid") == "true" and wizard.error.text() == ""
    assert wizard.books is None and wizard.result() != wizard.DialogCode.Accepted
    assert not data_dir.database.exists()
    # Emptied, the field keeps the store in this computer: set up at once.
    wizard.server.clear()
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.result() == wizard.DialogCode.Accepted and wizard.server_error.text() == ""
    wizard.books.close()


def test_the_units_details_are_checked_before_the_server_is_reached(qtbot, data_dir):
    wizard = _upper_step(qtbot, data_dir)
    wizard.fields["commune_code"].setText("10507")  # a commune's code, not a consolidating unit's
    wizard.server.setText("postgresql://nobody@/none?host=/nonexistent&port=1")
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert "Mã đơn vị tổng hợp" in wizard.error.text() and wizard.server_error.text() == ""
    assert wizard.next.isEnabled() and not data_dir.database.exists()


def test_an_upper_level_is_set_up_on_the_server_and_the_window_reads_it_there(qtbot, data_dir):
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"no PostgreSQL server for the tests ({POSTGRES_ENV} not set; packaging/dev.py test starts one)")
    from desktop.upper_store import POSTGRESQL, engine_of, upper_store
    from tests import sync_helpers
    from ui.main_window import UPPER_KEYS, MainWindow

    url = sync_helpers.new_test_database()
    try:
        wizard = _upper_step(qtbot, data_dir)
        wizard.server.setText(url)
        qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.result() == wizard.DialogCode.Accepted, timeout=30000)
        books = wizard.books
        try:
            assert engine_of(books) == POSTGRESQL and books.setting("upper_database") == url
            assert upper_store(books).execute("SELECT count(*) FROM upper_commune").fetchone()[0] == 0
            window = MainWindow(books)
            qtbot.addWidget(window)
            window.show()
            assert window.upper_mode and window.keys == UPPER_KEYS
            window.close()
        finally:
            books.close()
        # A database holding another program's tables is refused, under the field, and left as it was.
        import psycopg

        other = sync_helpers.new_test_database()
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute("CREATE TABLE khach_hang (id integer)")
        second = data_dir.root.parent / "may-thu-hai"
        from desktop.paths import DataDir

        wizard = _upper_step(qtbot, DataDir(second))
        wizard.server.setText(other)
        qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _finished(wizard) and bool(wizard.server_error.text()), timeout=30000)
        assert "chương trình khác" in wizard.server_error.text()
        assert not DataDir(second).database.exists()
        with psycopg.connect(other, autocommit=True) as conn:
            assert [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                               "WHERE table_schema = 'public'")] == ["khach_hang"]
    finally:
        from ui.workers import wait_for_workers

        wait_for_workers(20000)
        sync_helpers.drop_test_databases()
