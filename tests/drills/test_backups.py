"""Backups and restore: an online copy while others write; a restore that verifies the file (integrity,
schema version, commune code) before replacing anything, and keeps the file it replaced."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from drill_commune import books_digest, file_digest, make_commune, owing_pair

from db.migrations import LATEST_VERSION
from desktop import clock
from desktop.books import Books
from desktop.cli import main as cli_main
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.paths import DataDir
from desktop.services.backup import backup_now, restore, verify_backup
from desktop.services.checks import check_books
from desktop.services.payments import PaymentInput, record_payment
from desktop.services.settings import CommuneSetup, init_books

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = clock.today()


@pytest.fixture
def commune(tmp_path) -> DataDir:
    return make_commune(DataDir(tmp_path / "data"), households=30)


def pay(data_dir: DataDir, times: int = 1) -> None:
    with Books.open(data_dir) as books:
        project, household = owing_pair(books)
        for _ in range(times):
            record_payment(books, PaymentInput(project, household, 1_000, TODAY))


def kept_files(data_dir: DataDir) -> list[Path]:
    return sorted(data_dir.backups.glob("*.sqlite")) if data_dir.backups.exists() else []


def refused_restore(data_dir: DataDir, source: Path) -> str:
    """Restore must refuse: the live books unchanged and no file added beside them."""
    digest, files = books_digest(data_dir.database), kept_files(data_dir)
    with pytest.raises(Refused) as refused:
        restore(data_dir, source)
    assert books_digest(data_dir.database) == digest
    assert kept_files(data_dir) == files
    return refused.value.message


# --------------------------------------------------------------------------- backup


def test_backup_is_an_online_copy_taken_while_another_process_is_writing(commune, tmp_path):
    """Another process holds an open write transaction: the backup neither waits for it nor sees it."""
    committed = books_digest(commune.database)
    writer = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute(\"INSERT INTO settings VALUES ('half-written', 'x')\")\n"
         "print('writing', flush=True); sys.stdin.read(); c.execute('ROLLBACK')", str(commune.database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        with Books.open(commune) as books:
            path = backup_now(books, tmp_path / "sao lưu.sqlite")
    finally:
        writer.stdin.close()
        writer.wait(timeout=10)
    assert books_digest(path) == committed  # committed rows only, none of the half-written transaction
    info = verify_backup(path)
    assert info["schema_version"] == LATEST_VERSION and info["commune_code"] == "10507"
    # One self-contained file: nothing beside it has to be carried along.
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith("sao lưu")) == ["sao lưu.sqlite"]


def test_backup_never_overwrites_an_existing_file(commune, tmp_path):
    target = tmp_path / "sao-luu.sqlite"
    target.write_bytes(b"an older backup")
    with Books.open(commune) as books, pytest.raises(Refused, match="không ghi đè"):
        backup_now(books, target)
    assert target.read_bytes() == b"an older backup"


# --------------------------------------------------------------------------- restore


def test_restore_brings_the_backup_back_and_keeps_the_replaced_books(commune, tmp_path):
    folder = tmp_path / "ổ USB #1"  # "#" would cut a naive SQLite URI short
    folder.mkdir()
    with Books.open(commune) as books:
        backup = backup_now(books, folder / "sao lưu ?.sqlite")
    pay(commune, 3)  # work done after the backup, which the restore will undo
    replaced = books_digest(commune.database)
    result = restore(commune, backup)
    assert books_digest(commune.database) == books_digest(backup)
    assert Path(result["replaced_copy"]).is_file()
    assert books_digest(Path(result["replaced_copy"])) == replaced
    with Books.open(commune) as books:
        assert check_books(books) == []


def test_two_restores_in_the_same_second_keep_both_replaced_files(commune, tmp_path):
    with Books.open(commune) as books:
        backup = backup_now(books, tmp_path / "a.sqlite")
    pay(commune)
    first = restore(commune, backup)["replaced_copy"]
    second = restore(commune, backup)["replaced_copy"]
    assert first != second and Path(first).is_file() and Path(second).is_file()


def test_restore_into_an_empty_data_folder_sets_up_the_books(commune, tmp_path):
    with Books.open(commune) as books:
        backup = backup_now(books, tmp_path / "a.sqlite")
    fresh = DataDir(tmp_path / "máy mới")
    result = restore(fresh, backup)
    assert result["replaced_copy"] == ""
    assert books_digest(fresh.database) == books_digest(backup)


def test_restore_where_no_folder_can_be_made_is_refused_and_leaves_nothing(commune, tmp_path):
    with Books.open(commune) as books:
        backup = backup_now(books, tmp_path / "a.sqlite")
    blocker = tmp_path / "không-phải-thư-mục"
    blocker.write_text("một tệp, không phải thư mục", encoding="utf-8")
    with pytest.raises(Refused, match="Không khôi phục được"):
        restore(DataDir(blocker / "data"), backup)
    assert blocker.read_text(encoding="utf-8") == "một tệp, không phải thư mục"


def test_restore_refuses_a_backup_of_another_commune(commune, tmp_path):
    other_setup = CommuneSetup(commune_code="10510", commune_name="Xã Tân Trường", upper_code="290",
                               upper_name="Huyện Cẩm Giàng", province_code="30", province_name="Tỉnh Hải Dương",
                               mode=Mode.COMMUNE)
    other, _ = init_books(DataDir(tmp_path / "xã khác"), other_setup)
    with other:
        backup = backup_now(other, tmp_path / "xa-khac.sqlite")
    message = refused_restore(commune, backup)
    assert "10510" in message and "10507" in message and "Không khôi phục" in message


def test_restore_refuses_a_corrupt_backup(commune, tmp_path):
    with Books.open(commune) as books:
        good = backup_now(books, tmp_path / "good.sqlite")
    data = good.read_bytes()
    truncated = tmp_path / "cut.sqlite"
    truncated.write_bytes(data[: len(data) // 2])
    assert "hỏng" in refused_restore(commune, truncated)
    scrambled = tmp_path / "scrambled.sqlite"
    # Keep the header (it still says SQLite) and the first page; overwrite a stretch of the tables.
    scrambled.write_bytes(data[:8192] + bytes(range(256)) * 16 + data[8192 + 4096:])
    assert "hỏng" in refused_restore(commune, scrambled)


def test_restore_refuses_a_backup_from_a_newer_program(commune, tmp_path):
    with Books.open(commune) as books:
        newer = backup_now(books, tmp_path / "newer.sqlite")
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    message = refused_restore(commune, newer)
    assert "phiên bản mới hơn" in message and str(LATEST_VERSION + 1) in message


def test_restore_refuses_files_that_are_not_our_backups(commune, tmp_path):
    text = tmp_path / "ghi-chu.sqlite"
    text.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    assert "không phải SQLite" in refused_restore(commune, text)
    foreign = tmp_path / "khac.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert "chương trình khác" in refused_restore(commune, foreign)
    assert "Không tìm thấy" in refused_restore(commune, tmp_path / "khong-co.sqlite")


def test_restore_of_an_old_schema_backup_upgrades_it_and_keeps_both_copies(commune, tmp_path):
    old = tmp_path / "v1.sqlite"
    shutil.copyfile(FIXTURES / "schema_v1.sqlite", old)
    before = file_digest(old)
    result = restore(commune, old)
    assert result["schema_version"] == 1
    assert file_digest(old) == before  # the backup itself is only read
    with Books.open(commune) as books:
        assert books.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert check_books(books) == []
    names = [p.name for p in kept_files(commune)]
    assert any("bi-thay-the" in n for n in names) and any("truoc-nang-cap-v1" in n for n in names)


def test_restore_while_the_books_are_locked_is_a_vietnamese_refusal(commune, tmp_path, monkeypatch):
    with Books.open(commune) as books:
        backup = backup_now(books, tmp_path / "a.sqlite")
    monkeypatch.setattr("db.connection.BUSY_TIMEOUT_MS", 200)
    locker = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE')\n"
         "print('locked', flush=True); sys.stdin.read()", str(commune.database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        digest = books_digest(commune.database)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli_main(["--data-dir", str(commune.root), "restore", str(backup)])
    finally:
        locker.stdin.close()
        locker.wait(timeout=10)
    assert code == 2, err.getvalue()
    assert "đang được một chương trình khác ghi" in err.getvalue()
    assert books_digest(commune.database) == digest
