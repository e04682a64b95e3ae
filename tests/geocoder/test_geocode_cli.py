"""``geoconflict geocode`` end to end, in a subprocess as a user runs it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any


def test_three_scenario_names_to_geojson(run_cli: Any) -> None:
    proc = run_cli("geocode", "Mashtal, Baghdad", "Tower 22", "Red Sea shipping lanes")
    collection = json.loads(proc.stdout)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["properties"]["name"] for f in features] == [
        "Mashtal", "Tower 22", "Red Sea shipping lane"]
    assert [f["geometry"]["type"] for f in features] == ["Point", "Point", "LineString"]
    lon, lat = features[0]["geometry"]["coordinates"]
    assert 44.43 < lon < 44.6  # eastern Baghdad
    assert 33.2 < lat < 33.4
    props = features[1]["properties"]
    assert props["country"] == "JOR"
    assert props["geo_precision"] == 1
    assert props["uncertainty_m"] > 0
    assert "geocoded 3/3" in proc.stderr


def test_table_output(run_cli: Any) -> None:
    proc = run_cli("geocode", "--table", "Dayr az Zawr", "Zzyzxqw, Baghdad", "Akashat")
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["query", "name", "kind"]
    assert any(line.startswith("Dayr az Zawr") and "Deir ez-Zor" in line for line in lines)
    assert "parent-fallback" in proc.stdout
    assert "fell back to Baghdad" in proc.stdout
    assert "? " in proc.stdout  # did-you-mean for Akashat


def test_strict_exits_1_and_names_the_unresolved(run_cli: Any) -> None:
    proc = run_cli("geocode", "--strict", "Tower 22", "Zzyzxqw", check=False)
    assert proc.returncode == 1
    assert "'Zzyzxqw'" in proc.stderr
    assert len(json.loads(proc.stdout)["features"]) == 2  # output still complete
    assert run_cli("geocode", "--strict", "Tower 22").returncode == 0


def test_country_and_kind_options(run_cli: Any) -> None:
    proc = run_cli("geocode", "--country", "IRN", "--kind", "city", "--kind", "town", "Baghdad")
    props = json.loads(proc.stdout)["features"][0]["properties"]
    assert props["country"] == "IRN"


def test_batch_csv_with_progress_and_output_file(run_cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "events.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event_id", "location"])
        writer.writerows([["e1", "Al-Qaim"], ["e2", "دير الزور"], ["e3", "Nowhere-xyz"],
                          ["e4", "Mashtal, Baghdad"]])
    out = tmp_path / "out.geojson"
    proc = run_cli("geocode", "--input", str(src), "--column", "location", "-o", str(out))
    # stderr is a pipe here: no progress bar (bars are for terminals and Jupyter, as
    # tests/test_progress.py checks on a pseudo-terminal), the summary line is there
    assert "geocoding" not in proc.stderr
    assert "geocoded 3/4" in proc.stderr
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["event_id"] for f in features] == ["e1", "e2", "e3", "e4"]
    assert [f["properties"]["status"] for f in features] == [
        "resolved", "resolved", "unresolved", "resolved"]
    assert features[2]["geometry"] is None
    # refuses to overwrite without --overwrite
    again = run_cli("geocode", "--input", str(src), "-o", str(out), check=False)
    assert again.returncode == 1
    assert "exists" in again.stderr


def test_batch_missing_column_is_a_clear_error(run_cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_text("place\nBaghdad\n", encoding="utf-8")
    proc = run_cli("geocode", "--input", str(src), check=False)
    assert proc.returncode == 1
    assert "no column 'location'" in proc.stderr


def test_geojson_sequence_output(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "places.geojsons"
    run_cli("geocode", "Tower 22", "Baghdad", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\x1e")
    records = [json.loads(chunk) for chunk in text.split("\x1e") if chunk.strip()]
    assert [r["properties"]["name"] for r in records] == ["Tower 22", "Baghdad"]


def test_no_names_is_a_usage_error(run_cli: Any) -> None:
    proc = run_cli("geocode", check=False)
    assert proc.returncode == 2
    assert "give place names" in proc.stderr


def test_cli_path_does_not_import_heavy_modules(run_cli: Any) -> None:
    code = ("import sys; from geoconflict.cli import main\n"
            "try:\n    main(['geocode', 'Mashtal, Baghdad'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('geopandas', 'pandas', 'folium', 'osmnx', 'rasterio') "
            "if m in sys.modules]\n"
            "print('HEAVY', heavy, file=sys.stderr)")
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert "HEAVY []" in proc.stderr


def test_batch_row_with_an_unquoted_comma_is_a_clear_error(run_cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "names.csv"
    src.write_text("location\nTower 22\nMashtal, Baghdad\n", encoding="utf-8")
    proc = run_cli("geocode", "--input", str(src), "-o", str(tmp_path / "o.geojson"),
                   check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        f"geoconflict: error: {src}, row 3: 1 field(s) expected, found 2; quote names that "
        'contain the delimiter ("Mashtal, Baghdad")')
    assert "Traceback" not in proc.stderr


def test_near_favours_the_place_inside_the_area(run_cli: Any) -> None:
    def country(*args: str) -> str:
        proc = run_cli("geocode", "Bari", *args)
        return json.loads(proc.stdout)["features"][0]["properties"]["country"]

    assert country() == "ITA"
    assert country("--near", "49.5,10.5,300km") == "SOM"     # a point and a radius
    assert country("--near", "40,-5,55,15") == "SOM"         # a bounding box
    bad = run_cli("geocode", "Bari", "--near", "49.5", check=False)
    assert bad.returncode == 2
    assert "--near" in bad.stderr


def test_batch_rows_use_their_admin_columns(run_cli: Any, tmp_path: Path) -> None:
    """An ACLED-like file: each row's country and admin1 favour the places inside them,
    most general first (the Somali region Bari, not the Italian city)."""
    src = tmp_path / "rows.csv"
    src.write_text("location,country,admin1\nBari,Somalia,Bari\nBari,Italy,Puglia\n",
                   encoding="utf-8")
    proc = run_cli("geocode", "--input", str(src))
    countries = [f["properties"]["country"] for f in json.loads(proc.stdout)["features"]]
    assert countries == ["SOM", "ITA"]
    none = run_cli("geocode", "--input", str(src), "--context", "")
    assert [f["properties"]["country"]
            for f in json.loads(none.stdout)["features"]] == ["ITA", "ITA"]
    missing = run_cli("geocode", "--input", str(src), "--context", "adm_9", check=False)
    assert missing.returncode == 1
    assert "no column 'adm_9'" in missing.stderr
