"""Map specs (maps/*.yml): validation messages, rendering, and the ``geoconflict map`` CLI."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from support import ROOT

from geoconflict.errors import MapSpecError
from geoconflict.webmap._spec import load_map_spec, render_map_spec

MAPS = sorted((ROOT / "maps").glob("*.yml"))


def spec_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="gc-[0-9a-f]+-data">(.*?)</script>',
                  html, re.S)
    assert m
    return json.loads(m.group(1))


def test_shipped_specs_exist() -> None:
    names = {p.stem for p in MAPS}
    assert {"scenario", "baghdad", "tower22", "redsea"} <= names


@pytest.mark.parametrize("path", MAPS, ids=[p.stem for p in MAPS])
def test_shipped_specs_validate(path: Path) -> None:
    spec = load_map_spec(path)
    assert spec.kwargs["title"]
    assert "incidents" in spec.layers


def test_baghdad_spec_selects_the_two_strikes() -> None:
    m = render_map_spec(ROOT / "maps" / "baghdad.yml")
    locs = m.spec["incidents"]["text"]["location"]
    names = [locs["s"][i] for i in locs["i"]] if "s" in locs else locs["v"]
    assert len(names) == 2
    assert any("Mashtal" in n for n in names)
    assert any("Palestine" in n for n in names)
    assert m.spec["options"]["timeline"] is True
    assert {d["_title"] for d in m.spec["deployments"]} >= {"Union III"}


def test_tower22_spec_rings() -> None:
    m = render_map_spec(ROOT / "maps" / "tower22.yml")
    rings = next(v for v in m.spec["vectors"] if v["name"] == "Range rings")
    tips = [f["properties"]["_tip"] for f in rings["data"]["features"]]
    assert tips == ["10 km from Tower 22", "25 km from Tower 22", "50 km from Tower 22"]
    assert m.spec["bounds"] == [[32.75, 37.7], [34.0, 39.75]]


def test_redsea_spec_lane_and_waters() -> None:
    m = render_map_spec(ROOT / "maps" / "redsea.yml")
    names = [v["name"] for v in m.spec["vectors"]]
    assert names.count("Shipping lanes") == 1
    lanes = next(v for v in m.spec["vectors"] if v["name"] == "Shipping lanes")
    tips = {f["properties"]["_tip"] for f in lanes["data"]["features"]}
    assert "Red Sea shipping lane" in tips
    assert len(m.spec["incidents"]["lat"]) == 4


@pytest.mark.parametrize(("text", "message"), [
    ("titel: x\nlayers: {incidents: {}}\n", r"titel: unknown key \(did you mean 'title'\?\)"),
    ("layers: {incidnets: {}}\n", r"layers.incidnets: unknown key \(did you mean 'incidents'"),
    ("layers: {rings: {radii: [25km, 50 kmm]}}\n", r"layers.rings.radii\[1\]: bad distance"),
    ("layers: {rings: {radii: [-5km]}}\n", r"layers.rings.radii\[0\]"),
    ("layers: {rings: {around: bases, radii: [5km]}}\n", r"layers.rings.around: 'bases'"),
    ("view: {bounds: [50, 30, 40, 35]}\nlayers: {incidents: {}}\n", r"view.bounds: .*west < east"),
    ("view: {bounds: [1, 2]}\nlayers: {incidents: {}}\n", r"view.bounds: expected \[west"),
    ("layers: {incidents: {where: {since: last week}}}\n", r"where.since: 'last week' is not a date"),
    ("layers: {incidents: {where: {colour: red}}}\n", r"layers.incidents.where.colour: unknown key"),
    ("options: {timeline: maybe}\nlayers: {incidents: {}}\n", r"options.timeline: expected true"),
    ("options: {heatmapp: true}\nlayers: {incidents: {}}\n", r"did you mean 'heatmap'"),
    ("basemap: NoSuchTiles\nlayers: {incidents: {}}\n", r"basemap: unknown tile provider"),
    ("title: x\n", r"layers: no layers"),
    ("layers: [incidents]\n", r"layers: expected a mapping"),
    ("layers: {incidents: {data: nofile.geojson}}\n", None),
    ("title: [unclosed\n", r"not valid YAML"),
])
def test_spec_errors_name_file_and_key(tmp_path: Path, text: str, message: str | None) -> None:
    path = spec_file(tmp_path, text)
    with pytest.raises(MapSpecError) as info:
        load_map_spec(path).build()
    assert str(info.value).startswith(str(path))
    if message is None:
        assert "nofile.geojson" in str(info.value)
        assert "neither an embedded dataset" in str(
            info.value)
    else:
        assert re.search(message, str(info.value)), str(info.value)


def test_spec_where_on_unknown_column(tmp_path: Path) -> None:
    path = spec_file(tmp_path, "layers: {deployments: {where: {colour: [red]}}}\n")
    with pytest.raises(MapSpecError, match=r"layers.deployments.where.colour: no such column"):
        render_map_spec(path)


def test_spec_rings_around_nothing(tmp_path: Path) -> None:
    path = spec_file(tmp_path, "layers: {rings: {where: {name: [Nowhere]}, radii: [5km]}}\n")
    with pytest.raises(MapSpecError, match="selects no deployments"):
        render_map_spec(path)


def test_spec_with_relative_file_and_filters(tmp_path: Path, test_data: Path) -> None:
    (tmp_path / "inc.geojson").write_text(
        (test_data / "webmap" / "incidents.geojson").read_text(encoding="utf-8"))
    path = spec_file(tmp_path, """\
        title: Fixture
        options: {heatmap: true, cluster: false}
        layers:
          incidents:
            data: inc.geojson
            where: {countries: [IRQ], since: 2024-02-01}
          rings: {around: incidents, radii: [10 nmi]}
        """)
    m = render_map_spec(path)
    assert len(m.spec["incidents"]["lat"]) == 1
    rings = m.spec["vectors"][0]["data"]["features"]
    assert len(rings) == 1
    assert m.spec["options"]["heat"] is True


# -- CLI ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_cli_renders_spec(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "t22.html"
    proc = run_cli("map", str(ROOT / "maps" / "tower22.yml"), "-o", str(out))
    assert "wrote" in proc.stderr
    assert "self-contained" in proc.stderr
    spec = payload(out.read_text(encoding="utf-8"))
    assert spec["title"] == "Tower 22 and the border triangle"


@pytest.mark.slow
def test_cli_events_file_with_rings_and_options(run_cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 test_data: Path) -> None:
    out = tmp_path / "m.html"
    run_cli("map", str(test_data / "webmap" / "incidents.geojson"), "--rings", "25km,50km",
            "--heatmap", "--timeline", "--title", "T <1>", "--sites", "none", "-o", str(out))
    spec = payload(out.read_text(encoding="utf-8"))
    assert len(spec["incidents"]["lat"]) == 3
    assert spec["options"]["heat"]
    assert spec["options"]["timeline"]
    assert spec["title"] == "T <1>"
    rings = next(v for v in spec["vectors"] if v["name"] == "Range rings")
    assert len(rings["data"]["features"]) == 2 * len(spec["deployments"])
    assert not any(v["name"] == "Named sites" for v in spec["vectors"])
    # refuses to replace without --overwrite, and names the file
    proc = run_cli("map", str(test_data / "webmap" / "incidents.geojson"), "-o", str(out),
                   check=False)
    assert proc.returncode == 1
    assert "exists" in proc.stderr


@pytest.mark.slow
def test_cli_stdin_fragment_to_stdout(run_cli, test_data: Path) -> None:  # type: ignore[no-untyped-def]
    text = (test_data / "webmap" / "incidents.geojson").read_text(encoding="utf-8")
    proc = run_cli("map", "-", "--fragment", "--deployments", "none", "-o", "-", input=text)
    assert proc.stdout.startswith('<div class="geoconflict-map"')
    assert "<html" not in proc.stdout
    assert payload(proc.stdout)["deployments"] == []


@pytest.mark.slow
def test_cli_bad_spec_is_one_clear_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = spec_file(tmp_path, "layers: {rings: {radii: [far]}}\n")
    proc = run_cli("map", str(path), "-o", str(tmp_path / "x.html"), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0
    assert "layers.rings.radii[0]: bad distance 'far'" in proc.stderr
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_cli_unknown_tile_provider(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("map", "--online-tiles", "Nope.Tiles", "-o", str(tmp_path / "x.html"),
                   check=False)
    assert proc.returncode == 1
    assert "unknown tile provider 'Nope.Tiles'" in proc.stderr
