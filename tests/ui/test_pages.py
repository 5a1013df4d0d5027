"""Each page over a small demo commune: lazy household table, search without diacritics, dashboard,
receipt register printing, reports, settings and backups, printing, the single-copy lock."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from desktop import clock
from desktop.services.payments import PaymentInput, record_payment
from desktop.services.schedules import due_list
from desktop.text import fold
from ui.main_window import KEYS


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_household_table_fetches_lazily_and_counts_all(window):
    page = window.go("households")
    assert page.model.total == 1200
    assert page.model.rowCount() == 500  # only the first page; the rest comes as the clerk scrolls
    page.model.fetchMore()
    assert page.model.rowCount() == 1000
    page.table.scrollToBottom()  # scrolling to the end is what fetches the rest
    assert page.model.rowCount() == 1200
    assert page.count.text() == "1.200 hộ"


def test_search_without_diacritics_finds_the_household(window, qtbot):
    page = window.go("households")
    name = next(page.model.row_at(r)["head_name"] for r in range(100, 500)
                if fold(page.model.row_at(r)["head_name"]) != page.model.row_at(r)["head_name"].lower())
    window._focus_search()
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, fold(name))  # typed with no diacritics at all, đ as d
    qtbot.waitUntil(lambda: page.model.total < 1200, timeout=20000)
    shown = [page.model.row_at(r)["head_name"] for r in range(page.model.rowCount())]
    assert name in shown
    assert all(fold(name) in fold(n) for n in shown)


def test_filters_by_category_and_hamlet(window, qtbot):
    page = window.go("households")
    with qtbot.waitSignal(page.results_shown, timeout=20000):
        page.category.setCurrentIndex(1)  # Hộ nghèo
    poor = page.model.total
    assert 0 < poor < 1200
    assert {page.model.row_at(r)["category"] for r in range(page.model.rowCount())} == {"poor"}
    with qtbot.waitSignal(page.results_shown, timeout=20000):
        page.hamlet.setCurrentIndex(1)
    assert page.model.total <= poor
    assert {page.model.row_at(r)["hamlet"] for r in range(page.model.rowCount())} == {page.hamlet.currentText()}


def test_household_page_shows_history_projects_schedule_and_receipts(window, demo_books, settle):
    from desktop.domain import Category
    from desktop.services.dashboard import receipt_register

    code = receipt_register(demo_books, limit=1)[0]["household"]
    view = window.go("households").open_household(code)
    assert [view.tabs.tabText(i).split(" (")[0] for i in range(view.tabs.count())] == [
        "Lịch sử phân loại", "Dự án", "Lịch hoàn trả", "Phiếu thu"]
    assert view.tabs.widget(3).model().rowCount() >= 1
    assert view.tabs.widget(2).model().rowCount() >= 2
    history = view.tabs.widget(0).model()
    before = history.rowCount()
    review = view.review_category(code)
    review.category.setCurrentIndex(review.category.findData(Category.ESCAPED))
    review.save.click()
    settle()
    assert history.rowCount() in (before, before + 1)
    if review.result() != review.DialogCode.Accepted:  # same-day review already there: refused, shown on the form
        assert review.error.text()
    else:
        assert history.row(history.rowCount() - 1)["category"] == "escaped"


def test_every_page_opens_and_the_header_names_the_commune(window):
    for key in KEYS:
        window.go(key)
        assert window.pages.currentWidget() is window.page(key)
    assert "Xã Đức Chính" in window.commune_label.text()
    assert "Số liệu đến ngày" in window.as_of_label.text()


def test_dashboard_due_list_opens_the_payment_dialog_in_one_click(window, qtbot):
    page = window.page("dashboard")
    figures = page.figures
    assert figures.overdue_amount == sum(a for _, a in figures.overdue_by_bucket.values())
    assert len(figures.recovery_by_month) == 12 and any(v for _, v in figures.recovery_by_month)
    assert page.due_model.rowCount() == len(figures.due_soon) > 0
    due = page.due_model.row(0)
    opened = []
    original = window.open_payment
    window.open_payment = lambda h="", p="": opened.append(original(h, p)) or opened[-1]
    page.due_table.doubleClicked.emit(page.due_model.index(0, 0))
    assert opened and opened[0].household_code == due["household"]
    assert opened[0].project.currentData() == due["project"]


def test_receipt_preview_prints_every_page_through_qprinter(window, tmp_path, settle):
    from ui.dialogs.pdf_preview import PdfPreviewDialog

    page = window.go("receipts")
    settle()
    page.table.selectRow(0)
    page.print_selected()
    settle()
    path = page.last_preview.path
    assert path.exists()
    preview = PdfPreviewDialog(path, "thử", window)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert preview.print_to(printer) == 1
    assert pdf_pages(tmp_path / "printed.pdf") == 1
    saved = preview.save_to(tmp_path / "saved.pdf")
    assert saved.read_bytes() == path.read_bytes()


def test_reprint_is_stamped_as_a_copy(window, settle, tmp_path):
    import subprocess as sp

    page = window.go("receipts")
    settle()
    page.table.selectRow(0)
    page.print_selected()
    settle()
    first = page.last_preview.path
    assert "BẢN SAO" not in sp.run(["pdftotext", str(first), "-"], capture_output=True, text=True).stdout
    page.last_preview.save_to(tmp_path / "phieu.pdf")  # saved: now it counts as printed
    settle()
    page.table.selectRow(0)
    page.print_selected()
    settle()
    second = page.last_preview.path
    assert "BẢN SAO" in sp.run(["pdftotext", str(second), "-"], capture_output=True, text=True).stdout


def test_batch_print_runs_in_a_worker_and_writes_every_receipt(window, qtbot, demo_books, settle):
    # This month's receipts, whatever the date: on the 1st the demo may have none yet, so two households pay today.
    today = clock.today()
    owing = list(dict.fromkeys((r["project"], r["household"]) for r in due_list(demo_books, today)["rows"]))[:2]
    taken = {record_payment(demo_books, PaymentInput(project, household, 1_000, today)).receipt.id
             for project, household in owing}
    assert len(taken) == 2
    page = window.go("receipts")
    page.use_dates.setChecked(True)
    page.date_from.set_date(page.date_to.value().replace(day=1))
    page.refresh()
    settle()
    rows = page.model.rows()
    assert taken <= {r["id"] for r in rows}
    assert all(f"{today:%Y-%m}-01" <= r["issued_on"] <= today.isoformat() for r in rows)
    with qtbot.waitSignal(page.batch_printed, timeout=20000) as blocker:
        page.print_batch()
    assert pdf_pages(blocker.args[0]) == len(rows)


def test_settings_save_and_backup_update_the_header(window, qtbot, demo_books, settle):
    page = window.go("settings")
    page.fields["signer_cashier"].setText("Lê Thị Mai")
    assert page.save() == {"signer_cashier": "Lê Thị Mai"}
    settle()
    assert demo_books.setting("signer_cashier") == "Lê Thị Mai"
    with qtbot.waitSignal(page.backup_written, timeout=20000) as blocker:
        page.backup()
    assert Path(blocker.args[0]).exists()
    assert "chưa có" not in window.backup_label.text()
    page.restore_path.setText(blocker.args[0])
    assert page.restore() is None  # not confirmed: nothing replaced
    page.restore_confirm.setChecked(True)
    result = page.restore()
    assert result["commune_code"] == "10507"
    assert window.page("settings") is not page  # pages rebuilt from the restored books


def test_restore_refuses_a_file_that_is_not_a_backup(window, tmp_path):
    page = window.go("settings")
    bogus = tmp_path / "khong-phai.sqlite"
    bogus.write_text("hello")
    page.restore_path.setText(str(bogus))
    page.restore_confirm.setChecked(True)
    assert page.restore() is None
    assert page.restore_path.property("invalid") == "true"
    assert "không phải" in page.backup_status.text()


def test_a_second_copy_on_the_same_data_is_refused(data_dir):
    from ui.lock import DataLock

    first, second = DataLock(data_dir), DataLock(data_dir)
    assert first.acquire()
    try:
        assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()
    second.release()


def test_project_page_lists_members_and_prints_the_public_notice(window):
    view = window.go("projects").open_project("DA01")
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles[:4] == ["Quy định quỹ", "Kinh phí", titles[2], titles[3]]
    assert titles[2].startswith("Hộ tham gia") and titles[3].startswith("Phê duyệt")
    assert view.tabs.widget(2).model().rowCount() > 0 and view.approvals.model.rowCount() > 0
    assert titles[-2].startswith("Đơn vị chủ trì")  # the lead tab, then the handover records (support in kind)
    assert titles[-1].startswith("Bàn giao (")
    assert any(t.startswith("Phiếu chi (") for t in titles)
    path = view.print_notice()
    assert path.exists() and "DA01" in path.name


def test_fonts_are_loaded_from_the_program_itself():
    from PySide6.QtGui import QFontDatabase

    from ui.theme import load_fonts

    assert "Liberation Sans" in load_fonts()
    assert "Liberation Sans" in QFontDatabase.families()


def test_dev_run_opens_with_a_demo_when_there_is_no_data(data_dir):
    """What `packaging/dev.py run` starts (`python -m ui`), as its own process, quitting by itself."""
    import os
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "ui", "--data-dir", str(data_dir.root), "--quit-after", "300"],
                         env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert run.returncode == 0, run.stderr
    assert data_dir.database.exists()
    assert (data_dir.logs / "vonxoay.log").exists()


def test_error_messages_are_plain_vietnamese_and_logged(data_dir):
    from desktop.errors import Refused
    from ui.errors import message_for, setup_logging

    log = setup_logging(data_dir.logs)
    assert message_for(Refused("Số tiền quá lớn.")) == "Số tiền quá lớn."
    text = message_for(RuntimeError("boom"))
    assert "lỗi ngoài dự kiến" in text and str(log) in text


def test_nav_shortcuts(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.nav.currentRow() == KEYS.index("households")


def test_household_edit_keeps_the_code_and_saves_the_change(window, qtbot, demo_books, settle):
    from desktop.services.dashboard import household_file

    page = window.go("households")
    code = page.model.row_at(5)["code"]
    form = page.edit_household(code)
    assert form.code.isReadOnly()
    form.phone.setText("0912345678")
    form.submit()
    settle()
    assert form.result() == form.DialogCode.Accepted, form.error.text()
    assert household_file(demo_books, code)["household"]["phone"] == "0912345678"


def test_cancelled_work_reports_nothing_and_calls_no_success(qtbot):
    import threading
    import time

    from ui.workers import Cancelled, run_task

    started, results, failures = threading.Event(), [], []

    def work(progress, cancelled):
        started.set()
        while not cancelled():
            progress(1, 2)
            time.sleep(0.005)
        raise Cancelled()

    task = run_task(None, "thử", work, results.append, failures.append, show_progress=False)
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(task.done.is_set, timeout=20000)
    qtbot.wait(50)
    assert results == [] and failures == []  # a cancel is neither a result nor an error to show


def test_an_unexpected_error_is_shown_in_vietnamese_and_logged(qtbot, data_dir):
    from ui.errors import setup_logging, show_error

    log = setup_logging(data_dir.logs)
    box = show_error(None, KeyError("household"))
    qtbot.waitUntil(box.isVisible, timeout=20000)
    assert "lỗi ngoài dự kiến" in box.text()
    box.close()
    assert "KeyError" in log.read_text(encoding="utf-8")


def test_the_first_start_of_the_day_backs_up_once(window, qtbot, demo_books):
    task = window.backup_if_due()
    assert task is not None
    qtbot.waitUntil(lambda: "chưa có" not in window.backup_label.text(), timeout=20000)
    assert len(list(demo_books.data_dir.backups.glob("vonxoay-*.sqlite"))) == 1
    assert window.backup_if_due() is None  # today's copy exists


def test_the_day_of_the_last_backup_is_read_on_the_programs_clock(window, qtbot, demo_books):
    """Yesterday's copy, by the program's clock (VONXOAY_TODAY moves it too), does not count as today's,
    although its file was written a moment ago; the header shows the day the program gave it."""
    today = clock.today()
    yesterday = today - timedelta(days=1)
    with clock.frozen(yesterday):
        assert window.backup_if_due() is not None
        qtbot.waitUntil(lambda: "chưa có" not in window.backup_label.text(), timeout=20000)
        assert f"{yesterday:%d/%m/%Y}" in window.backup_label.text()
        assert window.backup_if_due() is None
    assert window.backup_if_due() is not None  # a new day: the first start backs up again
    qtbot.waitUntil(lambda: f"{today:%d/%m/%Y}" in window.backup_label.text(), timeout=20000)
    days = sorted(name[len("vonxoay-tu-dong-"):][:8] for name in
                  (p.name for p in demo_books.data_dir.backups.glob("vonxoay-tu-dong-*.sqlite")))
    assert days == [f"{yesterday:%Y%m%d}", f"{today:%Y%m%d}"]
    assert window.backup_if_due() is None
