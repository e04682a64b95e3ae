"""Export at scale: 1,000,000 incident points with the 16 canonical columns.

Rows (each against its peer, measured in the same run on the same GeoDataFrame)
----
- GeoJSON: ``geoconflict.export`` (streamed, vectorised, atomic + fsync) vs
  ``GeoDataFrame.to_file(driver="GeoJSON", engine="pyogrio")`` (GDAL). Target: <= peer.
- GeoJSONSeq: ``export(format="geojsonseq")`` vs ``to_file(driver="GeoJSONSeq")``.
- GeoParquet: ``export(... .parquet)`` (GeoParquet 1.1 + bbox covering, atomic + fsync)
  vs ``to_parquet(write_covering_bbox=True)`` (the same writer without the atomic step),
  best of 3; plus ours with ``os.fsync`` disabled, to show what durability costs.
- peak memory of each write: resident set size sampled every 5 ms by a thread, minus
  the RSS when the write began, in a fresh interpreter per measurement (so GDAL's C allocations count too, unlike tracemalloc);
  and, to show the GeoJSON writer is streamed, its peak at 1/10 of the rows (a bounded
  writer's peak does not grow with the number of features), plus the writer's peak
  Python heap (tracemalloc, into a sink that keeps nothing) at n/10 and n/2: resident
  memory also reflects how the allocator hands pages back, the heap peak does not.
  Every measurement runs
  in a fresh interpreter, so heaps grown by one write cannot hide the next one's.

Data: points uniform over lon 35-60 E, lat 12-38 N, six ACLED event types, a year of
dates, fixed seed; written to a scratch folder in bench/_work/ and deleted afterwards.
"""

from __future__ import annotations

import gc
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _timing import row

WORK = Path(__file__).resolve().parent / "_work" / "export"
_PAGE = os.sysconf("SC_PAGE_SIZE")


def incidents(n: int, seed: int = 7) -> Any:
    """A canonical incidents GeoDataFrame of ``n`` random points."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from geoconflict.schema import ACLED_EVENT_TYPES

    rng = np.random.default_rng(seed)
    types = np.array(ACLED_EVENT_TYPES)
    ids = np.char.add("BENCH", np.arange(n).astype(str))
    frame = pd.DataFrame({
        "event_id": pd.array(ids, dtype="string"),
        "event_date": pd.Timestamp("2024-01-01")
        + pd.to_timedelta(rng.integers(0, 366, n), unit="D"),
        "time_precision": pd.array(rng.integers(1, 4, n), dtype="Int8"),
        "event_type": pd.array(types[rng.integers(0, len(types), n)], dtype="string"),
        "sub_event_type": pd.array(np.full(n, "Air/drone strike"), dtype="string"),
        "actor1": pd.array(np.full(n, "Military Forces of the United States (2021-)"),
                           dtype="string"),
        "actor2": pd.array(np.full(n, "Kata'ib Hezbollah"), dtype="string"),
        "country": pd.array(np.full(n, "IRQ"), dtype="string"),
        "admin1": pd.array(np.full(n, "Baghdad"), dtype="string"),
        "location": pd.array(np.full(n, "Mashtal"), dtype="string"),
        "geo_precision": pd.array(rng.integers(1, 4, n), dtype="Int8"),
        "uncertainty_m": rng.choice([2000.0, 15000.0, 75000.0], n),
        "fatalities": pd.array(rng.integers(0, 12, n), dtype="Int64"),
        "source": pd.array(np.full(n, "benchmark generator"), dtype="string"),
        "notes": pd.array(np.full(n, 'Strike on a vehicle "near" the canal'), dtype="string"),
        "origin": pd.array(np.full(n, "bench"), dtype="string"),
    })
    points = shapely.points(rng.uniform(35, 60, n), rng.uniform(12, 38, n))
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * _PAGE


def measure(fn: Callable[[], Any]) -> tuple[float, float]:
    """Run ``fn`` once: (wall seconds, peak RSS growth in MiB above the start)."""
    gc.collect()
    start_rss = _rss()
    peak = start_rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss())
            time.sleep(0.005)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    try:
        fn()
    finally:
        elapsed = time.perf_counter() - start
        done.set()
        thread.join()
    peak = max(peak, _rss())
    return elapsed, (peak - start_rss) / 2**20


#: what -> (label, function(gdf, path)); each runs in a fresh interpreter so that one
#: measurement's heap growth cannot hide (or inflate) the next one's.
def _writers() -> dict[str, tuple[str, Callable[[Any, Path], Any]]]:
    from geoconflict.io._export import export

    return {
        "geojson": (".geojson", lambda g, p: export(g, p)),
        "geojson_gdal": (".geojson", lambda g, p: g.to_file(p, driver="GeoJSON",
                                                             engine="pyogrio")),
        "seq": (".geojsons", lambda g, p: export(g, p, format="geojsonseq")),
        "seq_gdal": (".geojsons", lambda g, p: g.to_file(p, driver="GeoJSONSeq",
                                                          engine="pyogrio")),
        "parquet": (".parquet", lambda g, p: export(g, p)),
        "parquet_peer": (".parquet", lambda g, p: g.to_parquet(p, write_covering_bbox=True)),
        "parquet_nofsync": (".parquet", _without_fsync(lambda g, p: export(g, p))),
    }


def _without_fsync(write: Callable[[Any, Path], Any]) -> Callable[[Any, Path], Any]:
    """The same write with os.fsync disabled: how much of the time is durability."""
    def run(gdf: Any, path: Path) -> Any:
        real = os.fsync
        os.fsync = lambda fd: None
        try:
            return write(gdf, path)
        finally:
            os.fsync = real

    return run


def _heap_peak(n: int) -> dict[str, float]:
    """Peak Python heap (tracemalloc) of the GeoJSON writer into a sink that keeps nothing."""
    import io
    import tracemalloc

    from geoconflict.io._geojson import write_geojson

    class Sink(io.TextIOBase):
        def write(self, text: str) -> int:
            return len(text)

    gdf = incidents(n)
    tracemalloc.start()
    start = time.perf_counter()
    write_geojson(gdf, Sink())
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "peak_mib": peak / 2**20, "file_mib": 0.0}


def _one(what: str, n: int) -> dict[str, float]:
    if what == "heap":
        return _heap_peak(n)
    suffix, write = _writers()[what]
    gdf = incidents(n)
    path = WORK / f"{what}{suffix}"
    # Parquet writes take seconds: best of 3 (the first also gives the memory figure).
    runs = []
    for _ in range(3 if what.startswith("parquet") else 1):
        runs.append(measure(lambda: write(gdf, path)))
        size = path.stat().st_size / 2**20
        path.unlink()
    return {"seconds": min(r[0] for r in runs), "peak_mib": runs[0][1], "file_mib": size}


def _run_one(what: str, n: int) -> dict[str, float]:
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, __file__, "--one", what, str(n)], check=True,
                          capture_output=True, text=True)
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> list[dict[str, object]]:
    n = 100_000 if quick else 1_000_000
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    rows: list[dict[str, object]] = []
    try:
        for label, ours, peer, peer_name in (
                ("GeoJSON", "geojson", "geojson_gdal", "to_file(driver='GeoJSON') pyogrio"),
                ("GeoJSONSeq", "seq", "seq_gdal", "to_file(driver='GeoJSONSeq') pyogrio"),
                ("GeoParquet 1.1 + bbox covering", "parquet", "parquet_peer",
                 "to_parquet(write_covering_bbox=True)")):
            a, b = _run_one(ours, n), _run_one(peer, n)
            rows.append(row(f"{label}: export {n:,} points", a["seconds"], "s", peer=peer_name,
                            peer_figure=b["seconds"], file_mib=round(a["file_mib"], 1),
                            peer_file_mib=round(b["file_mib"], 1)))
            rows.append(row(f"{label}: peak RSS growth, {n:,} points", a["peak_mib"], "MiB",
                            peer=peer_name, peer_figure=b["peak_mib"]))
        unsynced = _run_one("parquet_nofsync", n)
        rows.append(row(f"GeoParquet: export {n:,} points with fsync disabled", unsynced["seconds"],
                        "s", peer="to_parquet(write_covering_bbox=True)",
                        peer_figure=rows[-2]["peer_figure"]))
        small = _run_one("geojson", n // 10)
        rows.append(row(f"GeoJSON: peak RSS growth, {n // 10:,} points (streaming check)",
                        small["peak_mib"], "MiB", seconds=round(small["seconds"], 2)))
        for size in (n // 10, n // 2):
            heap = _run_one("heap", size)
            rows.append(row(f"GeoJSON writer: peak Python heap, {size:,} points", heap["peak_mib"],
                            "MiB", seconds=round(heap["seconds"], 2)))
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return rows


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:2] == ["--one"]:
        WORK.mkdir(parents=True, exist_ok=True)
        print(json.dumps(_one(sys.argv[2], int(sys.argv[3]))))
    else:
        for r in run(quick="--quick" in sys.argv):
            print(r)
