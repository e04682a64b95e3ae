"""Incident ingest: read + validate a large ACLED-shaped CSV against pandas + geopandas.

Target (issue 4): on a 1,000,000-row ACLED-shaped CSV, ``read_events`` (read, map,
validate, rejects report) takes at most 2x the time of
``pandas.read_csv(engine="pyarrow")`` + ``geopandas.points_from_xy`` on the same file,
and its peak memory is at most 2x the size of the resulting DataFrame.

Each measurement runs in a fresh interpreter so peak memory is the process's own high
-water mark (VmHWM, reset through /proc/self/clear_refs after imports), which includes
Arrow's allocations that tracemalloc cannot see. The file is generated once by
``bench/gen_acled.py`` into ``bench/_work/`` (git-ignored) and reused.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from _timing import row

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"

_CHILD = r"""
import json, sys, time
import numpy as np, pandas as pd, geopandas as gpd, pyarrow, shapely
mode, path = sys.argv[1], sys.argv[2]

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    return 0

if mode == "ours":
    from geoconflict.events import read_events
    read_events(sys.argv[3])  # warm the country tables, as in a long session
    run = lambda: read_events(path)
else:
    def run():
        df = pd.read_csv(path, engine="pyarrow", on_bad_lines="skip")
        return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["longitude"],
                                df["latitude"]), crs="EPSG:4326")
if len(sys.argv) > 4 and sys.argv[4] == "alloc":
    # Allocated bytes only: tracemalloc (numpy, Python objects) + Arrow's pool peak.
    # Both peaks are added, an upper bound on the allocated peak, free of allocator
    # retention and fragmentation that the RSS high-water mark includes.
    import tracemalloc
    pool = pyarrow.default_memory_pool()
    before = pool.max_memory() or 0
    tracemalloc.start()
    result = run()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = int(result.drop(columns="geometry").memory_usage(deep=True).sum()
               + shapely.get_num_coordinates(result.geometry.values).sum() * 16
               + 8 * len(result))
    print(json.dumps({"alloc_peak_bytes": traced + max(pool.max_memory() - before, 0),
                      "size_bytes": size}))
    sys.exit(0)
base = status("VmRSS")
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    reset = True
except OSError:
    reset = False
start = time.perf_counter()
result = run()
seconds = time.perf_counter() - start
peak = status("VmHWM")
size = int(result.drop(columns="geometry").memory_usage(deep=True).sum()
           + shapely.get_num_coordinates(result.geometry.values).sum() * 16
           + 8 * len(result))
print(json.dumps({"seconds": seconds, "peak_bytes": peak - base, "size_bytes": size,
                  "rows": len(result), "hwm_reset": reset}))
"""


def _child(mode: str, path: Path, alloc: bool = False) -> dict[str, float]:
    fixture = HERE.parent / "tests" / "data" / "events" / "acled_current.csv"
    args = [sys.executable, "-c", _CHILD, mode, str(path), str(fixture)]
    proc = subprocess.run(args + (["alloc"] if alloc else []),
                          check=True, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _best(mode: str, path: Path, repeat: int) -> dict[str, float]:
    runs = [_child(mode, path) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best["peak_bytes"] = max(r["peak_bytes"] for r in runs)
    return best


def run(quick: bool = False) -> list[dict[str, object]]:
    sys.path.insert(0, str(HERE))
    from gen_acled import generate

    rows = 50_000 if quick else 1_000_000
    path = WORK / f"acled_{rows}.csv"
    if not path.exists():
        generate(rows, path)
    repeat = 1  # one run each: the machine is shared, ratios within one run matter
    peer = _best("peer", path, repeat)
    ours = _best("ours", path, repeat)
    ours_alloc = _child("ours", path, alloc=True)
    peer_alloc = _child("peer", path, alloc=True)
    mib = 2**20
    return [
        row(f"read_events {rows:,} ACLED rows (read+map+validate)", ours["seconds"], "s",
            peer="pandas.read_csv(pyarrow)+points_from_xy", peer_figure=peer["seconds"],
            time_ratio_vs_peer=ours["seconds"] / peer["seconds"], target="<= 2.0",
            accepted=ours["rows"], file_mib=round(path.stat().st_size / mib, 1)),
        row("read_events peak memory", ours["peak_bytes"] / mib, "MiB",
            peer="2 x resulting GeoDataFrame", peer_figure=2 * ours["size_bytes"] / mib,
            memory_ratio_vs_result=ours["peak_bytes"] / ours["size_bytes"],
            target="<= 2.0", hwm_reset=ours["hwm_reset"]),
        row("pandas.read_csv(pyarrow)+points_from_xy peak memory", peer["peak_bytes"] / mib,
            "MiB", memory_ratio_vs_result=peer["peak_bytes"] / peer["size_bytes"]),
        row("read_events peak allocated (tracemalloc + Arrow pool)",
            ours_alloc["alloc_peak_bytes"] / mib, "MiB",
            peer="2 x resulting GeoDataFrame", peer_figure=2 * ours_alloc["size_bytes"] / mib,
            memory_ratio_vs_result=ours_alloc["alloc_peak_bytes"] / ours_alloc["size_bytes"],
            target="<= 2.0"),
        row("pandas.read_csv(pyarrow)+points_from_xy peak allocated",
            peer_alloc["alloc_peak_bytes"] / mib, "MiB",
            memory_ratio_vs_result=peer_alloc["alloc_peak_bytes"] / peer_alloc["size_bytes"]),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
