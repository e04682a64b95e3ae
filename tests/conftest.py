"""Shared fixtures: running the CLI in a subprocess, test data, output folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
#: Screenshots and other artefacts a person may want to look at after a run.
OUTPUT = ROOT / "tests" / "_output"


@pytest.fixture
def test_data() -> Path:
    """The folder of small real files written for the tests."""
    return TEST_DATA


@pytest.fixture
def output_dir() -> Path:
    """A persistent folder for artefacts (screenshots) kept after the run."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(tmp_path: Path) -> CliRunner:
    """Run ``geoconflict ARGS`` in a fresh interpreter, as a shell user would.

    Returns the CompletedProcess (text mode); ``input`` feeds stdin; ``check`` asserts
    the exit code is 0 and shows stderr otherwise.
    """

    def run(*args: str, input: str | None = None, check: bool = True,
            cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
        proc = subprocess.run(
            [sys.executable, "-m", "geoconflict", *args], input=input, text=True,
            capture_output=True, cwd=cwd or tmp_path, env=full_env, timeout=timeout,
        )
        if check:
            assert proc.returncode == 0, f"exit {proc.returncode}\nstderr:\n{proc.stderr}"
        return proc

    return run


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
