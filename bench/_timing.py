"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Return (best wall time in seconds, last result) over ``repeat`` runs."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Return (peak Python-allocated MiB during fn, result), via tracemalloc."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, result


def row(name: str, figure: float, unit: str, peer: str | None = None,
        peer_figure: float | None = None, **extra: Any) -> dict[str, Any]:
    """One results row; ratio = peer_figure / figure (for times, > 1 means faster)."""
    out: dict[str, Any] = {"name": name, "figure": figure, "unit": unit}
    if peer is not None and peer_figure is not None:
        out.update(peer=peer, peer_figure=peer_figure,
                   ratio=peer_figure / figure if figure else float("inf"))
    out.update(extra)
    return out
