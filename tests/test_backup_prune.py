"""Automatic daily backups are kept N days; hand-made backups and set-aside copies are never pruned."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest

from desktop.errors import Refused
from desktop.services.backup import AUTOMATIC_PREFIX, automatic_backup, keep_days, prune_automatic, verify_backup
from desktop.services.dashboard import last_backup_at
from desktop.services.settings import update_settings
from tests.conftest import books_digest


def _touch(folder, name):
    path = folder / name
    path.write_bytes(b"x")
    return path


def test_prune_keeps_the_last_days_and_never_touches_other_files(tmp_path):
    old = _touch(tmp_path, f"{AUTOMATIC_PREFIX}20261101-080000.sqlite")
    _touch(tmp_path, f"{AUTOMATIC_PREFIX}20261101-080000.sqlite-wal")
    edge = _touch(tmp_path, f"{AUTOMATIC_PREFIX}20261117-080000.sqlite")
    recent = _touch(tmp_path, f"{AUTOMATIC_PREFIX}20261123-080000.sqlite")
    manual = _touch(tmp_path, "vonxoay-20261001-080000.sqlite")
    aside = _touch(tmp_path, "vonxoay-bi-thay-the-20261001-080000.sqlite")
    odd = _touch(tmp_path, f"{AUTOMATIC_PREFIX}ghi-chu.sqlite")
    removed = prune_automatic(tmp_path, 7, today=date(2026, 11, 23))
    assert removed == [old]
    assert not old.exists() and not (tmp_path / f"{old.name}-wal").exists()
    assert all(p.exists() for p in (edge, recent, manual, aside, odd))
    assert prune_automatic(tmp_path, 1, today=date(2026, 11, 23)) == [edge]


def test_the_newest_automatic_backup_stays_however_old(tmp_path):
    only = _touch(tmp_path, f"{AUTOMATIC_PREFIX}20250101-080000.sqlite")
    assert prune_automatic(tmp_path, 3, today=date(2026, 11, 23)) == []
    assert only.exists()
    with pytest.raises(Refused):
        prune_automatic(tmp_path, 0)


def test_automatic_backup_uses_the_kept_days_setting(books):
    folder = books.data_dir.backups
    folder.mkdir(parents=True, exist_ok=True)
    stale = _touch(folder, f"{AUTOMATIC_PREFIX}20200101-080000.sqlite")
    assert keep_days(books) == 30
    update_settings(books, {"backup_keep_days": " 5 "})
    assert keep_days(books) == 5
    path, removed = automatic_backup(books)
    assert path.name.startswith(AUTOMATIC_PREFIX) and verify_backup(path)["commune_code"]
    assert removed == [stale]


@pytest.mark.parametrize("bad", ["0", "-3", "mười", "4000"])
def test_a_bad_number_of_days_is_refused_and_nothing_written(books, bad):
    before = books_digest(books.data_dir.database)
    with pytest.raises(Refused, match="từ 1 đến 3650"):
        update_settings(books, {"backup_keep_days": bad})
    assert books_digest(books.data_dir.database) == before


def test_the_last_backup_is_dated_by_the_stamp_the_program_gave_it(data_dir):
    """The header and the once-a-day check read the stamps (the program's clock, VONXOAY_TODAY included);
    only a file put there by hand, with no stamp, is dated by its modification time."""
    assert last_backup_at(data_dir) is None
    folder = data_dir.backups
    folder.mkdir(parents=True)
    _touch(folder, f"{AUTOMATIC_PREFIX}20280228-235900.sqlite")
    _touch(folder, "vonxoay-bi-thay-the-20280229-081500-2.sqlite")
    _touch(folder, "vonxoay-truoc-nang-cap-v3-20280229-070000.sqlite")
    assert last_backup_at(data_dir) == datetime(2028, 2, 29, 8, 15)
    by_hand = _touch(folder, "ban sao cua xa.sqlite")
    os.utime(by_hand, (datetime(2029, 1, 2, 9, 30).timestamp(),) * 2)
    assert last_backup_at(data_dir) == datetime(2029, 1, 2, 9, 30)
