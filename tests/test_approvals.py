"""Approvals: the selection meeting and the chairman's decision, frozen once recorded, superseded by a
correction; with ``require_approval`` a support or re-lend needs a decision in force that lists the household
for its project and round. Every refusal: exit 2, the message, the books unchanged."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest

from desktop import clock
from desktop.domain import Category
from desktop.services import payments, projects, settings, support
from desktop.services.households import HouseholdInput, add_household
from desktop.services.period_lock import lock_period
from tests.conftest import INIT_ARGS, books_digest

TODAY = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def office(books):
    """A commune that requires approval, with a project and four households (one not poor)."""
    settings.update_settings(books, {"require_approval": "1", "signer_chairman": "Trần Văn Nam"})
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản", programme="GNBV",
                                                      component="Dự án 2", decision_number="5/QĐ-UBND",
                                                      decision_date=date(2023, 1, 20)))
    for code, name, category, hamlet in (("H001", "Nguyễn Văn Dũng", Category.POOR, "Thôn Đông"),
                                         ("H002", "Đặng Thị Hoa", Category.NEAR_POOR, "Thôn Đông"),
                                         ("H003", "Trần Văn Ba", Category.POOR, "Thôn Tây"),
                                         ("H004", "Lê Thị Tư", Category.NON_POOR, "Thôn Tây")):
        add_household(books, HouseholdInput(code, name, hamlet, category, category_on=date(2022, 1, 1)))
    return books


def refused(cli, data_dir, *args: str) -> str:
    before = books_digest(data_dir.database)
    result = cli(*args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert books_digest(data_dir.database) == before
    return result.stderr


def approve(cli, *args: str) -> dict:
    result = cli("approval", "add", "--project", "DA01", *args, "--json")
    assert result.code == 0, result.stderr
    return result.json


def test_init_turns_approval_on_for_new_books(cli):
    args = [a for a in INIT_ARGS]
    args = args[:args.index("--require-approval")]
    assert cli(*args).code == 0
    assert cli("settings", "--json").json["require_approval"] == "1"


def test_a_support_needs_a_decision_that_lists_the_household(office, cli, data_dir):
    message = refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H001",
                      "--on", "2023-03-10")
    assert "Hộ H001 chưa có trong quyết định phê duyệt nào còn hiệu lực của dự án DA01 cho vòng 1" in message
    assert "Ghi quyết định phê duyệt trước" in message
    made = approve(cli, "--decision", "12/QĐ-UBND", "--on", "2023-03-01", "--households", "H001,H002",
                   "--meeting-on", "2023-02-20", "--hamlet", "Thôn Đông", "--attendees", "45", "--chair", "Phạm Văn Tư")
    assert made["decision"] == "12/QĐ-UBND" and made["households"] == ["H001", "H002"] and made["id"] == 1
    assert made["amounts"] == [7_000_000, 5_000_000]  # the policy's amounts for poor and near-poor
    # A decision dated after the support does not cover it.
    message = refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H001",
                      "--on", "2023-02-28")
    assert "ký trước hoặc đúng ngày hỗ trợ 28/02/2023" in message
    assert cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2023-03-10").code == 0
    # H003 is not on it.
    refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H003", "--on", "2023-03-10")
    # A household's own money needs no decision.
    assert cli("support", "add", "--project", "DA01", "--household", "H004", "--on", "2023-03-10",
               "--source", "other", "--amount", "3000000").code == 0
    assert cli("check", "--json").json["ok"] is True


def test_a_relend_needs_a_decision_for_its_round(office, cli, data_dir):
    approve(cli, "--decision", "12/QĐ-UBND", "--on", "2023-03-01", "--households", "H001")
    assert cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2023-03-10").code == 0
    payments.record_payment(office, payments.PaymentInput("DA01", "H001", 4_667_000, date(2024, 3, 1)))
    args = ("support", "add", "--project", "DA01", "--household", "H002", "--on", "2024-04-01", "--from-fund",
            "--amount", "4000000")
    approve(cli, "--decision", "3/QĐ-UBND", "--on", "2024-03-20", "--households", "H002")  # round 1, not 2
    assert "cho vòng 2" in refused(cli, data_dir, *args)
    approve(cli, "--decision", "4/QĐ-UBND", "--on", "2024-03-20", "--households", "H002", "--round", "2",
            "--amounts", "4.000.000")
    assert cli(*args).code == 0


def test_decision_refusals(office, cli, data_dir):
    lock_period(office, date(2023, 1, 31))
    cases = {
        ("--decision", "1/QĐ-UBND", "--on", "2026-11-02", "--households", "H001"): "ở tương lai",
        ("--decision", "1/QĐ-UBND", "--on", "2023-01-15", "--households", "H001"): "kỳ đã khóa sổ",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H009"): "Không có hộ mã “H009”",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H004"): "hộ không nghèo",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H001,H001"): "ghi hai lần",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H001,H002",
         "--amounts", "7000000"): "2 hộ nhưng 1 số tiền",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H001",
         "--meeting-on", "2023-03-05"): "sau ngày quyết định",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H003", "--meeting-on", "2023-02-20",
         "--hamlet", "Thôn Đông"): "không thuộc Thôn Đông",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H001",
         "--attendees", "30"): "--meeting-on",
        ("--decision", " ", "--on", "2023-03-01", "--households", "H001"): "Chưa ghi số quyết định",
        ("--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H001",
         "--supersedes", "99/QĐ-UBND"): "không có quyết định số “99/QĐ-UBND”",
    }
    for args, expected in cases.items():
        assert expected in refused(cli, data_dir, "approval", "add", "--project", "DA01", *args), args
    approve(cli, "--decision", "1/QĐ-UBND", "--on", "2023-03-01", "--households", "H001")
    assert "đã có quyết định số 1/QĐ-UBND" in refused(
        cli, data_dir, "approval", "add", "--project", "DA01", "--decision", "1/QĐ-UBND", "--on", "2023-06-01",
        "--households", "H002")
    # The same number in another year is another decision.
    approve(cli, "--decision", "1/QĐ-UBND", "--on", "2024-02-01", "--households", "H002")


def test_an_escaped_household_past_its_months_is_not_approved(office, cli, data_dir):
    add_household(office, HouseholdInput("H005", "Vũ Văn Năm", "Thôn Tây", Category.ESCAPED,
                                         category_on=date(2020, 1, 1)))
    message = refused(cli, data_dir, "approval", "add", "--project", "DA01", "--decision", "2/QĐ-UBND",
                      "--on", "2023-03-01", "--households", "H005")
    assert "đến ngày quyết định 01/03/2023" in message and "không được phê duyệt" in message


def test_a_correction_supersedes_the_old_decision_whole(office, cli, data_dir):
    approve(cli, "--decision", "12/QĐ-UBND", "--on", "2023-03-01", "--households", "H001,H002")
    corrected = approve(cli, "--decision", "15/QĐ-UBND", "--on", "2023-03-05", "--households", "H001,H003",
                        "--supersedes", "12/QĐ-UBND")
    assert corrected["supersedes"] == "12/QĐ-UBND"
    # H002 was only on the superseded decision: no longer approved.
    assert "H002" in refused(cli, data_dir, "support", "add", "--project", "DA01", "--household", "H002",
                             "--on", "2023-03-10")
    assert cli("support", "add", "--project", "DA01", "--household", "H003", "--on", "2023-03-10").code == 0
    # A support dated between the two decisions was covered only by the old one, which no longer counts.
    assert "ký trước hoặc đúng ngày hỗ trợ 03/03/2023" in refused(
        cli, data_dir, "support", "add", "--project", "DA01", "--household", "H001", "--on", "2023-03-03")
    listed = cli("approval", "list", "--project", "DA01", "--json").json["decisions"]
    assert [(d["decision"], d["in_force"], d["superseded_by"]) for d in listed] == [
        ("15/QĐ-UBND", True, None), ("12/QĐ-UBND", False, "15/QĐ-UBND")]
    # Superseded once: a further correction replaces the correction.
    assert "đã được thay thế bằng quyết định 15/QĐ-UBND" in refused(
        cli, data_dir, "approval", "add", "--project", "DA01", "--decision", "16/QĐ-UBND", "--on", "2023-03-06",
        "--households", "H001", "--supersedes", "12/QĐ-UBND")
    # A correction may not drop a household whose support it is the basis of.
    assert "đang là căn cứ của khoản hỗ trợ đã ghi cho hộ H003" in refused(
        cli, data_dir, "approval", "add", "--project", "DA01", "--decision", "16/QĐ-UBND", "--on", "2023-03-06",
        "--households", "H001", "--supersedes", "15/QĐ-UBND")
    assert "trước quyết định bị thay thế" in refused(
        cli, data_dir, "approval", "add", "--project", "DA01", "--decision", "16/QĐ-UBND", "--on", "2023-03-04",
        "--households", "H001,H003", "--supersedes", "15/QĐ-UBND")


def test_decisions_and_meetings_are_frozen(office, cli, data_dir):
    approve(cli, "--decision", "12/QĐ-UBND", "--on", "2023-03-01", "--households", "H001",
            "--meeting-on", "2023-02-20")
    conn = sqlite3.connect(data_dir.database)
    try:
        for sql in ("UPDATE approval_decision SET decided_on = '2023-01-01'", "DELETE FROM approval_decision",
                    "UPDATE approval_decision_household SET amount = 1", "DELETE FROM approval_decision_household",
                    "UPDATE approval_meeting SET attendees = 1", "DELETE FROM approval_meeting_household"):
            with pytest.raises(sqlite3.IntegrityError, match="không được sửa hay xóa"):
                conn.execute(sql)
    finally:
        conn.close()


def test_check_lists_unapproved_supports_as_problem_or_notice(office, cli):
    settings.update_settings(office, {"require_approval": "0"})
    support.record_support(office, support.SupportInput("DA01", "H001", date(2023, 3, 10)))
    data = cli("check", "--json").json
    assert data["ok"] is True
    assert [(n["kind"], n["household"]) for n in data["notices"]] == [("support_unapproved", "H001")]
    settings.update_settings(office, {"require_approval": "1"})
    data = cli("check", "--json").json
    assert data["ok"] is False
    assert [(p["kind"], p["household"], p["round"]) for p in data["problems"]] == [("support_unapproved", "H001", 1)]
    assert "Hộ H001 chưa có trong quyết định phê duyệt" in data["problems"][0]["message"]
    approve(cli, "--decision", "12/QĐ-UBND", "--on", "2023-03-01", "--households", "H001")
    assert cli("check", "--json").json["ok"] is True


def test_books_from_an_earlier_version_keep_approval_off(tmp_path):
    """Upgraded books have no ``require_approval`` row, which reads as off: they work as before."""
    from desktop.books import Books
    from desktop.paths import DataDir
    from desktop.queries import rules

    data = DataDir(tmp_path / "data")
    data.root.mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "fixtures" / "schema_v6.sqlite", data.database)
    with Books.open(data) as books:
        assert books.setting("require_approval") is None
        assert rules.approval_required(books.conn) is False


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_decision_and_minutes_print_as_administrative_documents(office, cli, tmp_path):
    approve(cli, "--decision", "12/QĐ-UBND", "--on", "2023-03-01", "--households", "H001,H002",
            "--meeting-on", "2023-02-20", "--hamlet", "Thôn Đông", "--attendees", "45", "--chair", "Phạm Văn Tư")
    decision, minutes = tmp_path / "qd.pdf", tmp_path / "bb.pdf"
    assert cli("approval", "pdf", "--id", "1", "--out", str(decision), "--json").json == {"path": str(decision)}
    assert cli("approval", "pdf", "--id", "1", "--minutes", "--out", str(minutes)).code == 0
    text = " ".join(_pdf_text(decision).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                     "XÃ ĐỨC CHÍNH", "Số: 12/QĐ-UBND", "Đức Chính, ngày 01 tháng 03 năm 2023", "QUYẾT ĐỊNH",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ ĐỨC CHÍNH", "Căn cứ Quyết định số 5/QĐ-UBND ngày 20/01/2023",
                     "Căn cứ Biên bản họp bình xét ngày 20/02/2023 của Thôn Đông", "12.000.000 đồng",
                     "Mười hai triệu đồng", "Nguyễn Văn Dũng", "Đặng Thị Hoa", "Hộ cận nghèo", "Trần Văn Nam",
                     "TM. ỦY BAN NHÂN DÂN"):
        assert expected in text, expected
    text = " ".join(_pdf_text(minutes).split())
    for expected in ("BIÊN BẢN", "Họp bình xét hộ được hỗ trợ phát triển sản xuất", "THÔN ĐÔNG",
                     "Hôm nay, ngày 20 tháng 02 năm 2025".replace("2025", "2023"), "Chủ trì: Phạm Văn Tư",
                     "Số người dự họp: 45 người", "Nguyễn Văn Dũng", "CHỦ TRÌ", "THƯ KÝ"):
        assert expected in text, expected


def test_minutes_of_a_decision_without_meeting_are_refused(office, cli, data_dir, tmp_path):
    approve(cli, "--decision", "12/QĐ-UBND", "--on", "2023-03-01", "--households", "H001")
    assert "không kèm biên bản họp bình xét" in refused(
        cli, data_dir, "approval", "pdf", "--id", "1", "--minutes", "--out", str(tmp_path / "bb.pdf"))
    assert "Không có quyết định phê duyệt mã 7" in refused(
        cli, data_dir, "approval", "pdf", "--id", "7", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "bb.pdf").exists()
