"""The support list and the public notice: grouped by round and source with subtotals and a grand total, the
self-funded money named as the household's own, the category in force on the support date, the signatures
with the last rows, nothing outside the page."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from desktop.domain import Category, FundingSource
from desktop.reports.beneficiaries import beneficiaries
from desktop.services import support
from desktop.services.households import HouseholdInput, add_household
from desktop.services.support import SupportInput
from tests.reports.pdfcheck import boxes_inside_pages, flat, pdftext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def lists(commune):
    # A non-poor household joins with its own money; H008 was supported before it had any category (the
    # register's first entry, "escaped" from 2023, was assumed and saved as its category at entry).
    support.record_support(commune, SupportInput("DA01", "H007", date(2022, 4, 20), source=FundingSource.OTHER,
                                                 amount=5_000_000, counterpart=2_000_000, in_kind="1 con bò cái"))
    add_household(commune, HouseholdInput("H008", "Ngô Văn Hải", "Thôn Tây", Category.ESCAPED,
                                          category_on=date(2023, 1, 1)))
    support.record_support(commune, SupportInput("DA03", "H008", date(2022, 6, 1), amount=3_000_000))
    return commune


def _pages(path) -> list[str]:
    return pdftext(path).split("\f")


def test_groups_by_round_and_source_with_subtotals(lists, cli, tmp_path):
    lists.close()
    out = tmp_path / "bang-ke.pdf"
    result = cli("--json", "project", "support-list", "--project", "DA01", "--out", str(out))
    assert result.code == 0, result.stderr
    assert result.json == {"path": str(out), "rows": 5}
    text = flat(pdftext(out, layout=True))
    budget = text.index("Vòng 1 — hỗ trợ từ ngân sách nhà nước")
    mobilised = text.index("Vòng 1 — vốn huy động khác")
    own = text.index("Hộ tự đóng góp (vốn tự có của hộ, không phải ngân sách)")
    relent = text.index("Vòng 2 — cho vay lại từ vốn luân chuyển thu hồi")
    assert budget < mobilised < own < relent
    # H001 7.000.000 central + H002 7.000.000 local (counterpart 1.000.000).
    assert "Cộng vòng 1 — hỗ trợ từ ngân sách nhà nước: 2 lượt 14.000.000 1.000.000" in text
    assert "Cộng vòng 1 — vốn huy động khác: 1 lượt 4.000.000 0" in text
    assert "Cộng hộ tự đóng góp (vốn tự có của hộ, không phải ngân sách): 1 lượt 5.000.000 2.000.000" in text
    assert "Cộng vòng 2 — cho vay lại từ vốn luân chuyển thu hồi: 1 lượt 5.000.000 0" in text
    assert "Tổng cộng: 5 lượt hỗ trợ 28.000.000 3.000.000" in text
    assert "Hai mươi tám triệu đồng" in text
    for header in ("Ngày hỗ trợ", "Vòng", "Nguồn vốn", "Đối ứng của hộ (đồng)", "Hiện vật", "Ký nhận / điểm chỉ"):
        assert header in flat(pdftext(out)), header
    assert "4 Đặng Văn Giang H007 Thôn Đông Hộ không nghèo 20/04/2022 1 Tự có 5.000.000 2.000.000 1 con bò cái" in text
    assert "UBND XÃ ĐỨC CHÍNH" in text and "NGƯỜI LẬP BIỂU" in text
    assert boxes_inside_pages(out) == []


def test_the_category_printed_is_the_one_in_force_on_the_support_date(lists):
    _, members = beneficiaries(lists.conn, "DA01")
    by_code = {m["code"]: m for m in members}
    assert by_code["H007"]["category"] == "Hộ không nghèo" and not by_code["H007"]["eligible"]
    # H001 escaped in 2024, after its support: the list prints what it was in 2022.
    assert by_code["H001"]["category"] == "Hộ nghèo"
    assert by_code["H007"]["source_label"] == "Tự có" and by_code["H007"]["self_funded"]
    # No category on its support date: never posted as "Hộ mới thoát nghèo".
    _, other = beneficiaries(lists.conn, "DA03")
    assert other[0]["category_at_entry"] == "escaped"
    assert other[0]["category"] == "Chưa có phân loại" and not other[0]["eligible"]


def test_public_notice_names_self_funded_money_and_never_shows_id_numbers(lists, cli, tmp_path):
    lists.close()
    out = tmp_path / "cong-khai.pdf"
    result = cli("--json", "project", "notice", "--project", "DA01", "--from", "2022-06-01", "--out", str(out))
    assert result.code == 0, result.stderr
    text = flat(pdftext(out, layout=True))
    assert "DANH SÁCH CÔNG KHAI" in text and "từ ngày 01/06/2022 đến ngày 11/06/2022" in text
    line = text[text.index("Đặng Văn Giang"):][:120]
    assert "Hộ không nghèo" in line and "Tự có" in line and "Ngân sách" not in line
    assert "Trần Thị Bích Thôn Đông Hộ nghèo 10/03/2022 1 Ngân sách ĐP 7.000.000 1.000.000" in text
    assert "030185001234" not in text
    assert "Tổng cộng: 5 lượt hỗ trợ 28.000.000 3.000.000" in text
    assert "Đức Chính, ngày 01 tháng 06 năm 2022" in text
    assert boxes_inside_pages(out) == []
    other = tmp_path / "cong-khai-da03.pdf"
    assert cli("project", "notice", "--project", "DA03", "--from", "2022-06-05", "--out", str(other)).code == 0
    text = flat(pdftext(other, layout=True))
    assert "Ngô Văn Hải Thôn Tây Chưa có phân loại 01/06/2022" in text and "thoát nghèo" not in text


def test_signatures_are_never_alone_on_a_page(books, cli, tmp_path):
    """Enough households to fill pages: the last page holds rows and totals above the signatures."""
    from desktop.services.households import HouseholdInput, add_household
    from desktop.services.projects import ProjectInput, add_project

    add_project(books, ProjectInput("DA09", "Nuôi bò", budget_central=1_000_000_000))
    for n in range(1, 41):
        add_household(books, HouseholdInput(f"H{n:03d}", f"Nguyễn Văn {n:02d}", "Thôn Đông", Category.POOR,
                                            category_on=date(2021, 1, 1)))
        support.record_support(books, SupportInput("DA09", f"H{n:03d}", date(2022, 3, 1)))
    books.close()
    for command in (["support-list"], ["notice", "--from", "2022-03-05"]):
        out = tmp_path / f"{command[0]}.pdf"
        assert cli("project", *command, "--project", "DA09", "--out", str(out)).code == 0
        pages = [p for p in _pages(out) if p.strip()]
        assert len(pages) > 1
        last = flat(pdftext(out, layout=True).split("\f")[len(pages) - 1])
        assert "CHỦ TỊCH UBND XÃ" in last and "Tổng cộng: 40 lượt hỗ trợ" in last and "Nguyễn Văn 40" in last
        assert boxes_inside_pages(out) == []
