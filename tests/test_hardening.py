"""What the books trust at their own boundary: a damaged file takes no more writes, codes and book names
never reach a file name unchecked, impossible dates are refused, and one copy of the program holds a folder."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from desktop import clock
from desktop.books import Books
from desktop.damage import DamagedBooks
from desktop.errors import Refused
from desktop.instance_lock import LOCK_FILE, DataLock, Holder, parse_holder
from desktop.paths import DataDir
from desktop.services.payments import PaymentInput, record_payment
from desktop.services.settings import CommuneSetup, init_books, update_settings
from desktop.sync import format as fmt
from desktop.validation import check_book, check_code, file_part
from tests.conftest import COMMUNE, INIT_ARGS, REPO, books_digest, run_cli


def refused(result, *fragments: str) -> str:
    """Exit 2 with one Vietnamese line on stderr holding every fragment; returns that line."""
    assert result.code == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("Lỗi") and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    return result.stderr


def file_state(database: Path) -> dict[str, str]:
    """The bytes of the database and whatever lies beside it: a refused write changes none of them."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(database.parent.glob(database.name + "*"))}


# -- a demo commune made once, copied for each test that damages or changes it --------------------------------

@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> DataDir:
    template = DataDir(tmp_path_factory.mktemp("demo") / "data")
    result = run_cli(template, "demo", "--households", "300", "--json")
    assert result.code == 0, result.stderr
    return template


@pytest.fixture
def demo(demo_template, tmp_path) -> DataDir:
    copy = DataDir(tmp_path / "demo")
    shutil.copytree(demo_template.root, copy.root)
    return copy


def unpaid(data_dir: DataDir) -> tuple[str, str]:
    """A project and household that still owe something: a payment for them would be accepted."""
    for project in ("DA01", "DA02", "DA03", "DA04"):
        rows = run_cli(data_dir, "schedule", "--project", project, "--json").json["rows"]
        for row in rows:
            if row["outstanding"] > 0:
                return project, row["household"]
    raise AssertionError("the demo has nothing left to pay")


def pay_args(project: str, household: str, *extra: str) -> list[str]:
    return ["pay", "--project", project, "--household", household, "--amount", "10000",
            "--on", clock.today().isoformat(), "--book", "HL", *extra]


def damage_a_page_of(database: Path, table: str) -> int:
    """Overwrite one page in the middle of ``table``'s B-tree with garbage, the way a failing disk does."""
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    assert len(pages) > 2, pages
    page = pages[len(pages) // 2]
    time.sleep(0.02)  # a file system's clock may be coarse: let the damage change the file's time
    with database.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))
    return page


# -- item 6: damaged books take no more writes ------------------------------------------------------------------

def test_a_damaged_file_takes_no_payment_and_names_the_newest_good_backup(demo):
    project, household = unpaid(demo)
    older = run_cli(demo, "backup", "--out", str(demo.backups / "vonxoay-20250101-080000.sqlite"), "--json")
    newer = run_cli(demo, "backup", "--out", str(demo.backups / "vonxoay-20251130-170500.sqlite"), "--json")
    assert older.code == newer.code == 0
    # A damaged copy set aside by an earlier restore is newer still, but never offered.
    shutil.copy(demo.backups / "vonxoay-20251130-170500.sqlite",
                demo.backups / "vonxoay-bi-hong-20251201-090000.sqlite")
    damage_a_page_of(demo.database, "household_category")  # a table the payment itself never reads
    before = file_state(demo.database)
    message = refused(run_cli(demo, *pay_args(project, household)), "bị hỏng", "Không ghi thêm gì",
                      "vonxoay-20251130-170500.sqlite", "17:05 ngày 30/11/2025", "Khôi phục")
    assert "bi-hong" not in message
    assert file_state(demo.database) == before
    # `check` still reports the damage (it is asked to look, not to write).
    checked = run_cli(demo, "check", "--json")
    assert checked.code == 0 and checked.json["ok"] is False
    assert file_state(demo.database) == before


def test_a_damaged_file_without_any_good_backup_says_where_to_look(demo):
    project, household = unpaid(demo)
    damage_a_page_of(demo.database, "audit_log")
    before = file_state(demo.database)
    refused(run_cli(demo, *pay_args(project, household)), "bị hỏng", "Không thấy bản sao lưu nào còn tốt")
    assert file_state(demo.database) == before


def test_the_payment_is_refused_by_the_real_program_too(demo):
    """The same drill as a separate process: exit 2, the message, the file byte-identical."""
    project, household = unpaid(demo)
    run_cli(demo, "backup", "--json")
    damage_a_page_of(demo.database, "household_category")
    before = file_state(demo.database)
    proc = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(demo.root),
                           *pay_args(project, household)], capture_output=True, text=True, encoding="utf-8",
                          cwd=REPO, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "bị hỏng" in proc.stderr and "Hãy khôi phục bản sao lưu gần nhất" in proc.stderr
    assert file_state(demo.database) == before


def test_damage_seen_inside_a_transaction_is_refused_and_checked_again(books):
    with pytest.raises(DamagedBooks) as refusal, books.transaction() as conn:
        conn.execute("UPDATE settings SET value = 'x' WHERE key = 'commune_name'")
        raise sqlite3.DatabaseError("database disk image is malformed")
    assert "bị hỏng" in refusal.value.message
    assert books.setting("commune_name") == COMMUNE.commune_name  # rolled back
    checks = []
    books.conn.set_trace_callback(lambda sql: checks.append(sql) if "quick_check" in sql else None)
    with books.transaction():
        pass
    assert len(checks) == 1  # the file is checked again before the next write


def test_the_quick_check_runs_once_per_file_not_once_per_payment(demo):
    """The window opens a connection for every write: the check must not be paid again each time."""
    checks = []
    for _ in range(3):
        with Books.open(demo) as opened:
            opened.conn.set_trace_callback(lambda sql: checks.append(sql) if "quick_check" in sql else None)
            with opened.transaction() as conn:
                conn.execute("UPDATE settings SET value = value WHERE key = 'commune_name'")
    assert len(checks) <= 1


# -- item 7: codes and receipt book names -----------------------------------------------------------------------

TRAVERSALS = ["../../x", "..", "30/..", "3\\0", "３０", "3 0", "", "ab"]


@pytest.mark.parametrize("key", ["province_code", "upper_code"])
@pytest.mark.parametrize("value", ["../../tmp", "..", "3a", "1234", "30/"])
def test_settings_refuse_a_code_that_is_not_digits(cli, books, key, value):
    before = books_digest(books.data_dir.database)
    refused(cli("settings", "--set", key, value), "không hợp lệ", "chữ số")
    assert books_digest(books.data_dir.database) == before


@pytest.mark.parametrize("value", ["../../x", "..", ".", "a/b", "a\\b", "quyển 1", "01234567890", "a.b"])
def test_settings_refuse_a_receipt_book_that_could_name_a_path(cli, books, value):
    before = books_digest(books.data_dir.database)
    refused(cli("settings", "--set", "receipt_book", value), "Quyển phiếu thu đang dùng", "không hợp lệ")
    assert books_digest(books.data_dir.database) == before


def test_settings_accept_good_codes_and_books(cli, books):
    assert cli("settings", "--set", "province_code", "31", "--set", "upper_code", "311",
               "--set", "receipt_book", "2026-A_1").code == 0
    assert books.setting("province_code") == "31" and books.setting("receipt_book") == "2026-A_1"


@pytest.mark.parametrize(("flag", "value", "fragment"), [
    ("--province-code", "../..", "Mã tỉnh"), ("--upper-code", "../x", "Mã cấp trên"),
    ("--commune-code", "1050/", "Mã xã"), ("--book", "../../x", "Quyển phiếu thu đầu tiên"),
    ("--book", "..", "Quyển phiếu thu đầu tiên"),
])
def test_init_refuses_codes_and_books_that_could_name_a_path(cli, data_dir, flag, value, fragment):
    args = list(INIT_ARGS)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    refused(cli(*args), fragment, "không hợp lệ")
    assert not data_dir.database.exists()


def test_pay_refuses_a_book_that_could_name_a_path(demo):
    project, household = unpaid(demo)
    before = books_digest(demo.database)
    for book in ("../../x", "..", "a/b", "quá-dài-1234"):
        args = pay_args(project, household)
        args[args.index("--book") + 1] = book
        refused(run_cli(demo, *args), "Tên quyển phiếu thu", "không hợp lệ")
    assert books_digest(demo.database) == before


def test_a_payment_input_with_a_bad_book_is_refused_by_the_service(books):
    before = books_digest(books.data_dir.database)
    with pytest.raises(Refused, match="không hợp lệ"):
        record_payment(books, PaymentInput(project="DA01", household="H001", amount=1000,
                                           paid_on=clock.today(), book="../../x"))
    assert books_digest(books.data_dir.database) == before


def test_the_package_name_refuses_anything_but_its_pattern():
    assert fmt.package_name("30", "290", "10507", 12, date(2026, 11, 22)) == "30-290-10507_000012_20261122.vxp"
    for province, upper, commune in (("..", "290", "10507"), ("30", "../..", "10507"), ("30", "290", "10/07"),
                                     ("3", "290", "10507"), ("30", "290", "١٠٥٠٧")):
        with pytest.raises(Refused, match="Không đặt được tên gói"):
            fmt.package_name(province, upper, commune, 1, date(2026, 11, 22))


def test_a_code_edited_behind_the_program_never_writes_a_package_outside_exports(books, tmp_path):
    """Settings written straight into the file (an older version, a hand edit): the export still refuses."""
    from desktop.sync.export import export_package

    books.conn.execute("UPDATE settings SET value = '../../..' WHERE key = 'province_code'")
    before = books_digest(books.data_dir.database)
    outside = set(tmp_path.rglob("*.vxp"))
    with pytest.raises(Refused, match="Không đặt được tên gói"):
        export_package(books, encrypt=False)
    assert books_digest(books.data_dir.database) == before
    assert set(tmp_path.rglob("*.vxp")) == outside == set()
    assert not any(books.data_dir.exports.glob("*")) if books.data_dir.exports.exists() else True


def test_checks_and_file_parts():
    assert check_code(" 30 ", (2,), "Mã tỉnh") == "30"
    assert check_book(" 01 ") == "01" and check_book("BM") == "BM"
    for bad in TRAVERSALS:
        with pytest.raises(Refused):
            check_code(bad, (2,), "Mã tỉnh")
    # An old receipt's book recorded before these checks still prints into its own folder.
    assert file_part("../../x") == "______x" and "/" not in file_part("a/b\\c") and file_part("") == "_"


def test_the_window_payment_pdf_stays_in_its_folder_for_an_old_bad_book(books):
    pytest.importorskip("PySide6")
    from desktop.services.payments import IssuedReceipt
    from ui.dialogs.payment import receipt_pdf_path

    fields = {name: None for name in IssuedReceipt.__dataclass_fields__}
    receipt = IssuedReceipt(**{**fields, "book": "../../../x", "year": 2026, "number": 7})
    path = receipt_pdf_path(books, receipt)
    assert path.parent == books.data_dir.exports / "phieu-thu"
    assert path.resolve().is_relative_to(books.data_dir.exports.resolve())


def test_an_upper_level_setting_keeps_its_own_code_lengths(tmp_path):
    from desktop.domain import Mode

    upper = DataDir(tmp_path / "upper")
    opened, _ = init_books(upper, CommuneSetup("290", "Huyện Cẩm Giàng", "30", "Tỉnh Hải Dương", "30",
                                              "Tỉnh Hải Dương", Mode.UPPER))
    try:
        update_settings(opened, {"upper_code": ""})  # optional at the upper level
        with pytest.raises(Refused, match="Mã cấp trên"):
            update_settings(opened, {"upper_code": "../.."})
    finally:
        opened.close()


# -- item 8: impossible dates -----------------------------------------------------------------------------------

DATE_COMMANDS = {
    "support add": ["support", "add", "--project", "DA01", "--household", "H00001", "--amount", "1000000", "--on"],
    "pay": ["pay", "--project", "DA01", "--household", "H00001", "--amount", "1000", "--on"],
    "household category": ["household", "category", "H00001", "--category", "poor", "--on"],
    "receipt void --on": ["receipt", "void", "--book", "01", "--number", "1", "--reason", "nhầm", "--on"],
    "period lock --to": ["period", "lock", "--to"],
    "settings --from": ["settings", "--set", "signer_clerk", "Ai Đó", "--from"],
}


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "30/02/2026", "01/13/2026"])
@pytest.mark.parametrize("command", sorted(DATE_COMMANDS))
def test_impossible_dates_are_refused_at_the_command_line(demo_template, command, value):
    before = books_digest(demo_template.database)
    message = refused(run_cli(demo_template, *DATE_COMMANDS[command], value), "không tồn tại", f"“{value}”")
    assert ("tháng 2 năm 2026 chỉ có 28 ngày" in message) or ("không có tháng 13" in message)
    assert books_digest(demo_template.database) == before


def test_dates_are_read_as_real_calendar_dates():
    from datetime import datetime

    from desktop.dates import parse_date

    assert parse_date("2024-02-29") == date(2024, 2, 29) and parse_date("29/02/2024") == date(2024, 2, 29)
    assert parse_date(datetime(2026, 1, 2, 13, 5)) == date(2026, 1, 2)  # a moment is stored as its day
    for bad, why in (("2025-02-29", "chỉ có 28 ngày"), ("2026-04-31", "chỉ có 30 ngày"), ("2026-00-10", "tháng 0"),
                     ("00/01/2026", "ngày 0"), ("0000-01-01", "năm 0"), ("２０２６-01-01", "dd/mm/yyyy"),
                     ("2026-01-01\n", None), ("2026-1-1x", "dd/mm/yyyy")):
        if why is None:
            assert parse_date(bad) == date(2026, 1, 1)  # surrounding blanks are only blanks
            continue
        with pytest.raises(Refused, match=why):
            parse_date(bad)


# -- item 11: one copy per data folder --------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from desktop.instance_lock import DataLock
from desktop.paths import DataDir
lock = DataLock(DataDir(Path(sys.argv[1])))
print("held" if lock.acquire() else "busy", flush=True)
time.sleep(60)
"""


@pytest.fixture
def held_by_another_process(demo):
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(demo.root)], stdout=subprocess.PIPE, text=True,
                             cwd=REPO)
    try:
        assert child.stdout.readline().strip() == "held"
        yield demo, child.pid
    finally:
        child.kill()
        child.wait(10)


@pytest.mark.parametrize("content", [b"garbage\x00\xff\n", b"", b"pid=abc\nhost=\x1b[31m\n", b"\xff" * 9000,
                                     b"99999\npython3.11\nvm\n"])
def test_a_lock_file_with_garbage_is_stale_never_a_crash(data_dir, content):
    data_dir.root.mkdir(parents=True)
    (data_dir.root / LOCK_FILE).write_bytes(content)
    lock = DataLock(data_dir)
    assert lock.acquire()
    try:
        assert lock.holder().pid is not None
    finally:
        lock.release()


def test_a_lock_left_by_a_process_that_is_gone_is_taken_over(data_dir):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    data_dir.root.mkdir(parents=True)
    (data_dir.root / LOCK_FILE).write_text(f"pid={gone.stdout.strip()}\nhost=vm\nuser=x\nsince=08:00 01/01/2026\n")
    lock = DataLock(data_dir)
    assert lock.acquire()
    lock.release()
    assert DataLock(data_dir).acquire()


def test_a_live_lock_names_its_holder(held_by_another_process):
    demo, pid = held_by_another_process
    lock = DataLock(demo)
    assert not lock.acquire()
    holder = lock.holder()
    assert holder.pid == pid and f"tiến trình {pid}" in holder.describe()


def test_holder_text_is_read_tolerantly():
    assert parse_holder("pid=12\nhost=máy-1\nuser=an\nsince=08:00 01/01/2026") == Holder(12, "máy-1", "an",
                                                                                          "08:00 01/01/2026")
    assert parse_holder("pid=-1\npid=99999999999999\x00") == Holder()
    assert parse_holder("\ud800 nonsense").describe() == "không rõ tiến trình nào"


def test_a_second_window_on_a_held_folder_says_so_and_touches_nothing(held_by_another_process):
    pytest.importorskip("PySide6")
    import os

    demo, pid = held_by_another_process
    before = file_state(demo.database)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, "-m", "ui", "--data-dir", str(demo.root), "--quit-after", "300"],
                         env=env, capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=REPO)
    assert run.returncode == 3, run.stderr
    assert "VốnXoay đang mở với thư mục dữ liệu này" in run.stderr and f"tiến trình {pid}" in run.stderr
    assert file_state(demo.database) == before


# -- books edited outside the program: their guarding triggers are part of what "sound" means ---------------------

def _drop_receipt_triggers(database: Path) -> list[str]:
    conn = sqlite3.connect(database)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger' "
                                            "AND tbl_name IN ('receipt', 'allocation') ORDER BY name")]
        for name in names:
            conn.execute(f"DROP TRIGGER {name}")
        conn.commit()
    finally:
        conn.close()
    time.sleep(0.02)  # a coarse file clock: let the edit change the file's time
    return names


def test_books_whose_guarding_triggers_were_dropped_take_no_payment_and_check_says_so(demo):
    project, household = unpaid(demo)
    assert run_cli(demo, "backup", "--out", str(demo.backups / "vonxoay-20251130-170500.sqlite")).code == 0
    dropped = _drop_receipt_triggers(demo.database)
    assert dropped
    before = file_state(demo.database)
    message = refused(run_cli(demo, *pay_args(project, household)), "đã bị sửa ngoài chương trình",
                      f"thiếu trigger {dropped[0]}", "Không ghi thêm gì", "vonxoay-20251130-170500.sqlite")
    assert "SQLite báo" not in message
    assert file_state(demo.database) == before
    checked = run_cli(demo, "check", "--json")
    assert checked.code == 0 and checked.json["ok"] is False
    found = [p for p in checked.json["problems"] if p["kind"] == "integrity"]
    assert found and "sửa ngoài chương trình" in found[0]["message"] and dropped[0] in found[0]["message"]


def test_a_rewritten_or_added_trigger_is_tampering_too(books):
    from db.guards import trigger_tampering

    assert trigger_tampering(books.conn) == []
    name, sql = books.conn.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
                                   "AND tbl_name = 'receipt' ORDER BY name").fetchone()
    books.conn.execute(f"DROP TRIGGER {name}")
    books.conn.execute(sql.replace("BEGIN", "BEGIN SELECT 1;", 1))
    books.conn.execute("CREATE TRIGGER lam_tron AFTER INSERT ON receipt BEGIN SELECT 1; END")
    assert trigger_tampering(books.conn) == [f"trigger {name} đã bị sửa", "trigger lạ lam_tron"]


def test_a_tampered_backup_is_neither_offered_nor_restored(demo):
    from desktop.backup_names import newest_good_backup
    from desktop.services.backup import verify_backup

    copy = demo.backups / "vonxoay-20251130-170500.sqlite"
    assert run_cli(demo, "backup", "--out", str(copy)).code == 0
    assert newest_good_backup(demo.backups)[0] == copy and verify_backup(copy)
    _drop_receipt_triggers(copy)
    assert newest_good_backup(demo.backups) is None
    with pytest.raises(Refused, match="đã bị sửa ngoài chương trình"):
        verify_backup(copy)


def test_a_table_dropped_outside_the_program_is_said_as_damage_not_as_our_error(demo):
    conn = sqlite3.connect(demo.database)
    conn.execute("DROP TABLE allocation")
    conn.commit()
    conn.close()
    before = books_digest(demo.database)
    refused(run_cli(demo, "schedule", "--project", "DA01"), "đã bị sửa ngoài chương trình", "thiếu bảng allocation")
    assert books_digest(demo.database) == before
