"""``-v/--verbose``, ``-q/--quiet`` and the library's ``geoconflict`` logger."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import TEST_DATA

if TYPE_CHECKING:
    from collections.abc import Callable

    CliRunner = Callable[..., subprocess.CompletedProcess[str]]

INCIDENTS = TEST_DATA / "proximity" / "incidents.geojson"  # one row without geometry
BASES = TEST_DATA / "proximity" / "deployments.geojson"
MISSING = ("geoconflict: warning: incidents: 1 of 4 rows have a missing, empty or invalid "
           "geometry")


def _proximity(run_cli: CliRunner, tmp_path: Path, *flags: str
               ) -> subprocess.CompletedProcess[str]:
    return run_cli(*flags, "proximity", str(INCIDENTS), "--deployments", str(BASES),
                   "-o", str(tmp_path / "near.geojson"), "--overwrite")


def test_default_informs_quiet_hides_information_never_warnings(run_cli: CliRunner,
                                                                 tmp_path: Path) -> None:
    default = _proximity(run_cli, tmp_path)
    assert default.stderr.splitlines() == [
        MISSING + " (index 3); they are kept, with null distances, and counted in no radius",
        f"wrote 4 features to {tmp_path / 'near.geojson'}"]
    quiet = _proximity(run_cli, tmp_path, "-q")
    # The warning stays; the informational line goes.
    assert quiet.stderr.splitlines() == default.stderr.splitlines()[:1]
    assert (tmp_path / "near.geojson").exists()
    assert _proximity(run_cli, tmp_path, "--quiet").stderr == quiet.stderr


def test_verbose_shows_what_the_library_read(run_cli: CliRunner, tmp_path: Path) -> None:
    default = _proximity(run_cli, tmp_path)
    assert "read 4 features" not in default.stderr
    verbose = _proximity(run_cli, tmp_path, "-v")
    lines = verbose.stderr.splitlines()
    assert f"geoconflict: read 4 features from {INCIDENTS}" in lines
    assert f"geoconflict: read 4 features from {BASES}" in lines
    assert any(line.startswith(MISSING) for line in lines)
    assert lines[-1] == f"wrote 4 features to {tmp_path / 'near.geojson'}"
    debug = run_cli("-vv", "export", str(INCIDENTS), "-o", str(tmp_path / "x.geojson"))
    assert f"geoconflict: read 4 features from {INCIDENTS}" in debug.stderr


def test_quiet_keeps_errors_and_verbose_quiet_conflict(run_cli: CliRunner,
                                                       tmp_path: Path) -> None:
    missing = run_cli("-q", "export", "nope.geojson", "-o", "x.gpkg", check=False)
    assert missing.returncode == 1
    assert missing.stderr.startswith("geoconflict: error:")
    both = run_cli("-v", "-q", "data", "list", check=False)
    assert both.returncode == 2
    assert "-v/--verbose and -q/--quiet cannot be used together" in both.stderr


def test_quiet_keeps_reject_counts(run_cli: CliRunner, tmp_path: Path) -> None:
    messy = TEST_DATA / "events" / "acled_messy.csv"
    proc = run_cli("-q", "events", "convert", str(messy), "-o", str(tmp_path / "ok.geojson"),
                   "--rejects", str(tmp_path / "rejects.csv"))
    assert "13 rows read, 4 accepted, 9 rejected" in proc.stderr  # the counts stay
    assert "wrote" not in proc.stderr  # "wrote N reject entries", "wrote N features" go
    assert (tmp_path / "rejects.csv").exists()
    loud = run_cli("events", "convert", str(messy), "-o", str(tmp_path / "ok2.geojson"),
                   "--rejects", str(tmp_path / "rejects2.csv"))
    assert "wrote 4 features" in loud.stderr


def test_library_logs_to_the_geoconflict_logger_silently_by_default(
        caplog: pytest.LogCaptureFixture) -> None:
    import geoconflict
    from geoconflict.io import read_features

    handlers = logging.getLogger("geoconflict").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
    assert geoconflict.__version__
    with caplog.at_level(logging.INFO, logger="geoconflict"):
        gdf = read_features(BASES)
    records = [r for r in caplog.records if r.name.startswith("geoconflict")]
    assert [r.getMessage() for r in records] == [f"read {len(gdf)} features from {BASES}"]
    assert records[0].name == "geoconflict.io._read"


def test_no_log_output_without_configuration(tmp_path: Path) -> None:
    code = ("import logging, geoconflict\n"
            "from geoconflict.io import read_features\n"
            f"read_features({str(BASES)!r})\n"
            "logging.getLogger('geoconflict.x').warning('a library warning record')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, check=True)
    assert proc.stdout == proc.stderr == ""
