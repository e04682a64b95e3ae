"""``gazetteer add`` of a full-size GeoNames dump: wall time, peak memory, index size.

There is no network here, so the dump is synthetic (:mod:`gen_geonames`: the real
19-column format, ~12 million rows like ``allCountries``, names and alternate names of
realistic lengths). Rows:

- **add**: wall time and peak RSS of ``geoconflict gazetteer add`` in a fresh process
  (issue 14: <= 4 GB), the index's size on disk, the source's size;
- **use**: a cold CLI ``geoconflict geocode`` of one of the dump's names with the
  gazetteer added (wall time, peak RSS: the index is mapped, not loaded).

The dump, the cache and the index live in a temporary folder removed at the end.

Run: ``.venv/bin/python bench/bench_gazetteer_add.py`` (12 million rows, several
minutes, ~3 GB of /tmp) or ``bench/run.py --only gazetteer_add [--quick]`` (200,000).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _timing import row
from gen_geonames import generate

HERE = Path(__file__).resolve().parent
CLI = str(Path(sys.executable).with_name("geoconflict"))


def _measure(args: list[str], env: dict[str, str], folder: Path) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one fresh process; the output goes to a
    file so the process can be reaped with ``os.wait4``, which gives its own peak."""
    out_path, err_path = folder / "stdout", folder / "stderr"
    start = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{args}: {err_path.read_text().strip()}")
    return wall, usage.ru_maxrss / 1024, out_path.read_text()


def run(quick: bool = False) -> list[dict[str, Any]]:
    rows = 200_000 if quick else 12_000_000
    tmp = Path(tempfile.mkdtemp(prefix="bench-gazetteer-add-"))
    try:
        dump = tmp / "allCountries.txt"
        size = generate(dump, rows)
        env = {**os.environ, "GEOCONFLICT_CACHE_DIR": str(tmp / "cache")}
        # The embedded index first, so the add's figures are the add's alone.
        subprocess.run([CLI, "geocode", "Mosul"], env=env, check=True, capture_output=True)
        wall, peak, _ = _measure([CLI, "gazetteer", "add", str(dump)], env, tmp)
        index = tmp / "cache" / "gazetteers" / "allCountries.npz"
        with dump.open(encoding="utf-8") as fh:
            name = fh.readline().split("\t")[1]
        q_wall, q_peak, out = _measure([CLI, "geocode", name], env, tmp)
        found = "allCountries@" in out
        return [
            row("gazetteer add: rows", float(rows), "rows", source_mib=round(size / 2**20)),
            row("gazetteer add: wall time", round(wall, 1), "s"),
            row("gazetteer add: peak RSS", round(peak), "MiB", limit_mib=4096),
            row("gazetteer add: index on disk", round(index.stat().st_size / 2**20), "MiB"),
            row("geocode with it added: cold CLI", round(q_wall, 2), "s", found=found),
            row("geocode with it added: peak RSS", round(q_peak), "MiB"),
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        extra = {k: v for k, v in r.items() if k not in ("name", "figure", "unit")}
        print(f"{r['name']:<44} {r['figure']:>12,.6g} {r['unit']}", extra or "")
