"""The upper level at province scale: N communes × H households imported into PostgreSQL and into SQLite,
each beside a floor of the same rows measured in the same run, then a consolidated report over all communes.

    python -m tests.perf.upper_engines --communes 50 100 300 --households 3000 --postgres URL

URL names a server where the benchmark may create and drop databases (``vx_bench_*``). Floors: for
PostgreSQL, COPY of the same rows (pre-parsed) into the same upper tables in one transaction; for SQLite,
raw executemany into the same tables in one transaction. Each line prints seconds, the ratio to its floor,
rows per second, and the store's size on disk; the last lines project the growth to 3 321 communes.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from desktop.domain import Mode
from desktop.paths import DataDir
from desktop.services.settings import CommuneSetup, init_books
from desktop.sync import format as fmt
from desktop.sync.consolidate import consolidate
from desktop.sync.upper import ImportStatus, import_packages
from desktop.upper_store import prepare_postgres, record_database, upper_store
from tests.perf.common import AS_OF
from tests.perf.sync_bench import _commune_packages

SETUP = CommuneSetup("290", "Huyện Cẩm Giàng", "30", "Tỉnh Hải Dương", "30", "Tỉnh Hải Dương", Mode.UPPER)
COUNTRY = 3321


def _database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def _drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _parsed(paths: list[Path]):
    for number, path in enumerate(paths, start=1):
        with zipfile.ZipFile(path) as archive:
            yield {table: [(number, *json.loads(line)) for line in
                           archive.read(fmt.part_path(table)).decode().splitlines()[1:]] for table in fmt.PARTS}


def _floor_sqlite(root: Path, paths: list[Path]) -> float:
    books, _ = init_books(DataDir(root), SETUP, actor="bench")
    conn = books.conn
    statements = {table: f"INSERT INTO upper_{table} (commune_id, {', '.join(cols)}) "
                         f"VALUES ({', '.join('?' * (len(cols) + 1))})" for table, cols in fmt.PART_COLUMNS.items()}
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    spent = 0.0
    for parsed in _parsed(paths):
        start = time.perf_counter()
        for table, values in parsed.items():
            conn.executemany(statements[table], values)
        spent += time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("COMMIT")
    spent += time.perf_counter() - start
    books.close()
    return spent


def _floor_postgres(url: str) -> tuple[float, list[Path]]:
    from db import postgres

    def run(paths: list[Path]) -> float:
        conn = postgres.open_upper(url, create=True)
        spent = 0.0
        try:
            with conn.transaction():
                conn.execute("SET session_replication_role = replica")  # no reference checks: a floor
                cursor = conn.cursor()
                for parsed in _parsed(paths):
                    start = time.perf_counter()
                    for table, rows in parsed.items():
                        names = ", ".join(fmt.PART_COLUMNS[table])
                        with cursor.copy(f"COPY upper_{table} (commune_id, {names}) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                    spent += time.perf_counter() - start
                start = time.perf_counter()
            spent += time.perf_counter() - start
        finally:
            conn.close()
        return spent
    return run  # type: ignore[return-value]


def _size_postgres(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def bench(root: Path, paths: list[Path], engine: str, server: str | None) -> dict:
    label = f"{engine}-{len(paths)}"
    data_dir = DataDir(root / label)
    url = None
    if engine == "postgresql":
        url = _database(server, f"vx_bench_{len(paths)}")
        prepare_postgres(url)
    books, _ = init_books(data_dir, SETUP, actor="bench")
    with books:
        if url:
            record_database(books, url)
        start = time.perf_counter()
        results = import_packages(books, paths)
        seconds = time.perf_counter() - start
        assert all(r.status is ImportStatus.IMPORTED for r in results), results[0]
        rows = sum(r.rows for r in results)
        start = time.perf_counter()
        report = consolidate(books, AS_OF.replace(month=1, day=1), AS_OF)
        report_seconds = time.perf_counter() - start
        assert len(report.communes) == len(paths)
        households = upper_store(books).execute("SELECT count(*) FROM upper_household").fetchone()[0]
    if engine == "postgresql":
        size = _size_postgres(url)
        floor_url = _database(server, f"vx_bench_floor_{len(paths)}")
        floor = _floor_postgres(floor_url)(paths)
        _drop(server, f"vx_bench_floor_{len(paths)}")
        _drop(server, f"vx_bench_{len(paths)}")
        floor_name = "COPY of the same rows"
    else:
        size = data_dir.database.stat().st_size + sum(
            p.stat().st_size for p in data_dir.root.glob("*.sqlite-wal"))
        floor = _floor_sqlite(root / f"{label}-floor", paths)
        floor_name = "raw executemany of the same rows"
    return {"engine": engine, "communes": len(paths), "households": households, "rows": rows,
            "seconds": seconds, "floor": floor, "floor_name": floor_name, "ratio": seconds / floor,
            "report_seconds": report_seconds, "bytes": size,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, nargs="+", default=[50, 100, 300])
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--postgres", help="server URL (a database the benchmark may create databases from)")
    parser.add_argument("--engines", nargs="+", default=["postgresql", "sqlite"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vonxoay-upper-bench-") as folder:
        root = Path(folder)
        paths = _commune_packages(root / "packages", max(args.communes), args.households)
        lines = []
        for count in args.communes:
            for engine in args.engines:
                if engine == "postgresql" and not args.postgres:
                    continue
                line = bench(root, paths[:count], engine, args.postgres)
                lines.append(line)
                print(f"{engine:10} {count:4} communes × {args.households:,} households: "
                      f"{line['seconds']:7.1f} s ({line['ratio']:.1f}× {line['floor_name']}: {line['floor']:.1f} s), "
                      f"{line['rows'] / line['seconds']:,.0f} rows/s; report over all communes "
                      f"{line['report_seconds']:.1f} s; store {line['bytes'] / 1e6:,.0f} MB", flush=True)
        for engine in args.engines:
            mine = [x for x in lines if x["engine"] == engine]
            if len(mine) >= 2:
                a, b = mine[0], mine[-1]
                per = (b["seconds"] - a["seconds"]) / (b["communes"] - a["communes"])
                size = (b["bytes"] - a["bytes"]) / (b["communes"] - a["communes"])
                report_per = b["report_seconds"] / b["communes"]
                print(f"{engine}: {per:.2f} s and {size / 1e6:.1f} MB per added commune → {COUNTRY} communes: "
                      f"import ≈ {per * COUNTRY / 60:.0f} min, store ≈ {size * COUNTRY / 1e9:.1f} GB, "
                      f"report ≈ {report_per * COUNTRY / 60:.0f} min", flush=True)
        print(json.dumps(lines))


if __name__ == "__main__":
    main()
