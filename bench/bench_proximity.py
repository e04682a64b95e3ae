"""Proximity at scale: 1,000,000 incidents x 1,000 deployments, all figures from one run.

Rows
----
- floor: one vectorised ``pyproj.Geod.inv`` over 1,000,000 pairs (one exact distance
  per incident: no exact nearest search can do less).
- ``nearest`` k=1 end to end (GeoDataFrame in, GeoDataFrame out), against the floor
  (target: <= 2x) and against scikit-learn ``BallTree(metric="haversine")`` build + query
  on the same points (target: >= 5x faster). The ball tree answers on a sphere: the row
  also reports how often its nearest differs from the exact ellipsoidal one.
- ``exposure`` 1,000,000 x 1,000 x 3 radii (target: <= 10 s).
- every time row also carries ``cpu_s`` (process CPU time, all threads): on a shared,
  loaded machine wall times swing, CPU times much less.
- peak Python-allocated memory of ``nearest`` and ``exposure`` (tracemalloc; the KD-tree's
  own C++ arrays are not counted, they are O(n) doubles).

Data: incidents and deployments uniform over the Middle East box lon 30-60 E,
lat 10-40 N (where the scenario lives), with a fixed seed.
"""

from __future__ import annotations

import gc
import time
import warnings

import numpy as np
from _timing import peak_memory, row


def _data(n: int, m: int, seed: int = 1) -> tuple:
    import geopandas as gpd
    import pandas as pd
    import shapely

    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(30, 60, n), rng.uniform(10, 40, n)
    types = np.array(["Battles", "Explosions/Remote violence", "Riots", "Protests"])
    inc = gpd.GeoDataFrame({
        "event_id": pd.array(np.char.add("e", np.arange(n).astype(str)), dtype="string"),
        "event_type": pd.array(types[rng.integers(0, 4, n)], dtype="string"),
        "fatalities": rng.integers(0, 5, n),
        "event_date": (pd.Timestamp("2023-01-01")
                       + pd.to_timedelta(rng.integers(0, 730, n), unit="D")),
        "uncertainty_m": 2000.0,
    }, geometry=shapely.points(lon, lat), crs="EPSG:4326")
    dlon, dlat = rng.uniform(30, 60, m), rng.uniform(10, 40, m)
    dep = gpd.GeoDataFrame({"id": [f"d{i}" for i in range(m)],
                            "name": [f"Base {i}" for i in range(m)], "uncertainty_m": 1000.0},
                           geometry=shapely.points(dlon, dlat), crs="EPSG:4326")
    return inc, dep, lon, lat, dlon, dlat


def _timed(fn: object, repeat: int) -> tuple[float, float, object]:
    """Best wall time, best CPU time (all threads of the process) and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        w, c = time.perf_counter(), time.process_time()
        result = fn()  # type: ignore[operator]
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, result


def run(quick: bool = False) -> list[dict[str, object]]:
    from pyproj import Geod
    from sklearn.neighbors import BallTree

    from geoconflict.proximity._engine import exposure, nearest

    n, m = (100_000, 1_000) if quick else (1_000_000, 1_000)
    repeat = 3
    inc, dep, lon, lat, dlon, dlat = _data(n, m)
    geod = Geod(ellps="WGS84")
    pick = np.random.default_rng(2).integers(0, m, n)
    rows: list[dict[str, object]] = []
    warnings.simplefilter("ignore")

    floor, floor_cpu, _ = _timed(lambda: geod.inv(lon, lat, dlon[pick], dlat[pick]), repeat)
    rows.append(row(f"floor: Geod.inv over {n:,} pairs", floor, "s", cpu_s=round(floor_cpu, 3)))

    ours, ours_cpu, result = _timed(lambda: nearest(inc, dep), repeat)
    rows.append(row(f"nearest k=1 {n:,} x {m:,} (ratio = floor/ours)", ours, "s",
                    peer="one Geod.inv per incident (floor)", peer_figure=floor,
                    times_floor=round(ours / floor, 3), cpu_s=round(ours_cpu, 3),
                    cpu_times_floor=round(ours_cpu / floor_cpu, 3)))

    def balltree() -> tuple[np.ndarray, np.ndarray]:
        tree = BallTree(np.radians(np.column_stack([dlat, dlon])), metric="haversine")
        return tree.query(np.radians(np.column_stack([lat, lon])), k=1)

    ball, ball_cpu, (_, ball_idx) = _timed(balltree, 1)  # type: ignore[misc]
    exact_ids = result["deployment_id"].to_numpy(dtype=object)  # type: ignore[index]
    ball_ids = dep["id"].to_numpy(dtype=object)[ball_idx[:, 0]]
    wrong = float(np.mean(exact_ids != ball_ids))
    rows.append(row(f"nearest k=1 {n:,} x {m:,} vs BallTree(haversine)", ours, "s",
                    peer="sklearn BallTree haversine build+query", peer_figure=ball,
                    cpu_s=round(ours_cpu, 3), peer_cpu_s=round(ball_cpu, 3),
                    cpu_ratio=round(ball_cpu / ours_cpu, 3),
                    balltree_nearest_differs_pct=round(100 * wrong, 4)))

    exp_time, exp_cpu, table = _timed(
        lambda: exposure(dep, inc, radii=("25km", "50km", "100km")), 2)
    pairs = int(table["incidents_100km"].sum())  # type: ignore[index]
    rows.append(row(f"exposure {n:,} x {m:,} x 3 radii", exp_time, "s",
                    peer="target", peer_figure=10.0, pairs_within_100km=pairs,
                    cpu_s=round(exp_cpu, 3)))

    if not quick:
        small_inc = inc.iloc[: n // 4]
        mem_near, _ = peak_memory(lambda: nearest(small_inc, dep))
        mem_near_full, _ = peak_memory(lambda: nearest(inc, dep))
        rows.append(row(f"nearest peak memory ({n // 4:,} incidents)", mem_near, "MiB"))
        rows.append(row(f"nearest peak memory ({n:,} incidents)", mem_near_full, "MiB",
                        input_mib=round(inc.memory_usage(deep=True).sum() / 2**20, 1)))
        mem_exp, _ = peak_memory(lambda: exposure(dep, inc))
        rows.append(row(f"exposure peak memory ({n:,} incidents)", mem_exp, "MiB"))
    return rows
