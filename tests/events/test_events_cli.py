"""``geoconflict events validate|convert`` end to end, in a subprocess."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.mark.slow
def test_validate_summary_and_exit_status(run_cli: CliRunner, test_data: Path) -> None:
    clean = run_cli("events", "validate", str(test_data / "events" / "acled_current.csv"))
    out = clean.stdout
    assert "format:     acled, encoding utf-8, delimiter ','" in out
    assert "rows read:  4" in out
    assert "accepted:   4" in out
    assert "rejected:   0" in out
    assert "dates:      2024-01-04 to 2024-02-07" in out
    assert "countries:  IRQ 2, JOR 1, YEM 1" in out
    assert "precision:  1 exact: 2, 2 near: 1, 3 region: 1" in out

    messy = test_data / "events" / "acled_messy.csv"
    proc = run_cli("events", "validate", str(messy), check=False)
    assert proc.returncode == 1
    assert "rejected:   9" in proc.stdout
    assert "1  duplicate event_id" in proc.stdout
    assert "1  fatalities is not a number; set to null" in proc.stdout
    lenient = run_cli("events", "validate", str(messy), "--lenient")
    assert lenient.returncode == 0


@pytest.mark.slow
def test_validate_json_and_rejects_file(run_cli: CliRunner, test_data: Path,
                                        tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    proc = run_cli("events", "validate", str(test_data / "events" / "acled_messy.csv"),
                   "--json", "--rejects", str(rejects), check=False)
    summary = json.loads(proc.stdout)
    assert summary["rows_read"] == 13
    assert summary["accepted"] == 4
    assert summary["rejected"] == 9
    assert summary["rejected_by_reason"]["missing required field event_id"] == 1
    table = pd.read_csv(rejects, dtype=str)
    assert list(table.columns[:5]) == ["row", "field", "reason", "value", "source_file"]
    assert "event_id_cnty" in table.columns  # the original columns follow
    assert sorted(set(table["row"].astype(int))) == [3, 4, 5, 6, 7, 8, 9, 13, 15]
    again = run_cli("events", "validate", str(test_data / "events" / "acled_messy.csv"),
                    "--rejects", str(rejects), check=False)
    assert "exists" in again.stderr  # never overwritten silently


def test_convert_filters_to_stdout(run_cli: CliRunner, test_data: Path) -> None:
    proc = run_cli("events", "convert", str(test_data / "events" / "ucdp_ged.csv"),
                   "--country", "IRQ", "--since", "2024-02-01", "--type", "Battles")
    doc = json.loads(proc.stdout)
    assert doc["type"] == "FeatureCollection"
    ids = [f["properties"]["event_id"] for f in doc["features"]]
    assert ids == ["900001", "900004"]
    first = doc["features"][0]
    assert first["geometry"]["coordinates"] == [41.09, 34.38]
    assert first["properties"]["fatalities_low"] == 10
    assert first["properties"]["origin"] == "ucdp_ged"
    assert "4 rows read, 4 accepted, 0 rejected (0 problems), 2 selected" in proc.stderr


def test_convert_stdin_gdelt_to_file_with_rejects(run_cli: CliRunner, test_data: Path,
                                                  tmp_path: Path) -> None:
    text = (test_data / "events" / "20240207000000.export.CSV").read_text(encoding="utf-8")
    out = tmp_path / "gdelt.geojson"
    rejects = tmp_path / "rejects.csv"
    proc = run_cli("events", "convert", "-", "-o", str(out), "--rejects", str(rejects),
                   "--type", "Air/drone strike", input=text)
    assert "<stdin>: gdelt, 5 rows read, 4 accepted, 1 rejected (1 problems), 1 selected" in proc.stderr
    doc = json.loads(out.read_text())
    assert [f["properties"]["event_id"] for f in doc["features"]] == ["1150000001"]
    assert pd.read_csv(rejects)["row"].tolist() == [4]


def test_convert_strict_names_line_and_field(run_cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("event_id,date,lat,lon\na,2024-02-07,33.31,44.47\nb,2024-02-07,0,0\n")
    proc = run_cli("events", "convert", str(src), "--strict", check=False)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert f"{src}, row 3, field 'geometry'" in proc.stderr


def test_convert_fix_swaps_and_pipe_into_validate(run_cli: CliRunner, test_data: Path,
                                                  tmp_path: Path) -> None:
    messy = test_data / "events" / "acled_messy.csv"
    proc = run_cli("events", "convert", str(messy), "--fix-swaps", "--seq")
    lines = [json.loads(line.lstrip("\x1e")) for line in proc.stdout.splitlines() if line]
    ids = [f["properties"]["event_id"] for f in lines]
    assert "IRQ3" in ids
    swapped = lines[ids.index("IRQ3")]
    assert swapped["geometry"]["coordinates"] == [44.47, 33.31]
    # the output of convert reads back as GeoJSONSeq with nothing rejected
    back = run_cli("events", "validate", "-", input=proc.stdout)
    assert "format:     geojsonseq" in back.stdout
    assert "rejected:   0" in back.stdout
