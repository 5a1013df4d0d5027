"""The packaged program: the window's ``--smoke-test`` in-process, the frozen resource lookup, and (slow) the
built bundle's own smoke test, packaging/smoke-test.sh, over dist/vonxoay/."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from desktop import resources
from desktop.paths import DataDir
from desktop.services.demo import make_demo

REPO = Path(__file__).resolve().parents[2]


def test_frozen_program_finds_its_resources_inside_the_bundle(tmp_path, monkeypatch):
    (tmp_path / "resources" / "policies").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("policies") == tmp_path / "resources" / "policies"


def test_the_bundle_carries_every_resource_the_program_reads():
    """The spec ships resources/ whole; these are the files the code asks for by name."""
    for parts in [("fonts", "LiberationSerif-Regular.ttf"), ("policies", "hai-duong-2019.toml"),
                  ("programmes.toml",), ("icons", "vonxoay.png")]:
        assert resources.resource_path(*parts).is_file(), parts
    assert "(os.path.join(REPO, \"resources\"), \"resources\")" in (REPO / "packaging" / "vonxoay.spec").read_text()


def test_smoke_test_flag_opens_the_window_on_the_books_and_exits_cleanly(qapp, tmp_path, capsys):
    from ui.app import main

    data_dir = DataDir(tmp_path / "data")
    make_demo(data_dir, households=50, seed=2, as_of=date(2025, 6, 30))
    assert main(["--data-dir", str(data_dir.root), "--smoke-test"]) == 0
    assert capsys.readouterr().out.strip() == "smoke-test: VốnXoay — Xã Đức Chính"
    assert qapp.topLevelWidgets() == [] or not any(w.isVisible() for w in qapp.topLevelWidgets())


def test_smoke_render_imports_the_window_and_draws_a_receipt_page_through_pypdfium2(qapp, tmp_path, capsys):
    """The bundle's ``--smoke-render`` (packaging/launch_gui.py), run from the source tree: what the frozen
    program is asked to do in smoke-test.sh."""
    from desktop.cli import main as cli

    data_dir = DataDir(tmp_path / "data")
    make_demo(data_dir, households=30, seed=3, as_of=date(2025, 6, 30))
    pdf, png = tmp_path / "phiếu thu.pdf", tmp_path / "trang-1.png"
    printed = cli(["--data-dir", str(data_dir.root), "receipt", "pdf", "--project", "DA01", "--out", str(pdf)])
    assert printed in (0, None) and pdf.is_file()
    capsys.readouterr()
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import launch_gui
    finally:
        sys.path.remove(str(REPO / "packaging"))
    assert launch_gui.smoke_render(str(pdf), str(png), "ui.main_window", "ui.printing") == 0
    said = capsys.readouterr().out
    assert re.fullmatch(r"smoke-render: 2 modules imported, \d+ pages, page 1 \d+x\d+ px, [1-9]\d* dark samples\n",
                        said)
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() > 300 and image.height() > image.width()  # an A5 page, upright


def test_linux_menu_entry_starts_the_window_with_its_icon():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in a desktop entry
    parser.read(REPO / "packaging" / "linux" / "vonxoay.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "VốnXoay"
    assert entry["Exec"] == "vonxoay" and entry["Icon"] == "vonxoay" and entry["Terminal"] == "false"
    assert "Office" in entry["Categories"].split(";")


def test_icons_are_rendered_at_the_sizes_the_platforms_ask_for():
    from PIL import Image

    with Image.open(resources.resource_path("icons", "vonxoay.png")) as png:
        assert png.size == (256, 256) and png.mode == "RGBA"
    with Image.open(resources.resource_path("icons", "vonxoay.ico")) as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_windows_uninstaller_removes_only_what_it_installed():
    """The books in %LOCALAPPDATA%\\VonXoay must survive an uninstall: no section deletes anything else."""
    script = (REPO / "packaging" / "windows" / "vonxoay.iss").read_text(encoding="utf-8-sig")
    sections = re.findall(r"^\[(\w+)\]", script, flags=re.MULTILINE)
    assert "UninstallDelete" not in sections and "InstallDelete" not in sections
    assert "DelTree" not in script and "DeleteFile" not in script
    assert r'Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"' in script  # the Start-menu entry
    assert r"DefaultDirName={autopf}\VonXoay" in script  # never the data folder itself


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle")
def test_built_bundle_passes_its_smoke_test():
    if not (REPO / "dist" / "vonxoay" / "vonxoay").is_file():
        pytest.skip("no bundle: build it with packaging/build-linux.sh")
    if shutil.which("ldd") is None:
        pytest.skip("ldd is needed to check the bundle's libraries")
    result = subprocess.run(["bash", str(REPO / "packaging" / "smoke-test.sh")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke-test: VốnXoay — " in result.stdout and "smoke test passed" in result.stdout
