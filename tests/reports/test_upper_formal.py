"""The upper level's consolidated report in the formal form: the upper level as the unit, "Kính gửi" from its
setting (or the province's department), a row per commune with the totals, an annex per commune with its
projects, signatures last; the XLSX opens with the same form on one page width."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from desktop.books import Books
from desktop.money import format_vnd
from desktop.services.settings import update_settings
from tests.reports.pdfcheck import boxes_inside_pages, flat, pdftext
from tests.sync_helpers import export, make_commune, make_upper, run

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
PERIOD = ("--from", "2025-07-01", "--to", "2026-06-30")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def upper(tmp_path_factory):
    root = tmp_path_factory.mktemp("cap-tren")
    store = make_upper(root)
    for seed, code in enumerate(("10600", "10601"), start=1):
        commune = make_commune(root, code, seed=seed, households=12)
        assert run(store, "upper", "import", str(export(commune, root / f"goi-{code}"))).code == 0
    return store


def test_the_pdf_reads_as_the_formal_report(upper, tmp_path):
    totals = run(upper, "--json", "upper", "report", *PERIOD).json
    out = tmp_path / "tong-hop.pdf"
    result = run(upper, "--json", "upper", "report", *PERIOD, "--format", "pdf", "--number", "7", "--out", str(out))
    assert result.code == 0, result.stderr
    text = flat(pdftext(out))
    for expected in ("UBND HUYỆN CẨM GIÀNG", "Số: 7/BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO TỔNG HỢP",
                     "Kính gửi: Sở Nông nghiệp và Môi trường tỉnh Hải Dương", "II. KẾT QUẢ THEO XÃ",
                     "Xã Thử 10600 (10600)", "Tổng cộng (2 xã)", "Phụ lục 1: Xã Thử 10600 (10600) — các dự án",
                     "Phụ lục 2: Xã Thử 10601 (10601) — các dự án", "Nơi nhận:", "THỦ TRƯỞNG ĐƠN VỊ"):
        assert expected in text, expected
    assert format_vnd(totals["totals"]["fund_balance"]) in text
    # Signatures after the last annex.
    assert text.index("Nơi nhận:") > text.index("Phụ lục 2:")
    assert boxes_inside_pages(out) == []


def test_the_addressee_is_the_setting(upper, tmp_path):
    with Books.open(upper) as books:
        update_settings(books, {"consolidated_addressee": "Bộ Nông nghiệp và Môi trường"})
    try:
        out = tmp_path / "tong-hop.pdf"
        assert run(upper, "upper", "report", *PERIOD, "--format", "pdf", "--out", str(out)).code == 0
        assert "Kính gửi: Bộ Nông nghiệp và Môi trường" in flat(pdftext(out))
    finally:
        with Books.open(upper) as books:
            update_settings(books, {"consolidated_addressee": ""})


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
def test_the_xlsx_prints_one_page_wide_with_signatures_last(upper, tmp_path):
    out = tmp_path / "tong-hop.xlsx"
    assert run(upper, "upper", "report", *PERIOD, "--format", "xlsx", "--out", str(out)).code == 0
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames == ["Báo cáo", "Tổng hợp", "Theo dự án"]
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "tong-hop.pdf"
    pages = [flat(p) for p in pdftext(pdf).split("\f") if p.strip()]
    # The first sheet prints first: the form, its annexes, then "Nơi nhận" and the signatures.
    signed = next(i for i, p in enumerate(pages) if "Nơi nhận:" in p)
    text = " ".join(pages[:signed + 1])
    assert "BÁO CÁO TỔNG HỢP" in pages[0] and "Số dư quỹ" in pages[0]  # one page wide: the last column on page 1
    assert text.index("Nơi nhận:") > text.index("Phụ lục 2:") > text.index("Tổng cộng (2 xã)")
    assert boxes_inside_pages(pdf) == []
