"""Receipts and lists as a person gets them: the text a PDF reader extracts, and the rendered page."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.domain import Category
from desktop.queries.receipts import ReceiptFilter
from desktop.receipt_view import receipt_hash
from desktop.reports.receipt_prints import print_receipts
from desktop.services import payments, receipts, support
from desktop.services.households import HouseholdInput, add_household
from desktop.services.payments import PaymentInput
from desktop.services.projects import ProjectInput, add_project, project_members
from desktop.services.settings import update_settings

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

LONG_NAME = "Nguyễn Thị Hoàng Phương Ngọc Quỳnh Như Ý Đặng Lưu Trường Giang Hữu Thượng Ước Ưng Ửng Ỡm Ặc"


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def paid(books):
    """A household that received 5.000.000 đ and paid the first installment, 1.666.000 đ."""
    update_settings(books, {"signer_cashier": "Phạm Thị Thu", "signer_chairman": "Nguyễn Văn Thành",
                            "unit_budget_code": "1234567"})
    add_household(books, HouseholdInput("H001", "Đặng Thị Hoa", "Thôn Đông", Category.NEAR_POOR,
                                        category_on=date(2022, 1, 1), id_number="030185001234")).to_json()
    add_project(books, ProjectInput("DA01", "Nuôi bò cái sinh sản", programme="GNBV", component="Dự án 2"))
    support.record_support(books, support.SupportInput("DA01", "H001", date(2022, 3, 10)))
    result = payments.record_payment(books, PaymentInput("DA01", "H001", 1_666_000, date(2023, 3, 1))).to_json()
    return result["receipt"]


def test_receipt_pdf_holds_the_exact_vietnamese_text(books, paid, tmp_path):
    out = print_receipts(books, [receipts.receipt_view(books, "01", 1)], tmp_path / "r.pdf")
    text = pdftext(Path(out.path))
    assert text == unicodedata.normalize("NFC", text)
    for expected in ("PHIẾU THU", "Mẫu số C40-BB", "Đặng Thị Hoa", "Thôn Đông, xã Đức Chính",
                     "1.666.000 đồng", "Một triệu sáu trăm sáu mươi sáu nghìn đồng", "Quyển số: 01", "Số: 1",
                     "Hoàn trả vốn luân chuyển dự án DA01 — kỳ 1", "H001", "Nuôi bò cái sinh sản",
                     "Còn phải trả sau phiếu này: 1.667.000 đ", "10/03/2024 (1.667.000 đ)", "Phạm Thị Thu",
                     "Nguyễn Văn Thành", "THỦ QUỸ", "Ngày 01 tháng 03 năm 2023", "Mã QHNS: 1234567"):
        assert expected in text, expected
    assert "BẢN SAO" not in text and "ĐÃ HỦY" not in text
    assert PdfReader(out.path).pages[0].mediabox.width == pytest.approx(419.5, abs=1)  # A5 width


def test_second_print_is_a_marked_copy_never_a_second_original(books, paid, tmp_path):
    view = receipts.receipt_view(books, "01", 1)
    first = print_receipts(books, [view], tmp_path / "a.pdf")
    second = print_receipts(books, [view], tmp_path / "b.pdf")
    assert (first.originals, second.originals) == (1, 0)
    assert "BẢN SAO" not in pdftext(tmp_path / "a.pdf")
    assert "BẢN SAO" in pdftext(tmp_path / "b.pdf")
    logged = books.conn.execute("SELECT is_copy FROM receipt_print ORDER BY id").fetchall()
    assert [r[0] for r in logged] == [0, 1]


def test_forced_copy_is_marked_even_on_first_print(books, paid, tmp_path):
    view = receipts.receipt_view(books, "01", 1)
    print_receipts(books, [view], tmp_path / "c.pdf", force_copy=True)
    assert "BẢN SAO" in pdftext(tmp_path / "c.pdf")


def test_voided_receipt_prints_crossed_with_its_reason(books, paid, tmp_path):
    payments.void_receipt(books, "01", 1, "Ghi nhầm người nộp", on=date(2023, 5, 2))
    view = receipts.receipt_view(books, "01", 1)
    assert view.voided and view.voided_on == date(2023, 5, 2)
    print_receipts(books, [view], tmp_path / "v.pdf")
    text = pdftext(tmp_path / "v.pdf")
    assert "ĐÃ HỦY" in text and "Hủy từ ngày 02/05/2023 — lý do: Ghi nhầm người nộp" in text
    # A reprint says what the receipt said the day it was issued, voided or not; the household owes the
    # voided money again only from the void date (the books, not the paper, say so).
    assert "Còn phải trả sau phiếu này: 1.667.000 đ" in text and "10/03/2024 (1.667.000 đ)" in text
    from desktop.queries.fund import open_installments
    owed = open_installments(books.conn, 1, 1)
    assert sum(i.outstanding for i in owed) == 3_333_000


def test_voided_receipt_page_shows_the_stamp(books, paid, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    payments.void_receipt(books, "01", 1, "Ghi nhầm người nộp, lập lại phiếu khác cho đúng hộ", on=date(2023, 5, 2))
    print_receipts(books, [receipts.receipt_view(books, "01", 1)], tmp_path / "v.pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "v.pdf"), str(tmp_path / "v")], check=True)
    from PIL import Image

    page = Image.open(next(tmp_path.glob("v*.png"))).convert("RGB")
    pixels = page.tobytes()
    reds = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 150 and pixels[i + 1] < 120 and pixels[i + 2] < 120)
    assert reds > 500  # the red stamp and the void line are drawn


def test_two_up_puts_both_copies_on_one_landscape_a4(books, paid, tmp_path):
    print_receipts(books, [receipts.receipt_view(books, "01", 1)], tmp_path / "t.pdf", two_up=True)
    reader = PdfReader(tmp_path / "t.pdf")
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    text = pdftext(tmp_path / "t.pdf")
    assert text.count("PHIẾU THU") == 2
    assert "Liên 1: Lưu tại đơn vị" in text and "Liên 2: Giao người nộp tiền" in text


def test_page_renders_to_a_non_blank_image(books, paid, tmp_path):
    from PIL import Image

    print_receipts(books, [receipts.receipt_view(books, "01", 1)], tmp_path / "p.pdf")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(tmp_path / "p.pdf"), str(tmp_path / "p")],
                   check=True)
    image = Image.open(tmp_path / "p.png").convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2000, "the page is (nearly) blank"


def test_long_names_wrap_inside_the_page(books, tmp_path):
    add_household(books, HouseholdInput("H777", LONG_NAME, "Thôn Tây", Category.POOR, category_on=date(2022, 1, 1)))
    add_project(books, ProjectInput("DA07", "Dự án có một cái tên rất dài để thử việc xuống dòng " * 3))
    support.record_support(books, support.SupportInput("DA07", "H777", date(2022, 3, 10)))
    payments.record_payment(books, PaymentInput("DA07", "H777", 2_333_000, date(2023, 3, 1), payer=LONG_NAME))
    print_receipts(books, [receipts.receipt_view(books, "01", 1)], tmp_path / "long.pdf")
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "long.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    page_width = float(html.split('<page width="')[1].split('"')[0])
    right_edges = [float(chunk.split('"')[0]) for chunk in html.split('xMax="')[1:]]
    assert max(right_edges) <= page_width - 20  # inside the 9 mm margin, give or take a glyph
    text = pdftext(tmp_path / "long.pdf")
    assert "Ửng" in text and "Ặc" in text  # the whole name, wrapped, not cut


def test_qr_code_carries_a_hash_the_upper_level_can_recompute(books, paid):
    view = receipts.receipt_view(books, "01", 1)
    fields = view.qr_payload.split("|")
    assert fields[:7] == ["VXR1", "10507", "01", "2023", "1", "2023-03-01", "1666000"]
    row = books.conn.execute("SELECT uuid FROM receipt WHERE number = 1").fetchone()
    assert fields[7] == receipt_hash("10507", "01", 2023, 1, "2023-03-01", 1_666_000, row[0])


def test_words_follow_the_commune_settings(books, paid):
    update_settings(books, {"words_zero_tens": "lẻ", "words_thousand": "ngàn", "words_even": "1"})
    assert receipts.receipt_view(books, "01", 1).amount_words == "Một triệu sáu trăm sáu mươi sáu ngàn đồng chẵn"


def test_batch_prints_one_page_per_receipt(books, paid, tmp_path):
    payments.record_payment(books, PaymentInput("DA01", "H001", 1_000_000, date(2024, 1, 5)))
    views = receipts.receipt_views(books, ReceiptFilter(project="DA01", date_from=date(2023, 1, 1),
                                                        date_to=date(2024, 12, 31)))
    print_receipts(books, views, tmp_path / "batch.pdf")
    assert len(PdfReader(tmp_path / "batch.pdf").pages) == 2


def test_unwritable_output_is_refused_and_leaves_nothing(cli, books, paid, tmp_path):
    books.close()
    target_dir = tmp_path / "no-such-dir"
    result = cli("receipt", "pdf", "--book", "01", "--number", "1", "--out", str(target_dir / "r.pdf"))
    assert result.code == 2 and result.stderr.startswith("Lỗi:")
    assert not target_dir.exists()
    assert not list(tmp_path.glob("**/*.part"))


def test_unknown_receipt_number_is_refused(cli, books, paid, tmp_path):
    books.close()
    result = cli("receipt", "pdf", "--book", "01", "--number", "42", "--out", str(tmp_path / "x.pdf"))
    assert result.code == 2 and "42" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_support_list_and_public_notice(books, paid, tmp_path):
    from desktop.reports.lists_pdf import public_notice, support_list

    project, members = project_members(books, "DA01")
    support_list(tmp_path / "sl.pdf", books.settings(), project, members)
    public_notice(tmp_path / "pn.pdf", books.settings(), project, members, posted_from=date(2022, 3, 1),
                  posted_to=date(2022, 3, 11))
    listed = pdftext(tmp_path / "sl.pdf")
    for expected in ("BẢNG KÊ HỖ TRỢ HỘ GIA ĐÌNH", "Đặng Thị Hoa", "030185001234", "5.000.000", "Ký nhận / điểm chỉ",
                     "Năm triệu đồng"):
        assert expected in listed, expected
    notice = pdftext(tmp_path / "pn.pdf")
    assert "DANH SÁCH CÔNG KHAI" in notice and "Đặng Thị Hoa" in notice and "11/03/2022" in notice
    assert "030185001234" not in notice  # no ID numbers on a public wall


def _scanned(png: Path) -> list:
    """What a scanner reads from a rendered page: every QR code found in the image."""
    import zxingcpp
    from PIL import Image

    return [found for found in zxingcpp.read_barcodes(Image.open(png).convert("L"))
            if found.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_drawing_matches_the_encoded_matrix_and_scans_back(tmp_path):
    """Rasterise the vector QR code, read each module back at its centre, then scan the picture."""
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    from desktop.reports.receipt_pdf import _qr, qr_rows

    payload = "VXR1|10507|01|2023|1|2023-03-01|1666000|ABCDEF0123"
    canvas = Canvas(str(tmp_path / "qr.pdf"), pagesize=(200, 200))
    _qr(canvas, payload, 0, 0, 200)
    canvas.save()
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-png", "-singlefile", str(tmp_path / "qr.pdf"),
                    str(tmp_path / "qr")], check=True)
    image = Image.open(tmp_path / "qr.png").convert("L")
    rows, count = qr_rows(payload)
    assert count == len(rows) and {len(r) for r in rows} == {count} and set(b"".join(rows)) == {0, 255}
    module = image.width / (count + 4)
    for row in range(count):
        for col in range(count):
            pixel = image.getpixel((int((col + 2.5) * module), int((row + 2.5) * module)))
            assert (pixel < 128) == (rows[row][col] == 0), (row, col)
    [scanned] = _scanned(tmp_path / "qr.png")
    assert scanned.text == payload and scanned.ec_level == "M"


def test_a_printed_receipts_qr_code_scans_to_its_payload(books, paid, tmp_path):
    """The whole path a paper receipt takes: the PDF page rendered as a printer would at 150 dpi, then scanned."""
    view = receipts.receipt_view(books, "01", 1)
    print_receipts(books, [view], tmp_path / "scan.pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", str(tmp_path / "scan.pdf"),
                    str(tmp_path / "scan")], check=True)
    assert [found.text for found in _scanned(tmp_path / "scan.png")] == [view.qr_payload]


@pytest.mark.parametrize("book", ["01", "Q-2026", "Quyển Đông"])  # a book name the clerk typed, in Vietnamese
def test_qr_codes_of_many_receipts_scan_back_exactly(tmp_path, book):
    """Every receipt's text, random numbers, dates and amounts included, comes back from its drawn code."""
    import random

    from reportlab.pdfgen.canvas import Canvas

    from desktop.reports.receipt_pdf import _qr

    rng = random.Random(book)
    payloads = [f"VXR1|{rng.randrange(10000, 99999)}|{book}|{rng.randrange(2020, 2040)}|{rng.randrange(1, 10**6)}|"
                f"{rng.randrange(2020, 2040)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}|"
                f"{rng.randrange(1, 10**11)}|{rng.getrandbits(40):010X}" for _ in range(24)]
    canvas = Canvas(str(tmp_path / "many.pdf"), pagesize=(480, 320))
    for i, payload in enumerate(payloads):
        _qr(canvas, payload, 10 + (i % 6) * 78, 10 + (i // 6) * 78, 70)
    canvas.save()
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(tmp_path / "many.pdf"),
                    str(tmp_path / "many")], check=True)
    assert sorted(found.text for found in _scanned(tmp_path / "many.png")) == sorted(payloads)
