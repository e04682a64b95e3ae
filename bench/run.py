"""Run every benchmark in bench/ and write bench/results.json.

Each ``bench/bench_*.py`` module defines ``run(quick: bool) -> list[dict]``; every dict
has ``name``, ``figure``, ``unit`` and, where there is a peer to compare against,
``peer``, ``peer_figure`` and ``ratio`` (peer_figure / figure for times: > 1 means we are
faster). Figures are measurements for the closing notes, never test assertions.

``--snapshot`` also refreshes ``bench/snapshot.json``, the committed copy of the figures
that ``scripts/build_bench_page.py`` renders into ``docs/benchmarks.md``: the benchmarks
just run replace theirs, the others keep their figures and their own measured-at dates.
``--snapshot-only`` runs nothing and copies the full (not ``--quick``) benchmarks of
``bench/results.json`` into the snapshot.

``--only NAME`` runs ``bench_NAME.py`` and its companions ``bench_NAME_*.py``: ``--only
geoparse`` is the geoparser's speed and own-set quality, its scores on the independent
corpora (``geoparse_eval``) and on UCDP's headlines (``geoparse_ucdp``);
``--only geoparse_eval`` runs that one alone.

Usage: python bench/run.py [--only NAME] [--quick] [--snapshot | --snapshot-only]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "snapshot.json"


def machine() -> dict[str, object]:
    """Describe the machine the figures were measured on."""
    mem = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            mem = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "memory_gib": mem, "processor": platform.processor()}


def update_snapshot(results: dict[str, Any], names: list[str] | None = None,
                    path: Path = SNAPSHOT) -> Path:
    """Copy benchmarks of ``results`` (those in ``names``, default all) into the snapshot.

    Quick (smoke) runs are never copied. Each benchmark keeps the machine it was measured
    on; the snapshot's ``measured_at`` is the date of its newest figures.
    """
    snap: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    benchmarks: dict[str, Any] = snap.get("benchmarks", {})
    for name, entry in results["benchmarks"].items():
        if names is not None and name not in names:
            continue
        if entry.get("quick"):
            print(f"snapshot: skipping {name} (a --quick run)", file=sys.stderr)
            continue
        benchmarks[name] = {**entry, "machine": entry.get("machine", results["machine"])}
    if not benchmarks:
        print("snapshot: no full benchmark run to copy", file=sys.stderr)
    latest = max(benchmarks.values(), key=lambda b: b["measured"], default=None)
    snap = {"about": "Committed benchmark figures: bench/run.py --snapshot refreshes them, "
                     "scripts/build_bench_page.py renders docs/benchmarks.md from them.",
            "measured_at": latest["measured"][:10] if latest else None,
            "machine": latest["machine"] if latest else machine(),
            "benchmarks": dict(sorted(benchmarks.items()))}
    path.write_text(json.dumps(snap, indent=2) + "\n")
    print(f"wrote {path}", file=sys.stderr)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only bench_NAME.py and bench_NAME_*.py")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("-o", "--output", default=str(HERE / "results.json"))
    snap = parser.add_mutually_exclusive_group()
    snap.add_argument("--snapshot", action="store_true",
                      help=f"also copy the figures of this run into {SNAPSHOT.name}")
    snap.add_argument("--snapshot-only", action="store_true",
                      help=f"run nothing: copy the results file into {SNAPSHOT.name}")
    args = parser.parse_args()
    if args.snapshot and args.quick:
        print("--snapshot takes full runs only (no --quick)", file=sys.stderr)
        return 2
    if args.snapshot_only:
        results_path = Path(args.output)
        if not results_path.exists():
            print(f"no {results_path}: run the benchmarks first", file=sys.stderr)
            return 2
        update_snapshot(json.loads(results_path.read_text()))
        return 0
    files = sorted(HERE.glob("bench_*.py"))
    if args.only:
        files = [f for f in files if f.stem == f"bench_{args.only}"
                 or f.stem.startswith(f"bench_{args.only}_")]
        if not files:
            print(f"no benchmark bench_{args.only}.py", file=sys.stderr)
            return 2
    out = Path(args.output)
    results = json.loads(out.read_text()) if out.exists() else {"benchmarks": {}}
    results["machine"] = machine()
    for path in files:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec
        assert spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(HERE))
        spec.loader.exec_module(module)
        print(f"== {path.stem}", file=sys.stderr)
        start = time.perf_counter()
        rows = module.run(quick=args.quick)
        for row in rows:
            peer = f" | {row['peer']}: {row['peer_figure']:.4g} (ratio {row['ratio']:.3g})" \
                if row.get("peer") else ""
            print(f"{row['name']:<48} {row['figure']:>12.4g} {row['unit']}{peer}")
        results["benchmarks"][path.stem.removeprefix("bench_")] = {
            "rows": rows, "quick": args.quick, "seconds": round(time.perf_counter() - start, 1),
            "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": results["machine"]}
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}", file=sys.stderr)
    if args.snapshot:
        update_snapshot(results, [f.stem.removeprefix("bench_") for f in files])
    return 0


if __name__ == "__main__":
    sys.exit(main())
