"""An edited copy of a fund policy: checked like a shipped one, saved under a new code, never over another."""

from __future__ import annotations

import pytest

from desktop.errors import Refused
from desktop.policy import DEFAULT_POLICY_CODE, load_policy, policy_files, save_policy_copy


def _shipped_text() -> str:
    return next(p for p in policy_files() if p.stem == DEFAULT_POLICY_CODE).read_text(encoding="utf-8")


def test_a_copy_with_a_new_code_is_saved_listed_and_loadable(tmp_path):
    text = _shipped_text().replace(f'code = "{DEFAULT_POLICY_CODE}"', 'code = "xa-duc-chinh-2026"', 1)
    text = text.replace("poor = 7_000_000", "poor = 8_000_000", 1)
    path, policy = save_policy_copy(tmp_path, text)
    assert path == tmp_path / "xa-duc-chinh-2026.toml" and policy.support["poor"] == 8_000_000
    assert path in policy_files(tmp_path) and len(policy_files(tmp_path)) == len(policy_files()) + 1
    assert load_policy(path).support["poor"] == 8_000_000
    with pytest.raises(Refused, match="Đã có quy định mã"):
        save_policy_copy(tmp_path, text)


def _copy(text: str) -> str:
    return text.replace(f'"{DEFAULT_POLICY_CODE}"', '"ban-sao"', 1)


@pytest.mark.parametrize(("edited", "reason"), [
    (lambda t: t, "Đã có quy định mã"),  # the shipped code itself: a copy never replaces it
    (lambda t: _copy(t).replace("poor = 7_000_000", "poor = -7_000_000", 1), "mức hỗ trợ âm"),
    (lambda t: _copy(t) + "\n[[[", "sai cú pháp TOML"),
])
def test_a_bad_copy_is_refused_and_nothing_written(tmp_path, edited, reason):
    folder = tmp_path / "policies"
    with pytest.raises(Refused, match=reason):
        save_policy_copy(folder, edited(_shipped_text()))
    assert not folder.exists() or not list(folder.iterdir())


def test_cli_project_add_finds_a_copy_saved_in_the_data_folder(cli, data_dir):
    from tests.conftest import INIT_ARGS

    assert cli(*INIT_ARGS).code == 0
    text = _shipped_text().replace(f'code = "{DEFAULT_POLICY_CODE}"', 'code = "xa-duc-chinh-2026"', 1)
    save_policy_copy(data_dir.policies, text.replace("poor = 7_000_000", "poor = 8_000_000", 1))
    result = cli("--json", "project", "add", "--code", "DA01", "--name", "Nuôi bò", "--policy", "xa-duc-chinh-2026")
    assert result.code == 0, result.stderr
    assert result.json["policy"] == "xa-duc-chinh-2026"
    listed = cli("--json", "project", "list").json["projects"]
    assert [p["policy_code"] for p in listed if p["code"] == "DA01"] == ["xa-duc-chinh-2026"]


@pytest.mark.parametrize("code", ["khong-co-ma-nay", "../policies/xa-duc-chinh-2026"])
def test_cli_project_add_refuses_an_unknown_policy_code_and_writes_nothing(cli, data_dir, code):
    from tests.conftest import INIT_ARGS, books_digest

    assert cli(*INIT_ARGS).code == 0
    text = _shipped_text().replace(f'code = "{DEFAULT_POLICY_CODE}"', 'code = "xa-duc-chinh-2026"', 1)
    save_policy_copy(data_dir.policies, text)
    before = books_digest(data_dir.database)
    result = cli("project", "add", "--code", "DA01", "--name", "Nuôi bò", "--policy", code)
    assert result.code == 2 and "Không tìm thấy quy định quỹ" in result.stderr
    assert "xa-duc-chinh-2026" in result.stderr  # the office's own copy is among those offered
    assert books_digest(data_dir.database) == before
