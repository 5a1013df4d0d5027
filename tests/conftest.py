"""Shared test fixtures: a fresh data folder, an initialised commune, and the CLI run in-process."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

# Qt tests run without a display; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VONXOAY_USER", "kiểm thử")

from desktop.books import Books  # noqa: E402
from desktop.cli import main as cli_main  # noqa: E402
from desktop.domain import Mode  # noqa: E402
from desktop.paths import DataDir  # noqa: E402
from desktop.services.settings import CommuneSetup, init_books  # noqa: E402

COMMUNE = CommuneSetup(
    commune_code="10507", commune_name="Xã Đức Chính", upper_code="290", upper_name="Huyện Cẩm Giàng",
    province_code="30", province_name="Tỉnh Hải Dương", mode=Mode.COMMUNE, require_approval=False,
)
# The books most tests make record supports without decisions; tests of approvals turn the setting on.
INIT_ARGS = ["init", "--commune-code", "10507", "--commune-name", "Xã Đức Chính", "--upper-code", "290",
             "--upper-name", "Huyện Cẩm Giàng", "--province-code", "30", "--province-name", "Tỉnh Hải Dương",
             "--require-approval", "0"]


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data")


@pytest.fixture
def books(data_dir) -> Books:
    """An initialised commune with two hamlets, open for the test and closed after it."""
    opened, _ = init_books(data_dir, COMMUNE)
    from desktop.services.hamlets import add_hamlet

    add_hamlet(opened, "Thôn Đông")
    add_hamlet(opened, "Thôn Tây")
    yield opened
    opened.close()


@pytest.fixture
def cli(data_dir):
    """Run ``vonxoay-cli --data-dir <tmp> ...`` in-process and capture what it prints."""

    return lambda *args: run_cli(data_dir, *args)


def run_cli(data_dir: DataDir, *args: str) -> CliResult:
    """``vonxoay-cli --data-dir DIR ARGS`` in-process, with what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli_main(["--data-dir", str(data_dir.root), *args])
        except SystemExit as exit_:  # argparse refusals
            code = exit_.code if isinstance(exit_.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


def books_digest(path: Path) -> str:
    """A digest of every row in the database, to prove that a refused command wrote nothing."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


# --------------------------------------------------------------------------- slow tests


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run the tests marked slow (full drills, bundle build checks)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


REPO = Path(__file__).resolve().parents[1]


def run_cli_process(*args: str, respect_permissions: bool = False) -> CliResult:
    """Run ``python -m desktop ARGS`` as its own process, as a clerk's script would.

    ``respect_permissions``: make file permissions bind even when the tests run as root, by dropping the
    capabilities that let root write into read-only folders (util-linux ``setpriv``).
    """
    prefix: list[str] = []
    if respect_permissions and getattr(os, "geteuid", lambda: 1)() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a folder read-only for the program")
        caps = "-dac_override,-dac_read_search,-fowner"
        prefix = [setpriv, "--bounding-set", caps, "--inh-caps", caps, "--"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([*prefix, sys.executable, "-m", "desktop", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=REPO, env=env, timeout=120)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def readonly_runner():
    """``vonxoay-cli`` as a separate process to which read-only folders really are read-only."""
    return lambda *args: run_cli_process(*args, respect_permissions=True)


# --------------------------------------------------------------------------- the upper store's engines

# A PostgreSQL server the tests may create databases on (``packaging/dev.py test`` starts a private one and
# sets it); without it the PostgreSQL half of the upper-level tests is skipped, saying why.
POSTGRES_ENV = "VONXOAY_TEST_POSTGRES"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def upper_engine(request):
    """Run a module's upper-level tests once per engine: ``make_upper`` then sets the unit up on it, each
    upper level on a fresh database of its own."""
    from tests import sync_helpers

    if request.param == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"no PostgreSQL server for the tests ({POSTGRES_ENV} not set; packaging/dev.py test starts one)")
    sync_helpers.UPPER_ENGINE = request.param
    try:
        yield request.param
    finally:
        sync_helpers.UPPER_ENGINE = "sqlite"
        sync_helpers.drop_test_databases()
