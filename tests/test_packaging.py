"""Packaging: the wheel ships data/, environment.yml agrees with pyproject.toml."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _names(requirements: list[str]) -> dict[str, str]:
    out = {}
    for req in requirements:
        match = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", req)
        assert match, req
        name = re.sub(r"\[.*\]", "", match.group(1)).lower().replace("_", "-")
        out[name] = match.group(2).replace(" ", "")
    return out


def test_environment_yml_matches_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = _names(pyproject["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed += [d for d in dep["pip"] if not d.startswith("-e")]
        elif re.split(r"[<>=!~ ]", dep, maxsplit=1)[0] not in ("python", "pip"):
            listed.append(dep)
    assert _names(listed) == wanted


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme
    assert "make demo" in readme


@pytest.mark.slow
def test_wheel_ships_data_and_cli_works(tmp_path: Path) -> None:
    """Build the wheel, install it (no deps) into a fresh venv and run the CLI from it."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    wheel = next(dist.glob("geoconflict-*.whl"))
    # the PyPI page: the README, with nothing that resolves only in a checkout
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA")))
    headers, description = meta.decode("utf-8").split("\n\n", 1)
    assert "Description-Content-Type: text/markdown" in headers
    assert description.startswith("# geoconflict")
    assert "## A 30-second tour" in description
    assert re.findall(r"\]\((?!https?://)[^)]*\)", description) == []
    assert "docs/img/" not in description
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True)
    # Dependencies come from the dev venv's site-packages on PYTHONPATH; .pth files there
    # (the editable install of the checkout) are not processed, so only the wheel's copy of
    # geoconflict can be imported.
    site = sysconfig.get_paths()["purelib"]
    env = {**os.environ, "PYTHONPATH": site}
    probe = subprocess.run(
        [str(py), "-c", "import geoconflict.datasets as d; print(d.__file__); print(d.data_dir())"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    )
    module_file, data_dir = probe.stdout.split()
    assert module_file.startswith(str(env_dir))
    assert data_dir.startswith(str(env_dir))
    assert data_dir.endswith(os.path.join("geoconflict", "_data"))
    listing = subprocess.run([str(py), "-m", "geoconflict", "data", "list"], check=True,
                             capture_output=True, text=True, cwd=tmp_path, env=env)
    assert "deployments" in listing.stdout
    exported = subprocess.run([str(py), "-m", "geoconflict", "data", "export", "deployments"],
                              check=True, capture_output=True, text=True, cwd=tmp_path, env=env)
    doc = json.loads(exported.stdout)
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) >= 25
    spec = subprocess.run(
        [str(py), "-c", "from geoconflict.datasets import map_spec_path as m; "
                        "print(m('scenario'))"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    )
    assert spec.stdout.strip().startswith(str(env_dir))
    assert spec.stdout.strip().endswith(os.path.join("geoconflict", "_maps", "scenario.yml"))
    # the world basemap and the place labels come from the wheel's data, offline
    drawn = subprocess.run(
        [str(py), "-c", "import geoconflict as gc, geopandas as gpd; "
                        "inc = gpd.GeoDataFrame({'location': ['Gao']}, crs=4326, "
                        "geometry=gpd.points_from_xy([-0.045], [16.272])); "
                        "m = gc.conflict_map(incidents=inc); "
                        "print(m.spec['basemap']['level'], 'MLI' in m.spec['basemap']['features'], "
                        "'Gao' in m.spec['labels']['name'])"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    )
    assert drawn.stdout.split() == ["10m", "True", "True"]
    # the shipped gazetteer index: on an empty cache it is loaded (and cached), never built
    first_use = subprocess.run(
        [str(py), "-c", "import sys; import geoconflict.geocoder._gazetteer as g; "
                        "from geoconflict.geocoder._store import read_meta; "
                        "same = read_meta(g.PREBUILT)['content'] == g.content_stamp(); "
                        "print(g.PREBUILT.is_relative_to(sys.prefix), same); "
                        "g.build_base = None if same else g.build_base; "
                        "from geoconflict.geocoder import default_geocoder; "
                        "print(default_geocoder().lookup('Mashtal, Baghdad')['name'], "
                        "g._index_path().exists())"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
        env={**env, "GEOCONFLICT_CACHE_DIR": str(tmp_path / "empty-cache")},
    )
    shipped, same, name, cached = first_use.stdout.split()
    # same is False only where newer data packages were installed than the index was
    # built with (tests/geocoder/test_store.py says so); the index is then built
    assert (shipped, name, cached) == ("True", "Mashtal", "True")
    assert same in ("True", "False")
