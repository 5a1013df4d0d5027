"""Sync: the commune's export of its package, the upper level's import of many communes' packages, and its
refusal of a 100 MB hostile package (time and peak memory)."""

from __future__ import annotations

import time
from pathlib import Path

from desktop.books import Books
from desktop.paths import DataDir
from desktop.services.demo import make_demo
from tests.perf.common import AS_OF, PEAKS, report, timed


def bench_sync_export(data_dir: DataDir, root: Path) -> None:
    """``sync export`` of the whole commune (every mirrored table as JSON lines in one snapshot, hashed,
    manifest signed, export recorded), against the same rows encoded the same way and streamed into a zip
    the same way (deflate at zlib's default level, as ``archive.open(ZipInfo, "w")`` does), with nothing
    hashed, signed or recorded."""
    import zipfile

    from desktop.sync import format as fmt
    from desktop.sync.export import export_package

    with Books.open(data_dir) as books:
        done = []
        figure = timed(lambda: done.append(export_package(books, root / f"export-{len(done)}", as_of=AS_OF,
                                                          encrypt=False)), repeat=2)

        def bare() -> None:
            with zipfile.ZipFile(root / "floor-export.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for table, columns in fmt.PART_COLUMNS.items():
                    info = zipfile.ZipInfo(fmt.part_path(table))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with archive.open(info, "w", force_zip64=True) as out:
                        out.write(fmt.encode_line(columns))
                        cursor = books.conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
                        while batch := cursor.fetchmany(5000):
                            out.write(b"".join(fmt.encode_line(row) for row in batch))

        floor = timed(bare, repeat=2)
    size_mb = done[-1].path.stat().st_size / 1e6
    report(f"sync export, whole commune ({size_mb:.1f} MB package)", figure, floor,
           floor_name="same rows streamed into a zip, unsigned")


def _commune_packages(root: Path, count: int, households: int, bases: int = 4) -> list[Path]:
    """``count`` signed packages of distinct communes, made cheaply: ``bases`` demo communes are generated
    and exported, then each package is re-issued under a new commune code and name and signed by that
    commune's own new key (the rows are the base's; ID numbers therefore repeat across communes)."""
    import hashlib
    import json
    import zipfile

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from desktop import signing
    from desktop.sync import format as fmt
    from desktop.sync.export import export_package

    sources = []
    for seed in range(1, bases + 1):
        data_dir = DataDir(root / f"base-{seed}")
        make_demo(data_dir, households=households, seed=seed, as_of=AS_OF)
        with Books.open(data_dir) as books:
            sources.append(export_package(books, root / "bases", as_of=AS_OF, encrypt=False).path)
    base_entries = []
    for source in sources:
        with zipfile.ZipFile(source) as archive:
            base_entries.append({i.filename: archive.read(i) for i in archive.infolist()})
    out = root / "packages"
    out.mkdir()
    paths = []
    for index in range(count):
        entries = dict(base_entries[index % bases])
        code = f"{11000 + index:05d}"
        settings_path = fmt.part_path("settings")
        lines = entries[settings_path].decode().splitlines()
        for n, line in enumerate(lines[1:], start=1):
            key, value = json.loads(line)
            if key == "commune_code":
                lines[n] = json.dumps([key, code])
            elif key == "commune_name":
                lines[n] = json.dumps([key, f"Xã Mẫu {index + 1}"], ensure_ascii=False)
        data = ("\n".join(lines) + "\n").encode()
        entries[settings_path] = data
        manifest = json.loads(entries[fmt.MANIFEST])
        manifest["commune"] = {"code": code, "name": f"Xã Mẫu {index + 1}"}
        for part in manifest["parts"]:
            if part["table"] == "settings":
                part.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        key = Ed25519PrivateKey.generate()
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        manifest.update(public_key=raw.hex(), key_fingerprint=signing.fingerprint(raw))
        entries[fmt.MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        entries[fmt.SIGNATURE] = key.sign(entries[fmt.MANIFEST])
        path = out / fmt.package_name("30", "290", code, 1, AS_OF)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, value in entries.items():
                archive.writestr(name, value)
        paths.append(path)
    return paths


def bench_upper_import(root: Path, communes: int, households: int) -> None:
    """``upper import`` of ``communes`` packages (verification, row checks, one transaction each), against
    raw executemany of the same rows into the same upper-store tables, one transaction, rows pre-parsed."""
    import json
    import zipfile

    from desktop.domain import Mode
    from desktop.services.settings import CommuneSetup, init_books
    from desktop.sync import format as fmt
    from desktop.sync.upper import ImportStatus, import_packages

    paths = _commune_packages(root, communes, households)
    setup = CommuneSetup("290", "Huyện Cẩm Giàng", "30", "Tỉnh Hải Dương", "30", "Tỉnh Hải Dương", Mode.UPPER)
    upper, _ = init_books(DataDir(root / "upper"), setup, actor="bench")
    with upper:
        start = time.perf_counter()
        results = import_packages(upper, paths)
        figure = time.perf_counter() - start
        assert all(r.status is ImportStatus.IMPORTED for r in results), results[0]
        rows = sum(r.rows for r in results)
    floor_books, _ = init_books(DataDir(root / "floor-upper"), setup, actor="bench")
    conn = floor_books.conn
    statements = {table: f"INSERT INTO upper_{table} (commune_id, {', '.join(cols)}) "
                         f"VALUES ({', '.join('?' * (len(cols) + 1))})" for table, cols in fmt.PART_COLUMNS.items()}
    floor = 0.0
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    for number, path in enumerate(paths, start=1):
        with zipfile.ZipFile(path) as archive:
            parsed = {table: [(number, *json.loads(line)) for line in
                              archive.read(fmt.part_path(table)).decode().splitlines()[1:]]
                      for table in fmt.PARTS}
        start = time.perf_counter()
        for table, values in parsed.items():
            conn.executemany(statements[table], values)
        floor += time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("COMMIT")
    floor += time.perf_counter() - start
    floor_books.close()
    size_mb = sum(p.stat().st_size for p in paths) / communes / 1024 / 1024
    report(f"upper import, {communes} communes × {households:,} households ({rows:,} rows, "
           f"{rows / figure:,.0f} rows/s; floor {rows / floor:,.0f} rows/s; {size_mb:.2f} MB a package)",
           figure, floor, floor_name="raw executemany of the same rows, one transaction")


_CHILD = r"""
import hashlib, json, resource, sys, time, zipfile
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from desktop.books import Books
from desktop.paths import DataDir
from desktop.sync.upper import import_packages

what, upper, package = sys.argv[2], DataDir(Path(sys.argv[3])), Path(sys.argv[4])
with Books.open(upper) as books:
    start = time.perf_counter()
    if what == "refuse":
        [result] = import_packages(books, [package], dry_run=True)
        outcome = {"status": result.status.value, "reason": result.reason[:160]}
    elif what == "parse":  # the floor of a full read: every line parsed and inserted into a bare table
        import sqlite3
        conn = sqlite3.connect(upper.root / "floor.sqlite", isolation_level=None)
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("BEGIN")
        with zipfile.ZipFile(package) as archive:
            for info in archive.infolist():
                if not info.filename.startswith("data/"):
                    continue
                table = "t" + hashlib.md5(info.filename.encode()).hexdigest()[:8]
                with archive.open(info) as stream:
                    header = json.loads(stream.readline())
                    conn.execute(f"CREATE TABLE {table} ({', '.join('c%d' % i for i in range(len(header)))})")
                    sql = f"INSERT INTO {table} VALUES ({', '.join('?' * len(header))})"
                    while lines := stream.readlines(1 << 18):
                        conn.executemany(sql, [json.loads(line) for line in lines])
        conn.execute("COMMIT")
        conn.close()
        (upper.root / "floor.sqlite").unlink()
        outcome = {}
    else:  # the floor: every byte of the package read once, each entry inflated, nothing parsed or checked
        digest = hashlib.sha256()
        with package.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        with zipfile.ZipFile(package) as archive:
            for info in archive.infolist():
                with archive.open(info) as stream:
                    while stream.read(1 << 20):
                        pass
        outcome = {}
    outcome["seconds"] = time.perf_counter() - start
outcome["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(outcome, ensure_ascii=False))
"""


def _in_child(what: str, upper: DataDir, package: Path) -> dict:
    """Run in a fresh interpreter, so its peak memory (max RSS) is the refusal's alone."""
    import json
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _CHILD, str(repo), what, str(upper.root), str(package)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def bench_hostile_package(root: Path, megabytes: int = 100) -> None:
    """Refusing a ``megabytes`` MB hostile package, twice: one signed by a key the upper level does not know
    for its commune (refused from its manifest, before any part is read) and one validly signed whose last
    row is bad (every row streamed and checked before the refusal). Each runs in a child process: its time
    beside a floor that only reads every byte of the file once, and its peak memory, which must stay under
    300 MB whatever the file's size."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from desktop import signing
    from desktop.domain import Mode
    from desktop.services.settings import CommuneSetup, init_books
    from desktop.sync.export import export_package
    from desktop.sync.upper import ImportStatus, import_packages
    from tests.sync_helpers import write_hostile

    commune = DataDir(root / "hostile-commune")
    make_demo(commune, households=200, seed=7, as_of=AS_OF)
    with Books.open(commune) as books:
        good = export_package(books, root / "hostile-out", as_of=AS_OF, encrypt=False).path
        key = signing.load_private_key(books.conn)
    setup = CommuneSetup("290", "Huyện Cẩm Giàng", "30", "Tỉnh Hải Dương", "30", "Tỉnh Hải Dương", Mode.UPPER)
    upper_books, _ = init_books(DataDir(root / "hostile-upper"), setup, actor="bench")
    with upper_books:
        assert import_packages(upper_books, [good])[0].status is ImportStatus.IMPORTED
        upper = upper_books.data_dir
    cases = [("signed by an unknown key", Ed25519PrivateKey.generate(), "khóa khác", "read",
              "every byte of the file read once, nothing parsed"),
             ("validly signed, bad last row", key, "phải là số nguyên", "parse",
              "every line json.loads'd into a bare table, nothing checked")]
    for label, signer, reason, floor_kind, floor_name in cases:
        package = write_hostile(root / "hostile.vxp", good, signer, megabytes)
        size_mb = package.stat().st_size / 1024 / 1024
        refused = _in_child("refuse", upper, package)
        floor = _in_child(floor_kind, upper, package)
        assert refused["status"] == "rejected" and reason in refused["reason"], refused
        name = f"refusing a {size_mb:.0f} MB hostile package, {label}"
        report(f"{name} (peak {refused['maxrss_mb']:.0f} MB)", refused["seconds"], floor["seconds"],
               floor_name=floor_name)
        PEAKS.append(f"{name}: {refused['maxrss_mb']:.0f} MB (limit 300 MB; the floor's process: "
                     f"{floor['maxrss_mb']:.0f} MB)")
        package.unlink()
