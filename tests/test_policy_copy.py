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
