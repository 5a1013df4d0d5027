"""The programme catalogue: versioned data, imported from a file, never changing an approved project."""

from __future__ import annotations

import json

import pytest

from tests.conftest import INIT_ARGS, books_digest


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


@pytest.fixture
def commune(cli, monkeypatch):
    monkeypatch.setenv("VONXOAY_TODAY", "2027-06-30")
    ok(cli(*INIT_ARGS, "--json"))
    return cli


def refused(cli, data_dir, args, *fragments):
    before = books_digest(data_dir.database)
    result = cli(*args)
    assert result.code == 2, result
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert books_digest(data_dir.database) == before


def test_the_2026_programme_has_its_components_and_hop_phan_1_is_accepted(commune):
    shown = ok(commune("catalogue", "show", "--json"))
    assert shown["version"] == 2 and [v["source"] for v in shown["versions"]] == ["shipped"]
    merged = next(p for p in shown["programmes"] if p["code"] == "MTQG-2026")
    assert merged["structure"] == "hop_phan" and merged["valid_from"] == "2026-01-01"
    codes = {c["code"]: c for c in merged["components"]}
    assert {"Hợp phần 1", "Hợp phần 2", "Hợp phần 3"} <= set(codes) and codes["Hợp phần 1"]["assumed"] == 1
    assert codes["Hợp phần 2 - ND2"]["parent"] == "Hợp phần 2"
    ok(commune("project", "add", "--code", "DA26", "--name", "Nuôi dê", "--programme", "MTQG-2026",
               "--component", "hợp phần 1", "--approved-on", "2026-03-01", "--json"))


def test_a_project_approved_outside_its_programme_is_refused(commune, data_dir):
    refused(commune, data_dir, ["project", "add", "--code", "DA27", "--name", "Nuôi dê", "--programme", "GNBV",
                                "--component", "Dự án 2", "--approved-on", "2027-03-01"],
            "01/03/2027", "chương trình GNBV", "01/01/2021–31/12/2026")
    refused(commune, data_dir, ["project", "add", "--code", "DA25", "--name", "Nuôi dê", "--programme",
                                "MTQG-2026", "--approved-on", "2025-03-01"], "01/01/2026")
    assert ok(commune("check", "--json"))["ok"]


def test_a_newer_catalogue_adds_and_renames_but_never_changes_a_project(commune, data_dir, tmp_path):
    ok(commune("project", "add", "--code", "DA26", "--name", "Nuôi dê", "--programme", "MTQG-2026",
               "--component", "Hợp phần 2 - ND2", "--approved-on", "2026-03-01", "--json"))
    newer = tmp_path / "danh-muc-3.json"
    newer.write_text(json.dumps({"version": 3, "programme": [{
        "code": "MTQG-2026", "name": "CT MTQG 2026–2035", "period": "2026–2030", "structure": "hop_phan",
        "valid_from": "2026-01-01", "components": [
            {"code": "Hợp phần 2", "name": "Giảm nghèo bền vững"},
            {"code": "Hợp phần 2 - ND9", "parent": "Hợp phần 2", "name": "Nội dung mới"}]}]}), encoding="utf-8")
    done = ok(commune("catalogue", "import", str(newer), "--json"))
    assert (done["version"], done["previous"], done["programmes"], done["components"]) == (3, 2, 1, 2)
    shown = ok(commune("catalogue", "show", "--json"))
    assert [v["version"] for v in shown["versions"]] == [2, 3]
    merged = next(p for p in shown["programmes"] if p["code"] == "MTQG-2026")
    codes = {c["code"]: c for c in merged["components"]}
    # Nothing is removed; an assumed component the file now confirms is no longer marked assumed.
    assert "Hợp phần 2 - ND2" in codes and codes["Hợp phần 2"]["assumed"] == 0 and "Hợp phần 2 - ND9" in codes
    project = next(p for p in ok(commune("project", "list", "--json"))["projects"] if p["code"] == "DA26")
    assert project["component"] == "Hợp phần 2 - ND2"
    import sqlite3
    conn = sqlite3.connect(data_dir.database)
    assert conn.execute("SELECT catalogue_version FROM project WHERE code = 'DA26'").fetchone()[0] == 2
    with pytest.raises(sqlite3.IntegrityError, match="giữ mã chương trình"):
        conn.execute("UPDATE project SET component = 'Hợp phần 2 - ND9' WHERE code = 'DA26'")
    conn.close()
    # The same file again, or an older one, changes nothing.
    refused(commune, data_dir, ["catalogue", "import", str(newer)], "phiên bản 3", "không mới hơn")


@pytest.mark.parametrize("body, fragment", [
    ('version = "x"\n[[programme]]\ncode = "A"', "“version” phải là số nguyên dương"),
    ('version = 9\n[[programme]]\ncode = "A"\nname = "B"\nperiod = "2026"\nstructure = "khac"', "du_an hoặc hop_phan"),
    ('version = 9\n[[programme]]\ncode = "A"\nname = "B"\nperiod = "2026"\nstructure = "du_an"\nvalid_from = "x"',
     "ngày “x” không hợp lệ"),
    ('version = 9\n[[programme]]\ncode = "A"\nname = "B"\nperiod = "2026"\nstructure = "du_an"\ncolour = 1',
     "không biết mục colour"),
    ('version = 9\n[[programme]]\ncode = "A"\nname = "B"\nperiod = "2026"\nstructure = "du_an"\n'
     'components = [{ code = "X", parent = "Y", name = "Z" }]', "thành phần cha “Y”"),
    ("version = [", "không đọc được"),
])
def test_a_bad_catalogue_file_is_refused_naming_what_is_wrong(commune, data_dir, tmp_path, body, fragment):
    path = tmp_path / "danh-muc.toml"
    path.write_text(body, encoding="utf-8")
    refused(commune, data_dir, ["catalogue", "import", str(path)], fragment)
