"""nearest / within: exact geodesic answers, checked against brute force and geographiclib."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geoconflict import _geodesic
from geoconflict.errors import UnitError
from geoconflict.proximity._engine import MissingGeometryWarning, nearest, within

GEOD = Geod(ellps="WGS84")


def sphere_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    v = rng.normal(size=(n, 3))
    v /= np.linalg.norm(v, axis=1)[:, None]
    return np.degrees(np.arctan2(v[:, 1], v[:, 0])), np.degrees(np.arcsin(v[:, 2]))


def layer(lon: np.ndarray, lat: np.ndarray, prefix: str = "d", **cols: object
          ) -> gpd.GeoDataFrame:
    data = {"id": [f"{prefix}{i}" for i in range(len(lon))],
            "name": [f"{prefix.upper()} {i}" for i in range(len(lon))], **cols}
    return gpd.GeoDataFrame(data, geometry=shapely.points(lon, lat), crs="EPSG:4326")


def global_sets(seed: int = 7) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Random global incidents and deployments, with crowds at the poles and antimeridian."""
    rng = np.random.default_rng(seed)
    qlon, qlat = sphere_points(rng, 1500)
    qlat[:100] = rng.uniform(85, 90, 100) * rng.choice([-1, 1], 100)
    qlon[100:200] = rng.choice([-180.0, 180.0, 179.9999, -179.9999], 100)
    qlon[200:300] = rng.uniform(179.5, 180, 100) * rng.choice([-1, 1], 100)
    tlon, tlat = sphere_points(rng, 250)
    tlat[:20] = rng.uniform(80, 90, 20) * rng.choice([-1, 1], 20)
    tlon[20:40] = rng.uniform(179, 180, 20) * rng.choice([-1, 1], 20)
    return layer(qlon, qlat, "e"), layer(tlon, tlat)


def brute(inc: gpd.GeoDataFrame, dep: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    n, m = len(inc), len(dep)
    qx, qy = inc.geometry.x.to_numpy(), inc.geometry.y.to_numpy()
    tx, ty = dep.geometry.x.to_numpy(), dep.geometry.y.to_numpy()
    _, _, d = GEOD.inv(np.repeat(qx, m), np.repeat(qy, m), np.tile(tx, n), np.tile(ty, n))
    d = np.asarray(d).reshape(n, m)
    return d, np.argsort(d, axis=1, kind="stable")


def test_nearest_equals_brute_force_on_global_data() -> None:
    inc, dep = global_sets()
    out = nearest(inc, dep)
    d, order = brute(inc, dep)
    want = dep["id"].to_numpy()[order[:, 0]]
    assert (out["deployment_id"].to_numpy() == want).all()
    assert np.array_equal(out["distance_m"].to_numpy(), d[np.arange(len(inc)), order[:, 0]])
    assert list(out.index) == list(inc.index)
    assert "distance_m" not in inc.columns  # the input is not modified
    assert out["deployment_name"].iloc[0] == dep.set_index("id").loc[want[0], "name"]


def test_k_nearest_ranks_equal_brute_force() -> None:
    inc, dep = global_sets(11)
    out = nearest(inc, dep, k=4)
    d, order = brute(inc, dep)
    assert len(out) == 4 * len(inc)
    ids = out["deployment_id"].to_numpy().reshape(len(inc), 4)
    assert (ids == dep["id"].to_numpy()[order[:, :4]]).all()
    assert (out["rank"].to_numpy().reshape(len(inc), 4) == [1, 2, 3, 4]).all()
    dist = out["distance_m"].to_numpy().reshape(len(inc), 4)
    assert np.array_equal(dist, np.take_along_axis(d, order[:, :4], axis=1))


def test_max_distance_keeps_incidents_with_null_results() -> None:
    inc, dep = global_sets(3)
    out = nearest(inc, dep, max_distance="500km")
    d, _ = brute(inc, dep)
    best = d.min(axis=1)
    assert len(out) == len(inc)
    far = best > 500_000
    assert far.any()
    assert out["deployment_id"].isna().to_numpy().tolist() == far.tolist()
    assert np.allclose(out["distance_m"].to_numpy()[~far], best[~far], rtol=0, atol=0)
    k3 = nearest(inc, dep, k=3, max_distance="500km")
    assert set(k3.index) == set(inc.index)  # none dropped
    assert k3["distance_m"].dropna().le(500_000).all()
    assert k3.groupby(level=0).size().max() <= 3


@pytest.mark.parametrize("unit", ["50km", "30 mi", "10 nmi", "500 m", 5000, 12.5])
def test_distance_strings_and_numbers(unit: object) -> None:
    inc, dep = global_sets(5)
    nearest(inc.head(20), dep, max_distance=unit)  # type: ignore[arg-type]
    within(inc.head(20), dep, unit)  # type: ignore[arg-type]


def test_bad_unit_is_unit_error() -> None:
    inc, dep = global_sets(5)
    with pytest.raises(UnitError, match="furlong"):
        nearest(inc, dep, max_distance="3 furlongs")
    with pytest.raises(UnitError):
        within(inc, dep, "fifty km")
    with pytest.raises(ValueError, match="positive integer"):
        nearest(inc, dep, k=0)


def test_against_geographiclib_within_a_millimetre() -> None:
    inc, dep = global_sets(21)
    out = nearest(inc, dep)
    lookup = dep.set_index("id")
    g = Geodesic.WGS84
    for row in out.head(400).itertuples():
        target = lookup.loc[row.deployment_id].geometry
        ref = g.Inverse(row.geometry.y, row.geometry.x, target.y, target.x)
        assert abs(ref["s12"] - row.distance_m) <= 1e-3
        if ref["s12"] > 1:
            assert abs(((ref["azi1"] - row.bearing_deg) + 180) % 360 - 180) < 1e-6


def test_edge_cases_identical_antipodes_poles_antimeridian() -> None:
    dep = layer(np.array([0.0, 179.9999, 0.0, 10.0]), np.array([90.0, 0.0, -90.0, 0.0]))
    inc = layer(np.array([10.0, -179.9999, 123.0, 10.0, -170.0]),
                np.array([90.0, 0.0, -89.9999, 0.0, 0.0]), "e")
    out = nearest(inc, dep)
    # Identical points (the North Pole has any longitude) -> 0 m.
    assert out["distance_m"].iloc[0] == 0.0
    assert out["deployment_id"].iloc[0] == "d0"
    # Across the antimeridian, 0.0002 degrees of longitude on the equator.
    assert out["deployment_id"].iloc[1] == "d1"
    assert out["distance_m"].iloc[1] == pytest.approx(22.26, abs=0.01)
    assert out["deployment_id"].iloc[2] == "d2"
    assert out["distance_m"].iloc[3] == 0.0
    # -170 on the equator is the antipode of 10 E: the nearest is the antimeridian site.
    assert out["deployment_id"].iloc[4] == "d1"
    anti = layer(np.array([-170.0]), np.array([0.0]), "e")
    far = nearest(anti, dep.iloc[[3]])
    ref = Geodesic.WGS84.Inverse(0.0, -170.0, 0.0, 10.0)["s12"]
    assert far["distance_m"].iloc[0] == pytest.approx(ref, abs=1e-3)
    assert far["distance_m"].iloc[0] == pytest.approx(20_003_931.46, abs=1)


def test_empty_inputs() -> None:
    inc, dep = global_sets(1)
    none = nearest(inc.iloc[:0], dep)
    assert len(none) == 0
    assert {"deployment_id", "distance_m", "bearing_deg"} <= set(none.columns)
    no_dep = nearest(inc.head(5), dep.iloc[:0])
    assert len(no_dep) == 5
    assert no_dep["distance_m"].isna().all()
    assert len(within(inc.iloc[:0], dep, "10km")) == 0
    assert len(within(inc, dep.iloc[:0], "10km")) == 0
    k2 = nearest(inc.head(3), dep.head(1), k=2)
    assert len(k2) == 3  # one real neighbour each, no empty second rows


def test_missing_geometries_are_reported_not_dropped() -> None:
    inc = layer(np.array([44.4, 0.0, 38.7]), np.array([33.3, 0.0, 33.3]), "e")
    inc.loc[1, "geometry"] = None
    inc = pd.concat([inc, gpd.GeoDataFrame({"id": ["e3"], "name": ["E 3"]},
                                           geometry=[shapely.Point()], crs=4326)],
                    ignore_index=True)
    dep = layer(np.array([44.2]), np.array([33.2]))
    with pytest.warns(MissingGeometryWarning, match=r"2 of 4 rows .*index 1, 3"):
        out = nearest(inc, dep)
    assert len(out) == 4
    assert out["distance_m"].isna().tolist() == [False, True, False, True]
    with pytest.warns(MissingGeometryWarning):
        pairs = within(inc, dep, "1000km")
    assert sorted(pairs["incident_index"]) == [0, 2]


def test_uncertainty_range_and_fallback_ids() -> None:
    inc = layer(np.array([44.4]), np.array([33.3]), "e", uncertainty_m=[2000.0])
    dep = gpd.GeoDataFrame({"uncertainty_m": [500.0, 100.0]},
                           geometry=shapely.points([44.41, 50.0], [33.3, 30.0]), crs=4326,
                           index=["alpha", "bravo"])
    out = nearest(inc, dep)
    d = out["distance_m"].iloc[0]
    assert out["deployment_id"].iloc[0] == "alpha"  # index as fallback id and name
    assert out["deployment_name"].iloc[0] == "alpha"
    assert out["distance_min_m"].iloc[0] == pytest.approx(max(0.0, d - 2500))
    assert out["distance_max_m"].iloc[0] == pytest.approx(d + 2500)
    az, _, ref = GEOD.inv(44.4, 33.3, 44.41, 33.3)
    assert d == pytest.approx(ref, abs=1e-6)
    assert out["bearing_deg"].iloc[0] == pytest.approx(az % 360)


def test_projected_input_is_measured_in_wgs84() -> None:
    inc = layer(np.array([44.4]), np.array([33.3]), "e").to_crs(3857)
    dep = layer(np.array([44.5]), np.array([33.3]))
    out = nearest(inc, dep)
    _, _, ref = GEOD.inv(44.4, 33.3, 44.5, 33.3)
    assert out["distance_m"].iloc[0] == pytest.approx(ref, abs=1e-3)


def test_within_equals_brute_force() -> None:
    inc, dep = global_sets(9)
    pairs = within(inc, dep, "800km")
    d, _ = brute(inc, dep)
    rows, cols = np.nonzero(d <= 800_000)
    want = sorted(zip(rows.tolist(), dep["id"].to_numpy()[cols].tolist(), strict=True))
    got = sorted(zip(pairs["incident_index"].tolist(), pairs["deployment_id"].tolist(),
                     strict=True))
    assert got == want
    assert pairs["distance_m"].le(800_000).all()
    assert np.array_equal(np.sort(pairs["distance_m"].to_numpy()), np.sort(d[rows, cols]))
    assert pairs.geometry.equals(gpd.GeoSeries(inc.geometry.values[pairs["incident_index"]]))


def test_chord_bounds_hold_on_random_and_extreme_pairs() -> None:
    rng = np.random.default_rng(0)
    lon1, lat1 = sphere_points(rng, 100_000)
    lon2, lat2 = sphere_points(rng, 100_000)
    # Short, medium and nearly antipodal pairs too.
    lon2[:30_000] = lon1[:30_000] + rng.normal(0, 0.5, 30_000)
    lat2[:30_000] = np.clip(lat1[:30_000] + rng.normal(0, 0.5, 30_000), -90, 90)
    lon2[30_000:40_000] = lon1[30_000:40_000] + 180 + rng.normal(0, 1, 10_000)
    lat2[30_000:40_000] = -lat1[30_000:40_000] + rng.normal(0, 1, 10_000)
    lat2 = np.clip(lat2, -90, 90)
    s, _ = _geodesic.inverse(lon1, lat1, lon2, lat2)
    diff = _geodesic.ecef(lon1, lat1) - _geodesic.ecef(lon2, lat2)
    c = np.sqrt((diff**2).sum(axis=1))
    upper = _geodesic.chord_to_geodesic_upper(c)
    assert (c <= s + 1e-8).all()
    assert (s <= upper + 1e-8).all()
    short = c < 100_000
    assert (upper[short] - c[short] <= 1.1).all()  # ~1 m at 100 km: a tight bound


coord = st.tuples(st.sampled_from([-180.0, -179.999, 0.0, 179.999, 180.0]) | st.floats(-180, 180),
                  st.sampled_from([-90.0, -89.99, 0.0, 89.99, 90.0]) | st.floats(-90, 90))


@settings(max_examples=60, deadline=None)
@given(st.lists(coord, min_size=1, max_size=12), st.lists(coord, min_size=1, max_size=12),
       st.integers(1, 3))
def test_nearest_property_matches_brute_force(qs: list, ts: list, k: int) -> None:
    inc = layer(np.array([p[0] for p in qs]), np.array([p[1] for p in qs]), "e")
    dep = layer(np.array([p[0] for p in ts]), np.array([p[1] for p in ts]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = nearest(inc, dep, k=k)
    d, order = brute(inc, dep)
    kk = min(k, len(dep))
    got = out["distance_m"].to_numpy().reshape(len(inc), kk)
    assert np.array_equal(got, np.take_along_axis(d, order[:, :kk], axis=1))


def test_scenario_call_as_the_demo_makes_it() -> None:
    from geoconflict import load_dataset

    bases = load_dataset("deployments")
    inc = layer(np.array([38.70333, 44.4455]), np.array([33.31417, 33.3398]), "e")
    out = nearest(inc, bases)
    assert out["deployment_name"].iloc[0] == "Tower 22"
    assert out["distance_m"].iloc[0] < 1000
    assert out["distance_m"].notna().all()


def test_deployments_without_location_are_reported_and_skipped() -> None:
    inc = layer(np.array([44.4]), np.array([33.3]), "e")
    dep = layer(np.array([44.41, 44.5]), np.array([33.3, 33.3]))
    dep.loc[0, "geometry"] = None
    with pytest.warns(MissingGeometryWarning, match="deployments: 1 of 2 .*left out"):
        out = nearest(inc, dep)
    assert out["deployment_id"].iloc[0] == "d1"


@pytest.mark.parametrize("k", [1, 3])
def test_threaded_chunks_give_the_same_answers(monkeypatch: pytest.MonkeyPatch, k: int) -> None:
    inc, dep = global_sets(13)
    serial = nearest(inc, dep, k=k, max_distance="2000km")
    monkeypatch.setattr(_geodesic, "PARALLEL_MIN", 10)
    threaded = nearest(inc, dep, k=k, max_distance="2000km")
    pd.testing.assert_frame_equal(serial, threaded)
    d, order = brute(inc, dep)
    want = d[np.arange(len(inc)), order[:, 0]]
    got = threaded.groupby(level=0)["distance_m"].min().to_numpy()
    assert np.array_equal(np.where(want <= 2_000_000, want, np.nan), got, equal_nan=True)
