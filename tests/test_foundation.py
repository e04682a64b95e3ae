"""The foundation: units, errors, the schema validator, datasets and the CLI shell."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geoconflict
from geoconflict import errors
from geoconflict.schema import (
    DEPLOYMENT_FIELDS,
    INCIDENT_COLUMNS,
    SITE_FIELDS,
    conform_incidents,
    empty_incidents,
    validate_incidents,
    validate_record,
)
from geoconflict.units import format_distance, parse_distance


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("50km", 50_000.0),
        ("50 km", 50_000.0),
        ("30 mi", 48_280.32),
        ("10 nmi", 18_520.0),
        ("500 m", 500.0),
        ("2,500 m", 2_500.0),
        ("1.5KM", 1_500.0),
        (250, 250.0),
        (0.5, 0.5),
        ("100", 100.0),
    ],
)
def test_parse_distance(text: str | float, metres: float) -> None:
    assert parse_distance(text) == pytest.approx(metres)


@pytest.mark.parametrize("bad", ["50 parsecs", "km", "", "-5km", "fifty km", True, "nan m"])
def test_parse_distance_rejects_bad_input(bad: object) -> None:
    with pytest.raises(errors.UnitError) as info:
        parse_distance(bad)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_format_distance() -> None:
    assert format_distance(850) == "850 m"
    assert format_distance(25_000) == "25 km"
    assert format_distance(12_500) == "12.5 km"


def test_errors_subclass_builtins() -> None:
    assert issubclass(errors.SchemaError, ValueError)
    assert issubclass(errors.GeocodeError, LookupError)
    assert issubclass(errors.ExportError, OSError)
    assert issubclass(errors.ProviderError, ConnectionError)
    for name in errors.__all__:
        cls = getattr(errors, name)
        if issubclass(cls, Warning):
            assert issubclass(cls, errors.GeoconflictWarning)
            assert issubclass(cls, UserWarning)
        else:
            assert issubclass(cls, errors.GeoconflictError)
            # and a builtin besides Exception, so callers can catch what they expect
            assert cls is errors.GeoconflictError or any(
                b.__module__ == "builtins" and b is not Exception for b in cls.__mro__[1:])


def test_schema_error_names_the_place() -> None:
    err = errors.SchemaError("bad value", file="x.csv", row=7, field="latitude")
    assert str(err) == "x.csv, row 7, field 'latitude': bad value"
    assert (err.file, err.row, err.field, err.reason) == ("x.csv", 7, "latitude", "bad value")


def _deployment(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": "tower-22", "name": "Tower 22", "aliases": ["Tower-22", "البرج 22"],
        "country": "JOR", "kind": "outpost", "operator": "US Army", "troops": 350,
        "geo_precision": 1, "uncertainty_m": 1000, "source": "a report",
        "source_url": "https://example.org/tower22",
    }
    record.update(changes)
    return record


def test_validate_record_accepts_good_deployment() -> None:
    validate_record(_deployment(), DEPLOYMENT_FIELDS, file="d.geojson", row=1)
    validate_record(_deployment(troops=None), DEPLOYMENT_FIELDS)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": None}, "name"),
        ({"country": "Jordan"}, "country"),
        ({"troops": "350"}, "troops"),
        ({"troops": True}, "troops"),
        ({"kind": "castle"}, "kind"),
        ({"geo_precision": 4}, "geo_precision"),
        ({"uncertainty_m": -1}, "uncertainty_m"),
        ({"aliases": ["ok", ""]}, "aliases"),
        ({"source": "  "}, "source"),
    ],
)
def test_validate_record_names_file_row_and_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(errors.SchemaError) as info:
        validate_record(_deployment(**changes), DEPLOYMENT_FIELDS, file="d.geojson", row=3)
    assert info.value.field == field
    assert info.value.row == 3
    assert str(info.value).startswith("d.geojson, row 3, field")


def test_validate_record_site_kinds() -> None:
    site = {"id": "mashtal", "name": "Mashtal", "aliases": ["Machtal"], "country": "IRQ",
            "parent": "Baghdad", "kind": "neighbourhood", "geo_precision": 1,
            "uncertainty_m": 1500, "source": "s", "source_url": "u"}
    validate_record(site, SITE_FIELDS)
    site_sea = {**site, "country": None, "kind": "sea"}
    validate_record(site_sea, SITE_FIELDS)
    # Non-US military sites (Hmeimim, Tartus) are sites now; US deployments' own kinds
    # such as "outpost" or "embassy compound" still belong to deployments only.
    validate_record({**site, "kind": "air base"}, SITE_FIELDS)
    with pytest.raises(errors.SchemaError, match="kind"):
        validate_record({**site, "kind": "outpost"}, SITE_FIELDS)


def _incidents() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({
        "event_id": ["a", "b", "c", "d", "e", "a", "g"],
        "event_date": ["2024-02-07", "2024-01-28", "not a date", "2024-01-04", "2099-01-01",
                       "2024-02-02", "2024-02-02"],
        "event_type": ["Explosions/Remote violence"] * 7,
        "country": ["IRQ", "JOR", "IRQ", "IRQ", "IRQ", "SYR", "Iraq"],
        "geo_precision": [1, 1, 1, 1, 1, 2, 1],
        "fatalities": [3, 3, 0, 2, 0, 0, 1],
    })
    geoms = [shapely.Point(44.47, 33.31), shapely.Point(38.69, 33.32), shapely.Point(44.4, 33.3),
             shapely.Point(0, 0), shapely.Point(44.4, 33.3), shapely.Point(40.9, 34.4),
             shapely.Point(44.4, 33.3)]
    return conform_incidents(gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326"))


def test_conform_incidents_orders_and_types_columns() -> None:
    gdf = _incidents()
    assert list(gdf.columns[: len(INCIDENT_COLUMNS)]) == list(INCIDENT_COLUMNS)
    assert gdf.columns[-1] == "geometry"
    assert str(gdf["event_date"].dtype) == "datetime64[ns]"
    assert gdf["event_date"].iloc[0] == pd.Timestamp("2024-02-07")
    assert pd.isna(gdf["event_date"].iloc[2])
    # uncertainty filled from the precision code when the source gave none
    assert gdf["uncertainty_m"].iloc[0] == 2_000.0
    assert gdf["uncertainty_m"].iloc[5] == 15_000.0
    assert gdf.crs.to_epsg() == 4326


def test_validate_incidents_rejects_and_keeps_the_count() -> None:
    gdf = _incidents()
    accepted, rejects = validate_incidents(gdf, source_file="t.csv", today=dt.date(2026, 1, 1))
    assert list(accepted["event_id"]) == ["a", "b"]
    reasons = dict(zip(rejects["row"], rejects["field"], strict=True))
    assert reasons == {3: "event_date", 4: "geometry", 5: "event_date", 6: "event_id",
                       7: "country"}
    assert len(accepted) + rejects["row"].nunique() == len(gdf)
    assert set(rejects.columns) >= {"row", "field", "reason", "value", "source_file"}
    assert rejects.loc[rejects["row"] == 4, "value"].item() == "POINT (0 0)"


def test_validate_incidents_raise_names_file_row_field() -> None:
    with pytest.raises(errors.SchemaError) as info:
        validate_incidents(_incidents(), source_file="t.csv", on_error="raise",
                           today=dt.date(2026, 1, 1))
    assert (info.value.file, info.value.row, info.value.field) == ("t.csv", 4, "geometry")


def test_validate_incidents_uses_given_row_numbers() -> None:
    gdf = _incidents()
    _, rejects = validate_incidents(gdf, row_numbers=pd.Series(range(2, 9)),
                                    today=dt.date(2026, 1, 1))
    assert sorted(rejects["row"].unique()) == [4, 5, 6, 7, 8]


def test_empty_incidents_has_schema() -> None:
    gdf = empty_incidents()
    assert len(gdf) == 0
    assert set(INCIDENT_COLUMNS) <= set(gdf.columns)
    accepted, rejects = validate_incidents(gdf)
    assert len(accepted) == 0
    assert len(rejects) == 0


def test_lazy_api_lists_and_loads() -> None:
    assert "geocode" in geoconflict.__all__
    assert geoconflict.parse_distance("1 km") == 1000.0
    with pytest.raises(AttributeError):
        _ = geoconflict.no_such_thing  # type: ignore[attr-defined]


def test_import_is_light() -> None:
    code = ("import sys, geoconflict, geoconflict.cli; "
            "heavy = [m for m in ('geopandas', 'folium', 'osmnx', 'rasterio', 'pandas') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_cli_help_and_version(run_cli) -> None:  # type: ignore[no-untyped-def]
    help_text = run_cli("--help").stdout
    assert "Examples:" in help_text
    assert "data" in help_text
    assert run_cli("--version").stdout.strip() == f"geoconflict, version {geoconflict.__version__}"


def test_cli_unknown_command_fails(run_cli) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("no-such-command", check=False)
    assert proc.returncode == 2
    assert "No such command" in proc.stderr


def test_cli_data_unknown_dataset_is_one_clear_line(run_cli) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("data", "export", "nope", check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("geoconflict: error: unknown dataset 'nope'")
    assert "Traceback" not in proc.stderr


def test_cli_data_list_and_table_export(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    listing = run_cli("data", "list").stdout
    names = [line.split()[0] for line in listing.splitlines()]
    assert names == ["deployments", "troop_totals", "sites", "ports", "scenario", "actors", "basemap",
                     "countries", "regions", "world_basemap", "world_lakes", "labels"]
    totals = run_cli("data", "export", "troop_totals").stdout.splitlines()
    assert totals[0].startswith("country,country_name,troops")
    assert any(line.startswith("IRQ,Iraq,2500,") for line in totals)
    out = tmp_path / "totals.csv"
    run_cli("data", "export", "troop_totals", "-o", str(out))
    assert out.read_text().splitlines() == totals
    again = run_cli("data", "export", "troop_totals", "-o", str(out), check=False)
    assert again.returncode == 1
    assert "exists" in again.stderr


def test_cli_data_export_sequence(run_cli) -> None:  # type: ignore[no-untyped-def]
    import json

    text = run_cli("data", "export", "deployments", "--seq").stdout
    records = [json.loads(chunk) for chunk in text.split("\x1e") if chunk.strip()]
    assert len(records) >= 25
    assert all(r["type"] == "Feature" for r in records)
    assert "Tower 22" in {r["properties"]["name"] for r in records}


def test_cli_reads_embedded_datasets_by_name(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    by_name = json.loads(run_cli("proximity", "scenario").stdout)
    assert len(by_name["features"]) == 12
    assert {f["properties"]["deployment_name"] for f in by_name["features"]} >= {"Tower 22"}
    # a file of the same name in the working directory wins over the dataset
    (tmp_path / "scenario").write_text(json.dumps(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"event_id": "x"},
             "geometry": {"type": "Point", "coordinates": [38.69, 33.32]}}]}))
    from_file = json.loads(run_cli("proximity", "scenario", cwd=tmp_path).stdout)
    assert [f["properties"]["event_id"] for f in from_file["features"]] == ["x"]


def test_every_listed_command_exists() -> None:
    """The CLI's lazy command table names modules and functions that are really there."""
    import importlib

    import click

    from geoconflict.cli import COMMANDS

    for name, (module, attr, short_help) in COMMANDS.items():
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command), name
        assert short_help
