"""Every report file as its reader gets it: XLSX opened with openpyxl (values, types, formats, totals against
the database, print setup) and PDF text as a PDF reader extracts it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from desktop.services import schedules
from desktop.services.households import HouseholdChanges, HouseholdQuery, count_households, edit_household
from desktop.text import collation_key
from tests.conftest import books_digest


def sheet(path: Path):
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def table(ws) -> tuple[int, list[tuple]]:
    """The header's last row number and the table's rows up to and including the grand total."""
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "STT")
    if rows[head + 1][0] is None and any(isinstance(v, str) for v in rows[head + 1]):
        head += 1  # a two-row grouped header
    body = []
    for r in rows[head + 1:]:
        body.append(r)
        if any(isinstance(v, str) and v.startswith("Tổng cộng") for v in r):
            break
    return head + 1, body


def check_print_setup(ws, header_row: int) -> None:
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.freeze_panes.endswith(str(header_row + 1))
    assert ws.print_title_rows.endswith(f"${header_row}")
    assert all(ws.column_dimensions[c].width for c in "ABC")


def test_due_xlsx_groups_by_hamlet_with_dates_subtotals_and_a_signature_column(commune, cli, tmp_path):
    out = tmp_path / "due.xlsx"
    assert cli("report", "due", "--as-of", "2024-06-30", "--format", "xlsx", "--out", str(out)).code == 0
    ws = sheet(out)
    header_row, body = table(ws)
    check_print_setup(ws, header_row)
    headers = [c.value for c in ws[header_row]]
    assert headers[-1] == "Đã nộp / ký nhận"
    due = schedules.due_list(commune, date(2024, 6, 30))
    sections = [r[0] for r in body if r[0] in ("Thôn Đông", "Thôn Tây")]
    assert sections == sorted({r["hamlet"] for r in due["rows"]}, key=collation_key)  # Đ after D, before E
    data = [r for r in body if isinstance(r[0], int)]
    assert [(r[1], r[4], r[5]) for r in data] == [(d["household"], d["project"], d["seq"]) for d in due["rows"]]
    assert all(isinstance(r[6], datetime) and r[-1] is None for r in data)
    date_cell = ws.cell(row=header_row + 2, column=7)
    assert date_cell.number_format == "dd/mm/yyyy"
    subtotals = [r for r in body if isinstance(r[2], str) and r[2].startswith("Cộng ")]
    for row in subtotals:
        hamlet = row[2].removeprefix("Cộng ")
        assert row[9] == sum(d["outstanding"] for d in due["rows"] if d["hamlet"] == hamlet)
    assert body[-1][9] == due["total_outstanding"] == sum(r[9] for r in subtotals) > 0


def test_ledger_xlsx_runs_to_the_fund_balance_with_the_void_reversed(commune, cli, tmp_path):
    out = tmp_path / "ledger.xlsx"
    assert cli("report", "ledger", "--project", "DA01", "--format", "xlsx", "--out", str(out)).code == 0
    _, body = table(sheet(out))
    fund = cli("--json", "report", "fund", "--project", "DA01").json
    rows = body[:-1]
    assert rows[-1][9] == body[-1][9] == fund["balance"]
    running = 0
    for r in rows:
        running += (r[7] or 0) - (r[8] or 0)
        assert r[9] == running
    reversals = [r for r in rows if isinstance(r[7], int) and r[7] < 0]
    assert len(reversals) == 1 and reversals[0][7] == -500_000 and "Ghi trùng phiếu" in reversals[0][3]
    assert body[-1][6] == fund["from_budget"] + fund["from_other"] and body[-1][8] == fund["relent"]
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)  # in date order


def test_household_register_xlsx_keeps_id_numbers_as_text_and_filters(commune, cli, tmp_path):
    edit_household(commune, "H001", HouseholdChanges(id_number="001085012345"))
    out = tmp_path / "households.xlsx"
    assert cli("report", "households", "--out", str(out)).code == 0
    _, body = table(sheet(out))
    rows = body[:-1]
    assert len(rows) == count_households(commune) == 7
    h001 = next(r for r in rows if r[1] == "H001")
    assert h001[3] == "001085012345"  # the leading zeros survive: text, not a number
    assert h001[5] == "Hộ mới thoát nghèo" and h001[11] == 7_000_000
    assert body[-1][11] == sum(r[11] for r in rows) == 7_000_000 * 3 + 4_000_000 + 5_000_000 * 2
    fund_outstanding = sum(cli("--json", "report", "fund", "--project", p).json["outstanding"]
                           for p in ("DA01", "DA02", "DA03"))
    assert body[-1][13] == fund_outstanding

    west = tmp_path / "west.xlsx"
    assert cli("report", "households", "--hamlet", "thon tay", "--category", "poor", "--as-of", "2025-01-01",
               "--out", str(west)).code == 0
    _, body = table(sheet(west))
    expected = count_households(commune, HouseholdQuery(hamlet="Thôn Tây", category="poor", as_of=date(2025, 1, 1)))
    assert [r[1] for r in body[:-1]] == ["H003", "H006"][:expected] and expected >= 1


def test_project_register_xlsx_matches_report_fund(commune, cli, tmp_path):
    out = tmp_path / "projects.xlsx"
    assert cli("report", "projects", "--format", "xlsx", "--out", str(out)).code == 0
    _, body = table(sheet(out))
    for row in body[:-1]:
        fund = cli("--json", "report", "fund", "--project", row[1]).json
        assert (row[14], row[15], row[16]) == (fund["disbursed"], fund["recovered"], fund["balance"])
    assert body[-1][9] == 32_000_000 and body[-1][16] == 0 + sum(r[16] for r in body[:-1])
    only = tmp_path / "pw.xlsx"
    assert cli("report", "projects", "--status", "public_works", "--out", str(only)).code == 0
    assert [r[1] for r in table(sheet(only))[1][:-1]] == ["DA02"]


def test_wrong_suffix_or_missing_folder_is_refused_and_writes_nothing(commune, cli, tmp_path):
    result = cli("report", "period", "--from", "2023-01-01", "--to", "2023-12-31", "--format", "xlsx",
                 "--out", str(tmp_path / "report.pdf"))
    assert result.code == 2 and ".xlsx" in result.stderr
    result = cli("report", "projects", "--out", str(tmp_path / "missing" / "p.xlsx"))
    assert result.code == 2 and "không tồn tại" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_default_output_goes_to_the_exports_folder(commune, cli, data_dir):
    result = cli("--json", "report", "due", "--as-of", "2024-06-30", "--format", "pdf")
    assert result.code == 0, result.stderr
    assert Path(result.json["path"]) == data_dir.exports / "den-han-2024-06-30.pdf"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(("args", "expected"), [
    (["period", "--from", "2023-01-01", "--to", "2023-12-31"],
     ["BÁO CÁO", "Kính gửi: Ủy ban nhân dân huyện Cẩm Giàng", "Tổng cộng", "5.999.000", "Số dư quỹ",
      "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Thành"]),
    (["due", "--as-of", "2024-06-30"],
     ["DANH SÁCH HỘ ĐẾN HẠN VÀ QUÁ HẠN", "Thôn Đông", "Cộng Thôn Tây", "Đã nộp / ký nhận", "TRƯỞNG THÔN"]),
    (["ledger", "--project", "DA01"],
     ["SỔ THEO DÕI QUỸ VỐN LUÂN CHUYỂN", "Hủy phiếu thu", "-500.000", "Cho vay lại từ vốn thu hồi (vòng 2)"]),
    (["households"], ["SỔ ĐĂNG KÝ HỘ", "Đặng Văn Giang", "Tổng cộng: 7 hộ"]),
    (["projects"], ["DANH MỤC DỰ ÁN", "Trồng cây dược liệu", "Nuôi gà thả vườn", "Tổng cộng: 3 dự án"]),
])
def test_pdf_reports_hold_their_vietnamese_text(commune, cli, tmp_path, args, expected):
    out = tmp_path / "report.pdf"
    result = cli("report", *args, "--format", "pdf", "--out", str(out))
    assert result.code == 0, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = " ".join(text.split())
    for phrase in expected:
        assert phrase in flat, phrase


def test_household_register_streams_rows_instead_of_holding_them(tmp_path):
    """A demo commune's register written while tracing memory: rows go to disk as they come, so the peak heap
    stays far below what the sheet's cells would take if held (about 300 bytes each)."""
    import tracemalloc

    from desktop.books import Books
    from desktop.paths import DataDir
    from desktop.reports import tabular
    from desktop.reports.household_register import household_register_doc
    from desktop.services.demo import make_demo

    data_dir = DataDir(tmp_path / "demo")
    make_demo(data_dir, households=800, seed=3, as_of=date(2025, 6, 30))
    out = tmp_path / "register.xlsx"
    with Books.open(data_dir) as books:
        doc = household_register_doc(books.conn, books.settings())
        tracemalloc.start()
        try:
            tabular.write_xlsx(out, doc)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    _, body = table(sheet(out))
    assert len(body) == 801 and body[-1][2] == "Tổng cộng: 800 hộ"
    held = 800 * len(body[0]) * 300
    assert peak < held / 3, (peak, held)


def test_household_register_as_json_lists_rows_and_totals(commune, cli):
    result = cli("--json", "report", "households", "--format", "json", "--hamlet", "Thôn Đông")
    assert result.code == 0, result.stderr
    data = result.json
    # Hamlet by hamlet, heads in Vietnamese order: Đặng, Hoàng, Nguyễn, Trần.
    assert [h["code"] for h in data["households"]] == ["H007", "H005", "H001", "H002"]
    assert data["totals"]["supported"] == 7_000_000 * 2 + 5_000_000


@pytest.mark.parametrize(("args", "message"), [
    (["ledger", "--project", "DA99"], "Không có dự án mã “DA99”"),
    (["households", "--hamlet", "Thôn Bắc"], "Không có thôn “Thôn Bắc”"),
    (["households", "--category", "giàu"], "Phân loại hộ “giàu” không hợp lệ"),
    (["projects", "--programme", "XYZ"], "Không có chương trình “XYZ”"),
    (["due", "--as-of", "31/02/2025"], "không tồn tại"),
])
def test_bad_report_requests_are_refused_and_write_nothing(commune, cli, tmp_path, args, message):
    out = tmp_path / "out.xlsx"
    before = books_digest(commune.data_dir.database)
    result = cli("report", *args, "--format", "xlsx", "--out", str(out))
    assert result.code == 2 and message in result.stderr
    assert not out.exists() and books_digest(commune.data_dir.database) == before
