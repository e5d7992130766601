"""pytest set-up of the NEST cross-checks (make test-nest): NEST quiet, and
the measured figures every test files with the `figures` fixture printed
after the run, so that the agreement is visible, not only pass or fail."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PYNEST_QUIET", "1")  # before the test module imports nest

_FIGURES: list[tuple[str, str]] = []


@pytest.fixture
def figures(request):
    """figures(text) files a measured figure under the test's name."""

    def add(text: str) -> None:
        _FIGURES.append((request.node.name, text))

    return add


def pytest_terminal_summary(terminalreporter):
    if not _FIGURES:
        return
    terminalreporter.section("neurodyn vs NEST 3.10: measured figures")
    for name, text in _FIGURES:
        terminalreporter.write_line(f"{name}: {text}")
