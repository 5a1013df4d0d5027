"""The hamlet head's due list (a heading never alone at a page end, one signature block per hamlet, both totals
under their own names) and the due slips (one per household, hamlet by hamlet, never split, with a tear-off
part)."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from desktop.domain import Category
from desktop.services import support
from desktop.services.hamlets import add_hamlet
from desktop.services.households import HouseholdInput, add_household
from desktop.services.payments import PaymentInput, record_payment
from desktop.services.projects import ProjectInput, add_project
from desktop.services.settings import update_settings
from desktop.services.support import SupportInput
from tests.conftest import books_digest
from tests.reports.pdfcheck import boxes_inside_pages, flat, pdftext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

HAMLETS = ["Thôn Tây", "Thôn Đông", "Thôn Bắc"]  # Vietnamese order: Bắc, Đông, Tây
AS_OF = "2023-07-15"


@pytest.fixture
def many(books):
    """Forty-two households in three hamlets, each supported in June 2022: the first third (due June 2023) is
    overdue on 15/07/2023, the second (due 2024) still owed but not due. Every fifth household paid part."""
    update_settings(books, {"signer_cashier": "Phạm Thị Thu", "signer_accountant": "Lê Thị Kế"})
    add_hamlet(books, "Thôn Bắc")
    add_project(books, ProjectInput("DA01", "Nuôi bò cái sinh sản", budget_central=1_000_000_000))
    for n in range(42):
        code = f"H{n + 1:03d}"
        add_household(books, HouseholdInput(code, f"Nguyễn Văn {n + 1:02d}", HAMLETS[n % 3], Category.POOR,
                                            category_on=date(2021, 1, 1), phone="0912345678"))
        support.record_support(books, SupportInput("DA01", code, date(2022, 6, 1 + n // 3)))  # phiếu chi in date order
        if n % 5 == 0:
            record_payment(books, PaymentInput("DA01", code, 1_000_000, date(2023, 7, 1)))
    return books


def test_due_list_signs_per_hamlet_and_names_both_totals(many, cli, tmp_path):
    many.close()
    data = cli("--json", "report", "due", "--as-of", AS_OF).json
    out = tmp_path / "den-han.pdf"
    assert cli("report", "due", "--as-of", AS_OF, "--format", "pdf", "--out", str(out)).code == 0
    layout = pdftext(out, layout=True)
    pages = layout.split("\f")
    assert len([p for p in pages if p.strip()]) > 2
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for i, line in enumerate(lines):
            if line in HAMLETS:
                # A hamlet's heading is followed on its page by at least one of its rows.
                assert any(re.match(r"^\d+\s+H\d{3}\b", after) for after in lines[i + 1:]), (number, line)
    text = flat(pdftext(out))
    for hamlet in ("Thôn Bắc", "Thôn Đông", "Thôn Tây"):
        assert text.count(f"TRƯỞNG {hamlet.upper()}") == 1
    # Each hamlet's signature comes after its subtotal and before the next hamlet.
    flat_layout = flat(layout)
    positions = [flat_layout.index(f"Cộng {h}") for h in ("Thôn Bắc", "Thôn Đông", "Thôn Tây")]
    signs = [flat_layout.index(f"TRƯỞNG {h.upper()}") for h in ("Thôn Bắc", "Thôn Đông", "Thôn Tây")]
    assert positions[0] < signs[0] < positions[1] < signs[1] < positions[2] < signs[2]
    assert "TRƯỞNG THÔN (Ký" not in text  # no signature block for "any hamlet" at the end
    due = f"{data['total_outstanding']:,}".replace(",", ".")
    owed = f"{data['total_owed']:,}".replace(",", ".")
    assert data["total_owed"] > data["total_outstanding"] > 0 and data["households"] == 42
    assert f"Tổng đến hạn (các kỳ quá hạn và đến hạn trong 30 ngày, như trong danh sách): {due} đ" in text
    assert f"Tổng còn phải trả (mọi kỳ, kể cả các kỳ chưa đến hạn, của 42 hộ trong danh sách): {owed} đ" in text
    assert "Tổng còn phải thu" not in text
    last = flat(pages[-2] if not pages[-1].strip() else pages[-1])
    assert "NGƯỜI LẬP BIỂU" in last and "Tổng đến hạn" in last
    assert boxes_inside_pages(out) == []


def test_due_list_xlsx_has_a_sign_line_per_hamlet(many, cli, tmp_path):
    from openpyxl import load_workbook

    many.close()
    out = tmp_path / "den-han.xlsx"
    assert cli("report", "due", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out)).code == 0
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value]
    for hamlet in ("thôn Bắc", "thôn Đông", "thôn Tây"):
        assert sum(f"Trưởng {hamlet} xác nhận" in c for c in cells) == 1
    assert any(c.startswith("Tổng còn phải trả (mọi kỳ") for c in cells)


def test_due_slips_one_per_household_by_hamlet_never_split(many, cli, tmp_path):
    many.close()
    data = cli("--json", "report", "due", "--as-of", AS_OF).json
    households = {r["household"] for r in data["rows"]}
    out = tmp_path / "giay-bao.pdf"
    result = cli("--json", "report", "due-slips", "--as-of", AS_OF, "--out", str(out))
    assert result.code == 0, result.stderr
    assert result.json == {"path": str(out), "slips": len(households)} and len(households) == 42
    pages = [p for p in pdftext(out).split("\f") if p.strip()]
    assert sum(p.count("GIẤY BÁO ĐẾN HẠN TRẢ VỐN") for p in pages) == 42
    for page in pages:
        # Whole slips only: every slip on a page has its tear-off part on that page.
        assert page.count("GIẤY BÁO ĐẾN HẠN TRẢ VỐN") == page.count("PHẦN LƯU") >= 2
        assert page.count("cắt theo đường này") == page.count("PHẦN LƯU")
    order = [re.search(r"(Thôn \S+) — giấy \d+/14", p).group(1) for p in pages]
    assert order == sorted(order, key=["Thôn Bắc", "Thôn Đông", "Thôn Tây"].index)
    # No page holds two hamlets' slips: each hamlet's batch starts a new page.
    for page in pages:
        assert len(set(re.findall(r"(Thôn \S+) — giấy", page))) == 1
    text = flat(pdftext(out))
    assert "Kính gửi: Ông/Bà Nguyễn Văn 01 — mã hộ H001 — Thôn Tây" in text
    assert "Nơi nộp: trụ sở UBND xã Đức Chính, nộp cho thủ quỹ Phạm Thị Thu" in text
    assert "Đã nhận giấy báo ngày" in text and "(tính đến ngày 15/07/2023)" in text
    assert boxes_inside_pages(out) == []


def test_due_slip_figures_equal_the_due_list(many, cli, tmp_path):
    from desktop.reports.due_notes import due_slips
    from desktop.services.schedules import due_list

    due = due_list(many, date(2023, 7, 15))
    slips = due_slips(many.conn, date(2023, 7, 15))
    assert sum(s.total for s in slips) == due["total_outstanding"]
    assert sum(s.overdue for s in slips) == due["total_overdue"]
    h001 = next(s for s in slips if s.household == "H001")
    many.close()
    out = tmp_path / "tay.pdf"
    assert cli("report", "due-slips", "--as-of", AS_OF, "--hamlet", "thon tay", "--out", str(out)).code == 0
    text = flat(pdftext(out))
    assert text.count("GIẤY BÁO ĐẾN HẠN TRẢ VỐN") == 14 and "Thôn Đông" not in text
    amount = f"{h001.total:,}".replace(",", ".")
    assert f"Tổng số tiền phải nộp: {amount} đồng" in text


def test_due_slips_refusals_write_nothing(many, cli, data_dir, tmp_path):
    many.close()
    before = books_digest(data_dir.database)
    out = tmp_path / "x.pdf"
    result = cli("report", "due-slips", "--as-of", AS_OF, "--hamlet", "Thôn Nam", "--out", str(out))
    assert result.code == 2 and "Không có thôn “Thôn Nam”. Các thôn trong sổ: Thôn Bắc, Thôn Đông, Thôn Tây" in \
        result.stderr
    result = cli("report", "due-slips", "--as-of", "2022-07-01", "--out", str(out))
    assert result.code == 2 and "không có giấy báo nào để in" in result.stderr
    result = cli("report", "due-slips", "--as-of", AS_OF, "--out", str(tmp_path / "x.xlsx"))
    assert result.code == 2 and "không có đuôi .pdf" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert books_digest(data_dir.database) == before
