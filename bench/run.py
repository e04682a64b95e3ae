"""Run every benchmark in bench/ and write bench/results.json.

Each ``bench/bench_*.py`` module defines ``run(quick: bool) -> list[dict]``; every dict
has ``name``, ``figure``, ``unit`` and, where there is a peer to compare against,
``peer``, ``peer_figure`` and ``ratio`` (peer_figure / figure for times: > 1 means we are
faster). Figures are measurements for the closing notes, never test assertions.

Usage: python bench/run.py [--only NAME] [--quick]
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

HERE = Path(__file__).resolve().parent


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only bench_NAME.py")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("-o", "--output", default=str(HERE / "results.json"))
    args = parser.parse_args()
    files = sorted(HERE.glob("bench_*.py"))
    if args.only:
        files = [f for f in files if f.stem == f"bench_{args.only}"]
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
            "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
