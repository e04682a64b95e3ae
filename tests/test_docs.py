"""The README and the docs pages: their code blocks run, their commands exist.

- Every ```python block of a page runs, in page order, in one namespace per page, in a
  temporary working folder (so a block may use what an earlier block of the same page
  made; ``gc`` is ``geoconflict``, as the pages write it). A block that needs something a test cannot have (the user's own export, a DEM,
  the network) is preceded by ``<!-- no-run: the reason -->`` and is only compiled.
- Every ``geoconflict ...`` command of a shell block names a real command and real
  options: the click tree is walked, so a renamed command or option fails here, not in a
  reader's terminal.
- The README stays a front door (at most 200 lines) whose links work off the repository
  (checked on the built long description in test_packaging).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import click
import pytest
from support import ROOT

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
PAGES = [p for p in PAGES if "_build" not in p.parts]

FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", re.M | re.S)
NO_RUN = re.compile(r"<!--\s*no-run:\s*([^>]+?)\s*-->\s*$")


def blocks(page: Path, languages: set[str]) -> list[tuple[int, str, str | None]]:
    """(line, code, no-run reason) of each fenced block of ``languages`` in ``page``."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        if match.group(1) not in languages:
            continue
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = NO_RUN.search(before)
        found.append((line, match.group(2), skip.group(1) if skip else None))
    return found


def _rel(page: Path) -> str:
    return str(page.relative_to(ROOT))


PY_PAGES = [p for p in PAGES if blocks(p, {"python"})]


@pytest.mark.slow
@pytest.mark.parametrize("page", PY_PAGES, ids=_rel)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "maps", tmp_path / "maps")  # the pages name maps/*.yml
    monkeypatch.chdir(tmp_path)
    import geoconflict

    namespace: dict[str, Any] = {"__name__": "__docs__", "gc": geoconflict}
    for line, code, reason in blocks(page, {"python"}):
        compiled = compile(code, f"{_rel(page)}:{line}", "exec")
        if reason:
            continue
        try:
            exec(compiled, namespace)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{_rel(page)}:{line}: the example raises {type(exc).__name__}: {exc}")


def test_no_run_blocks_say_why() -> None:
    for page in PAGES:
        for line, _code, reason in blocks(page, {"python"}):
            assert reason is None or len(reason) > 8, f"{_rel(page)}:{line}"


# -- shell blocks -------------------------------------------------------------------------

def _commands(code: str) -> list[list[str]]:
    """The ``geoconflict`` invocations of a shell block, as argument lists."""
    joined = re.sub(r"\\\n\s*", " ", code)
    found = []
    for raw in joined.splitlines():
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            continue
        current: list[str] = []
        for token in [*tokens, "|"]:
            if token in {"|", "&&", ";", "||"} or token.startswith((">", "<", "2>")):
                if current and current[0] == "geoconflict":
                    found.append(current)
                current = [] if token in {"|", "&&", ";", "||"} else [*current, "\0"]
                continue
            if current[-1:] == ["\0"]:  # the file name of a redirection
                current.pop()
                continue
            current.append(token)
    return found


def _check(argv: list[str], where: str) -> None:
    from geoconflict.cli import cli

    command: click.Command = cli
    ctx = click.Context(cli, info_name="geoconflict")
    args = argv[1:]
    path = ["geoconflict"]
    while True:
        options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        options |= {"--help", "-h"}
        rest = []
        for i, arg in enumerate(args):
            if arg == "--":
                break
            if arg.startswith("--"):
                name = arg.split("=", 1)[0]
                assert name in options, f"{where}: {' '.join(path)} has no option {name}"
            elif re.fullmatch(r"-[A-Za-z]+", arg):
                flag = arg[:2]
                assert flag in options, f"{where}: {' '.join(path)} has no option {flag}"
            elif isinstance(command, click.Group) and not rest:
                rest = args[i:]
                break
        if not rest:
            return
        assert isinstance(command, click.Group)
        sub = command.get_command(ctx, rest[0])
        assert sub is not None, f"{where}: {' '.join(path)} has no command {rest[0]!r}"
        path.append(rest[0])
        command, args = sub, rest[1:]


SH_PAGES = [p for p in PAGES if blocks(p, {"sh", "bash", "console", "shell"})]


@pytest.mark.parametrize("page", SH_PAGES, ids=_rel)
def test_shell_commands_exist(page: Path) -> None:
    checked = 0
    for line, code, _reason in blocks(page, {"sh", "bash", "console", "shell"}):
        for argv in _commands(code):
            _check(argv, f"{_rel(page)}:{line}")
            checked += 1
    assert checked or "geoconflict" not in "".join(
        c for _, c, _ in blocks(page, {"sh", "bash", "console", "shell"})
    )


def test_the_shell_checker_catches_a_wrong_option() -> None:
    argv = _commands("geoconflict geocode 'Tower 22' --tabel | geoconflict proximity -")[0]
    with pytest.raises(AssertionError, match="no option --tabel"):
        _check(argv, "x")
    argv = _commands("geoconflict gazeteer list")[0]
    with pytest.raises(AssertionError, match="no command 'gazeteer'"):
        _check(argv, "x")
    assert _commands("geoconflict -q data export sites > a.geojson && ls")[0] == [
        "geoconflict", "-q", "data", "export", "sites"]


def test_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for link in re.findall(r"\]\(((?:docs|examples)/[^)#]+)", readme):
        assert (ROOT / link).exists(), link


def test_every_docs_page_is_in_the_site() -> None:
    """Every page that left the README lives in the site: each is in a toctree."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    listed = set(re.findall(r"^([\w/-]+)$", text, re.M))
    for page in (ROOT / "docs").rglob("*.md"):
        name = page.relative_to(ROOT / "docs").with_suffix("").as_posix()
        if name == "index":
            continue
        short = name.removeprefix("reference/")
        assert name in listed or short in listed, name


STAGES = ("geocoder", "events", "geoparse", "proximity", "webmap", "io", "raster", "roads",
          "datasets", "schema", "units", "errors")


@pytest.mark.slow
def test_the_api_reference_documents_every_public_name(tmp_path: Path) -> None:
    """The strict site build (as ``make docs``) has an entry for each name in every public
    module's ``__all__`` and for every top-level ``gc.`` name."""
    import importlib
    import zlib

    from sphinx.cmd.build import build_main

    assert build_main(["-W", "--keep-going", "-q", "-b", "html", str(ROOT / "docs"),
                       str(tmp_path / "site")]) == 0
    raw = (tmp_path / "site" / "objects.inv").read_bytes()
    listed = {line.split()[0] for line in
              zlib.decompress(raw.partition(b"zlib.\n")[2]).decode().splitlines()}
    missing = [f"geoconflict.{stage}.{name}" for stage in STAGES
               for name in importlib.import_module(f"geoconflict.{stage}").__all__
               if f"geoconflict.{stage}.{name}" not in listed]
    assert missing == []
    import geoconflict

    top = {name for name in geoconflict.__all__ if name != "__version__"}
    documented = {entry.rsplit(".", 1)[-1] for entry in listed}
    assert top <= documented
