"""The window's side of trusting nothing: one copy per data folder brings the first forward, a code that could
name a path is refused on the settings page, and damaged books point the clerk at Khôi phục."""

from __future__ import annotations

from desktop.damage import DamagedBooks
from tests.conftest import books_digest
from tests.test_hardening import damage_a_page_of


def test_a_second_copy_brings_the_open_window_forward(qtbot, data_dir):
    from ui.lock import ShowRequests, ask_to_show

    requests = ShowRequests(data_dir)
    assert requests.listening
    with qtbot.waitSignal(requests.show_requested, timeout=20000):
        assert ask_to_show(data_dir)
    requests.close()
    assert not ask_to_show(data_dir)  # nobody listens any more: the second copy only says so


def test_the_already_open_message_names_the_holder():
    from desktop.instance_lock import Holder
    from ui.lock import already_open_message

    text = already_open_message(Holder(4242, "may-xa", "ketoan", "07:30 01/12/2026"), True)
    assert "đang mở" in text and "tiến trình 4242" in text and "đưa lên trước" in text
    assert "không rõ tiến trình nào" in already_open_message(Holder(), False)


def test_the_settings_page_refuses_a_code_that_could_name_a_path(window, demo_books, settle):
    page = window.go("settings")
    before = books_digest(demo_books.data_dir.database)
    page.fields["province_code"].setText("../../x")
    page.save()
    settle()
    assert "Mã tỉnh" in page.error.text() and "không hợp lệ" in page.error.text()
    page.fields["province_code"].setText(demo_books.setting("province_code"))
    page.fields["receipt_book"].setText("../x")
    page.save()
    settle()
    assert "Quyển phiếu thu" in page.error.text()
    assert books_digest(demo_books.data_dir.database) == before


def test_damaged_books_refuse_the_write_and_offer_the_newest_backup(window, demo_books, settle):
    from desktop.services.backup import backup_now
    from desktop.services.settings import update_settings
    from ui.operations import run_op

    good = backup_now(demo_books)
    damage_a_page_of(demo_books.data_dir.database, "household_category")
    failures = []
    run_op(window, demo_books, lambda books: update_settings(books, {"signer_clerk": "Ai Đó"}),
           on_failure=failures.append)
    settle()
    assert len(failures) == 1 and isinstance(failures[0], DamagedBooks)
    assert good.name in failures[0].message
    page = window.page("settings")
    assert page.restore_path.text() == str(good)
    assert "bị hỏng" in page.backup_status.text() and "Khôi phục" in page.backup_status.text()


def test_a_second_window_brings_the_first_forward_and_exits(data_dir, qapp):
    """Two real copies on one folder: the second says so on stderr, the first is asked to come forward."""
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import REPO
    from ui.lock import ask_to_show

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    window = [sys.executable, "-m", "ui", "--data-dir", str(data_dir.root)]
    first = subprocess.Popen([*window, "--quit-after", "20000"], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        deadline = time.monotonic() + 60
        while not ask_to_show(data_dir):  # the first window listens once it is on screen
            assert first.poll() is None and time.monotonic() < deadline, "the first window never listened"
            time.sleep(0.2)
        before = books_digest(data_dir.database)
        second = subprocess.run([*window, "--quit-after", "300"], env=env, cwd=REPO, capture_output=True, text=True,
                                encoding="utf-8", timeout=120)
        assert second.returncode == 3, second.stderr
        assert "VốnXoay đang mở" in second.stderr and f"tiến trình {first.pid}" in second.stderr
        assert "đưa lên trước" in second.stderr
        assert books_digest(data_dir.database) == before
    finally:
        first.kill()
        first.wait(10)
