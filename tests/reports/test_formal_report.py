"""The formal periodic report: the figures equal the JSON report's, the text reads as the office's document,
the XLSX prints one page wide with the signatures last, and the clerk's sections are kept per period."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from desktop.reports.formal import FIELDS, formal_report, load_template, project_figures
from desktop.reports.period import NUMBER_FIELDS, period_report
from desktop.services.checks import check_conn
from desktop.services.report_texts import report_texts, save_report_text
from tests.conftest import books_digest
from tests.reports.formal_sheet import header_names, tables
from tests.reports.pdfcheck import boxes_inside_pages, flat, pdftext

PERIOD = ("--from", "2023-01-01", "--to", "2023-12-31")
pdf_tools = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _figure_parts():
    return [p for p in load_template().parts if p["kind"] == "table"]


def _write(cli, tmp_path, fmt: str, *extra: str):
    out = tmp_path / f"bao-cao.{fmt}"
    result = cli("--json", "report", "period", *PERIOD, "--format", fmt, "--out", str(out), *extra)
    assert result.code == 0, result.stderr
    return out


def test_every_template_column_is_a_figure_of_the_report():
    for part in _figure_parts():
        for column in part["columns"]:
            assert column["field"] in FIELDS


def test_the_formal_xlsx_figures_equal_the_json_report(commune, cli, tmp_path):
    data = cli("--json", "report", "period", *PERIOD).json
    out = _write(cli, tmp_path, "xlsx")
    parts = _figure_parts()
    found = tables(out, [p["heading"] for p in parts], {p["heading"]: 2 + len(p["columns"]) for p in parts})
    report = period_report(commune.conn, date(2023, 1, 1), date(2023, 12, 31))
    derived = {r["code"]: r for r in project_figures(commune.conn, report)}
    checked = 0
    for part in parts:
        table = found[part["heading"]]
        labels = [f"{p['code']} — {p['name']}" for p in data["projects"]]
        assert list(table) == [*labels, "Tổng cộng"]
        for column_index, column in enumerate(part["columns"], start=2):
            field = column["field"]
            for project, label in zip(data["projects"], labels, strict=True):
                value = table[label][column_index]
                if field in NUMBER_FIELDS:
                    assert value == project[field], (part["heading"], label, field)
                    checked += 1
                elif field != "budget_used_percent":
                    assert value == derived[project["code"]][field]
            if field in NUMBER_FIELDS:
                assert table["Tổng cộng"][column_index] == data["totals"][field], (part["heading"], field)
    assert checked >= 3 * 30  # three projects, every figure column that is a field of the JSON report
    # The sources are never added into one figure: budget, self-funded and re-lent each in their own column.
    cumulative = found[parts[2]["heading"]]["Tổng cộng"]
    t = data["totals"]
    assert cumulative[3] == t["from_budget_to_date"] and cumulative[5] == t["relent_to_date"]
    assert cumulative[4] == t["disbursed_to_date"] - t["from_budget_to_date"] - t["relent_to_date"]
    assert header_names(out, parts[0]["heading"], 2 + len(parts[0]["columns"]))[:3] == ["STT", "Dự án", "NSTW"]


def test_management_cost_is_given_in_the_period_and_to_date(commune):
    report = period_report(commune.conn, date(2024, 1, 1), date(2024, 6, 30))  # no budget support in it
    rows = project_figures(commune.conn, report)
    assert sum(r["management_cost_commune"] for r in rows) == 0
    da01 = next(r for r in rows if r["code"] == "DA01")
    # 3% and 2% of DA01's budget support to date (7.000.000 central + 7.000.000 local).
    assert (da01["management_cost_commune_to_date"], da01["management_cost_upper_to_date"]) == (420_000, 280_000)


@pdf_tools
def test_the_formal_pdf_reads_as_the_document_an_office_sends(commune, cli, tmp_path):
    assert cli("report", "text", "set", *PERIOD, "--section", "results",
               "--text", "Xã đã hỗ trợ 3 hộ nuôi bò cái sinh sản.\\nCác hộ sử dụng vốn đúng mục đích.").code == 0
    assert cli("report", "text", "set", *PERIOD, "--section", "proposals",
               "--text", "Đề nghị bổ sung kinh phí cho vay vòng 2.").code == 0
    out = _write(cli, tmp_path, "pdf", "--number", "15")
    text = flat(pdftext(out))
    for phrase in ("UBND XÃ ĐỨC CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số: 15/BC-UBND", "BÁO CÁO", "Kính gửi: Ủy ban nhân dân huyện Cẩm Giàng", "Căn cứ",
                   "I. KẾT QUẢ THỰC HIỆN", "Xã đã hỗ trợ 3 hộ nuôi bò cái sinh sản.",
                   "Các hộ sử dụng vốn đúng mục đích.", "II. KHÓ KHĂN, VƯỚNG MẮC", "(Chưa viết nội dung mục này.)",
                   "Đề nghị bổ sung kinh phí cho vay vòng 2.", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                   "Nguyễn Văn Thành", "Lê Thị Kế", "Trần Văn Lập", "Ghi trùng phiếu", "Trang 1",
                   "Kết quả thực hiện hỗ trợ phát triển sản xuất và quỹ vốn luân chuyển năm 2023"):
        assert phrase in text, phrase
    assert "Kính gửi: Huyện" not in text
    assert "Đức Chính, ngày" in text
    # The signatures come after every table and every section.
    assert text.index("Nơi nhận:") > text.index("III. ĐỀ XUẤT, KIẾN NGHỊ") > text.index("Tổng cộng")
    assert boxes_inside_pages(out) == []
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "841.89 x 595.276" in info  # A4 landscape


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None, reason="LibreOffice not installed")
def test_libreoffice_prints_the_xlsx_one_page_wide_with_the_signatures_last(commune, cli, tmp_path):
    out = _write(cli, tmp_path, "xlsx")
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo"), str(out)], check=True, capture_output=True, timeout=180)
    printed = tmp_path / "lo" / "bao-cao.pdf"
    pages = [flat(p) for p in pdftext(printed).split("\f") if p.strip()]
    # One page wide: every table's last column prints on the page of its first.
    for first, last in (("1. Dự toán", "giải ngân"), ("4. Thu hồi", "Số dư quỹ"), ("7. Kết quả", "xuống hạng")):
        page = next(p for p in pages if first in p)
        assert last in page, (first, last)
    assert "Nơi nhận:" in pages[-1] and "Nguyễn Văn Thành" in pages[-1]
    assert pages[-1].index("Nơi nhận:") > pages[-1].index("III. ĐỀ XUẤT")
    assert not any("Nơi nhận:" in p for p in pages[:-1])
    assert boxes_inside_pages(printed) == []


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None, reason="LibreOffice not installed")
def test_every_printed_page_of_the_xlsx_repeats_the_title_and_period(commune, cli, tmp_path):
    from openpyxl import load_workbook

    out = _write(cli, tmp_path, "xlsx")
    sheet = load_workbook(out).active
    first, last = (int(part.strip("$")) for part in sheet.print_title_rows.split(":"))
    assert [sheet.cell(row=r, column=1).value for r in (first, last)] == [
        "BÁO CÁO", "Kết quả thực hiện hỗ trợ phát triển sản xuất và quỹ vốn luân chuyển năm 2023"]
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo"), str(out)], check=True, capture_output=True, timeout=180)
    printed = pdftext(tmp_path / "lo" / "bao-cao.pdf", layout=True).split("\f")
    pages = [[line.strip() for line in p.splitlines() if line.strip()] for p in printed if p.strip()]
    assert len(pages) >= 2
    for page in pages[1:]:
        # The two title rows are the first lines of every later page.
        assert page[:2] == ["BÁO CÁO", "Kết quả thực hiện hỗ trợ phát triển sản xuất và quỹ vốn luân chuyển năm "
                                       "2023"], page[:3]


def test_report_texts_are_kept_per_period_and_the_latest_is_in_force(commune, cli):
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    save_report_text(commune, start, end, "results", "Bản đầu.")
    save_report_text(commune, start, end, "results", "Bản sửa.")
    save_report_text(commune, date(2024, 1, 1), date(2024, 6, 30), "results", "Kỳ khác.")
    assert report_texts(commune.conn, start, end) == {"results": "Bản sửa."}
    assert commune.conn.execute("SELECT count(*) FROM report_text").fetchone()[0] == 3  # nothing overwritten
    shown = cli("--json", "report", "text", "show", *PERIOD).json
    assert shown["sections"] == {"results": "Bản sửa.", "difficulties": "", "proposals": ""}
    doc = formal_report(commune.conn, period_report(commune.conn, start, end), check_conn(commune.conn))
    assert doc.blocks[0].paragraphs == ("Bản sửa.",)


@pytest.mark.parametrize(("args", "message"), [
    (["--section", "ketqua", "--text", "x"], "Không có mục “ketqua” trong báo cáo. Các mục: results (Kết quả"),
    (["--section", "results", "--text", "x" * 20_001], "dài 20.001 ký tự, quá giới hạn 20.000 ký tự"),
])
def test_a_wrong_report_text_is_refused_before_anything_is_written(commune, cli, data_dir, args, message):
    before = books_digest(data_dir.database)
    result = cli("report", "text", "set", *PERIOD, *args)
    assert result.code == 2 and message in result.stderr
    assert books_digest(data_dir.database) == before


def test_the_text_of_a_report_in_the_locked_books_is_refused(commune, cli, data_dir):
    assert cli("period", "lock", "--to", "2023-12-31").code == 0
    before = books_digest(data_dir.database)
    result = cli("report", "text", "set", *PERIOD, "--section", "results", "--text", "Sửa sau khi gửi")
    assert result.code == 2
    assert ("Kỳ báo cáo đến ngày 31/12/2023 nằm trong kỳ đã khóa sổ (đến hết ngày 31/12/2023)" in result.stderr
            and "mở khóa sổ" in result.stderr)
    assert books_digest(data_dir.database) == before


def test_a_reversed_period_is_refused(commune, cli, data_dir):
    before = books_digest(data_dir.database)
    result = cli("report", "text", "set", "--from", "2023-12-31", "--to", "2023-01-01", "--section", "results",
                 "--text", "x")
    assert result.code == 2 and "Kỳ báo cáo không hợp lệ: từ ngày 31/12/2023 đến ngày 01/01/2023" in result.stderr
    assert books_digest(data_dir.database) == before


def test_an_unknown_template_is_refused_by_name(commune, cli, tmp_path):
    result = cli("report", "period", *PERIOD, "--format", "pdf", "--template", "khong-co",
                 "--out", str(tmp_path / "x.pdf"))
    assert result.code == 2 and "Không có mẫu báo cáo “khong-co”. Các mẫu có: period." in result.stderr
