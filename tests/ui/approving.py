"""Decisions for the households the window tests support: books made now require approval, so a test that
records a support (or a re-lend) first records the chairman's decision naming the household."""

from __future__ import annotations

import itertools
from datetime import date

from desktop import clock
from desktop.services.approvals import ApprovalInput, record_approval

_numbers = itertools.count(1)


def approve(books, project: str, *households: str, rounds=(1,), on: date | None = None) -> None:
    """A decision in force for each round (a re-lend's round follows from the fund it draws on: give 2–5)."""
    on = on or clock.today()
    for round_no in rounds:
        record_approval(books, ApprovalInput(project=project, decision=f"T{next(_numbers)}/QĐ-UBND", decided_on=on,
                                             households=tuple(households), round=round_no))
