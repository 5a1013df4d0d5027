"""A catalogue file that could block every real one after it, or that the reader cannot even walk, is refused
with a reason and nothing written: a version beyond any real sequence, a leap far past the version in force,
brackets nested thousands deep."""

from __future__ import annotations

import json
import sqlite3

import pytest

from desktop.catalogue import MAX_CATALOGUE_VERSION, MAX_VERSION_STEP
from tests.catalogue.test_catalogue import ok, refused
from tests.conftest import INIT_ARGS


@pytest.fixture
def commune(cli, monkeypatch):
    monkeypatch.setenv("VONXOAY_TODAY", "2027-06-30")
    ok(cli(*INIT_ARGS, "--json"))
    return cli


def catalogue(version) -> str:
    return json.dumps({"version": version, "programme": [{
        "code": "MTQG-2026", "name": "CT MTQG 2026–2035", "period": "2026–2030", "structure": "hop_phan",
        "valid_from": "2026-01-01", "components": [{"code": "Hợp phần 2", "name": "Giảm nghèo bền vững"}]}]})


@pytest.mark.parametrize("version", [2**63 - 1, MAX_CATALOGUE_VERSION + 1, 10**5000 // 10**4000])
def test_a_version_beyond_any_real_sequence_is_refused(commune, data_dir, tmp_path, version):
    path = tmp_path / "danh-muc.json"
    path.write_text(catalogue(version), encoding="utf-8")
    refused(commune, data_dir, ["catalogue", "import", str(path)], "“version”", "vô lý",
            f"không quá {MAX_CATALOGUE_VERSION}")


def test_a_leap_of_more_than_a_thousand_versions_is_refused_saying_why(commune, data_dir, tmp_path):
    path = tmp_path / "danh-muc.json"
    path.write_text(catalogue(2 + MAX_VERSION_STEP + 1), encoding="utf-8")
    refused(commune, data_dir, ["catalogue", "import", str(path)],
            f"phiên bản {2 + MAX_VERSION_STEP + 1}, vượt phiên bản 2 đang dùng tới {MAX_VERSION_STEP + 1} bậc",
            "mọi danh mục thật gửi sau đều bị coi là cũ")
    path.write_text(catalogue(2 + MAX_VERSION_STEP), encoding="utf-8")
    assert ok(commune("catalogue", "import", str(path), "--json"))["version"] == 2 + MAX_VERSION_STEP


def test_books_that_took_a_huge_version_before_take_real_catalogues_again(commune, data_dir, tmp_path):
    conn = sqlite3.connect(data_dir.database)
    with conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = 'catalogue_version'", (str(2**63 - 1),))
    conn.close()
    path = tmp_path / "danh-muc.json"
    path.write_text(catalogue(3), encoding="utf-8")
    done = ok(commune("catalogue", "import", str(path), "--json"))
    assert (done["version"], done["previous"]) == (3, 2)


@pytest.mark.parametrize("name, body", [
    ("sau.toml", 'version = 3\nx = ' + "[" * 5000 + "]" * 5000 + "\n"),
    ("sau.json", '{"version": 3, "programme": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("vua.json", '{"version": 3, "programme": ' + "[" * 40 + "]" * 40 + "}"),
])
def test_a_catalogue_nested_too_deep_is_bad_syntax_not_a_crash(commune, data_dir, tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    line = 2 if name.endswith(".toml") else 1
    refused(commune, data_dir, ["catalogue", "import", str(path)],
            f"Tệp danh mục {name} sai cú pháp: dữ liệu lồng nhau quá sâu (dòng {line}, quá 16 tầng")
