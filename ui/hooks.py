"""Hook points for the parts built beside the window: more reports, the Excel import and the sync packages.

Each is a plain list that a module appends to at import time; ``load_extensions()`` (called by the main
window) imports ``ui.extensions`` when that module exists, so wiring a new part in is one file that calls
``register_report`` or appends a ``PageAction``. The pages read the lists when they are built.

- ``REPORTS``: a ``ReportSpec`` per report on the Báo cáo page (table preview, and PDF/XLSX writers).
- ``HOUSEHOLD_IMPORTERS``: buttons on the Hộ gia đình page, e.g. "Nhập từ Excel…" with its dry-run dialog.
- ``SYNC_ACTIONS``: buttons on the Đồng bộ page (export a package, import packages in upper mode, history).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.books import Books


@dataclass(frozen=True)
class ReportSpec:
    key: str
    title: str
    needs_project: bool
    # (books, project code or None, period start, period end) -> (columns as (key, title, kind), rows)
    table: Callable[[Books, str | None, date, date], tuple[list[tuple[str, str, str]], list[dict]]]
    pdf: Callable[[Books, str | None, date, date, Path], Path] | None = None
    xlsx: Callable[[Books, str | None, date, date, Path], Path] | None = None


@dataclass(frozen=True)
class PageAction:
    """A button: its label, and what it does given the page's parent window (which has ``books``)."""

    title: str
    run: Callable[[object], object]
    upper_mode_only: bool = False


REPORTS: list[ReportSpec] = []
HOUSEHOLD_IMPORTERS: list[PageAction] = []
SYNC_ACTIONS: list[PageAction] = []


def register_report(spec: ReportSpec) -> None:
    """Add or replace (same key) a report on the Báo cáo page."""
    REPORTS[:] = [r for r in REPORTS if r.key != spec.key] + [spec]


_loaded = False


def load_extensions() -> None:
    """Import ``ui.extensions`` once, if it exists; a missing module is normal, a broken one is an error."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    try:
        import ui.extensions  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name != "ui.extensions":
            raise
