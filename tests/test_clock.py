"""The one clock: ``VONXOAY_TODAY`` moves today for the core, the command line and its child processes;
``frozen`` wins over it and puts back what was there; a value that is not a date is refused in Vietnamese."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from desktop import clock
from desktop.errors import Refused
from desktop.sync.format import MANIFEST
from tests.conftest import INIT_ARGS, books_digest, run_cli_process

LEAP_DAY = date(2028, 2, 29)


@pytest.fixture
def leap_day(monkeypatch):
    monkeypatch.setenv(clock.ENV, LEAP_DAY.isoformat())
    return LEAP_DAY


def test_the_variable_sets_today_and_the_date_of_now(leap_day, monkeypatch):
    assert clock.today() == leap_day
    assert clock.now().date() == leap_day
    monkeypatch.setenv(clock.ENV, " 2027-01-01 ")  # spaces around it, as a shell script may leave them
    assert clock.today() == date(2027, 1, 1) and clock.now().date() == date(2027, 1, 1)


def test_an_empty_variable_is_the_same_as_none(monkeypatch):
    monkeypatch.delenv(clock.ENV, raising=False)
    real = clock.today()
    monkeypatch.setenv(clock.ENV, "  ")
    assert clock.today() == real


@pytest.mark.parametrize("bad", ["2027-02-29", "29/02/2028", "ngày mai", "2028-13-01"])
def test_a_value_that_is_not_a_date_is_refused_in_vietnamese(monkeypatch, bad):
    monkeypatch.setenv(clock.ENV, bad)
    for read in (clock.today, clock.now, clock.now_iso):
        with pytest.raises(Refused, match="không phải một ngày dạng YYYY-MM-DD") as refused:
            read()
        assert f"VONXOAY_TODAY=“{bad}”" in refused.value.message


def test_frozen_wins_over_the_variable_and_restores_what_was_there(leap_day, monkeypatch):
    with clock.frozen(date(2027, 12, 31)) as day:
        assert day == clock.today() == clock.now().date() == date(2027, 12, 31)
        with clock.frozen(date(2028, 3, 1)):
            assert clock.today() == date(2028, 3, 1)
        assert clock.today() == date(2027, 12, 31)
        monkeypatch.setenv(clock.ENV, "không phải ngày")  # not even read while a date is pinned
        assert clock.today() == date(2027, 12, 31)
        monkeypatch.setenv(clock.ENV, leap_day.isoformat())
    assert clock.today() == leap_day
    with pytest.raises(KeyError), clock.frozen(date(2026, 12, 1)):
        raise KeyError("an error inside the block")
    assert clock.today() == leap_day


def _package_as_of(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(MANIFEST))["as_of"]


def test_the_command_line_takes_today_from_the_variable(cli, data_dir, leap_day):
    assert cli(*INIT_ARGS).code == 0
    result = cli("--json", "sync", "export", "--unencrypted")  # no --as-of: the data are as of today
    assert result.code == 0, result.stderr
    path = Path(result.json["path"])
    assert path.name.endswith(f"_{leap_day:%Y%m%d}.vxp")
    assert _package_as_of(path) == leap_day.isoformat()


def test_the_command_line_refuses_a_bad_variable_and_writes_nothing(cli, data_dir, monkeypatch):
    assert cli(*INIT_ARGS).code == 0
    before = books_digest(data_dir.database)
    monkeypatch.setenv(clock.ENV, "31/12/2027")
    result = cli("--json", "sync", "export", "--unencrypted")
    assert result.code == 2
    assert "Lỗi: Biến môi trường VONXOAY_TODAY=“31/12/2027” không phải một ngày dạng YYYY-MM-DD." in result.stderr
    assert not list(data_dir.root.rglob("*.vxp")) and books_digest(data_dir.database) == before


def test_a_child_process_inherits_the_date(data_dir, leap_day):
    """Drills and the window test start ``python`` themselves: the variable must reach them."""
    assert run_cli_process("--data-dir", str(data_dir.root), *INIT_ARGS).code == 0
    result = run_cli_process("--data-dir", str(data_dir.root), "--json", "sync", "export", "--unencrypted")
    assert result.code == 0, result.stderr
    assert _package_as_of(Path(result.json["path"])) == leap_day.isoformat()
