"""Names inside a sentence: "UBND xã …", addresses without capitals mid-way, the TT 107 label; the A4 receipt."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from desktop import wording
from desktop.reports.receipt_prints import print_receipts
from desktop.services import receipts
from desktop.services.settings import update_settings


@pytest.mark.parametrize(("name", "lower"), [
    ("Xã Cẩm Văn", "xã Cẩm Văn"), ("Tỉnh Hải Dương", "tỉnh Hải Dương"),
    ("Thành phố Hải Phòng", "thành phố Hải Phòng"), ("Thị trấn Lai Cách", "thị trấn Lai Cách"),
    ("Phường Hải Tân", "phường Hải Tân"), ("Cẩm Văn", "Cẩm Văn"), ("", "")])
def test_the_level_word_is_lower_case_inside_a_sentence(name, lower):
    assert wording.level_lower(name) == lower


def test_unit_address_and_place():
    assert wording.unit_name("Xã Cẩm Văn") == "UBND xã Cẩm Văn"
    assert wording.address("Thôn Đông", "Xã Cẩm Văn", "Tỉnh Hải Dương") == "Thôn Đông, xã Cẩm Văn, tỉnh Hải Dương"
    assert wording.address("Thôn Đông", "Xã Cẩm Văn", "Thành phố Hải Phòng") == (
        "Thôn Đông, xã Cẩm Văn, thành phố Hải Phòng")
    assert wording.place_name("Xã Cẩm Văn") == "Cẩm Văn"


pdf_tools = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pdf_tools
@pytest.mark.parametrize("layout", ["a5", "a4", "two_up"])
def test_the_receipt_reads_as_the_form_in_every_layout(commune, tmp_path, layout):
    from tests.reports.pdfcheck import boxes_inside_pages, pdftext

    view = receipts.receipt_views(commune)[0]
    out = tmp_path / f"{layout}.pdf"
    print_receipts(commune, [view], out, two_up=layout == "two_up", a4=layout == "a4")
    text = pdftext(out)
    assert "Đơn vị: UBND xã Đức Chính" in text and "UBND Xã" not in text
    assert "Nội dung: Hoàn trả" in text and "Lý do nộp" not in text
    assert "Thôn Đông, xã Đức Chính, tỉnh Hải Dương" in text or "Thôn Tây, xã Đức Chính, tỉnh Hải Dương" in text
    assert boxes_inside_pages(out) == []
    size = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    expected = {"a5": "419.528 x 595.276", "a4": "595.276 x 841.89", "two_up": "841.89 x 595.276"}[layout]
    assert expected in size


@pdf_tools
def test_the_reason_label_stays_a_setting(commune, tmp_path):
    from tests.reports.pdfcheck import pdftext

    update_settings(commune, {"receipt_reason_label": "Lý do nộp"}, effective_on=date(2020, 1, 1))
    view = receipts.receipt_views(commune)[0]
    print_receipts(commune, [view], tmp_path / "r.pdf")
    assert "Lý do nộp: Hoàn trả" in pdftext(tmp_path / "r.pdf")


def test_cli_prints_an_a4_receipt(cli, commune, tmp_path):
    view = receipts.receipt_views(commune)[0]
    result = cli("receipt", "pdf", "--book", view.book, "--number", str(view.number), "--year", str(view.year),
                 "--a4", "--out", str(tmp_path / "a4.pdf"), "--json")
    assert result.code == 0, result.stderr
    assert result.json["path"].endswith("a4.pdf")
    refused = cli("receipt", "pdf", "--book", view.book, "--number", str(view.number), "--a4", "--two-up",
                  "--out", str(tmp_path / "x.pdf"))
    assert refused.code == 2
