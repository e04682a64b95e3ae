"""Helpers shared by the tests: paths, the CLI in a subprocess, Chromium, loopback servers.

Importable from every test module (``from support import ROOT, LoopbackServer``): pytest
puts this folder on ``sys.path`` because ``conftest.py`` lives here. The fixtures that use
them are in ``conftest.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
#: Screenshots and other artefacts a person may want to look at after a run.
OUTPUT = ROOT / "tests" / "_output"

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def run_geoconflict(*args: str, cwd: Path, input: str | None = None, check: bool = True,
                    env: dict[str, str] | None = None,
                    timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``geoconflict ARGS`` in a fresh interpreter, as a shell user would.

    ``input`` feeds stdin; ``check`` asserts the exit code is 0 and shows stderr otherwise.
    """
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "geoconflict", *args], input=input, text=True,
        capture_output=True, cwd=cwd, env=full_env, timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, f"exit {proc.returncode}\nstderr:\n{proc.stderr}"
    return proc


#: Headless Chromium flags of the browser tests: nothing of its own goes to the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def chromium_path() -> str | None:
    """Path of Debian's chromium, or None (browser tests then skip)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class LoopbackServer:
    """An HTTP server on 127.0.0.1 (a free port) in a daemon thread: the fake online
    providers of the tests are handlers served by it. Never reaches the internet."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], path: str = "") -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()


def offline(page: Any, url: str, requests: list[str] | None = None) -> list[str]:
    """Let ``page`` load only ``url`` (the map file itself); every other request is
    recorded in the returned list (or ``requests``) and aborted, as with no network."""
    seen = [] if requests is None else requests

    def route(r: Any) -> None:
        seen.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    return seen
