"""`make demo`'s main job, end to end in a subprocess, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest


@pytest.mark.slow
def test_demo_runs_the_scenario_end_to_end(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    proc = run_cli("demo", "-o", str(out), timeout=600)
    log = proc.stderr
    assert "validated 12 scenario incidents (0 rejected)" in log
    assert "'Machtal'                  -> Mashtal (neighbourhood, IRQ" in log
    assert "'Tower 22'                 -> Tower 22 (outpost, JOR" in log
    assert "parsed report -> 2024-02-07 Air/drone strike at Mashtal, 3 killed" in log

    geocoded = json.loads((out / "geocoded.geojson").read_text())
    kinds = {f["properties"]["query"]: f["geometry"]["type"] for f in geocoded["features"]}
    assert kinds["Red Sea shipping lanes"] == "LineString"
    assert kinds["Mashtal, Baghdad"] == "Point"

    near = pd.read_csv(out / "nearest_deployment.csv")
    tower = near[near["location"].str.startswith("Tower 22")].iloc[0]
    assert tower["deployment_name"] == "Tower 22"
    assert tower["distance_m"] < 1_000
    mashtal = near[near["location"].str.contains("Mashtal")].iloc[0]
    assert 3_000 < mashtal["distance_m"] < 15_000

    html = (out / "scenario_map.html").read_text()
    assert "<script" in html
    assert "https://cdn" not in html
    assert "unpkg.com" not in html

    layers = {name for name, _ in pyogrio.list_layers(out / "scenario.gpkg")}
    # layer_styles: the QGIS default style of each layer (geoconflict.io._qgis)
    assert layers == {"incidents", "deployments", "sites", "nearest", "layer_styles"}
    assert "demo done: 6 files" in log
