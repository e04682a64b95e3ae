"""The benchmarks page (docs/benchmarks.md) renders from the committed snapshot.

``scripts/build_bench_page.py`` renders ``bench/snapshot.json``; ``bench/run.py --snapshot``
refreshes the snapshot. Both are scripts, not modules of the package: they are loaded from
their files here.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support import ROOT

SNAPSHOT = ROOT / "bench" / "snapshot.json"
PAGE = ROOT / "docs" / "benchmarks.md"


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_test_{path.stem}", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def page_script() -> ModuleType:
    return _load(ROOT / "scripts" / "build_bench_page.py")


def test_page_has_every_benchmark_of_the_snapshot(page_script: ModuleType) -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert snapshot["benchmarks"], "the snapshot holds no benchmark"
    assert snapshot["measured_at"]
    page = page_script.render(snapshot)
    assert page.startswith("# Benchmarks\n")
    assert f"{snapshot['machine']['cpus']} CPUs" in page
    assert "make bench" in page  # how to refresh it
    for module, entry in snapshot["benchmarks"].items():
        assert f"\n## {module}\n" in page
        assert entry["measured"] in page
        for row in entry["rows"]:
            assert f"| {page_script.cell(row['name'])} |" in page, row["name"]
    dates = sorted(e["measured"][:10] for e in snapshot["benchmarks"].values())
    assert dates[-1] == snapshot["measured_at"]
    assert dates[0] in page


def test_committed_page_is_up_to_date(page_script: ModuleType) -> None:
    expected = page_script.render(json.loads(SNAPSHOT.read_text(encoding="utf-8")))
    assert PAGE.read_text(encoding="utf-8") == expected, \
        "docs/benchmarks.md is out of date: run .venv/bin/python scripts/build_bench_page.py"


def test_tables_peers_and_odd_values(page_script: ModuleType) -> None:
    row: dict[str, Any] = {"name": "a | b", "figure": 1234.5678, "unit": "s", "peer": "p",
                           "peer_figure": 2.0, "ratio": float("inf")}
    snapshot = {"measured_at": "2026-01-02", "machine": {"cpus": 8, "python": "3.12"},
                "benchmarks": {"demo": {"rows": [row, {"name": "plain", "figure": 0.5,
                                                       "unit": "ms", "items": 12000}],
                                        "quick": True, "seconds": 1.25,
                                        "measured": "2026-01-02T03:04:05Z"}}}
    page = page_script.render(snapshot)
    assert "| a \\| b | 1,235 | s | p | 2 | ∞ |  |" in page  # escaped |, no notes
    assert "| plain | 0.5 | ms |  |  |  | items: 12,000 |" in page
    assert "(quick run)" in page
    assert "Measured 2026-01-02 (UTC)" in page
    assert "8 CPUs" in page


def test_script_writes_the_page_from_any_folder(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    script = ROOT / "scripts" / "build_bench_page.py"
    subprocess.run([sys.executable, str(script), "-o", str(out)], cwd=tmp_path, check=True,
                   capture_output=True)
    assert out.read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8")
    check = subprocess.run([sys.executable, str(script), "--check"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_run_snapshot_merges_full_runs_only(tmp_path: Path) -> None:
    run = _load(ROOT / "bench" / "run.py")
    snap = tmp_path / "snapshot.json"
    m1 = {"cpus": 2, "python": "3.11"}
    old = {"rows": [{"name": "old", "figure": 1, "unit": "s"}], "quick": False,
           "seconds": 1, "measured": "2026-01-01T00:00:00Z", "machine": m1}
    snap.write_text(json.dumps({"benchmarks": {"kept": old}}))
    new = {"rows": [{"name": "new", "figure": 2, "unit": "s"}], "quick": False,
           "seconds": 1, "measured": "2026-02-01T00:00:00Z"}
    quick = {**new, "quick": True}
    results = {"machine": {"cpus": 4, "python": "3.12"},
               "benchmarks": {"fresh": new, "smoke": quick, "other": new}}
    run.update_snapshot(results, ["fresh", "smoke"], path=snap)
    data = json.loads(snap.read_text())
    assert sorted(data["benchmarks"]) == ["fresh", "kept"]  # quick and unlisted left out
    assert data["benchmarks"]["kept"] == old
    assert data["benchmarks"]["fresh"]["machine"] == {"cpus": 4, "python": "3.12"}
    assert data["measured_at"] == "2026-02-01"
    assert data["machine"]["cpus"] == 4
