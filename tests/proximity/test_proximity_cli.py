"""End to end: ``geoconflict proximity`` and ``geoconflict exposure`` in a subprocess."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def files(test_data: Path) -> tuple[str, str]:
    folder = test_data / "proximity"
    return str(folder / "incidents.geojson"), str(folder / "deployments.geojson")


def test_proximity_nearest_to_stdout(run_cli, files: tuple[str, str]) -> None:
    events, bases = files
    proc = run_cli("proximity", events, "--deployments", bases, "-o", "-")
    feats = json.loads(proc.stdout)["features"]
    assert len(feats) == 4  # the incident without geometry is kept
    props = {f["properties"]["event_id"]: f["properties"] for f in feats}
    assert props["T22-2024-01-28"]["deployment_name"] == "Tower 22"
    assert props["T22-2024-01-28"]["distance_m"] == 0
    assert props["T22-2024-01-28"]["distance_max_m"] == 2000
    mashtal = props["BGD-2024-02-07"]
    _, _, ref = GEOD.inv(44.4455, 33.3398, 44.2346, 33.2625)
    assert mashtal["deployment_id"] == "bdia"
    assert mashtal["distance_m"] == pytest.approx(ref, abs=1e-6)
    assert props["RS-2024-01-12"]["deployment_name"] == "Camp Lemonnier"
    assert props["NOGEOM-1"]["distance_m"] is None
    assert "1 of 4 rows" in proc.stderr


def test_proximity_k_within_and_stdin(run_cli, files: tuple[str, str], tmp_path: Path) -> None:
    events, bases = files
    text = Path(events).read_text()
    out = tmp_path / "near.geojson"
    run_cli("proximity", "-", "--deployments", bases, "--k", "2", "-o", str(out), input=text)
    feats = json.loads(out.read_text())["features"]
    t22 = [f["properties"] for f in feats if f["properties"]["event_id"] == "T22-2024-01-28"]
    assert [p["rank"] for p in t22] == [1, 2]
    assert t22[1]["deployment_name"] == "Al-Tanf Garrison"
    proc = run_cli("proximity", events, "--deployments", bases, "--within", "25km")
    pairs = [f["properties"] for f in json.loads(proc.stdout)["features"]]
    assert sorted((p["event_id"], p["deployment_id"]) for p in pairs) == [
        ("BGD-2024-02-07", "bdia"), ("T22-2024-01-28", "t22"), ("T22-2024-01-28", "tanf")]
    assert "3 incident-deployment pairs within 25km" in proc.stderr


def test_proximity_default_deployments(run_cli, files: tuple[str, str]) -> None:
    events, _ = files
    proc = run_cli("proximity", events)
    props = [f["properties"] for f in json.loads(proc.stdout)["features"]]
    assert props[0]["deployment_name"] == "Tower 22"


def test_proximity_bad_unit_is_one_clear_line(run_cli, files: tuple[str, str]) -> None:
    events, bases = files
    proc = run_cli("proximity", events, "--deployments", bases, "--within", "50 parsecs",
                   check=False)
    assert proc.returncode == 1
    assert "unknown distance unit 'parsecs'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_exposure_csv(run_cli, files: tuple[str, str], tmp_path: Path) -> None:
    events, bases = files
    proc = run_cli("exposure", events, "--deployments", bases, "--radii", "25km,50km")
    table = pd.read_csv(io.StringIO(proc.stdout))
    assert list(table.columns[:6]) == ["deployment_id", "deployment_name", "longitude",
                                       "latitude", "incidents_25km", "fatalities_25km"]
    t22 = table.set_index("deployment_id").loc["t22"]
    assert t22["incidents_25km"] == 1
    assert t22["fatalities_25km"] == 3
    assert t22["incidents_25km_explosions_remote_violence"] == 1
    assert t22["nearest_incident_id"] == "T22-2024-01-28"
    assert t22["last_incident_date"] == "2024-01-28"
    out = tmp_path / "monthly.csv"
    run_cli("exposure", events, "--deployments", bases, "--radii", "25km", "--freq", "M",
            "-o", str(out))
    monthly = pd.read_csv(out)
    assert sorted(monthly["period"].unique()) == ["2024-01", "2024-02"]
    assert len(monthly) == 8
    again = run_cli("exposure", events, "--deployments", bases, "-o", str(out), check=False)
    assert again.returncode == 1  # exists, no --overwrite
    geo = tmp_path / "exposure.geojson"
    run_cli("exposure", events, "--deployments", bases, "-o", str(geo))
    assert len(json.loads(geo.read_text())["features"]) == 4


def test_exposure_csv_reads_back_as_features(run_cli, files: tuple[str, str],
                                             tmp_path: Path) -> None:
    from geoconflict.io import read_features

    events, bases = files
    out = tmp_path / "t.csv"
    run_cli("exposure", events, "--deployments", bases, "--radii", "25km", "-o", str(out))
    back = read_features(out)
    assert back.crs.to_epsg() == 4326
    assert not {"longitude", "latitude", "lon", "lat"} & set(back.columns)
    deployments = read_features(bases).set_index("id")
    assert len(back) == len(deployments) == 4
    for row in back.itertuples():
        point = deployments.geometry.loc[row.deployment_id]
        assert row.geometry.x == pytest.approx(point.x, abs=1e-6)
        assert row.geometry.y == pytest.approx(point.y, abs=1e-6)
    assert back.set_index("deployment_id").loc["t22", "incidents_25km"] == 1


def test_exposure_bad_period(run_cli, files: tuple[str, str]) -> None:
    events, bases = files
    proc = run_cli("exposure", events, "--deployments", bases, "--freq", "fortnightly",
                   check=False)
    assert proc.returncode == 1
    assert "unknown period" in proc.stderr
