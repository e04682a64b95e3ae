"""The dask-geopandas path gives the same answers as the in-memory path."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

dask = pytest.importorskip("dask")
dask_geopandas = pytest.importorskip("dask_geopandas")

from geoconflict.proximity._engine import distance_to, exposure, nearest, within  # noqa: E402


@pytest.fixture(scope="module")
def data() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(5)
    n, m = 2000, 40
    lon, lat = rng.uniform(35, 50, n), rng.uniform(12, 38, n)
    inc = gpd.GeoDataFrame({
        "event_id": [f"e{i}" for i in range(n)],
        "event_type": rng.choice(["Battles", "Riots", "Explosions/Remote violence"], n),
        "fatalities": rng.integers(0, 4, n),
        "uncertainty_m": rng.choice([2000.0, 15000.0], n),
        "event_date": (pd.Timestamp("2024-01-01")
                       + pd.to_timedelta(rng.integers(0, 60, n), unit="D")).astype("datetime64[ns]"),
    }, geometry=shapely.points(lon, lat), crs="EPSG:4326")
    inc.loc[7, "geometry"] = None
    dep = gpd.GeoDataFrame({"id": [f"d{j}" for j in range(m)], "name": [f"B{j}" for j in range(m)],
                            "uncertainty_m": 1000.0},
                           geometry=shapely.points(rng.uniform(35, 50, m), rng.uniform(12, 38, m)),
                           crs="EPSG:4326")
    return inc, dep


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    # dask stores strings as pyarrow strings: compare values, not string dtypes.
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.mark.slow
def test_dask_paths_equal_in_memory_on_a_local_cluster(data: tuple) -> None:
    from distributed import Client, LocalCluster

    inc, dep = data
    parts = dask_geopandas.from_geopandas(inc, npartitions=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                          dashboard_address=None) as cluster, Client(cluster):
            lazy = nearest(parts, dep, k=2, max_distance="300km")
            assert hasattr(lazy, "compute")
            same(lazy.compute(), nearest(inc, dep, k=2, max_distance="300km"))
            same(exposure(dep, parts, freq="W"), exposure(dep, inc, freq="W"))


@pytest.mark.slow
@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_dask_paths_equal_in_memory(data: tuple, scheduler: str) -> None:
    inc, dep = data
    parts = dask_geopandas.from_geopandas(inc, npartitions=3)
    lane = gpd.GeoDataFrame({"id": ["lane"], "name": ["Lane"]},
                            geometry=[shapely.LineString([(32.5, 29.9), (38.0, 21.0), (43.3, 12.6)])],
                            crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with dask.config.set(scheduler=scheduler):
            same(nearest(parts, dep).compute(), nearest(inc, dep))
            a = within(parts, dep, "75km").compute().reset_index(drop=True)
            same(a, within(inc, dep, "75km"))
            same(exposure(dep, parts), exposure(dep, inc))
            same(distance_to(parts, lane).compute(), distance_to(inc, lane))
    assert len(a) > 100
