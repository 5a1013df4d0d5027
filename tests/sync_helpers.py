"""Helpers shared by the sync tests: small demo communes with their own codes, an upper level, the CLI."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import uuid
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from db import postgres
from desktop import clock
from desktop.books import Books
from desktop.domain import Mode
from desktop.paths import DataDir
from desktop.services.demo import make_demo
from desktop.services.settings import CommuneSetup, init_books
from desktop.upper_store import SETTING, PostgresUpperStore, contents, prepare_postgres, record_database
from tests.conftest import POSTGRES_ENV, books_digest, run_cli

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


# The engine ``make_upper`` sets the upper store up on (the ``upper_engine`` fixture switches it).
UPPER_ENGINE = "sqlite"
_DATABASES: list[str] = []


def make_upper(root: Path) -> DataDir:
    data_dir = DataDir(root / "cap-tren")
    url = new_test_database() if UPPER_ENGINE == "postgresql" else None
    if url:
        prepare_postgres(url)
    books, _ = init_books(data_dir, UPPER)
    with books:
        if url:
            record_database(books, url)
    return data_dir


def server_url(database: str = "postgres") -> str:
    """The test server's URL with another database name (the path part of the URL)."""
    parts = urlsplit(os.environ[POSTGRES_ENV])
    return urlunsplit(parts._replace(path=f"/{database}"))


def new_test_database() -> str:
    """A fresh empty database on the test server; dropped when the module's tests are done."""
    import psycopg

    name = f"vx_{os.getpid()}_{len(_DATABASES)}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    _DATABASES.append(name)
    return server_url(name)


def drop_test_databases() -> None:
    if not _DATABASES:
        return
    import psycopg

    with psycopg.connect(server_url(), autocommit=True) as conn:
        while _DATABASES:
            conn.execute(f"DROP DATABASE IF EXISTS {_DATABASES.pop()} WITH (FORCE)")


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


def store_state(data_dir: DataDir) -> tuple[str, ...]:
    """Every row (books_digest) and every byte of the store's file, and on PostgreSQL every row of the
    upper store on the server."""
    raw = hashlib.sha256(data_dir.database.read_bytes()).hexdigest()
    state: tuple[str, ...] = (books_digest(data_dir.database), raw)
    own = sqlite3.connect(f"{data_dir.database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = own.execute("SELECT value FROM settings WHERE key = ?", (SETTING,)).fetchone()
    finally:
        own.close()
    if row and postgres.is_postgres_url(row[0]):
        store = PostgresUpperStore(postgres.open_upper(row[0]), row[0])
        try:
            state += (hashlib.sha256(repr(sorted(contents(store).items())).encode()).hexdigest(),)
        finally:
            store.close()
    return state


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


def resign(entries: dict[str, bytes], key, *, change=None, public_hex: str | None = None) -> dict[str, bytes]:
    """The entries with their manifest changed by ``change(manifest)``, part hashes brought up to date, and
    signed by ``key`` (``public_hex``: the key the manifest names, by default ``key``'s own)."""
    import json

    from cryptography.hazmat.primitives import serialization

    from desktop import signing
    from desktop.sync import format as fmt

    entries = dict(entries)
    manifest = json.loads(entries[fmt.MANIFEST])
    for part in manifest["parts"]:
        data = entries[part["path"]]
        part.update(rows=data.count(b"\n") - 1, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    manifest["public_key"] = public_hex or raw.hex()
    manifest["key_fingerprint"] = signing.fingerprint(bytes.fromhex(manifest["public_key"]))
    if change:
        change(manifest)
    entries[fmt.MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    entries[fmt.SIGNATURE] = key.sign(entries[fmt.MANIFEST])
    return entries


def write_hostile(path: Path, good: Path, key, megabytes: int, *, bad_last_row: bool = True) -> Path:
    """``good`` with ``megabytes`` MB of audit rows appended (stored, not deflated: the file itself is that
    big), the last one malformed if ``bad_last_row``, re-signed by ``key``. Written as it is made: building a
    100 MB package costs a megabyte of memory, not hundreds."""
    import json

    from cryptography.hazmat.primitives import serialization

    from desktop import signing
    from desktop.sync import format as fmt

    entries = zip_entries(good)
    entry = fmt.part_path("audit_log")
    base = entries.pop(entry)
    ids = [int(line.split(b",", 1)[0][1:]) for line in base.splitlines()[1:]]
    next_id = max(ids, default=0) + 1
    row = ',"2026-06-01T10:00:00","x","household","00000000-0000-0000-0000-000000000000","update",null,null]\n'
    digest, size, lines = hashlib.sha256(), 0, 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(zipfile.ZipInfo(entry), "w", force_zip64=True) as out:
            def write(data: bytes) -> None:
                nonlocal size, lines
                out.write(data)
                digest.update(data)
                size += len(data)
                lines += data.count(b"\n")

            write(base)
            target = megabytes * 1024 * 1024
            while size < target:
                count = min(10_000, max(1, (target - size) // (len(row) + 7)))
                write("".join(f"[{next_id + i}{row}" for i in range(count)).encode())
                next_id += count
            if bad_last_row:
                write(('["not an id"' + row).encode())
        manifest = json.loads(entries.pop(fmt.MANIFEST))
        entries.pop(fmt.SIGNATURE)
        for name, data in entries.items():
            archive.writestr(name, data)
        for part in manifest["parts"]:
            if part["path"] == entry:
                part.update(rows=lines - 1, bytes=size, sha256=digest.hexdigest())
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        manifest.update(public_key=raw.hex(), key_fingerprint=signing.fingerprint(raw))
        body = json.dumps(manifest, ensure_ascii=False).encode()
        archive.writestr(fmt.MANIFEST, body)
        archive.writestr(fmt.SIGNATURE, key.sign(body))
    return path


def copy_upper(source: DataDir, target: DataDir) -> DataDir:
    """A copy of an upper level's data folder; on PostgreSQL its store is copied to a fresh database too
    (a database made from the other as template), so the copy and the original never share rows."""
    shutil.copytree(source.root, target.root)
    own = sqlite3.connect(target.database)
    try:
        row = own.execute("SELECT value FROM settings WHERE key = ?", (SETTING,)).fetchone()
        if row and postgres.is_postgres_url(row[0]):
            import psycopg

            name = f"vx_{os.getpid()}_{len(_DATABASES)}_{uuid.uuid4().hex[:8]}"
            template = urlsplit(row[0]).path.lstrip("/")
            with psycopg.connect(server_url(), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
            _DATABASES.append(name)
            with own:
                own.execute("UPDATE settings SET value = ? WHERE key = ?", (server_url(name), SETTING))
    finally:
        own.close()
    return target
