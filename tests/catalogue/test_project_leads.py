"""A project led by a cooperative, a cooperative group or a household group, with member households."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest

from tests.conftest import INIT_ARGS, books_digest


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


@pytest.fixture
def commune(cli, monkeypatch):
    monkeypatch.setenv("VONXOAY_TODAY", "2025-06-30")
    ok(cli(*INIT_ARGS, "--json"))
    ok(cli("hamlet", "add", "Thôn Đông", "--json"))
    for code, head in (("H001", "Nguyễn Văn Dũng"), ("H002", "Đặng Thị Hoa")):
        ok(cli("household", "add", "--code", code, "--head", head, "--hamlet", "Thôn Đông", "--category", "poor",
               "--category-on", "2024-01-01", "--json"))
    return cli


def test_a_project_added_with_its_cooperative_lead_and_members(commune):
    added = ok(commune("project", "add", "--code", "DA01", "--name", "Nuôi bò", "--programme", "GNBV",
                       "--lead-kind", "cooperative", "--lead-name", "HTX Nông nghiệp Đức Chính",
                       "--lead-representative", "Phạm Văn Hùng", "--lead-code", "0801234567", "--json"))
    assert added["lead"] == {"project": "DA01", "kind": "cooperative", "name": "HTX Nông nghiệp Đức Chính",
                             "representative": "Phạm Văn Hùng", "registration_code": "0801234567"}
    done = ok(commune("project", "lead", "add-members", "--project", "DA01", "--households", "H001,h002,H001",
                      "--json"))
    assert done["added"] == ["H001", "H002"] and done["members"] == 2
    shown = ok(commune("project", "lead", "show", "--project", "DA01", "--json"))["lead"]
    assert shown["kind_label"] == "Hợp tác xã" and [m["code"] for m in shown["members"]] == ["H001", "H002"]
    listed = ok(commune("project", "list", "--json"))["projects"]
    assert listed[0]["lead"] == "HTX Nông nghiệp Đức Chính"
    # Set again as a household group: the description changes, the audit keeps the old one.
    ok(commune("project", "lead", "set", "--project", "DA01", "--lead-kind", "household_group",
               "--lead-name", "Nhóm hộ nuôi bò thôn Đông", "--json"))
    assert ok(commune("project", "lead", "show", "--project", "DA01", "--json"))["lead"]["kind"] == "household_group"


@pytest.mark.parametrize("args, fragment", [
    (["--lead-kind", "cooperative", "--lead-name", "HTX A"], "mã số thuế"),
    (["--lead-name", "HTX A"], "Loại đơn vị chủ trì"),
    (["--lead-kind", "household_group"], "Chưa ghi tên nhóm hộ"),
    (["--lead-code", "123"], "Loại đơn vị chủ trì"),
])
def test_an_incomplete_lead_refuses_the_whole_project(commune, data_dir, args, fragment):
    before = books_digest(data_dir.database)
    result = commune("project", "add", "--code", "DA02", "--name", "Trồng rau", *args)
    assert result.code == 2 and fragment in result.stderr, result.stderr
    assert books_digest(data_dir.database) == before


def test_members_need_a_lead_first(commune, data_dir):
    ok(commune("project", "add", "--code", "DA03", "--name", "Trồng rau", "--json"))
    before = books_digest(data_dir.database)
    result = commune("project", "lead", "add-members", "--project", "DA03", "--households", "H001")
    assert result.code == 2 and "chưa có đơn vị chủ trì" in result.stderr
    assert books_digest(data_dir.database) == before


def test_the_project_register_names_the_lead_in_xlsx_and_pdf(commune, tmp_path):
    ok(commune("project", "add", "--code", "DA01", "--name", "Nuôi bò sinh sản", "--programme", "GNBV",
               "--lead-kind", "cooperative", "--lead-name", "HTX Nông nghiệp Đức Chính",
               "--lead-representative", "Phạm Văn Hùng", "--lead-code", "0801234567", "--json"))
    ok(commune("project", "add", "--code", "DA02", "--name", "Trồng rau", "--lead-kind", "household_group",
               "--lead-name", "Nhóm hộ trồng rau thôn Đông", "--json"))
    ok(commune("project", "add", "--code", "DA03", "--name", "Nuôi gà", "--json"))
    out = tmp_path / "projects.xlsx"
    ok(commune("report", "projects", "--format", "xlsx", "--out", str(out), "--json"))
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[head][3] == "Đơn vị chủ trì"
    assert [r[3] for r in rows[head + 1:head + 4]] == [
        "HTX Nông nghiệp Đức Chính (hợp tác xã); đại diện: Phạm Văn Hùng; mã số: 0801234567",
        "Nhóm hộ trồng rau thôn Đông (nhóm hộ)", None]
    pdf = tmp_path / "projects.pdf"
    ok(commune("report", "projects", "--format", "pdf", "--out", str(pdf), "--json"))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "Đơn vị chủ trì" in text and "HTX Nông nghiệp Đức Chính" in text and "0801234567" in text
    assert "Nhóm hộ trồng rau thôn Đông" in text
