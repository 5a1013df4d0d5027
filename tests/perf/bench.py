"""The benchmark table: each figure beside a floor measured in the same run on the same data.

    .venv/bin/python tests/perf/bench.py [--households 100000] [--payments 100000] [--communes 200] [--only NAME ...]

Floors are what the same work costs with nothing of ours in the way (raw SQLite statements, bare reportlab,
a bare PySide6 window, ...), so the ratio says what the program's own layers add. Figures are printed, never
asserted: wall time depends on the machine; the ratio much less so. The benchmarks live beside this runner,
one module per area: books_bench (demo, search, due list, payments), documents (receipts, periodic report,
register), sync_bench (export, upper-level import, refusing a hostile package), window (start-up, search as you type).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf import books_bench, documents, sync_bench, window  # noqa: E402
from tests.perf.common import PEAKS, RESULTS  # noqa: E402

BENCHMARKS = ["search", "due", "payments", "receipts", "period", "register", "window", "sync-export",
              "upper-import", "hostile-package"]


def machine() -> str:
    """CPU model, cores, memory, OS, Python and SQLite: what a figure needs beside it to mean anything."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kb = next(int(line.split()[1]) for line in info if line.startswith("MemTotal:"))
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    system = platform.freedesktop_os_release().get("PRETTY_NAME", "") if hasattr(
        platform, "freedesktop_os_release") and os.path.exists("/etc/os-release") else platform.platform()
    return (f"{cpu}, {os.cpu_count()} cores{memory}, {system or platform.platform()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--communes", type=int, default=200, help="communes for the upper import benchmark")
    parser.add_argument("--commune-households", type=int, default=3000)
    parser.add_argument("--only", nargs="*", default=[], choices=BENCHMARKS)
    args = parser.parse_args()
    print(f"VốnXoay benchmark — {machine()}", flush=True)
    wanted = set(args.only) or set(BENCHMARKS)
    if "upper-import" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            sync_bench.bench_upper_import(Path(tmp), args.communes, args.commune_households)
        wanted.discard("upper-import")
    if "hostile-package" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            sync_bench.bench_hostile_package(Path(tmp))
        wanted.discard("hostile-package")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = books_bench.bench_demo(Path(tmp), args.households) if wanted else None
        if "window" in wanted:
            window.bench_window(data_dir)
            window.bench_search_as_you_type(data_dir)
        if "search" in wanted:
            books_bench.bench_search(data_dir)
            books_bench.bench_search_cli(data_dir)
        if "due" in wanted:
            books_bench.bench_due(data_dir)
        if "receipts" in wanted:
            documents.bench_receipts(data_dir, Path(tmp))
        if "period" in wanted:
            documents.bench_period(data_dir, Path(tmp))
        if "register" in wanted:
            documents.bench_register(data_dir, Path(tmp))
        if "sync-export" in wanted:
            sync_bench.bench_sync_export(data_dir, Path(tmp))
        if "payments" in wanted:
            books_bench.bench_payments(data_dir, args.payments)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("| measure | figure | floor (same run) | ratio |")
    print("|---|---|---|---|")
    for row in RESULTS:
        print("| " + " | ".join(row) + " |")
    print(f"\nPeak memory (max RSS) of the whole run: {peak_mb:.0f} MB")
    for line in PEAKS:
        print(f"Peak memory (max RSS), {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
