"""A receipt an old commune issued, reprinted from the new commune's merged books, reads as the old commune
printed it: its unit, address, signers and book as on the receipt's date, and a QR that still verifies."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import replace

import pytest

from desktop.books import Books
from desktop.paths import DataDir
from desktop.services.demo import DEMO_SETUP, make_demo
from desktop.services.receipts import receipt_view
from desktop.services.settings import init_books
from tests.conftest import run_cli

TODAY = "2026-06-30"


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """Old commune Đức Chính (10507), whose chairman changed on 1 January 2024, merged into Cẩm Giàng
    (10520). The old books are kept (as a copy) to print the same receipts from."""
    mp = pytest.MonkeyPatch()
    mp.setenv("VONXOAY_TODAY", TODAY)
    root = tmp_path_factory.mktemp("merged-receipts")
    a, n = DataDir(root / "a"), DataDir(root / "n")
    make_demo(a, households=60, seed=3, setup=DEMO_SETUP)
    ok(run_cli(a, "settings", "--set", "signer_chairman", "Phạm Văn Cũ", "--from", "2021-01-01", "--json"))
    ok(run_cli(a, "settings", "--set", "signer_chairman", "Lê Thị Sau", "--from", "2024-01-01", "--json"))
    ok(run_cli(a, "settings", "--set", "unit_budget_code", "1050701", "--from", "2021-01-01", "--json"))
    books, _ = init_books(n, replace(DEMO_SETUP, commune_code="10520", commune_name="Xã Cẩm Giàng",
                                     province_name="Thành phố Hải Phòng", province_code="31"))
    books.close()
    ok(run_cli(n, "settings", "--set", "signer_chairman", "Đỗ Văn Mới", "--set", "unit_budget_code", "1052000",
               "--from", "2021-01-01", "--json"))
    shutil.copytree(a.root, root / "a-kept")
    ok(run_cli(n, "books", "merge", str(a.root), "--json"))
    yield DataDir(root / "a-kept"), n, root
    mp.undo()


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def words(text: str) -> list[str]:
    return text.split()


def first_receipt(old: DataDir, before: bool) -> tuple[str, int, int, str]:
    conn = sqlite3.connect(old.database)
    try:
        return conn.execute("SELECT book, number, year, issued_on FROM receipt WHERE voided_at IS NULL AND "
                            f"issued_on {'<' if before else '>='} '2024-01-01' ORDER BY issued_on LIMIT 1").fetchone()
    finally:
        conn.close()


@pytest.mark.parametrize("before", [True, False], ids=["old-chairman", "new-chairman"])
def test_a_reprint_shows_the_old_commune_as_on_the_receipt_s_date(merged, before):
    old, new, root = merged
    book, number, year, issued_on = first_receipt(old, before)
    there, here = root / f"old-{before}.pdf", root / f"new-{before}.pdf"
    ok(run_cli(old, "receipt", "pdf", "--book", book, "--number", str(number), "--year", str(year), "--copy",
               "--out", str(there), "--json"))
    ok(run_cli(new, "receipt", "pdf", "--book", f"10507-{book}", "--number", str(number), "--year", str(year),
               "--copy", "--out", str(here), "--json"))
    text = pdf_text(here)
    chairman = "Phạm Văn Cũ" if before else "Lê Thị Sau"
    assert "UBND xã Đức Chính" in text and chairman in text and "1050701" in text
    assert "xã Đức Chính, tỉnh Hải Dương" in " ".join(words(text))
    # Nothing of the new commune but the note of where the receipt is kept now.
    assert "Đỗ Văn Mới" not in text and "1052000" not in text and "Hải Phòng" not in text
    note = [line for line in text.splitlines() if "Nay lưu ở" in line]
    assert note and "quyển 10507-01 của xã Cẩm Giàng" in " ".join(words(" ".join(note)))
    # The rest reads word for word as the old commune's own print of it.
    ours = [w for line in text.splitlines() if "Nay lưu ở" not in line for w in line.split()]
    theirs = [w for line in pdf_text(there).splitlines() for w in line.split()]
    assert ours == theirs


def test_the_reprint_s_qr_is_the_one_the_old_commune_printed_and_still_verifies(merged):
    old, new, _ = merged
    book, number, year, _ = first_receipt(old, True)
    with Books.open(old) as books:
        original = receipt_view(books, book, number, year)
    with Books.open(new) as books:
        reprint = receipt_view(books, f"10507-{book}", number, year)
    assert reprint.qr_payload == original.qr_payload
    assert (reprint.book, reprint.commune_code, reprint.household_code, reprint.project_code) == (
        original.book, "10507", original.household_code, original.project_code)
    assert ok(run_cli(new, "receipt", "verify", reprint.qr_payload, "--json"))["status"] == "valid"
