"""The fund ledger on paper: a voided receipt's row says it was voided and when (its reversal on that day), and
a re-lend carries its document number (its phiếu chi)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date

import pytest

from tests.reports.pdfcheck import boxes_inside_pages, flat, pdftext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_ledger_marks_voided_rows_and_numbers_relends(commune, cli, data_dir, tmp_path):
    commune.close()
    data = cli("--json", "report", "ledger", "--project", "DA01").json
    relend = next(r for r in data["rows"] if r["kind"] == "relend")
    # A payout's document is its phiếu chi; a support in kind has a handover record instead, no voucher.
    conn = sqlite3.connect(data_dir.database)
    vouchers = {f"PC {b}/{n}/{y}": kind for b, n, y, kind in conn.execute(
        "SELECT book, number, year, kind FROM voucher")}
    handovers = {f"BBBG {date.fromisoformat(d):%d/%m/%Y}" for (d,) in conn.execute(
        "SELECT delivered_on FROM handover")}
    conn.close()
    assert vouchers.get(relend["document"]) == "relend"
    supports = [r["document"] for r in data["rows"] if r["kind"] == "support"]
    assert supports and all(d == "" or vouchers.get(d) == "budget_support" or d in handovers for d in supports)
    voided = next(r for r in data["rows"] if r["kind"] == "repayment" and r["voided_on"])
    reversal = next(r for r in data["rows"] if r["kind"] == "void")
    assert reversal["on"] == voided["voided_on"] == "2023-04-02" and reversal["fund_in"] == -voided["fund_in"]
    out = tmp_path / "so-quy.pdf"
    assert cli("report", "ledger", "--project", "DA01", "--format", "pdf", "--out", str(out)).code == 0
    text = flat(pdftext(out, layout=True))
    assert f"{voided['document']} (ĐÃ HỦY ngày 02/04/2023)" in flat(pdftext(out))
    assert f"Hủy phiếu thu số {voided['document']}: Ghi trùng phiếu" in flat(pdftext(out))
    assert relend["document"] in text and "Cho vay lại từ vốn thu hồi (vòng 2)" in text
    assert boxes_inside_pages(out) == []
