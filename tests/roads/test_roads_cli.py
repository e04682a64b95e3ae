"""``geoconflict roads distance|features`` end to end, in a subprocess, offline."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pytest
from pyproj import Geod
from support import TEST_DATA

GRID = TEST_DATA / "roads" / "grid.osm"
GEOD = Geod(ellps="WGS84")


def _points(path: Path, rows: list[tuple[str, str, float, float]], id_key: str) -> Path:
    features = [{"type": "Feature", "properties": {id_key: i, "name": name},
                 "geometry": {"type": "Point", "coordinates": [lon, lat]}}
                for i, name, lon, lat in rows]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


def _geod(*lonlats: tuple[float, float]) -> float:
    return sum(abs(GEOD.inv(*a, *b)[2]) for a, b in itertools.pairwise(lonlats))


pytestmark = pytest.mark.slow  # each run starts a fresh interpreter that imports osmnx


def test_distance_to_csv(run_cli, tmp_path):
    bases = _points(tmp_path / "bases.geojson", [("b1", "South gate", 44.400, 33.301)], "id")
    events = _points(tmp_path / "events.geojson",
                     [("e1", "North", 44.400, 33.302), ("e2", "Far", 44.500, 33.302)], "event_id")
    out = tmp_path / "out.csv"
    proc = run_cli("roads", "distance", "--osm", str(GRID), "--from", str(bases),
                   "--to", str(events), "-o", str(out))
    assert "1 ok, 1 destination_too_far_from_road" in proc.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["destination_id"] for r in rows] == ["e1", "e2"]
    assert rows[0]["origin_name"] == "South gate"
    expected = _geod((44.400, 33.301), (44.401, 33.301), (44.401, 33.302), (44.400, 33.302))
    assert float(rows[0]["road_distance_m"]) == pytest.approx(expected, abs=1e-6)
    assert rows[0]["reachable"] == "True"
    assert rows[1]["too_far_from_road"] == "True"
    assert rows[1]["road_distance_m"] == ""                  # no route: empty, row kept
    # refuses to overwrite without --overwrite
    again = run_cli("roads", "distance", "--osm", str(GRID), "--from", str(bases),
                    "--to", str(events), "-o", str(out), check=False)
    assert again.returncode != 0


def test_distance_events_on_stdin_and_deployments(run_cli, tmp_path):
    events = _points(tmp_path / "e.geojson", [("e1", "x", 44.400, 33.302)], "event_id")
    proc = run_cli("roads", "distance", "--osm", str(GRID), "--from", "deployments",
                   "--to", "-", "--max-snap", "500m",
                   input=events.read_text(encoding="utf-8"))
    from geoconflict.datasets import load_dataset

    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == len(load_dataset("deployments"))    # every base, none dropped
    by_name = {r["origin_name"]: r for r in rows}
    # the synthetic grid sits in Baghdad: bases elsewhere are flagged, not dropped
    assert by_name["Tower 22"]["status"] == "origin_too_far_from_road"
    assert float(by_name["Tower 22"]["snap_origin_m"]) > 400_000
    assert {r["status"] for r in rows} <= {"ok", "origin_too_far_from_road"}


def test_features_to_geojson(run_cli, tmp_path):
    out = tmp_path / "f.geojson"
    proc = run_cli("roads", "features", "44.40095,33.30295", "--radius", "70m",
                   "--osm", str(GRID), "--tag", "landuse=military", "--tag", "building",
                   "--tag", "barrier", "-o", str(out))
    assert "3 OSM features within 70m" in proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    names = [f["properties"]["name"] for f in doc["features"]]
    assert names == ["Camp Grid", "HQ Building", "North Gate"]
    assert doc["features"][2]["geometry"]["type"] == "Point"


def test_features_to_stdout_by_name(run_cli):
    proc = run_cli("roads", "features", "Tower 22", "--radius", "2km", "--osm", str(GRID))
    assert json.loads(proc.stdout)["features"] == []


def test_cli_errors_are_one_line(run_cli, tmp_path):
    proc = run_cli("roads", "features", "44.4,33.3", check=False)
    assert proc.returncode != 0
    assert "--osm" in proc.stderr
    proc = run_cli("roads", "features", "Nowhere Base", "--osm", str(GRID), check=False)
    assert proc.returncode == 1
    assert "no deployment named 'Nowhere Base'" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("roads", "distance", "--osm", str(tmp_path / "missing.osm"), "--from",
                   "deployments", "--to", "deployments", check=False)
    assert proc.returncode == 1
    assert "missing.osm" in proc.stderr
    proc = run_cli("roads", "distance", "--online", "--from", "deployments", "--to",
                   "deployments", check=False)
    assert proc.returncode != 0
    assert "--bbox" in proc.stderr
