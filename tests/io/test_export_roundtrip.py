"""Property-based round trips: export -> read back equals the input, for every format.

What "equal" means per format (documented in README, Export and pipes):
- geometry: exact for GeoPackage, FlatGeobuf, GeoParquet; within 10**-precision degrees
  for the text formats (GeoJSON, GeoJSONSeq, KML, CSV), up to ring orientation (text
  formats write right-hand rings);
- properties: every column comes back with its values; types: int, float, bool, str
  exact; dates come back as datetimes where the format has a date type (GeoPackage,
  FlatGeobuf, GeoParquet, and GeoJSON read by GDAL) and as ISO 8601 text otherwise;
- CSV and KML cannot tell an empty string from a missing one;
- in the text formats a column whose values are all null has no type to recover.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoconflict.io._export import export
from geoconflict.io._read import read_features

PRECISION = 6
TEXT_FORMATS = ("geojson", "geojsonseq", "kml", "csv")
SUFFIX = {"geojson": ".geojson", "geojsonseq": ".geojsons", "gpkg": ".gpkg", "kml": ".kml",
          "parquet": ".parquet", "fgb": ".fgb", "csv": ".csv"}

_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["]]>", "<b>x</b>", "a & b", 'q"uote', "Ma\u0161tal", "null", "NA"]),
)
_coord = st.tuples(st.floats(-179.0, 179.0), st.floats(-85.0, 85.0))


@st.composite
def _geometry(draw: st.DrawFn, kinds: tuple[str, ...]) -> shapely.Geometry | None:
    kind = draw(st.sampled_from(kinds))
    x, y = draw(_coord)
    if kind == "none":
        return None
    if kind == "point":
        return shapely.Point(x, y)
    offsets = draw(st.lists(st.tuples(st.floats(0.001, 0.9), st.floats(0.001, 0.9)),
                            min_size=2, max_size=5, unique=True))
    pts = [(x, y)] + [(x + dx, y + dy) for dx, dy in offsets]
    if kind == "line":
        return shapely.LineString(pts)
    hull = shapely.convex_hull(shapely.MultiPoint(pts))
    return hull if hull.geom_type == "Polygon" else shapely.buffer(shapely.Point(x, y), 0.1)


@st.composite
def frames(draw: st.DrawFn, kinds: tuple[str, ...]) -> gpd.GeoDataFrame:
    n = draw(st.integers(1, 6))
    strings = draw(st.lists(st.one_of(st.none(), _text), min_size=n, max_size=n))
    ints = draw(st.lists(st.integers(-(2**31) + 1, 2**31 - 1), min_size=n, max_size=n))
    floats = draw(st.lists(st.one_of(st.none(), st.floats(-1e12, 1e12, allow_nan=False)),
                           min_size=n, max_size=n))
    bools = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    dates = draw(st.lists(st.one_of(st.none(), st.dates(dt.date(1990, 1, 1),
                                                       dt.date(2030, 12, 31))),
                          min_size=n, max_size=n))
    geoms = draw(st.lists(_geometry(kinds), min_size=n, max_size=n))
    return gpd.GeoDataFrame({
        "rid": np.arange(n, dtype=np.int64),
        "name": pd.array(strings, dtype="str"),
        "count": np.array(ints, dtype=np.int64),
        "value": np.array([np.nan if v is None else v for v in floats], dtype=np.float64),
        "flag": np.array(bools, dtype=bool),
        "day": pd.to_datetime(pd.Series(dates, dtype=object)),
    }, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


def _read_back(path: Path, fmt: str) -> gpd.GeoDataFrame:
    if fmt == "kml":
        back = pyogrio.read_dataframe(path, layer="features")
        if "name" not in back.columns:  # GDAL folds a "name" field into KML's own Name
            back["name"] = back["Name"]
        back = back[["rid", "name", "count", "value", "flag", "day", "geometry"]]
        back["geometry"] = shapely.force_2d(back.geometry.values)
        return back
    back = read_features(path)
    if fmt == "fgb":  # FlatGeobuf's spatial index reorders features (Hilbert curve)
        back = back.sort_values("rid").reset_index(drop=True)
    return back


def _same_strings(a: pd.Series, b: pd.Series, empty_is_missing: bool) -> None:
    def norm(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if empty_is_missing and v == "":
            return None
        return str(v)

    assert [norm(v) for v in a] == [norm(v) for v in b]


def _check(gdf: gpd.GeoDataFrame, back: gpd.GeoDataFrame, fmt: str) -> None:
    assert len(back) == len(gdf)
    assert back["rid"].tolist() == gdf["rid"].tolist()
    # types and values
    assert pd.api.types.is_integer_dtype(back["count"].dtype), back["count"].dtype
    assert back["count"].tolist() == gdf["count"].tolist()
    if gdf["value"].isna().all() and fmt in TEXT_FORMATS:
        # JSON, CSV and KML values carry no type: an all-null column has none to recover.
        assert back["value"].isna().all()
    else:
        assert pd.api.types.is_float_dtype(back["value"].dtype), back["value"].dtype
        np.testing.assert_allclose(back["value"].to_numpy(float),
                                   gdf["value"].to_numpy(float), rtol=1e-15, equal_nan=True)
    if fmt == "kml":  # LIBKML maps KML bool to an integer field
        assert back["flag"].astype(bool).tolist() == gdf["flag"].tolist()
    else:
        assert pd.api.types.is_bool_dtype(back["flag"].dtype), back["flag"].dtype
        assert back["flag"].tolist() == gdf["flag"].tolist()
    _same_strings(back["name"], gdf["name"], empty_is_missing=fmt in ("csv", "kml"))
    expected_days = [None if pd.isna(d) else d.date().isoformat() for d in gdf["day"]]
    if fmt in ("gpkg", "fgb", "parquet"):
        assert back["day"].dtype.kind == "M"
        assert [None if pd.isna(d) else d.date().isoformat() for d in back["day"]] == \
            expected_days
    else:  # no date type in the format: ISO 8601 text
        _same_strings(back["day"], pd.Series(expected_days, dtype=object), fmt == "kml")
    # geometry
    for a, b in zip(gdf.geometry.values, back.geometry.values, strict=True):
        if a is None or a.is_empty:
            assert b is None or b.is_empty
            continue
        if fmt in TEXT_FORMATS:
            expected = shapely.normalize(shapely.transform(a, lambda c: np.round(c, PRECISION)))
            assert shapely.equals_exact(shapely.normalize(b), expected, tolerance=1e-9), (a, b)
        else:
            assert shapely.equals_exact(a, b, tolerance=0), (a, b)


# Bounded so the suite stays fast; GEOCONFLICT_HYPOTHESIS_EXAMPLES=500 for a deep, random run.
_DEEP = int(os.environ.get("GEOCONFLICT_HYPOTHESIS_EXAMPLES", "0"))
_SETTINGS = settings(max_examples=_DEEP or 12, deadline=None, derandomize=not _DEEP,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["geojson", "geojsonseq", "gpkg", "kml", "parquet", "fgb"])
@_SETTINGS
@given(gdf=frames(("point", "line", "polygon", "none")))
def test_round_trip(fmt: str, gdf: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory
                    ) -> None:
    path = tmp_path_factory.mktemp(fmt) / f"features{SUFFIX[fmt]}"
    export(gdf, path, format=fmt, precision=PRECISION)
    _check(gdf, _read_back(path, fmt), fmt)


@pytest.mark.parametrize("kinds", [("point", "none"), ("point", "line", "polygon")])
@_SETTINGS
@given(data=st.data())
def test_round_trip_csv(kinds: tuple[str, ...], data: st.DataObject,
                        tmp_path_factory: pytest.TempPathFactory) -> None:
    gdf = data.draw(frames(kinds))
    # CSV types come from inference: a text column that looks numeric reads as numbers.
    gdf["name"] = gdf["name"].map(lambda v: v if v is None else f"s:{v}").astype("str")
    path = tmp_path_factory.mktemp("csv") / "features.csv"
    export(gdf, path)
    header = path.read_text(encoding="utf-8").splitlines()[0]
    only_points = all(g is None or g.geom_type == "Point" for g in gdf.geometry)
    assert header.endswith("longitude,latitude") == only_points
    assert header.endswith(",wkt") == (not only_points)
    _check(gdf, read_features(path), "csv")


@_SETTINGS
@given(gdf=frames(("point", "polygon")))
def test_geojson_dates_typed_by_gdal(gdf: gpd.GeoDataFrame,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """GDAL recognises our ISO 8601 dates in GeoJSON as a Date field."""
    path = tmp_path_factory.mktemp("gdal") / "f.geojson"
    export(gdf, path)
    back = pyogrio.read_dataframe(path)
    if gdf["day"].notna().any():
        assert back["day"].dtype.kind == "M"
        got = [None if pd.isna(d) else d.date() for d in back["day"]]
        assert got == [None if pd.isna(d) else d.date() for d in gdf["day"]]
