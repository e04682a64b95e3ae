"""Progress bars (geoconflict._progress): terminals and Jupyter only, off with -q."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from support import ROOT

from geoconflict import _progress
from geoconflict.io import export, read_features
from geoconflict.raster import zonal_exposure


@pytest.fixture(autouse=True)
def _no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "DELAY_S", 0.0)
    monkeypatch.setitem(_progress._DEFAULT, "progress", None)


def _raster(path: Path) -> Path:
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", width=200, height=200, count=1,
                       dtype="float32", crs="EPSG:4326",
                       transform=from_origin(44.0, 34.0, 0.005, 0.005)) as ds:
        ds.write(np.ones((200, 200), "float32"), 1)
    return path


def _zones() -> gpd.GeoDataFrame:
    centres = shapely.points(np.column_stack([np.linspace(44.2, 44.8, 12),
                                              np.full(12, 33.5)]))
    return gpd.GeoDataFrame({"id": [f"z{i}" for i in range(12)]},
                            geometry=shapely.buffer(centres, 0.05), crs=4326)


def test_zonal_bar_only_when_asked_or_on_a_terminal(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    raster = _raster(tmp_path / "ones.tif")
    quiet = zonal_exposure(_zones(), raster, ["sum"])  # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    shown = zonal_exposure(_zones(), raster, ["sum"], progress=True)
    err = capsys.readouterr().err
    assert "zonal statistics:" in err
    assert "/12 [" in err
    assert "zone/s" in err
    assert shown["sum"].tolist() == quiet["sum"].tolist()
    zonal_exposure(_zones(), raster, ["sum"], progress=False)
    assert capsys.readouterr().err == ""


def test_the_default_is_off_with_set_default_false(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    raster = _raster(tmp_path / "ones.tif")
    _progress.set_default(False)  # what -q does
    zonal_exposure(_zones(), raster, ["sum"])
    assert capsys.readouterr().err == ""
    zonal_exposure(_zones(), raster, ["sum"], progress=True)  # an explicit True still wins
    assert "zonal statistics" in capsys.readouterr().err


def test_export_bar_counts_features_and_changes_no_byte(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gdf = gpd.GeoDataFrame({"n": np.arange(2500)},
                           geometry=shapely.points(np.full((2500, 2), 44.0)), crs=4326)
    plain, shown = tmp_path / "plain.geojson", tmp_path / "shown.geojson"
    export(gdf, plain)
    assert capsys.readouterr().err == ""
    export(gdf, shown, progress=True)
    err = capsys.readouterr().err
    assert "writing shown.geojson:" in err
    assert "/2500 [" in err
    assert "feature/s" in err
    assert plain.read_bytes() == shown.read_bytes()
    export({"a": gdf, "b": gdf.iloc[:500]}, tmp_path / "two.gpkg", progress=True)
    assert "/3000 [" in capsys.readouterr().err  # by layer for GeoPackage
    export(gdf, tmp_path / "t.csv", progress=True)
    assert "/2500 [" in capsys.readouterr().err
    assert len(read_features(tmp_path / "t.csv")) == 2500


def test_road_network_bar_names_its_steps(capsys: pytest.CaptureFixture[str],
                                          caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from geoconflict.roads import road_network

    grid = ROOT / "tests" / "data" / "roads" / "grid.osm"
    if not grid.exists():
        pytest.skip("no OSM test grid")
    quiet = road_network(source=grid)
    assert capsys.readouterr().err == ""
    with caplog.at_level(logging.INFO, logger="geoconflict"):
        shown = road_network(source=grid, progress=True)
    err = capsys.readouterr().err
    assert "road network:" in err
    assert "reading the OSM file" in err
    assert "/3 [" in err  # read, simplify, project
    assert shown.number_of_nodes() == quiet.number_of_nodes()
    assert [r.getMessage() for r in caplog.records if r.name == "geoconflict.roads._network"
            ] == [f"road network (drive) from {grid}: {shown.number_of_nodes()} nodes, "
                  f"{shown.number_of_edges()} edges"]


def _in_a_terminal(*args: str, tmp_path: Path) -> tuple[str, str]:
    """Run the CLI with stderr on a pseudo-terminal (stdout a pipe); no bar delay."""
    code = ("import sys; from geoconflict import _progress; _progress.DELAY_S = 0.0\n"
            "from geoconflict.cli import main; main(sys.argv[1:])\n")
    leader, follower = pty.openpty()
    # A terminal 100 columns wide (a fresh pseudo-terminal is 0 x 0: tqdm would draw nothing).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.run([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                              stderr=follower, cwd=tmp_path, timeout=300, check=False,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    assert proc.returncode == 0, b"".join(chunks).decode(errors="replace")
    return proc.stdout.decode(), b"".join(chunks).decode(errors="replace")


def test_cli_bar_on_a_terminal_never_in_the_pipe_and_off_with_quiet(tmp_path: Path) -> None:
    raster = _raster(tmp_path / "ones.tif")
    export(_zones(), tmp_path / "zones.geojson")
    out, err = _in_a_terminal("raster", "exposure", "zones.geojson", str(raster),
                              "--stats", "sum", tmp_path=tmp_path)
    assert "zonal statistics" in err
    assert "zonal" not in out
    assert out.splitlines()[0] == "id,sum,nodata_fraction"
    quiet_out, quiet_err = _in_a_terminal("-q", "raster", "exposure", "zones.geojson",
                                          str(raster), "--stats", "sum", tmp_path=tmp_path)
    assert quiet_err.strip() == ""
    assert quiet_out == out


def test_progress_module_is_documented_and_light() -> None:
    for user in ("zonal_exposure", "export", "road_network"):
        assert user in (_progress.__doc__ or "")
    code = ("import sys, geoconflict._progress, geoconflict.cli; "
            "print('tqdm' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    assert proc.stdout.strip() == "False"  # imported only when a bar is made


def test_ingest_parse_and_map_bars(capsys: pytest.CaptureFixture[str]) -> None:
    import geoconflict as gc

    scenario = gc.load_dataset("scenario")
    source = ROOT / "tests" / "data" / "events" / "acled_current.csv"
    quiet = gc.read_events(source)
    assert capsys.readouterr().err == ""
    shown = gc.read_events(source, progress=True)
    err = capsys.readouterr().err
    assert "reading incidents:" in err
    assert "step" in err
    assert len(shown) == len(quiet)

    reports = ["A drone strike hit a car in the Mashtal neighbourhood of eastern Baghdad on "
               "Monday, killing 3."] * 3
    parsed = gc.parse_reports(reports, published="2024-02-08", progress=True, workers=1)
    err = capsys.readouterr().err
    assert "parsing reports:" in err
    assert "/3 [" in err
    assert parsed["report"].tolist() == [0, 1, 2]

    gc.conflict_map(incidents=scenario, progress=True)
    assert "building the map:" in capsys.readouterr().err
    gc.conflict_map(incidents=scenario, progress=False)
    assert capsys.readouterr().err == ""


def test_geocode_batch_bar_on_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "names.csv").write_text('location\nTower 22\n"Mashtal, Baghdad"\n',
                                        encoding="utf-8")
    _, err = _in_a_terminal("geocode", "--input", "names.csv", "-o", "out.geojson",
                            tmp_path=tmp_path)
    assert "geocoding" in err
    assert "geocoded 2/2" in err
