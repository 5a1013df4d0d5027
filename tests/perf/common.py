"""What every benchmark shares: the as-of date, the table being built, and how a figure is timed and shown."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

AS_OF = date(2026, 6, 30)
RESULTS: list[tuple[str, str, str, str]] = []
PEAKS: list[str] = []


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best of ``repeat`` runs, in seconds: the least disturbed by whatever else the machine does."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(name: str, figure: float, floor: float | None, unit: str = "s", floor_name: str = "") -> None:
    def show(value: float) -> str:
        return f"{value * 1000:.1f} ms" if unit == "s" and value < 1 else f"{value:.2f} {unit}"

    ratio = f"{figure / floor:.2f}×" if floor else "—"
    RESULTS.append((name, show(figure), f"{show(floor)} ({floor_name})" if floor else "—", ratio))
    print(f"  {name}: {show(figure)}; floor {floor_name}: {show(floor) if floor else '—'}; ratio {ratio}",
          flush=True)


def peak_memory(fn: Callable[[], object]) -> float:
    """Peak Python heap while ``fn`` runs, in MB (tracemalloc, in a separate run: it slows the code down)."""
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
