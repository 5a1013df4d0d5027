"""A commune's commands refuse an upper-level database and ``upper …`` refuses a commune's: one clear line,
exit 2, nothing written (instead of answers read from tables that mode never fills)."""

from __future__ import annotations

import pytest

from tests.conftest import INIT_ARGS, books_digest

UPPER_INIT = ["init", "--mode", "upper", "--commune-code", "290", "--commune-name", "Huyện Cẩm Giàng",
              "--upper-code", "30", "--upper-name", "Tỉnh Hải Dương", "--province-code", "30",
              "--province-name", "Tỉnh Hải Dương"]

COMMUNE_COMMANDS = [
    ("household", "add", "--code", "H001", "--head", "Nguyễn Văn A", "--hamlet", "Thôn 1", "--category", "poor"),
    ("household", "list"),
    ("hamlet", "add", "Thôn Đông"),
    ("project", "add", "--code", "DA01", "--name", "Nuôi bò"),
    ("support", "add", "--project", "DA01", "--household", "H001", "--on", "2025-03-01"),
    ("pay", "--project", "DA01", "--household", "H001", "--amount", "100000", "--on", "2025-03-01"),
    ("receipt", "void", "--book", "01", "--number", "1", "--reason", "nhầm"),
    ("schedule", "--project", "DA01"),
    ("report", "due", "--as-of", "2025-03-01"),
    ("sync", "export"),
]
UPPER_COMMANDS = [("upper", "report"), ("upper", "duplicates"), ("upper", "communes"), ("upper", "log")]


@pytest.mark.parametrize("command", COMMUNE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_commune_commands_refuse_an_upper_level_database(cli, data_dir, command):
    assert cli(*UPPER_INIT).code == 0
    before = books_digest(data_dir.database)
    result = cli(*command)
    assert result.code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "chỉ dùng ở xã" in lines[0] and "Huyện Cẩm Giàng" in lines[0], lines
    assert books_digest(data_dir.database) == before
    assert not data_dir.exports.exists() or not any(data_dir.exports.iterdir())


@pytest.mark.parametrize("command", UPPER_COMMANDS, ids=" ".join)
def test_upper_commands_refuse_a_commune_database(cli, data_dir, command):
    assert cli(*INIT_ARGS).code == 0
    before = books_digest(data_dir.database)
    result = cli(*command)
    assert result.code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "chỉ dùng ở cấp trên" in lines[0] and "Xã Đức Chính" in lines[0], lines
    assert books_digest(data_dir.database) == before


def test_each_mode_still_runs_its_own_and_the_shared_commands(cli):
    assert cli(*UPPER_INIT).code == 0
    assert cli("--json", "upper", "communes").json == {"communes": []}
    assert cli("--json", "settings").json["mode"] == "upper"
    assert cli("--json", "check").code == 0
