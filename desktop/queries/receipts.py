"""The receipts a filter selects (receipt book, issue dates, project): one filter and one SQL condition, shared
by the window's receipt register, the batch print and ``vonxoay-cli receipt pdf``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ReceiptFilter:
    """Every field left empty selects every receipt, voided ones included (they stay in the books)."""

    book: str | None = None
    date_from: date | None = None  # issued on or after, inclusive
    date_to: date | None = None  # issued on or before, inclusive
    project: str | None = None  # the project's code as the books spell it (resolve what the clerk typed first)


def receipt_condition(selected: ReceiptFilter, alias: str = "receipt") -> tuple[str, list]:
    """The SQL condition on table ``receipt`` (named ``alias`` in the query) and its parameters; "1" when the
    filter selects everything, so the caller can always write ``WHERE {condition}``."""
    clauses, params = [], []
    if selected.book:
        clauses.append(f"{alias}.book = ?")
        params.append(selected.book)
    if selected.date_from:
        clauses.append(f"{alias}.issued_on >= ?")
        params.append(selected.date_from.isoformat())
    if selected.date_to:
        clauses.append(f"{alias}.issued_on <= ?")
        params.append(selected.date_to.isoformat())
    if selected.project:
        clauses.append(f"{alias}.project_id = (SELECT id FROM project WHERE code = ?)")
        params.append(selected.project)
    return " AND ".join(clauses) or "1", params
