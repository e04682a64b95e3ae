"""End-to-end tests of `geoconflict export`: subprocesses, real pipes, kill -9 mid-write."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyogrio
import pytest
from click.testing import CliRunner as ClickRunner
from click.testing import Result
from support import ROOT, TEST_DATA

from geoconflict._atomic import temp_debris
from geoconflict.cli import cli
from geoconflict.errors import ExportError, SchemaError
from geoconflict.io._read import read_features

if TYPE_CHECKING:
    from collections.abc import Callable

    CliRunner = Callable[..., subprocess.CompletedProcess[str]]


DATA = TEST_DATA / "export"
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def _pipe(*commands: list[str], cwd: Path, stdin: bytes | None = None
          ) -> tuple[bytes, list[tuple[int, str]]]:
    """Run ``geoconflict`` commands joined by real OS pipes, like a shell would."""
    procs: list[subprocess.Popen[bytes]] = []
    upstream = subprocess.PIPE if stdin is not None else None
    for i, args in enumerate(commands):
        proc = subprocess.Popen(
            [sys.executable, "-m", "geoconflict", *args], cwd=cwd, env=ENV,
            stdin=procs[-1].stdout if procs else upstream, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        if procs:
            assert procs[-1].stdout is not None
            procs[-1].stdout.close()  # so the upstream sees SIGPIPE if we exit
        elif stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(stdin)
            proc.stdin.close()
        procs.append(proc)
        del i
    out, err = procs[-1].communicate(timeout=300)
    results = []
    for proc in procs[:-1]:
        assert proc.stderr is not None
        results.append((proc.wait(timeout=300), proc.stderr.read().decode()))
    results.append((procs[-1].returncode, err.decode()))
    return out, results


@pytest.mark.slow
def test_stdout_is_geojson_and_messages_go_to_stderr(run_cli: CliRunner) -> None:
    proc = run_cli("export", str(DATA / "incidents.geojson"))
    doc = json.loads(proc.stdout)
    assert doc["type"] == "FeatureCollection"
    assert [f["properties"]["location"] for f in doc["features"]] == [
        "Mashtal", "Tower 22", "Red Sea, Bab al-Mandab"]
    assert proc.stderr == ""
    seq = run_cli("export", str(DATA / "incidents.geojson"), "-o", "-", "--seq").stdout
    assert seq.startswith("\x1e{")
    assert seq.count("\x1e") == 3


@pytest.mark.slow
def test_pipe_export_to_gpkg(tmp_path: Path) -> None:
    out, results = _pipe(["export", str(DATA / "shapes.geojson"), "--seq"],
                         ["export", "-", "-o", "result.gpkg"], cwd=tmp_path)
    assert [code for code, _ in results] == [0, 0], results
    assert out == b""
    assert "wrote 4 features to result.gpkg" in results[-1][1]
    back = read_features(tmp_path / "result.gpkg")
    assert back["name"].tolist()[0] == "clockwise ring with a hole"
    assert back.geometry.iloc[2].geom_type == "MultiLineString"  # split across 180


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / "data" / "deployments.geojson").exists(),
                    reason="data/deployments.geojson not curated yet")
def test_pipe_data_export_deployments(tmp_path: Path) -> None:
    _, results = _pipe(["data", "export", "deployments"],
                         ["export", "-", "-o", "result.gpkg"], cwd=tmp_path)
    assert [code for code, _ in results] == [0, 0], results
    from geoconflict.datasets import load_dataset

    expected = load_dataset("deployments")
    back = read_features(tmp_path / "result.gpkg")
    assert len(back) == len(expected) > 0
    assert back.geometry.geom_equals_exact(expected.geometry, tolerance=1e-6).all()
    assert pyogrio.list_layers(tmp_path / "result.gpkg")[0, 0] == "result"


@pytest.mark.slow
@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in (
        "geoconflict.geocoder", "geoconflict.proximity", "geoconflict.cli.geocode",
        "geoconflict.cli.proximity")),
    reason="geocode/proximity modules not built yet (geoconflict/geocoder.py, proximity.py)")
def test_pipe_geocode_proximity_export(tmp_path: Path) -> None:
    _, results = _pipe(["geocode", "Mashtal, Baghdad", "Tower 22"],
                         ["proximity", "-"],
                         ["export", "-", "-o", "result.gpkg"], cwd=tmp_path)
    assert [code for code, _ in results] == [0, 0, 0], results
    back = read_features(tmp_path / "result.gpkg")
    assert len(back) >= 2
    assert any(c.endswith("_m") for c in back.columns)  # distances travel in metres


@pytest.mark.slow
def test_multi_layer_gpkg_and_append(run_cli: CliRunner, tmp_path: Path) -> None:
    run_cli("export", f"incidents={DATA / 'incidents.geojson'}",
            f"deployments={DATA / 'bases.geojson'}", "-o", "scenario.gpkg")
    gpkg = tmp_path / "scenario.gpkg"
    assert sorted(pyogrio.list_layers(gpkg)[:, 0]) == ["deployments", "incidents", "layer_styles"]
    run_cli("export", "-", "-o", "scenario.gpkg", "--layer", "rings", "--append",
            input=(DATA / "shapes.geojson").read_text(encoding="utf-8"))
    assert sorted(pyogrio.list_layers(gpkg)[:, 0]) == ["deployments", "incidents", "layer_styles",
                                                       "rings"]
    again = run_cli("export", str(DATA / "bases.geojson"), "-o", "scenario.gpkg", "--layer",
                    "rings", "--append", check=False)
    assert again.returncode == 1
    assert "already has layer(s) rings" in again.stderr


def _invoke(*args: str, input: str | None = None, cwd: Path) -> Result:
    """Run the CLI in-process (fast); subprocess tests above cover the real entry point."""
    runner = ClickRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=True)
    finally:
        os.chdir(old)


def test_every_format_from_the_cli(tmp_path: Path) -> None:
    src = str(DATA / "incidents.geojson")
    for name in ("i.geojson", "i.geojsons", "i.gpkg", "i.kml", "i.parquet", "i.fgb", "i.csv"):
        result = _invoke("export", src, "-o", name, cwd=tmp_path)
        assert result.exit_code == 0, result.output
        assert f"wrote 3 features to {name}" in result.stderr
        assert result.stdout == ""
        if not name.endswith(".kml"):
            back = read_features(tmp_path / name)
            ids = back["event_id"].tolist()
            if name.endswith(".fgb"):  # FlatGeobuf's spatial index orders by Hilbert curve
                ids = sorted(ids)
            assert ids == ["T-IRQ-1", "T-JOR-1", "T-YEM-1"], name
    kml = _invoke("export", src, "--format", "kml", cwd=tmp_path).stdout
    assert kml.startswith("<?xml")
    assert "<Placemark>" in kml
    csv = _invoke("export", src, "-f", "csv", cwd=tmp_path).stdout
    assert csv.splitlines()[0].endswith("longitude,latitude")
    bbox = json.loads(_invoke("export", src, "--bbox", "--precision", "2", cwd=tmp_path).stdout)
    assert bbox["bbox"] == [38.69, 12.58, 44.47, 33.34]
    both = _invoke("export", f"inc={src}", f"shapes={DATA / 'shapes.geojson'}", "-o", "b.gpkg",
                   cwd=tmp_path)
    assert "wrote 7 features in 2 layers to b.gpkg" in both.stderr
    shapes = _invoke("export", "b.gpkg", "--input-layer", "shapes", cwd=tmp_path).stdout
    assert len(json.loads(shapes)["features"]) == 4


@pytest.mark.slow
def test_cli_errors_are_one_line(run_cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "i.geojson"
    target.write_text("old", encoding="utf-8")
    proc = run_cli("export", str(DATA / "incidents.geojson"), "-o", "i.geojson", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "geoconflict: error: i.geojson exists; pass overwrite=True (CLI: --overwrite) to "
        "replace it"]
    assert target.read_text(encoding="utf-8") == "old"
    ok = _invoke("export", str(DATA / "incidents.geojson"), "-o", "i.geojson", "--overwrite",
                 cwd=tmp_path)
    assert ok.exit_code == 0
    assert len(json.loads(target.read_text(encoding="utf-8"))["features"]) == 3
    binary = _invoke("export", str(DATA / "incidents.geojson"), "-f", "gpkg", cwd=tmp_path)
    assert isinstance(binary.exception, ExportError)
    assert "binary format" in str(binary.exception)
    seq = _invoke("export", str(DATA / "incidents.geojson"), "-f", "kml", "--seq", cwd=tmp_path)
    assert seq.exit_code == 2
    assert "--seq" in seq.output
    missing = _invoke("export", "nope.geojson", "-o", "x.geojson", cwd=tmp_path)
    assert isinstance(missing.exception, FileNotFoundError)
    assert "no such file: nope.geojson" in str(missing.exception)
    bad = _invoke("export", "-", "-o", "x.gpkg", input="{not json\n", cwd=tmp_path)
    assert isinstance(bad.exception, SchemaError)
    assert "<stdin>" in str(bad.exception)
    twice = _invoke("export", "-", "a=-", "-o", "x.gpkg", cwd=tmp_path)
    assert twice.exit_code == 2
    assert "read only once" in twice.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.geojson"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_stdout_disk_full(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "geoconflict", "export",
                               str(DATA / "incidents.geojson")], stdout=full,
                              stderr=subprocess.PIPE, env=ENV, cwd=tmp_path, timeout=120,
                              check=False)
    assert proc.returncode == 1
    assert b"disk full" in proc.stderr


_BIG_EXPORT = textwrap.dedent("""
    import sys
    import geopandas as gpd, numpy as np, shapely
    from geoconflict.io import export
    n = 1_500_000
    rng = np.random.default_rng(1)
    gdf = gpd.GeoDataFrame({"event_id": np.arange(n), "note": ["strike"] * n},
                           geometry=shapely.points(rng.uniform(35, 60, (n, 2))), crs=4326)
    print("ready", flush=True)
    export(gdf, sys.argv[1], format=sys.argv[2], overwrite=True)
    print("finished", flush=True)
""")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_kill_9_mid_export_keeps_old_file(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"big.{fmt}"
    from geoconflict.io._export import export

    export(read_features(DATA / "incidents.geojson"), target)
    before = target.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", _BIG_EXPORT, str(target), fmt], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        grown = None
        while time.monotonic() < deadline and proc.poll() is None:
            temps = list(tmp_path.glob(f".{target.name}.{proc.pid}.*.tmp*"))
            if temps and max(p.stat().st_size for p in temps if p.exists()) > 1_000_000:
                grown = temps
                break
            time.sleep(0.02)
        assert grown, f"the export never got going: {proc.poll()} {proc.stderr}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == before  # byte-identical: never truncated or replaced
    assert temp_debris(target), "the killed writer should have left its temp file"
    # The next successful write to the same target removes the dead writer's debris.
    export(read_features(DATA / "bases.geojson"), target, overwrite=True)
    assert temp_debris(target) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    assert len(read_features(target)) == 2


_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def _stage_for_nobody(base: Path) -> dict[str, str]:
    """Copy the geoconflict package under ``base`` (world-readable); return its env.

    The checkout may sit in a folder 'nobody' cannot read (a 0700 home, /root): the
    copy, first on PYTHONPATH, is what the unprivileged child imports. Skips the test,
    saying why, when 'nobody' still cannot run the interpreter or import the package's
    dependencies (a virtualenv inside such a folder).
    """
    import geoconflict

    lib = base / "lib"
    shutil.copytree(Path(geoconflict.__file__).parent, lib / "geoconflict",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path in [lib, *lib.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    env = {**ENV, "PYTHONPATH": str(lib), "PYTHONDONTWRITEBYTECODE": "1"}
    probe = subprocess.run(
        [*_NOBODY, sys.executable, "-c",
         "import geoconflict, geoconflict.cli, geopandas, pyogrio; print(geoconflict.__file__)"],
        capture_output=True, text=True, env=env, cwd=base, timeout=120, check=False)
    if probe.returncode != 0 or not probe.stdout.strip().startswith(str(lib)):
        lines = (probe.stderr.strip() or probe.stdout.strip() or "no output").splitlines()
        pytest.skip(f"user 'nobody' cannot run {sys.executable} with geoconflict's "
                    f"dependencies (is the interpreter or virtualenv in a folder others "
                    f"cannot read?): {lines[-1]}")
    return env


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0
                    or not shutil.which("setpriv"),
                    reason="needs root and setpriv to act as an unprivileged user")
def test_unwritable_directory_as_unprivileged_user() -> None:
    """chmod is meaningless to root: drop to 'nobody' (uid 65534) with setpriv."""
    import tempfile

    # Not pytest's tmp_path: that lives under a 0700 folder 'nobody' cannot enter.
    base = Path(tempfile.mkdtemp(prefix="geoconflict-export-", dir="/tmp"))
    try:
        base.chmod(0o755)
        env = _stage_for_nobody(base)
        locked = base / "locked"
        locked.mkdir()
        (locked / "old.gpkg").write_bytes(b"old")
        locked.chmod(0o555)
        source = base / "in.geojson"
        source.write_text((DATA / "incidents.geojson").read_text(encoding="utf-8"),
                          encoding="utf-8")
        source.chmod(0o644)
        proc = subprocess.run(
            [*_NOBODY, sys.executable, "-m", "geoconflict", "export", str(source),
             "-o", str(locked / "old.gpkg"), "--overwrite"],
            capture_output=True, text=True, env=env, cwd=base, timeout=120, check=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.strip() == (f"geoconflict: error: cannot write {locked}/old.gpkg: "
                                       f"directory {locked} is not writable")
        assert (locked / "old.gpkg").read_bytes() == b"old"
        assert sorted(p.name for p in locked.iterdir()) == ["old.gpkg"]
    finally:
        if (base / "locked").exists():
            (base / "locked").chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_reader_closing_the_pipe_early_is_not_an_error(tmp_path: Path) -> None:
    import geopandas as gpd
    import numpy as np
    import shapely

    n = 30_000
    gdf = gpd.GeoDataFrame({"event_id": [f"E{i}" for i in range(n)]},
                           geometry=shapely.points(np.full((n, 2), 44.4)), crs="EPSG:4326")
    gdf.to_parquet(tmp_path / "big.parquet")
    proc = subprocess.run(f"{sys.executable} -m geoconflict export big.parquet --seq | head -c 80",
                          shell=True, capture_output=True, text=True, env=ENV, cwd=tmp_path,
                          timeout=120, check=False)
    assert proc.stdout.startswith('\x1e{"type":"Feature"')
    assert proc.stderr == ""


def test_encoding_option_reads_a_cp1256_csv_on_every_feature_command(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--encoding on the commands that read features (CSV input in another code page)."""
    src = tmp_path / "bases.csv"
    src.write_bytes("name,longitude,latitude\nبغداد,44.4,33.3\n".encode("cp1256"))
    plain = run_cli("export", str(src), "-o", "-", check=False)
    assert plain.returncode == 1
    assert "--encoding" in plain.stderr  # the error says what to do
    out = run_cli("export", str(src), "--encoding", "cp1256", "-o", "-").stdout
    assert json.loads(out)["features"][0]["properties"]["name"] == "بغداد"
    near = json.loads(run_cli("proximity", str(src), "--encoding", "cp1256").stdout)
    assert near["features"][0]["properties"]["deployment_name"] == "US Embassy Baghdad"
    bad = run_cli("proximity", str(src), "--encoding", "klingon", check=False)
    assert bad.returncode == 1
    assert "unknown encoding 'klingon'" in bad.stderr
