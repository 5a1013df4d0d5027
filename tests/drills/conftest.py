"""Drills: the figures each drill records are printed at the end of the run, whatever pytest captured."""

from __future__ import annotations

import pytest

FIGURES = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def drill_figures(request):
    """Append one line per drill (``"power cut: 15 trials, 15 kills, … problems found: 0"``)."""
    return request.config.stash.setdefault(FIGURES, [])


@pytest.fixture(scope="module")
def module_failures(request):
    """A drill module's failed tests so far: call it when writing the module's figures, at its teardown."""
    before = request.session.testsfailed
    return lambda: request.session.testsfailed - before


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("drills")
        for line in lines:
            terminalreporter.write_line(line)
