"""Unit tests of geoconflict.io: RFC 7946 rules, every format, atomic and safe writes."""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from support import TEST_DATA

from geoconflict import _atomic
from geoconflict.errors import ExportError, GeoconflictError
from geoconflict.io._export import export, format_for, iter_geojson_features, to_geojson_text
from geoconflict.io._geojson import iter_feature_texts, write_geojson
from geoconflict.io._read import read_features
from geoconflict.io._rfc7946 import crosses_antimeridian, split_antimeridian

DATA = TEST_DATA / "export"
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture
def incidents() -> gpd.GeoDataFrame:
    return read_features(DATA / "incidents.geojson")


@pytest.fixture
def shapes() -> gpd.GeoDataFrame:
    return read_features(DATA / "shapes.geojson")


def _typed() -> gpd.GeoDataFrame:
    """Every awkward value kind in one frame."""
    return gpd.GeoDataFrame({
        "name": pd.array(["a", None, "c\"q\"\n"], dtype="string"),
        "count": pd.array([1, pd.NA, 3], dtype="Int64"),
        "value": [1.5, np.nan, np.inf],
        "flag": [True, False, True],
        "when": pd.to_datetime(["2024-01-28", None, "2024-02-07"]),
        "stamp": pd.to_datetime(["2024-01-28 10:15:00", "2024-01-28 00:00:00", None]),
        "aware": pd.to_datetime(["2024-01-28 10:15:00+03:00"] * 3),
        "tags": [["x", 1], [], None],
        "meta": [{"k": [1, 2]}, None, {"n": None}],
    }, geometry=shapely.points([(44.123456789, 33.3), (38.69, 33.32), (43.3, 12.6)]),
        crs="EPSG:4326")


# -- GeoJSON: RFC 7946 ----------------------------------------------------------------


def test_geojson_values_nulls_dates_and_nesting() -> None:
    doc = json.loads(to_geojson_text(_typed()))
    assert "crs" not in doc
    props = [f["properties"] for f in doc["features"]]
    assert props[0] == {"name": "a", "count": 1, "value": 1.5, "flag": True,
                        "when": "2024-01-28", "stamp": "2024-01-28T10:15:00",
                        "aware": "2024-01-28T10:15:00+03:00", "tags": ["x", 1],
                        "meta": {"k": [1, 2]}}
    assert props[1]["name"] is None
    assert props[1]["count"] is None
    assert props[1]["value"] is None
    assert props[2]["value"] is None
    assert props[1]["when"] is None
    assert props[2]["stamp"] is None
    assert props[1]["stamp"] == "2024-01-28T00:00:00"  # a column with times keeps them
    assert props[2]["name"] == "c\"q\"\n"
    assert props[1]["tags"] == []
    assert props[2]["tags"] is None
    assert props[2]["meta"] == {"n": None}


def test_geojson_precision_and_lon_lat_order() -> None:
    doc = json.loads(to_geojson_text(_typed()))
    assert doc["features"][0]["geometry"]["coordinates"] == [44.123457, 33.3]
    doc2 = json.loads(to_geojson_text(_typed(), precision=2))
    assert doc2["features"][0]["geometry"]["coordinates"] == [44.12, 33.3]


def test_geojson_reprojects_to_wgs84(incidents: gpd.GeoDataFrame) -> None:
    doc = json.loads(to_geojson_text(incidents.to_crs("EPSG:3857")))
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert lon == pytest.approx(44.4714, abs=1e-6)
    assert lat == pytest.approx(33.3352, abs=1e-6)
    assert "crs" not in doc


def test_right_hand_winding(shapes: gpd.GeoDataFrame) -> None:
    assert not shapely.is_ccw(shapes.geometry.iloc[0].exterior)  # the fixture is clockwise
    feature = next(iter_geojson_features(shapes))
    polygon = shapely.geometry.shape(feature["geometry"])
    assert shapely.is_ccw(polygon.exterior)
    assert not shapely.is_ccw(polygon.interiors[0])


def test_antimeridian_detection_rule() -> None:
    lines = np.array([
        shapely.LineString([(179, 0), (-179, 1)]),      # 358 jump: crosses
        shapely.LineString([(-170, 0), (170, 1)]),      # crosses westward
        shapely.LineString([(-100, 0), (100, 1)]),      # 200 jump: the short way is via 180
        shapely.LineString([(-90, 0), (0, 0), (90, 0)]),  # wide but continuous: no
        shapely.Point(179, 0), None,
    ], dtype=object)
    assert crosses_antimeridian(lines).tolist() == [True, True, True, False, False, False]


def test_antimeridian_split(shapes: gpd.GeoDataFrame) -> None:
    features = list(iter_geojson_features(shapes))
    lane = features[2]["geometry"]
    assert lane["type"] == "MultiLineString"
    assert lane["coordinates"][0][-1] == [180.0, pytest.approx(11.1666667, abs=1e-6)]
    assert lane["coordinates"][1][0][0] == -180.0
    box = shapely.geometry.shape(features[3]["geometry"])
    assert box.geom_type == "MultiPolygon"
    assert len(box.geoms) == 2
    assert box.area == pytest.approx(3 * 3)  # 178..181 x -19..-16, nothing lost
    for f in features:
        for ring in _coordinate_runs(f["geometry"]):
            assert all(abs(b[0] - a[0]) <= 180 for a, b in itertools.pairwise(ring))
            assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)
    for part in box.geoms:
        assert shapely.is_ccw(part.exterior)
    # Features that do not cross are untouched in type.
    assert features[1]["geometry"]["type"] == "LineString"


def _coordinate_runs(geometry: dict) -> list[list[list[float]]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "LineString":
        return [coords]
    if kind in ("MultiLineString", "Polygon"):
        return coords
    if kind == "MultiPolygon":
        return [ring for poly in coords for ring in poly]
    return []


def test_split_keeps_length() -> None:
    line = shapely.LineString([(170, 10), (-170, 12)])
    split = split_antimeridian(line)
    unwrapped = shapely.LineString([(170, 10), (190, 12)])
    assert split.length == pytest.approx(unwrapped.length)


def test_bbox_feature_and_collection(shapes: gpd.GeoDataFrame) -> None:
    doc = json.loads(to_geojson_text(shapes, bbox=True))
    assert doc["features"][1]["bbox"] == [34.5, 12.6, 43.4, 27.5]
    west, south, east, north = doc["features"][2]["bbox"]
    assert west == 170.0
    assert east == -170.0
    assert (south, north) == (10.0, 13.0)
    assert doc["bbox"] == [-180.0, -19.0, 180.0, 34.0]  # crossing: full longitude range
    plain = json.loads(to_geojson_text(shapes.iloc[:2], bbox=True))
    assert plain["bbox"] == [34.5, 12.6, 45.0, 34.0]


def test_geojsonseq_is_rfc8142(incidents: gpd.GeoDataFrame) -> None:
    buffer = io.StringIO()
    write_geojson(incidents, buffer, seq=True)
    records = buffer.getvalue().split("\x1e")
    assert records[0] == ""
    assert len(records) == 4
    for record in records[1:]:
        assert record.endswith("\n")
        assert record.count("\n") == 1
        assert json.loads(record)["type"] == "Feature"


def test_streamed_in_chunks() -> None:
    gdf = gpd.GeoDataFrame({"i": range(25)}, geometry=shapely.points(np.zeros((25, 2))),
                           crs="EPSG:4326")
    chunks = list(iter_feature_texts(gdf, chunk_rows=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    doc = json.loads(to_geojson_text(gdf))
    assert [f["properties"]["i"] for f in doc["features"]] == list(range(25))


def test_empty_and_null_geometries() -> None:
    gdf = gpd.GeoDataFrame({"i": [1, 2, 3]}, geometry=[None, shapely.Point(), shapely.Point(1, 2)],
                           crs="EPSG:4326")
    doc = json.loads(to_geojson_text(gdf))
    assert [f["geometry"] for f in doc["features"][:2]] == [None, None]
    empty = json.loads(to_geojson_text(gdf.iloc[:0]))
    assert empty == {"type": "FeatureCollection", "features": []}


def test_3d_points_keep_z() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(1.1234567, 2, 350.5)], crs="EPSG:4326")
    doc = json.loads(to_geojson_text(gdf))
    assert doc["features"][0]["geometry"]["coordinates"] == [1.123457, 2.0, 350.5]


# -- independent validation --------------------------------------------------------------


def test_geojson_validator_accepts(tmp_path: Path, incidents: gpd.GeoDataFrame,
                                   shapes: gpd.GeoDataFrame) -> None:
    import geojson_validator

    for name, gdf in (("inc", incidents), ("shapes", shapes)):
        path = export(gdf, tmp_path / f"{name}.geojson")
        assert geojson_validator.validate_structure(path) == {}
        report = geojson_validator.validate_geometries(path)
        assert report["invalid"] == {}
        # geojson-validator normalises 180 to -180 and so flags the RFC 7946 split parts
        # that end at +180 as "crossing"; nothing else may be problematic.
        problems = report["problematic"]
        assert set(problems) <= {"crosses_antimeridian", "holes"}
    raw = json.loads((DATA / "shapes.geojson").read_text())
    assert "exterior_not_ccw" in geojson_validator.validate_geometries(raw)["invalid"]


def test_ogrinfo_and_pyogrio_accept(tmp_path: Path, incidents: gpd.GeoDataFrame,
                                    shapes: gpd.GeoDataFrame) -> None:
    ogrinfo = shutil.which("ogrinfo")
    for name, gdf in (("inc.geojson", incidents), ("shapes.geojson", shapes),
                      ("inc.geojsons", incidents), ("shapes.geojsons", shapes)):
        path = export(gdf, tmp_path / name)
        back = pyogrio.read_dataframe(path)
        assert len(back) == len(gdf)
        assert back.crs.equals("EPSG:4326")
        if ogrinfo is None:
            continue
        proc = subprocess.run([ogrinfo, "-ro", "-al", "-so", str(path)], capture_output=True,
                              text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert f"Feature Count: {len(gdf)}" in proc.stdout
        assert "ERROR" not in proc.stderr
    if ogrinfo is None:
        pytest.skip("ogrinfo (Debian gdal-bin) not installed; validated with pyogrio only")


# -- other formats --------------------------------------------------------------------


def test_format_for() -> None:
    assert format_for("a.GeoJSON") == "geojson"
    assert format_for("a.geojsons") == "geojsonseq"
    assert format_for("x", "FlatGeobuf") == "fgb"
    assert format_for("x.bin", "geoparquet") == "parquet"
    with pytest.raises(ExportError, match=r"suffix '\.bin'"):
        format_for("x.bin")
    with pytest.raises(ExportError, match="unknown format 'shp'"):
        format_for("x", "shp")


def test_gpkg_named_layers_and_append(tmp_path: Path, incidents: gpd.GeoDataFrame,
                                      shapes: gpd.GeoDataFrame) -> None:
    bases = read_features(DATA / "bases.geojson")
    out = tmp_path / "scenario.gpkg"
    export({"incidents": incidents, "deployments": bases}, out)
    assert sorted(pyogrio.list_layers(out)[:, 0]) == ["deployments", "incidents", "layer_styles"]
    before = out.read_bytes()
    with pytest.raises(ExportError, match="already has layer"):
        export(bases, out, layer="deployments", append=True)
    assert out.read_bytes() == before
    export(shapes, out, layer="rings", append=True)
    assert sorted(pyogrio.list_layers(out)[:, 0]) == ["deployments", "incidents", "layer_styles",
                                                      "rings"]
    assert len(read_features(out, layer="incidents")) == 3
    export(bases.iloc[:1], out, layer="deployments", append=True, overwrite=True)
    assert len(read_features(out, layer="deployments")) == 1
    assert len(read_features(out, layer="rings")) == 4
    assert list(read_features(out, layer="incidents")["tags"]) == ['["strike", "vehicle"]',
                                                                   "[]", '["shipping"]']
    assert _atomic.temp_debris(out) == []


def test_single_layer_formats_refuse_mappings(tmp_path: Path,
                                              incidents: gpd.GeoDataFrame) -> None:
    with pytest.raises(ExportError, match="holds one layer"):
        export({"a": incidents, "b": incidents}, tmp_path / "x.geojson")
    with pytest.raises(ExportError, match="only supported for GeoPackage"):
        export(incidents, tmp_path / "x.fgb", append=True)
    assert list(tmp_path.iterdir()) == []


def test_kml_styles_escaping_and_data(tmp_path: Path, incidents: gpd.GeoDataFrame,
                                      shapes: gpd.GeoDataFrame) -> None:
    out = export({"incidents": incidents, "rings & lanes": shapes}, tmp_path / "s.kml")
    text = out.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # well-formed XML despite <, &, ]]> in the data
    styles = {s.get("id") for s in root.iter(f"{KML}Style")}
    assert {"event-explosions-remote-violence", "event-battles", "layer-1"} <= styles
    folders = list(root.iter(f"{KML}Folder"))
    assert [f.findtext(f"{KML}name") for f in folders] == ["incidents", "rings & lanes"]
    marks = list(folders[0].iter(f"{KML}Placemark"))
    assert [m.findtext(f"{KML}name") for m in marks] == ["Mashtal", "Tower 22",
                                                        "Red Sea, Bab al-Mandab"]
    assert marks[0].findtext(f"{KML}styleUrl") == "#event-explosions-remote-violence"
    assert marks[2].findtext(f"{KML}styleUrl") == "#event-strategic-developments"
    assert marks[1].find(f"{KML}TimeStamp").findtext(f"{KML}when") == "2024-01-28"
    popup = marks[0].findtext(f"{KML}description")
    assert "<b>" not in popup
    assert "&lt;b&gt;" in popup
    assert "]]&gt;" in popup
    assert "&amp;" in popup
    assert "<th>notes</th>" in popup
    data = {d.get("name"): d.text for d in marks[0].iter(f"{KML}SimpleData")}
    assert data["fatalities"] == "3.0"
    assert data["tags"] == '["strike", "vehicle"]'
    assert data["notes"] == 'Drone strike on a vehicle <b>"east" Baghdad</b> & ]]> marker'
    kinds = [next(iter(m.find(f"{KML}MultiGeometry") or [m[-1]])).tag.removeprefix(KML)
             for m in folders[1].iter(f"{KML}Placemark")]
    assert kinds == ["Polygon", "LineString", "LineString", "Polygon"]
    # GDAL's LIBKML driver reads it back with the typed ExtendedData.
    back = gpd.read_file(out, layer="incidents", engine="pyogrio")
    assert back["fatalities"].tolist()[:2] == [3.0, 3.0]
    assert back["notes"].iloc[0] == incidents["notes"].iloc[0]


def test_kml_cdata_cannot_be_broken(tmp_path: Path) -> None:
    evil = "]]><script>alert(1)</script><![CDATA["
    gdf = gpd.GeoDataFrame({"name": [evil], evil: ["\x01ctl"]}, geometry=[shapely.Point(1, 2)],
                           crs="EPSG:4326")
    text = export(gdf, tmp_path / "e.kml").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    (mark,) = root.iter(f"{KML}Placemark")
    assert "<script>" not in mark.findtext(f"{KML}description")
    assert mark.findtext(f"{KML}name") == evil
    assert text.count("<![CDATA[") == 1  # only ours


def test_parquet_is_geoparquet_11_with_bbox_covering(tmp_path: Path,
                                                    incidents: gpd.GeoDataFrame) -> None:
    import pyarrow.parquet as pq

    out = export(incidents, tmp_path / "i.parquet")
    meta = json.loads(pq.read_schema(out).metadata[b"geo"])
    assert meta["version"] == "1.1.0"
    assert meta["columns"]["geometry"]["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]
    table = pq.read_table(out)
    assert table.column("bbox").to_pylist()[0]["xmin"] == pytest.approx(44.4714)
    back = gpd.read_parquet(out)
    assert back["tags"].iloc[0].tolist() == ["strike", "vehicle"]


def test_flatgeobuf_with_null_geometry(tmp_path: Path, shapes: gpd.GeoDataFrame) -> None:
    gdf = shapes.copy()
    gdf.loc[1, "geometry"] = None
    out = export(gdf, tmp_path / "s.fgb")
    back = pyogrio.read_dataframe(out)
    assert back.geometry.isna().tolist() == [False, True, False, False]
    assert back["name"].tolist() == shapes["name"].tolist()


def test_csv_lat_lon_or_wkt(tmp_path: Path, incidents: gpd.GeoDataFrame,
                            shapes: gpd.GeoDataFrame) -> None:
    points = export(incidents, tmp_path / "i.csv").read_text(encoding="utf-8").splitlines()
    header = points[0].split(",")
    assert header[-2:] == ["longitude", "latitude"]
    assert points[1].endswith(",44.4714,33.3352")
    other = export(shapes, tmp_path / "s.csv", precision=3).read_text(encoding="utf-8")
    assert other.splitlines()[0] == "name,radius_km,wkt"
    assert "LINESTRING (43.4 12.6, 41 16, 38.5 20, 34.5 27.5)" in other


def test_text_formats_to_streams(incidents: gpd.GeoDataFrame) -> None:
    for fmt in ("geojson", "geojsonseq", "kml", "csv"):
        buffer = io.StringIO()
        assert export(incidents, buffer, format=fmt) is None
        assert "Tower 22" in buffer.getvalue()
    with pytest.raises(ExportError, match="binary format"):
        export(incidents, io.StringIO(), format="gpkg")


# -- atomic and safe writes ----------------------------------------------------------


def test_refuses_to_overwrite(tmp_path: Path, incidents: gpd.GeoDataFrame) -> None:
    out = tmp_path / "i.geojson"
    out.write_text("precious", encoding="utf-8")
    for fmt in ("geojson", "gpkg", "parquet", "fgb", "kml", "csv"):
        with pytest.raises(ExportError, match="exists; pass overwrite=True") as info:
            export(incidents, out, format=fmt)
        assert info.value.errno == errno.EEXIST
        assert isinstance(info.value, OSError)
        assert isinstance(info.value, GeoconflictError)
    assert out.read_text(encoding="utf-8") == "precious"
    export(incidents, out, overwrite=True)
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.geojson"]


def test_missing_and_unwritable_directories(tmp_path: Path,
                                            incidents: gpd.GeoDataFrame) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export(incidents, tmp_path / "nope" / "i.geojson")
    # /proc refuses new files even for root.
    with pytest.raises(ExportError, match=r"cannot write /proc/geoconflict\.geojson"):
        export(incidents, "/proc/geoconflict.geojson")
    with pytest.raises(ExportError, match="is a directory"):
        export(incidents, tmp_path, format="geojson")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores directory permissions")
def test_chmod_readonly_directory(tmp_path: Path, incidents: gpd.GeoDataFrame) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="not writable") as info:
            export(incidents, locked / "i.gpkg")
        assert info.value.errno == errno.EACCES
    finally:
        locked.chmod(0o700)


@pytest.mark.filterwarnings("ignore:The filename extension")
def test_disk_full_leaves_old_file(tmp_path: Path, incidents: gpd.GeoDataFrame,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "i.geojson"
    out.write_text("yesterday", encoding="utf-8")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("geoconflict.io._geojson.write_geojson", full)
    monkeypatch.setattr("geoconflict.io._export.write_geojson", full)
    with pytest.raises(ExportError, match="disk full while writing") as info:
        export(incidents, out, overwrite=True)
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    monkeypatch.setattr(os, "fsync", full)  # the error can also surface at fsync
    for fmt in ("gpkg", "parquet"):
        with pytest.raises(ExportError, match="disk full"):
            export(incidents, out, overwrite=True, format=fmt)
    assert out.read_text(encoding="utf-8") == "yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.geojson"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_disk_full_on_a_stream(incidents: gpd.GeoDataFrame) -> None:
    import contextlib

    fh = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115
    try:
        with pytest.raises(ExportError, match="cannot write to /dev/full: disk full"):
            export(incidents, fh)
    finally:
        with contextlib.suppress(OSError):
            fh.close()


def test_interrupted_writer_leaves_old_file(tmp_path: Path, incidents: gpd.GeoDataFrame,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "i.gpkg"
    export(incidents, out)
    before = out.read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("geoconflict.io._export._write_ogr", boom)
    with pytest.raises(KeyboardInterrupt):
        export(incidents, out, overwrite=True)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.gpkg"]


def test_debris_of_dead_writers_is_cleaned_not_live_ones(tmp_path: Path,
                                                         incidents: gpd.GeoDataFrame) -> None:
    out = tmp_path / "i.geojson"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = tmp_path / f".i.geojson.{dead_pid}.abcd1234.tmp.geojson"
        journal = tmp_path / f".i.geojson.{dead_pid}.abcd1234.tmp.geojson-journal"
        live = tmp_path / f".i.geojson.{sleeper.pid}.00ff00ff.tmp.geojson"
        unrelated = tmp_path / ".other.geojson.1.abcd.tmp"
        for p in (stale, journal, live, unrelated):
            p.write_text("partial", encoding="utf-8")
        assert _atomic.temp_debris(out) == sorted([stale, journal])
        export(incidents, out)
        assert not stale.exists()
        assert not journal.exists()
        assert live.exists()
        assert unrelated.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_precision_bounds(incidents: gpd.GeoDataFrame, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="precision"):
        export(incidents, tmp_path / "x.geojson", precision=-1)


def test_non_geodataframe_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="not a GeoDataFrame"):
        export({"x": pd.DataFrame({"a": [1]})}, tmp_path / "x.gpkg")  # type: ignore[dict-item]


def test_unwrapped_longitudes_are_wrapped_and_split() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(190, 1),
                                     shapely.LineString([(170, 0), (190, 2)])], crs="EPSG:4326")
    features = list(iter_geojson_features(gdf))
    assert features[0]["geometry"]["coordinates"] == [-170.0, 1.0]
    assert features[1]["geometry"]["coordinates"] == [[[170.0, 0.0], [180.0, 1.0]],
                                                      [[-180.0, 1.0], [-170.0, 2.0]]]


def test_projected_coordinates_without_crs_are_refused(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(4_950_000, 3_940_000)])
    with pytest.raises(ExportError, match="not longitude/latitude; set the frame's CRS"):
        export(gdf, tmp_path / "x.geojson")
    assert list(tmp_path.iterdir()) == []


def test_unusual_dtypes() -> None:
    import decimal

    gdf = gpd.GeoDataFrame({
        "cat": pd.Categorical(["a", None]),
        "span": pd.to_timedelta(["1h", None]),
        "big": np.array([2**63 + 5, 1], dtype=np.uint64),
        "dec": [decimal.Decimal("1.5"), None],
        "f32": np.array([0.1, np.nan], dtype=np.float32),
        "nb": pd.array([True, None], dtype="boolean"),
        "nf": pd.array([1.5, None], dtype="Float64"),
        "ni8": pd.array([-3, None], dtype="Int8"),
        "arrow": pd.array(["x", None], dtype="string[pyarrow]"),
    }, geometry=[shapely.Point(1, 2), None], crs="EPSG:4326")
    first, second = (f["properties"] for f in json.loads(to_geojson_text(gdf))["features"])
    assert first == {"cat": "a", "span": "P0DT1H0M0S", "big": 2**63 + 5, "dec": "1.5",
                     "f32": 0.1, "nb": True, "nf": 1.5, "ni8": -3, "arrow": "x"}
    assert second == {"cat": None, "span": None, "big": 1, "dec": None, "f32": None,
                      "nb": None, "nf": None, "ni8": None, "arrow": None}


def test_append_to_a_non_geopackage(tmp_path: Path, incidents: gpd.GeoDataFrame) -> None:
    out = tmp_path / "x.gpkg"
    out.write_text("not sqlite", encoding="utf-8")
    with pytest.raises(ExportError, match="not a readable GeoPackage"):
        export(incidents, out, append=True)
    assert out.read_text(encoding="utf-8") == "not sqlite"
