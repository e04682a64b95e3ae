"""exposure, rings and distance_to, checked against brute force and geographiclib."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geographiclib.geodesic import Geodesic
from pyproj import Geod

from geoconflict.errors import UnitError
from geoconflict.proximity._engine import distance_to, exposure, rings

GEOD = Geod(ellps="WGS84")
TYPES = ["Battles", "Explosions/Remote violence", "Riots"]


def scenario(seed: int = 0, n: int = 3000, m: int = 25
             ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    dlon, dlat = rng.uniform(38, 48, m), rng.uniform(28, 36, m)
    lon, lat = rng.uniform(37, 49, n), rng.uniform(27, 37, n)
    # Incidents a hair inside / outside each radius of a deployment: the exact band.
    for j, r in enumerate((25_000.0, 50_000.0, 100_000.0)):
        for s, eps in enumerate((-0.005, 0.005, -0.5, 0.5)):
            i = 4 * j + s
            lon[i], lat[i], _ = GEOD.fwd(dlon[i % m], dlat[i % m], 37.0 * i, r + eps)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    inc = gpd.GeoDataFrame({
        "event_id": [f"e{i}" for i in range(n)],
        "event_type": pd.array(rng.choice([*TYPES, None], n), dtype="string"),
        "fatalities": pd.array(rng.integers(0, 6, n), dtype="Int64"),
        "event_date": dates.astype("datetime64[ns]"),
    }, geometry=shapely.points(lon, lat), crs="EPSG:4326")
    inc.loc[5, "fatalities"] = pd.NA
    dep = gpd.GeoDataFrame({"id": [f"d{j}" for j in range(m)],
                            "name": [f"Base {j}" for j in range(m)]},
                           geometry=shapely.points(dlon, dlat), crs="EPSG:4326")
    return inc, dep


def matrix(inc: gpd.GeoDataFrame, dep: gpd.GeoDataFrame) -> np.ndarray:
    n, m = len(inc), len(dep)
    _, _, d = GEOD.inv(np.tile(inc.geometry.x.to_numpy(), m), np.tile(inc.geometry.y.to_numpy(), m),
                       np.repeat(dep.geometry.x.to_numpy(), n), np.repeat(dep.geometry.y.to_numpy(), n))
    return np.asarray(d).reshape(m, n)


def test_exposure_equals_brute_force() -> None:
    inc, dep = scenario()
    table = exposure(dep, inc)
    d = matrix(inc, dep)
    fat = inc["fatalities"].fillna(0).to_numpy(dtype=float)
    slug = {"Battles": "battles", "Explosions/Remote violence": "explosions_remote_violence",
            "Riots": "riots"}
    assert list(table["deployment_id"]) == list(dep["id"])
    for r, label in ((25_000, "25km"), (50_000, "50km"), (100_000, "100km")):
        inside = d <= r
        assert table[f"incidents_{label}"].tolist() == inside.sum(axis=1).tolist()
        assert table[f"fatalities_{label}"].tolist() == (inside * fat).sum(axis=1).tolist()
        for t, s in slug.items():
            mask = inside & (inc["event_type"] == t).fillna(False).to_numpy()
            assert table[f"incidents_{label}_{s}"].tolist() == mask.sum(axis=1).tolist()
        unknown = inside & inc["event_type"].isna().to_numpy()
        assert table[f"incidents_{label}_unknown"].tolist() == unknown.sum(axis=1).tolist()
    nearest_i = d.argmin(axis=1)
    assert table["nearest_incident_id"].tolist() == inc["event_id"].to_numpy()[nearest_i].tolist()
    assert np.array_equal(table["nearest_incident_m"].to_numpy(), d.min(axis=1))
    dates = inc["event_date"].to_numpy()
    for j in range(len(dep)):
        within = dates[d[j] <= 100_000]
        want = pd.Timestamp(within.max()) if within.size else pd.NaT
        got = table["last_incident_date"].iloc[j]
        assert (pd.isna(got) and pd.isna(want)) or got == want
    assert table.crs.equals("EPSG:4326")
    assert table.geometry.equals(dep.geometry)


def test_exposure_per_month_sums_to_total() -> None:
    inc, dep = scenario(2, n=1500)
    total = exposure(dep, inc, radii=["30 mi"])
    monthly = exposure(dep, inc, radii=["30 mi"], freq="M")
    assert monthly["period"].unique().tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert len(monthly) == 4 * len(dep)
    sums = monthly.groupby("deployment_id", sort=False)["incidents_30mi"].sum()
    assert sums.tolist() == total["incidents_30mi"].tolist()
    d = matrix(inc, dep)
    feb = (inc["event_date"].dt.month == 2).to_numpy()
    row = monthly[(monthly["deployment_id"] == "d3") & (monthly["period"] == "2024-02")]
    assert row["incidents_30mi"].item() == int((d[3][feb] <= 30 * 1609.344).sum())
    assert row["nearest_incident_m"].item() == pytest.approx(d[3][feb].min(), abs=0)
    weekly = exposure(dep, inc, radii="50km", freq="W")
    assert weekly.groupby("deployment_id", sort=False)["incidents_50km"].sum().tolist() == \
        exposure(dep, inc, radii="50km")["incidents_50km"].tolist()


def test_exposure_edge_cases() -> None:
    inc, dep = scenario(3, n=50)
    empty = exposure(dep, inc.iloc[:0])
    assert len(empty) == len(dep)
    assert empty["incidents_25km"].eq(0).all()
    assert empty["nearest_incident_m"].isna().all()
    assert len(exposure(dep.iloc[:0], inc)) == 0
    with pytest.raises(UnitError):
        exposure(dep, inc, radii=["25 parsecs"])
    with pytest.raises(UnitError, match="period"):
        exposure(dep, inc, freq="fortnight")
    bare = gpd.GeoDataFrame(geometry=inc.geometry)  # no type, date, fatalities or id
    table = exposure(dep, bare, radii=(500_000,))
    assert "incidents_500km_unknown" in table.columns
    assert table["fatalities_500km"].eq(0).all()
    assert table["last_incident_date"].isna().all()


# --------------------------------------------------------------------------- rings


def boundary_distances(poly: shapely.Geometry, lon0: float, lat0: float) -> np.ndarray:
    pts = shapely.get_coordinates(shapely.segmentize(poly.boundary, 0.002))
    keep = (np.abs(pts[:, 0]) < 179.9999) & (np.abs(pts[:, 1]) < 89.9999)
    pts = pts[keep]
    _, _, d = GEOD.inv(np.full(len(pts), lon0), np.full(len(pts), lat0), pts[:, 0], pts[:, 1])
    return np.asarray(d)


@pytest.mark.parametrize(("lon0", "lat0", "radius"), [
    (44.4, 33.3, 25_000), (38.7, 33.3, 100_000), (0.0, 70.0, 500_000), (20.0, 88.0, 50_000),
    (179.95, -10.0, 50_000), (-179.99, 65.0, 300_000), (10.0, 89.5, 200_000),
    (-60.0, -88.0, 600_000), (0.0, 0.0, 5_000_000),
])
def test_rings_are_true_geodesic_circles(lon0: float, lat0: float, radius: float) -> None:
    pts = gpd.GeoDataFrame({"id": ["c"], "name": ["Centre"]},
                           geometry=[shapely.Point(lon0, lat0)], crs="EPSG:4326")
    ring = rings(pts, [radius])
    poly = ring.geometry.iloc[0]
    assert poly.is_valid
    assert ring["radius_m"].iloc[0] == radius
    d = boundary_distances(poly, lon0, lat0)
    assert d.size > 50
    assert np.max(np.abs(d - radius)) / radius <= 1.05e-3
    rng = np.random.default_rng(1)
    az = rng.uniform(0, 360, 400)
    for factor, expected in ((0.97, True), (1.03, False)):
        x, y, _ = GEOD.fwd(np.full(400, lon0), np.full(400, lat0), az, np.full(400, factor * radius))
        got = shapely.contains(poly, shapely.points(x, y))
        assert got.all() if expected else not got.any()
    crosses = abs(lon0) + np.degrees(radius / 6.4e6) / max(np.cos(np.radians(abs(lat0))), 1e-6) > 180
    pole = 90 - abs(lat0) < radius / 111_000
    if crosses and not pole:
        assert poly.geom_type == "MultiPolygon"
    if pole:
        assert shapely.contains(poly, shapely.Point(0, np.sign(lat0) * 89.999))


def test_rings_columns_labels_and_errors() -> None:
    pts = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"], "other": [1, 2]},
                           geometry=shapely.points([44.0, 38.0], [33.0, 31.0]), crs=4326)
    out = rings(pts, ["25km", "50 km", "10 nmi"])
    assert list(out.columns) == ["id", "name", "radius_m", "label", "geometry"]
    assert out["label"].tolist()[:3] == ["25 km", "50 km", "18.5 km"]
    assert out["radius_m"].tolist()[:3] == [25_000.0, 50_000.0, 18_520.0]
    assert out["id"].tolist() == ["a"] * 3 + ["b"] * 3
    with pytest.raises(UnitError):
        rings(pts, ["5 leagues"])
    with pytest.raises(UnitError, match="both poles"):
        rings(pts, ["15000km"])


# --------------------------------------------------------------------------- distance_to


def brute_line_distance(line: list[tuple[float, float]], lon: float, lat: float) -> float:
    """Dense brute force with geographiclib: samples every 10 km, then every 100 m and
    finally every 1 m around the best sample of the previous pass, along each geodesic edge."""
    g = Geodesic.WGS84
    best = np.inf
    for (x1, y1), (x2, y2) in itertools.pairwise(line):
        inv = g.Inverse(y1, x1, y2, x2)
        seg = g.Line(y1, x1, inv["azi1"])

        def dist(s: float, seg: object = seg) -> float:
            p = seg.Position(s)  # type: ignore[attr-defined]
            return float(g.Inverse(lat, lon, p["lat2"], p["lon2"])["s12"])

        samples = np.append(np.arange(0, inv["s12"], 10_000.0), inv["s12"])
        for step in (100.0, 1.0):
            ds = [dist(s) for s in samples]
            s0 = samples[int(np.argmin(ds))]
            best = min(best, min(ds))
            window = 20_000.0 if step == 100.0 else 200.0
            samples = np.clip(np.arange(s0 - window, s0 + window + step, step), 0, inv["s12"])
        best = min(best, *(dist(s) for s in samples))
    return float(best)


@pytest.mark.slow
def test_distance_to_a_3000_km_line_within_a_metre_of_dense_brute_force() -> None:
    g = Geodesic.WGS84
    end = g.Direct(30.0, 32.0, 150.0, 3_000_000.0)
    line = [(32.0, 30.0), (end["lon2"], end["lat2"])]
    lane = gpd.GeoDataFrame({"id": ["lane"], "name": ["Long lane"]},
                            geometry=[shapely.LineString(line)], crs=4326)
    rng = np.random.default_rng(4)
    pts = []
    for s, off in zip(rng.uniform(-200_000, 3_200_000, 10), [0, 1, 30, 2_000, 50_000,
                                                             400_000, 900, 12_345, 7, 150_000],
                      strict=True):
        on = g.Direct(30.0, 32.0, 150.0, float(s))
        side = g.Direct(on["lat2"], on["lon2"], on["azi2"] + 90.0, float(off))
        pts.append((side["lon2"], side["lat2"]))
    inc = gpd.GeoDataFrame({"event_id": [f"p{i}" for i in range(len(pts))]},
                           geometry=[shapely.Point(p) for p in pts], crs=4326)
    out = distance_to(inc, lane)
    for (lon, lat), got in zip(pts, out["distance_m"], strict=True):
        want = brute_line_distance(line, lon, lat)
        assert got <= want + 1e-3  # ours is a true minimum; brute force samples
        assert abs(got - want) <= 1.0
    assert (out["feature_id"] == "lane").all()


def test_distance_to_polygon_lines_and_nearest_feature() -> None:
    square = shapely.Polygon([(40, 20), (44, 20), (44, 24), (40, 24)])
    lane = shapely.LineString([(32.5, 29.9), (34.0, 27.0), (38.0, 21.0), (43.3, 12.6)])
    feats = gpd.GeoDataFrame({"id": ["sq", "lane"], "name": ["Square", "Lane"]},
                             geometry=[square, lane], crs=4326)
    inc = gpd.GeoDataFrame({"event_id": ["in", "out", "lane", "gone"]},
                           geometry=[shapely.Point(42, 22), shapely.Point(45, 22),
                                     shapely.Point(36.0, 24.5), None], crs=4326)
    with pytest.warns(UserWarning, match="1 of 4"):
        out = distance_to(inc, feats)
    assert out["distance_m"].iloc[0] == 0.0
    assert out["feature_id"].iloc[0] == "sq"
    assert out["feature_id"].iloc[1] == "sq"
    ring = list(square.exterior.coords)
    assert out["distance_m"].iloc[1] == pytest.approx(brute_line_distance(ring, 45, 22), abs=1)
    assert out["feature_name"].iloc[2] == "Lane"
    assert out["distance_m"].iloc[2] == pytest.approx(
        brute_line_distance(list(lane.coords), 36.0, 24.5), abs=1)
    assert pd.isna(out["distance_m"].iloc[3])
    assert pd.isna(out["feature_id"].iloc[3])
    assert len(out) == 4


def test_distance_to_points_and_empty() -> None:
    feats = gpd.GeoDataFrame({"id": ["p"]}, geometry=[shapely.Point(43.3, 12.6)], crs=4326)
    inc = gpd.GeoDataFrame(geometry=[shapely.Point(43.0, 12.0)], crs=4326)
    out = distance_to(inc, feats)
    _, _, ref = GEOD.inv(43.0, 12.0, 43.3, 12.6)
    assert out["distance_m"].iloc[0] == pytest.approx(ref, abs=1e-6)
    assert len(distance_to(inc.iloc[:0], feats)) == 0
    assert distance_to(inc, feats.iloc[:0])["distance_m"].isna().all()


def test_rings_survive_geojson_export_at_pole_and_antimeridian() -> None:
    import json

    from geoconflict.io._export import to_geojson_text

    pts = gpd.GeoDataFrame({"id": ["pole", "dateline"]},
                           geometry=[shapely.Point(10, 89.7), shapely.Point(179.9, -17)], crs=4326)
    out = rings(pts, ["100km"])
    back = [shapely.geometry.shape(f["geometry"])
            for f in json.loads(to_geojson_text(out))["features"]]
    assert back[0].bounds[3] == 90.0
    for before, after in zip(out.geometry, back, strict=True):
        assert after.area == pytest.approx(before.area, rel=1e-6)
