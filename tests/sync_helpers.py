"""Helpers shared by the sync tests: small demo communes with their own codes, an upper level, the CLI."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

from desktop import clock
from desktop.books import Books
from desktop.domain import Mode
from desktop.paths import DataDir
from desktop.services.demo import make_demo
from desktop.services.settings import CommuneSetup, init_books
from tests.conftest import books_digest, run_cli

AS_OF = date(2026, 6, 30)
UPPER = CommuneSetup(commune_code="290", commune_name="Huyện Cẩm Giàng", upper_code="30",
                     upper_name="Tỉnh Hải Dương", province_code="30", province_name="Tỉnh Hải Dương",
                     mode=Mode.UPPER)


run = run_cli  # the sync tests' name for it


def make_commune(root: Path, code: str = "10507", *, seed: int = 1, households: int = 30,
                 projects: int = 2) -> DataDir:
    """A small demo commune renamed to ``code`` (the demo generator always makes Xã Đức Chính)."""
    data_dir = DataDir(root / f"xa-{code}-{seed}")
    # Made on the day it is exported as of: a package as of a day holds no audit row stamped after it.
    with clock.frozen(AS_OF):
        make_demo(data_dir, households=households, projects=projects, seed=seed, as_of=AS_OF)
    if code != "10507":
        with Books.open(data_dir) as books, books.transaction() as conn:
            conn.execute("UPDATE settings SET value = ? WHERE key = 'commune_code'", (code,))
            conn.execute("UPDATE settings SET value = ? WHERE key = 'commune_name'", (f"Xã Thử {code}",))
    return data_dir


def make_upper(root: Path) -> DataDir:
    data_dir = DataDir(root / "cap-tren")
    books, _ = init_books(data_dir, UPPER)
    books.close()
    return data_dir


def export(data_dir: DataDir, out: Path, *, to: DataDir | None = None) -> Path:
    """The commune's package as of AS_OF: encrypted to the upper level ``to`` (its key file loaded first),
    or in clear (``--unencrypted``) where the test is about something else."""
    if to is None:
        flags = ["--unencrypted"]
    else:
        load_recipient(data_dir, to)
        flags = []
    result = run(data_dir, "--json", "sync", "export", "--out", str(out), "--as-of", AS_OF.isoformat(), *flags)
    assert result.code == 0, result.stderr
    assert result.json["encrypted"] is (to is not None)
    return Path(result.json["path"])


def load_recipient(commune: DataDir, upper: DataDir) -> str:
    """The upper level exports its key file and the commune loads it; returns the key's fingerprint."""
    key_file = upper.root / "khoa-cap-tren.vxk"
    exported = run(upper, "--json", "upper", "key", "export", "--out", str(key_file))
    assert exported.code == 0, exported.stderr
    loaded = run(commune, "--json", "sync", "recipient", "set", str(key_file))
    assert loaded.code == 0, loaded.stderr
    assert loaded.json["fingerprint"] == exported.json["fingerprint"]
    return loaded.json["fingerprint"]


def store_state(data_dir: DataDir) -> tuple[str, str]:
    """Every row (books_digest) and every byte of the store's file."""
    raw = hashlib.sha256(data_dir.database.read_bytes()).hexdigest()
    return books_digest(data_dir.database), raw


def zip_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def build_zip(entries: list[tuple[str, bytes]] | dict[str, bytes]) -> bytes:
    items = entries.items() if isinstance(entries, dict) else entries
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return buffer.getvalue()
