"""Shared fixtures; the helpers behind them live in ``support.py``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support import OUTPUT, TEST_DATA, CliRunner, run_geoconflict


@pytest.fixture
def test_data() -> Path:
    """The folder of small real files written for the tests."""
    return TEST_DATA


@pytest.fixture
def output_dir() -> Path:
    """A persistent folder for artefacts (screenshots) kept after the run."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture
def run_cli(tmp_path: Path) -> CliRunner:
    """Run ``geoconflict ARGS`` in a fresh interpreter (see :func:`support.run_geoconflict`);
    the working folder defaults to the test's ``tmp_path``."""

    def run(*args: str, cwd: Path | None = None, **kw: object
            ) -> subprocess.CompletedProcess[str]:
        return run_geoconflict(*args, cwd=cwd or tmp_path, **kw)  # type: ignore[arg-type]

    return run
