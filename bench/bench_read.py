"""Feature input: GeoJSON and GeoJSONSeq read by ``read_features`` (files and stdin).

Compares, on 200,000 points with five properties (the maps issue's 100,000-incident
target needs this path fast): the exact parser (``json.loads`` + ``shapely.geometry.shape``
per feature, what ``read_features`` used before) and pyogrio's Arrow path
(``pyogrio.read_dataframe(use_arrow=True)``), which ``read_features`` takes for inputs of
at least ``io._read.ARROW_MIN_BYTES``. Each measurement runs in a fresh interpreter;
memory is the process's RSS high-water mark above its state after imports (VmHWM reset
through /proc/self/clear_refs); times are the fastest of three runs, memory the highest.
The files are generated once into ``bench/_work/``.
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
import io, json, sys, time
import geopandas, pyogrio, shapely
from geoconflict.io import read_features
from geoconflict.io._read import _parse_geojson_text, features_to_gdf
mode, path, stdin = sys.argv[1], sys.argv[2], sys.argv[3] == "stdin"

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    return 0

data = open(path, "rb").read() if stdin else None
base = status("VmRSS")
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
except OSError:
    pass
start = time.perf_counter()
if mode == "exact":
    text = (data or open(path, "rb").read()).decode("utf-8")
    gdf = features_to_gdf(_parse_geojson_text(text, path), source=path)
elif mode == "arrow":
    gdf = pyogrio.read_dataframe(data if stdin else path, use_arrow=True)
else:
    gdf = read_features(io.BytesIO(data) if stdin else path)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_bytes": status("VmHWM") - base,
                  "rows": len(gdf)}))
"""


def _generate(n: int, path: Path, seq: bool) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    xs, ys = rng.uniform(38, 48, n), rng.uniform(29, 37, n)
    feats = ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
        round(float(x), 6), round(float(y), 6)]},
        "properties": {"event_id": f"E{i}", "event_date": "2024-02-07",
                       "fatalities": int(i % 7), "location": "Baghdad - Mashtal",
                       "notes": "Drone strike on a vehicle near the base."}}
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        if seq:
            for f in feats:
                fh.write("\x1e" + json.dumps(f) + "\n")
        else:
            fh.write('{"type": "FeatureCollection", "features": [')
            for k, f in enumerate(feats):
                fh.write(("," if k else "") + json.dumps(f))
            fh.write("]}")


def _child(mode: str, path: Path, stdin: bool) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", _CHILD, mode, str(path),
                           "stdin" if stdin else "file"],
                          check=True, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _best(mode: str, path: Path, stdin: bool, repeat: int) -> dict[str, float]:
    """Fastest of ``repeat`` fresh runs (the machine is shared), highest memory."""
    runs = [_child(mode, path, stdin) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "peak_bytes": max(r["peak_bytes"] for r in runs)}


def run(quick: bool = False) -> list[dict[str, object]]:
    n = 20_000 if quick else 200_000
    rows: list[dict[str, object]] = []
    mib = 2**20
    for label, suffix, seq in (("GeoJSON", ".geojson", False),
                               ("GeoJSONSeq", ".geojsons", True)):
        path = WORK / f"points_{n}{suffix}"
        if not path.exists():
            _generate(n, path, seq)
        for stdin in (False, True):
            where = "stdin" if stdin else "file"
            repeat = 1 if quick else 3
            exact = _best("exact", path, stdin, repeat)
            ours = _best("ours", path, stdin, repeat)
            arrow = _best("arrow", path, stdin, repeat)
            rows.append(row(f"read_features {label} {n:,} points ({where})",
                            ours["seconds"], "s", peer="json.loads + shape (before)",
                            peer_figure=exact["seconds"],
                            pyogrio_arrow_seconds=arrow["seconds"],
                            peak_mib=round(ours["peak_bytes"] / mib, 1),
                            peer_peak_mib=round(exact["peak_bytes"] / mib, 1),
                            memory_ratio_vs_peer=exact["peak_bytes"] / max(ours["peak_bytes"], 1),
                            file_mib=round(path.stat().st_size / mib, 1)))
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
