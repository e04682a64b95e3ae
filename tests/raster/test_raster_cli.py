"""End to end: ``geoconflict raster density | exposure | coverage`` in a subprocess.

Each command runs in a fresh interpreter (several seconds on a loaded machine), hence
the ``slow`` marks.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from support import CliRunner
from test_raster_helpers import cell_lonlat, smooth_dem, tower22_dem, write_raster

from geoconflict.raster._analysis import density, to_overlay


def _incidents_geojson(n: int = 40) -> str:
    rng = np.random.default_rng(5)
    feats = [{"type": "Feature", "properties": {"event_id": f"e{i}", "fatalities": int(i % 4),
                                                "source": "synthetic"},
              "geometry": {"type": "Point",
                           "coordinates": [44.4 + rng.normal(0, 0.05),
                                           33.3 + rng.normal(0, 0.05)]}}
             for i in range(n)]
    return json.dumps({"type": "FeatureCollection", "features": feats})


@pytest.mark.slow
def test_cli_density_from_stdin(run_cli: CliRunner, tmp_path: Path) -> None:
    import rasterio

    out = tmp_path / "density.tif"
    proc = run_cli("raster", "density", "-", "-o", str(out), "--cell", "1km",
                   "--bandwidth", "4km", "--weight", "fatalities",
                   input=_incidents_geojson())
    assert "incidents per km²" in proc.stderr
    with rasterio.open(out) as ds:
        data = ds.read(1)
        assert ds.tags()["units"] == "incidents per km²"
        assert "weight=fatalities" in ds.tags()["parameters"]
        cell_km2 = (ds.transform.a / 1000) ** 2
    # Weights 0,1,2,3 repeating over 40 incidents sum to 60.
    assert float(data.sum(dtype=np.float64)) * cell_km2 == pytest.approx(60, rel=1e-3)
    again = run_cli("raster", "density", "-", "-o", str(out), input=_incidents_geojson(),
                    check=False)
    assert again.returncode == 1
    assert "exists" in again.stderr


@pytest.mark.slow
def test_cli_exposure_writes_a_csv(run_cli: CliRunner, tmp_path: Path) -> None:
    raster = write_raster(tmp_path / "pop.tif", np.full((300, 300), 3.0, "float32"))
    lon, lat = cell_lonlat(150, 150)
    zones = tmp_path / "zones.geojson"
    from geoconflict.proximity._engine import rings

    pts = gpd.GeoDataFrame({"id": ["a"], "name": ["Base A"]},
                           geometry=gpd.points_from_xy([lon], [lat]), crs=4326)
    rings(pts, ["1km", "5km"]).to_file(zones, driver="GeoJSON")
    out = tmp_path / "exposure.csv"
    run_cli("raster", "exposure", str(zones), str(raster), "-o", str(out),
            "--stats", "sum,mean,max")
    table = pd.read_csv(out)
    assert {"id", "name", "radius_m", "sum", "mean", "max", "nodata_fraction"} <= set(table)
    assert table["sum"].to_numpy() == pytest.approx(300 * np.pi * np.array([1, 25]), rel=0.005)
    stdout = run_cli("raster", "exposure", str(zones), str(raster), "--stats", "max").stdout
    assert stdout.splitlines()[0].endswith("max,nodata_fraction")
    bad = run_cli("raster", "exposure", str(zones), str(raster), "--stats", "median",
                  check=False)
    assert bad.returncode == 1
    assert "unknown statistic" in bad.stderr


@pytest.mark.slow
def test_cli_coverage_with_lonlat_site(run_cli: CliRunner, tmp_path: Path) -> None:
    import rasterio

    dem = write_raster(tmp_path / "dem.tif", smooth_dem(300, relief=400), res=50.0)
    lon, lat = cell_lonlat(150, 150, res=50.0)
    out = tmp_path / "cov.tif"
    sectors = tmp_path / "sectors.csv"
    proc = run_cli("raster", "coverage", str(dem), "--site", f"{lon},{lat}", "--antenna", "10m",
                   "--target-agl", "50m", "--max-range", "7km", "-o", str(out),
                   "--sectors", str(sectors))
    assert "hidden approach area" in proc.stderr
    table = pd.read_csv(sectors)
    assert len(table) == 36
    assert table["area_km2"].sum() == pytest.approx(np.pi * 49, rel=0.01)
    with rasterio.open(out) as ds:
        assert set(np.unique(ds.read(1))) <= {0, 1, 255}
    # Without --sectors the table goes to stderr.
    proc = run_cli("raster", "coverage", str(dem), "--site", f"{lon},{lat}", "--max-range",
                   "3km", "-o", str(tmp_path / "cov2.tif"), "--sector-count", "8")
    assert "bearing_from_deg" in proc.stderr
    assert "315.000" in proc.stderr


@pytest.mark.slow
def test_cli_coverage_by_deployment_name(run_cli: CliRunner, tmp_path: Path) -> None:
    dem, _, _ = tower22_dem(tmp_path / "t22.tif", relief=200)
    proc = run_cli("raster", "coverage", str(dem), "--site", "Tower 22", "--antenna", "10m",
                   "--target-agl", "50m", "--max-range", "9km", "-o",
                   str(tmp_path / "t22cov.tif"))
    assert "hidden approach area" in proc.stderr
    missing = run_cli("raster", "coverage", str(dem), "--site", "Tower 99", "-o",
                      str(tmp_path / "x.tif"), check=False)
    assert missing.returncode == 1
    assert "unknown site 'Tower 99'" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_overlays_draw_on_the_conflict_map(tmp_path: Path) -> None:
    webmap = pytest.importorskip("geoconflict.webmap")
    pts = gpd.read_file(_incidents_geojson())
    overlay = to_overlay(density(pts, cell="1km", bandwidth="4km"), name="Density <b>")
    html = webmap.conflict_map(None, overlays=[overlay]).to_html()
    assert base64.b64encode(overlay.image_png).decode("ascii")[:200] in html
    assert "Density <b>" not in html  # the name is escaped
