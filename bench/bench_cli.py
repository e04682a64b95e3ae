"""Cold start of the CLI: ``geoconflict --help`` in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import time

from _timing import row


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def _cold(args: list[str], repeat: int = 5) -> float:
    return min(_time([sys.executable, "-m", "geoconflict", *args]) for _ in range(repeat))


def run(quick: bool = False) -> list[dict[str, object]]:
    del quick  # always cheap
    bare = min(_time([sys.executable, "-c", "pass"]) for _ in range(5))
    return [
        row("cli cold start: geoconflict --help", _cold(["--help"]), "s",
            peer="bare python -c pass", peer_figure=bare),
        row("cli cold start: geoconflict --version", _cold(["--version"]), "s"),
    ]
