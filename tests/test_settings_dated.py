"""Settings hold from a date: a document shows the names in force on its own date, a reprint reads as the
original did, and the 2025 merger of provinces is read by date."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from desktop import clock
from desktop.books import settings_on
from desktop.domain import Category
from desktop.errors import Refused
from desktop.reports.period import period_report
from desktop.reports.receipt_prints import print_receipts
from desktop.services import payments, receipts, support
from desktop.services.households import HouseholdInput, add_household
from desktop.services.payments import PaymentInput
from desktop.services.period_lock import lock_period
from desktop.services.projects import ProjectInput, add_project
from desktop.services.settings import update_settings
from tests.conftest import books_digest

TODAY = date(2026, 7, 15)


@pytest.fixture
def today():
    with clock.frozen(TODAY) as day:
        yield day


@pytest.fixture
def payer(books, today):
    """A household supported in 2023, so that it can pay on either side of a change."""
    update_settings(books, {"signer_chairman": "Nguyễn Văn Thành", "signer_cashier": "Phạm Thị Thu"})
    add_household(books, HouseholdInput("H001", "Đặng Thị Hoa", "Thôn Đông", Category.NEAR_POOR,
                                        category_on=date(2022, 1, 1)))
    add_project(books, ProjectInput("DA01", "Nuôi bò cái sinh sản", programme="GNBV", component="Dự án 2"))
    support.record_support(books, support.SupportInput("DA01", "H001", date(2023, 3, 1)))
    return books


def pay(books, on: date) -> tuple[str, int, int]:
    receipt = payments.record_payment(books, PaymentInput("DA01", "H001", 100_000, on)).to_json()["receipt"]
    return receipt["book"], receipt["number"], receipt["year"]


def receipt_text(books, receipt: tuple[str, int, int], out: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    book, number, year = receipt
    printed = print_receipts(books, [receipts.receipt_view(books, book, number, year)], out)
    text = subprocess.run(["pdftotext", "-layout", str(printed.path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(text.split())


def test_a_new_chairman_from_2026_leaves_2024_receipts_as_they_were(payer, tmp_path):
    books = payer
    old, new = pay(books, date(2024, 5, 2)), pay(books, date(2026, 3, 2))
    update_settings(books, {"signer_chairman": "Vũ Minh Khang"}, effective_on=date(2026, 1, 1))
    assert books.setting("signer_chairman") == "Vũ Minh Khang"
    assert settings_on(books.conn, date(2025, 12, 31))["signer_chairman"] == "Nguyễn Văn Thành"
    assert settings_on(books.conn, date(2026, 1, 1))["signer_chairman"] == "Vũ Minh Khang"
    earlier = receipt_text(books, old, tmp_path / "2024.pdf")
    assert "Nguyễn Văn Thành" in earlier and "Vũ Minh Khang" not in earlier
    later = receipt_text(books, new, tmp_path / "2026.pdf")
    assert "Vũ Minh Khang" in later and "Nguyễn Văn Thành" not in later
    # The first value of a key that had none holds from the beginning (nothing else was ever shown).
    assert "Phạm Thị Thu" in earlier
    # The periodic report names who was in force on the period's last day.
    assert period_report(books.conn, date(2025, 1, 1), date(2025, 6, 30)).signer_chairman == "Nguyễn Văn Thành"
    assert period_report(books.conn, date(2026, 1, 1), date(2026, 6, 30)).signer_chairman == "Vũ Minh Khang"


def test_a_change_dated_before_a_later_one_leaves_the_later_in_force(books, today):
    update_settings(books, {"signer_clerk": "An"})
    update_settings(books, {"signer_clerk": "Bình"}, effective_on=date(2026, 1, 1))
    update_settings(books, {"signer_clerk": "Chi"}, effective_on=date(2025, 1, 1))
    assert books.setting("signer_clerk") == "Bình"
    on = {day: settings_on(books.conn, day)["signer_clerk"]
          for day in (date(2024, 12, 31), date(2025, 1, 1), date(2026, 1, 1))}
    assert on == {date(2024, 12, 31): "An", date(2025, 1, 1): "Chi", date(2026, 1, 1): "Bình"}


def test_the_2025_merger_is_read_by_date(payer, tmp_path):
    books = payer
    before, after = pay(books, date(2025, 6, 30)), pay(books, date(2025, 7, 1))
    assert settings_on(books.conn, date(2025, 6, 30))["province_name"] == "Tỉnh Hải Dương"
    assert (settings_on(books.conn, date(2025, 7, 1))["province_code"],
            settings_on(books.conn, date(2025, 7, 1))["province_name"]) == ("31", "Thành phố Hải Phòng")
    assert books.setting("province_name") == "Tỉnh Hải Dương"  # what the clerk entered is never rewritten
    old = receipt_text(books, before, tmp_path / "before.pdf")
    assert "tỉnh Hải Dương" in old and "Hải Phòng" not in old
    new = receipt_text(books, after, tmp_path / "after.pdf")
    assert "thành phố Hải Phòng" in new and "Hải Dương" not in new
    # A province recorded from the day of the reform on is taken as written.
    update_settings(books, {"province_name": "Tỉnh Hải Dương"}, effective_on=date(2025, 7, 1))
    assert settings_on(books.conn, date(2026, 1, 1))["province_name"] == "Tỉnh Hải Dương"


def test_a_typed_or_unmerged_province_is_left_alone(books, today):
    update_settings(books, {"province_name": "Tỉnh Hải Dương (cũ)"}, effective_on=date(2020, 1, 1))
    assert settings_on(books.conn, date(2026, 1, 1))["province_name"] == "Tỉnh Hải Dương (cũ)"
    update_settings(books, {"province_code": "01", "province_name": "Thành phố Hà Nội"},
                    effective_on=date(2020, 1, 1))
    assert settings_on(books.conn, date(2026, 1, 1))["province_name"] == "Thành phố Hà Nội"


def test_a_future_change_is_refused_and_writes_nothing(books, today, cli, data_dir):
    before = books_digest(data_dir.database)
    with pytest.raises(Refused, match="Ngày áp dụng ở tương lai: 16/07/2026"):
        update_settings(books, {"signer_chairman": "Vũ Minh Khang"}, effective_on=date(2026, 7, 16))
    result = cli("settings", "--set", "signer_chairman", "Vũ Minh Khang", "--from", "16/07/2026")
    assert result.code == 2 and "Ngày áp dụng ở tương lai" in result.stderr
    assert books_digest(data_dir.database) == before


def test_a_change_into_the_locked_period_is_refused(books, today, cli, data_dir):
    update_settings(books, {"signer_chairman": "Nguyễn Văn Thành"})
    lock_period(books, date(2026, 6, 30))
    before = books_digest(data_dir.database)
    result = cli("settings", "--set", "signer_chairman", "Vũ Minh Khang", "--from", "2026-06-30")
    assert result.code == 2
    assert "nằm trong kỳ đã khóa sổ (đến hết ngày 30/06/2026)" in result.stderr and "Chủ tịch UBND" in result.stderr
    assert books_digest(data_dir.database) == before
    # Options no document reads by date are not held by the lock.
    update_settings(books, {"backup_keep_days": "7"})
    assert books.setting("backup_keep_days") == "7"


def test_cli_sets_from_a_date_and_shows_the_settings_on_a_date(books, today, cli):
    update_settings(books, {"signer_chairman": "Nguyễn Văn Thành"})
    result = cli("--json", "settings", "--set", "signer_chairman", "Vũ Minh Khang", "--from", "01/01/2026")
    assert result.code == 0, result.stderr
    assert result.json["signer_chairman"] == "Vũ Minh Khang"
    assert cli("--json", "settings", "--on", "2025-12-31").json["signer_chairman"] == "Nguyễn Văn Thành"
    assert cli("settings", "--from", "2026-01-01").code == 2


def test_an_upper_level_that_is_a_merged_province_is_named_by_date(books, today):
    update_settings(books, {"upper_name": "Tỉnh Hải Dương"}, effective_on=date(2020, 1, 1))
    assert settings_on(books.conn, date(2025, 6, 30))["upper_name"] == "Tỉnh Hải Dương"
    assert settings_on(books.conn, date(2025, 7, 1))["upper_name"] == "Thành phố Hải Phòng"
    update_settings(books, {"upper_name": "Huyện Cẩm Giàng"}, effective_on=date(2020, 1, 1))
    assert settings_on(books.conn, date(2026, 1, 1))["upper_name"] == "Huyện Cẩm Giàng"  # no province: as written
