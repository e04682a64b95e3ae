"""Geoparser: quality on the gold set, and throughput on 5,000-character reports.

Quality figures come from tests/data/geoparse/reports.yml (42 reports written for the
tests). Throughput: reports of 5,000 characters built by joining gold reports, parsed
in one batch with ``parse_reports`` after a warm-up; the cold CLI time runs
``geoconflict parse`` on one report in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import row

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the forked workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _documents(texts: list[str], n: int, size: int = 5_000) -> list[str]:
    docs = []
    i = 0
    for _ in range(n):
        parts: list[str] = []
        length = 0
        while length < size:
            parts.append(texts[i % len(texts)])
            length += len(parts[-1]) + 1
            i += 1
        docs.append(" ".join(parts)[:size])
    return docs


def run(quick: bool = False) -> list[dict[str, object]]:
    from geoconflict.geoparse._parser import parse_reports, parse_text
    from geoconflict.geoparse._scoring import load_reports, score_reports

    reports = load_reports(ROOT / "tests" / "data" / "geoparse" / "reports.yml")
    scores = score_reports(reports).as_dict()
    rows = [row(f"geoparse quality: {name}", value, "fraction") for name, value in scores.items()]

    texts = [r["text"] for r in reports]
    docs = _documents(texts, 40 if quick else 400)
    parse_text(docs[0], published="2024-02-08")  # warm-up: gazetteer and actor patterns
    start, cpu = time.perf_counter(), _cpu()
    result = parse_reports(docs, published="2024-02-08")
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    # CPU time counts the forked workers too: reports per CPU-second is the figure that a
    # shared, loaded machine distorts least.
    rows.append(row("geoparse throughput (5,000-char reports, batch)", len(docs) / elapsed,
                    "reports/s", incidents=len(result),
                    reports_per_cpu_s=round(len(docs) / cpu, 1)))
    start, cpu = time.perf_counter(), _cpu()
    parse_reports(docs, published="2024-02-08", workers=1)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    rows.append(row("geoparse throughput (batch, one process)", len(docs) / elapsed,
                    "reports/s", reports_per_cpu_s=round(len(docs) / cpu, 1)))
    from geoconflict.geocoder import default_geocoder

    geocoder = default_geocoder()
    cpu = _cpu()
    for doc in docs[:40]:
        geocoder.find_places(doc)
    rows.append(row("find_places CPU per 5,000-char report (warm geocoder)",
                    (_cpu() - cpu) / 40 * 1e3, "ms"))
    single = time.perf_counter()
    for doc in docs[:20]:
        parse_text(doc, published="2024-02-08")
    rows.append(row("geoparse throughput (parse_text one by one)",
                    20 / (time.perf_counter() - single), "reports/s"))

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.txt"
        report.write_text(texts[0], encoding="utf-8")
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "geoconflict", "parse", str(report),
                            "--published", "2024-02-08", "-o", str(Path(tmp) / "o.geojson"),
                            "--overwrite"], check=True, capture_output=True)
            best = min(best, time.perf_counter() - start)
    rows.append(row("geoparse cold CLI on one report", best, "s"))
    return rows
