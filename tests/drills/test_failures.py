"""Disk full, read-only data folder, books locked by another process: a clear Vietnamese message, nothing lost.

Each drill records payments up to the failure, proves the failed one left the books byte-for-byte as they
were (``books_digest``), and that once the cause is gone the next receipt takes the very next number.
"""

from __future__ import annotations

import io
import shutil
import stat
import subprocess
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from drill_commune import INIT_ARGS, AsAnotherUser, books_digest, last_number, make_commune, owing_pair

from desktop import clock
from desktop.books import Books
from desktop.cli import main as cli_main
from desktop.errors import Refused
from desktop.paths import DataDir
from desktop.services.checks import check_books
from desktop.services.payments import PaymentInput, record_payment

TODAY = clock.today()


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(list(args))
    return code, out.getvalue(), err.getvalue()


def assert_whole(data_dir: DataDir) -> None:
    with Books.open(data_dir) as books:
        assert books.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check_books(books) == []


# --------------------------------------------------------------------------- disk full


def test_disk_full_refuses_the_payment_in_vietnamese_and_keeps_every_earlier_one(tmp_path, drill_figures):
    data_dir = make_commune(DataDir(tmp_path / "data"))
    books = Books.open(data_dir)
    project, household = owing_pair(books)
    number_before = last_number(books, TODAY.year)
    # SQLite's own size limit stands in for a full disk: the write fails with SQLITE_FULL, the same error
    # and the same code path as a disk that has no room left.
    pages = books.conn.execute("PRAGMA page_count").fetchone()[0]
    books.conn.execute(f"PRAGMA max_page_count = {pages}")
    recorded = []
    refusal = None
    for _ in range(2000):
        before = books_digest(data_dir.database)
        try:
            recorded.append(record_payment(books, PaymentInput(project, household, 1_000, TODAY)).to_json()["receipt"])
        except Refused as exc:
            refusal = exc
            break
    assert refusal is not None, "the page limit was never reached"
    assert "Ổ đĩa đã đầy" in refusal.message and "dữ liệu cũ vẫn còn nguyên" in refusal.message
    assert books_digest(data_dir.database) == before
    assert not books.conn.in_transaction

    # Room again (the clerk freed some space): the next receipt continues the numbering, no gap.
    books.conn.execute("PRAGMA max_page_count = 1073741823")
    after = record_payment(books, PaymentInput(project, household, 1_000, TODAY)).to_json()["receipt"]
    assert [r["number"] for r in recorded] == list(range(number_before + 1, number_before + 1 + len(recorded)))
    assert after["number"] == number_before + len(recorded) + 1
    books.close()
    assert_whole(data_dir)
    drill_figures.append(f"disk full: refused after {len(recorded)} payments fitted, books unchanged, "
                         "numbering continued after space was freed, problems found: 0")


WAL_INDEX_BYTES = 32_768  # SQLite's -shm file: the one file that must always be writable in full


def run_cli_with_file_size_limit(limit: int, *args: str) -> subprocess.CompletedProcess:
    """The real command line in its own process, allowed to write files only up to ``limit`` bytes.

    RLIMIT_FSIZE makes the operating system refuse writes past the limit, as a disk with no room left
    refuses them (short write, then EFBIG instead of ENOSPC); Python ignores the SIGXFSZ that comes with it.
    """
    import resource

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "desktop", *args], preexec_fn=limit_file_size,
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_disk_full_for_the_operating_system_refuses_the_payment_and_keeps_the_books(tmp_path, drill_figures):
    data_dir = make_commune(DataDir(tmp_path / "data"))
    with Books.open(data_dir) as books:
        project, household = owing_pair(books)
        number_before = last_number(books, TODAY.year)
    pay = ["--data-dir", str(data_dir.root), "pay", "--project", project, "--household", household,
           "--amount", "1000", "--on", TODAY.isoformat()]
    # Room for the write-ahead log's index and a frame or two: not for a whole payment.
    outcomes = []
    for _ in range(5):
        digest = books_digest(data_dir.database)
        result = run_cli_with_file_size_limit(WAL_INDEX_BYTES + 3 * 4096, *pay)
        outcomes.append(result.returncode)
        if result.returncode != 0:
            break
    assert result.returncode == 2, result.stderr
    assert ("Ổ đĩa đã đầy" in result.stderr or "Không ghi được xuống ổ đĩa" in result.stderr), result.stderr
    assert "dữ liệu cũ vẫn còn nguyên" in result.stderr.lower()
    assert books_digest(data_dir.database) == digest
    recorded = outcomes.count(0)
    with Books.open(data_dir) as books:
        receipt = record_payment(books, PaymentInput(project, household, 1_000, TODAY)).to_json()["receipt"]
    assert receipt["number"] == number_before + recorded + 1
    assert_whole(data_dir)
    said = "Ổ đĩa đã đầy" if "Ổ đĩa đã đầy" in result.stderr else "Không ghi được xuống ổ đĩa"
    drill_figures.append(f"disk full (operating system, file size limit): payment refused with “{said} …” "
                         f"after {recorded} went through, books unchanged, problems found: 0")


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_backup_onto_a_full_disk_is_refused_and_leaves_no_half_copy(tmp_path):
    data_dir = make_commune(DataDir(tmp_path / "data"))
    target = tmp_path / "usb"
    target.mkdir()
    size = data_dir.database.stat().st_size
    result = run_cli_with_file_size_limit(size // 2, "--data-dir", str(data_dir.root), "backup", "--out",
                                          str(target / "sao-luu.sqlite"))
    assert result.returncode == 2, result.stderr
    assert "Không ghi được bản sao lưu" in result.stderr
    assert list(target.iterdir()) == []


# --------------------------------------------------------------------------- read-only data folder


@pytest.fixture
def shared_tmp():
    """A folder an ordinary user may enter (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="vonxoay-drill-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def make_read_only(path: Path) -> None:
    for item in path.iterdir():
        item.chmod(item.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    path.chmod(0o555)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_data_folder_refuses_to_record_and_loses_nothing(shared_tmp):
    data_dir = make_commune(DataDir(shared_tmp / "data"))
    with Books.open(data_dir) as books:
        project, household = owing_pair(books)
        number_before = last_number(books, TODAY.year)
    digest = books_digest(data_dir.database)
    make_read_only(data_dir.root)
    try:
        with AsAnotherUser():
            code, out, err = run_cli("--data-dir", str(data_dir.root), "pay", "--project", project, "--household",
                                     household, "--amount", "1000", "--on", TODAY.isoformat())
    finally:
        data_dir.root.chmod(0o755)
        data_dir.database.chmod(0o644)
    assert code == 2, (out, err)
    assert "chỉ cho đọc" in err and err.startswith("Lỗi: ")
    assert "Traceback" not in err
    assert books_digest(data_dir.database) == digest
    # Write access back: the payment goes through with the next number.
    with Books.open(data_dir) as books:
        receipt = record_payment(books, PaymentInput(project, household, 1_000, TODAY)).to_json()["receipt"]
    assert receipt["number"] == number_before + 1
    assert_whole(data_dir)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_new_books_in_a_read_only_folder_are_refused_in_vietnamese(shared_tmp):
    parent = shared_tmp / "chỉ đọc"
    parent.mkdir()
    parent.chmod(0o555)
    with AsAnotherUser():
        code, out, err = run_cli("--data-dir", str(parent / "data"), *INIT_ARGS)
    assert code == 2, (out, err)
    assert "Không tạo được thư mục dữ liệu" in err
    assert list(parent.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_backup_into_a_read_only_folder_is_refused_and_leaves_no_partial_file(shared_tmp):
    data_dir = make_commune(DataDir(shared_tmp / "data"))
    target = shared_tmp / "usb"
    target.mkdir()
    target.chmod(0o555)
    shared_tmp.chmod(0o777)
    data_dir.root.chmod(0o777)
    data_dir.database.chmod(0o666)
    with AsAnotherUser():
        code, out, err = run_cli("--data-dir", str(data_dir.root), "backup", "--out", str(target / "sao-luu.sqlite"))
    assert code == 2, (out, err)
    assert "Không ghi được bản sao lưu" in err
    assert list(target.iterdir()) == []


# --------------------------------------------------------------------------- locked by another process

LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO settings (key, value) VALUES ('locker', 'x')")
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the drill closes our stdin
conn.execute("ROLLBACK")
"""


@pytest.fixture
def locked_books(tmp_path):
    data_dir = make_commune(DataDir(tmp_path / "data"))
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(data_dir.database)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert locker.stdout.readline().strip() == "locked"
    yield data_dir, locker
    if locker.poll() is None:
        locker.stdin.close()
        locker.wait(timeout=10)


def test_books_locked_by_another_process_refuse_the_payment_then_take_it(locked_books):
    data_dir, locker = locked_books
    books = Books.open(data_dir)  # reading goes on while another process writes (WAL)
    project, household = owing_pair(books)
    number_before = last_number(books, TODAY.year)
    digest = books_digest(data_dir.database)
    books.conn.execute("PRAGMA busy_timeout = 300")  # the program waits 5 s; the drill need not
    with pytest.raises(Refused) as refused:
        record_payment(books, PaymentInput(project, household, 1_000, TODAY))
    assert "đang được một chương trình khác ghi" in refused.value.message
    assert not books.conn.in_transaction
    assert books_digest(data_dir.database) == digest

    locker.stdin.close()
    assert locker.wait(timeout=10) == 0
    receipt = record_payment(books, PaymentInput(project, household, 1_000, TODAY)).to_json()["receipt"]
    assert receipt["number"] == number_before + 1
    books.close()
    assert_whole(data_dir)


@pytest.mark.slow
def test_command_line_waits_five_seconds_for_a_lock_then_refuses_in_vietnamese(locked_books):
    data_dir, _ = locked_books
    with Books.open(data_dir) as books:
        project, household = owing_pair(books)
    digest = books_digest(data_dir.database)
    code, out, err = run_cli("--data-dir", str(data_dir.root), "pay", "--project", project, "--household",
                             household, "--amount", "1000", "--on", TODAY.isoformat())
    assert code == 2, (out, err)
    assert "đang được một chương trình khác ghi" in err
    assert books_digest(data_dir.database) == digest

