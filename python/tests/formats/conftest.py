"""Shared fixtures for the format checks: the directory of sample files
written by `go run ./export/internal/cmd/formatsample` (make
test-export-formats sets NEURODYN_FORMAT_SAMPLES) and its expected.json."""

import json
import os
import pathlib

import pytest


@pytest.fixture(scope="session")
def samples() -> pathlib.Path:
    d = os.environ.get("NEURODYN_FORMAT_SAMPLES")
    if not d:
        pytest.skip("NEURODYN_FORMAT_SAMPLES not set: run `make test-export-formats`")
    return pathlib.Path(d)


@pytest.fixture(scope="session")
def expected(samples):
    with open(samples / "expected.json") as f:
        return json.load(f)
