"""The main job on the embedded scenario, as ``make demo`` and ``geoconflict demo`` run it.

Each step uses only the public API, so the demo doubles as a worked example:

1. validate every embedded layer against the schema;
2. geocode the places the scenario's reports name (a neighbourhood, a base, a lane);
3. geoparse a wire report into an incident;
4. measure: nearest deployment to each incident, exposure per base, ship attacks'
   distance to the Red Sea lane (all geodesic, WGS84);
5. render the scenario map (``maps/scenario.yml``: self-contained HTML, no network);
6. export GeoJSON (RFC 7946) and one GeoPackage with every layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .datasets import dataset_path, load_dataset, load_features, map_spec_path
from .geocoder import geocode
from .geoparse import parse_text
from .io import export
from .proximity import distance_to, exposure, nearest
from .schema import DEPLOYMENT_FIELDS, SITE_FIELDS, validate_incidents, validate_record
from .webmap import render_map_spec

__all__ = ["REPORT", "DemoResult", "run_demo"]

#: A wire-style report of the 2024-02-07 Baghdad strike, written for the demo.
REPORT = (
    "A US drone strike hit a car on a main road in the Mashtal neighbourhood of eastern "
    "Baghdad on Wednesday night, killing three people, Iraqi security sources said. "
    "Among the dead was a senior commander of Kataib Hezbollah."
)


@dataclass
class DemoResult:
    """What the demo wrote and what it said."""

    outputs: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def run_demo(out_dir: str | Path, *, log: Callable[[str], None] = print) -> DemoResult:
    """Run the scenario end to end and write its outputs to ``out_dir``.

    Parameters
    ----------
    out_dir
        Directory for the outputs (created; files in it are replaced).
    log
        Called with each progress line.
    """

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult()

    def say(text: str) -> None:
        result.lines.append(text)
        log(text)

    def wrote(path: Path | None) -> None:
        assert path is not None
        result.outputs.append(path)
        say(f"wrote {path}")

    # 1. validate
    for name, fields in (("deployments", DEPLOYMENT_FIELDS), ("sites", SITE_FIELDS)):
        feats = load_features(name)
        for i, feat in enumerate(feats, start=1):
            validate_record(feat["properties"], fields, file=str(dataset_path(name)), row=i)
        say(f"validated {len(feats)} {name} records")
    incidents, rejects = validate_incidents(load_dataset("scenario"), source_file="scenario",
                                            on_error="raise")
    bases = load_dataset("deployments")
    sites = load_dataset("sites")
    say(f"validated {len(incidents)} scenario incidents ({len(rejects)} rejected)")

    # 2. geocode
    hits = geocode(["Mashtal, Baghdad", "Machtal", "المشتل", "Tower 22",
                    "Red Sea shipping lanes", "Bab al-Mandab", "Deir al-Zour"])
    for row in hits.itertuples():
        country = row.country if isinstance(row.country, str) else "-"
        say(f"geocoded {row.query!r:26} -> {row.name} ({row.kind}, {country}, "
            f"precision {row.geo_precision}, ±{row.uncertainty_m:,.0f} m)")
    wrote(export(hits, out / "geocoded.geojson", overwrite=True))

    # 3. geoparse
    parsed = parse_text(REPORT, published="2024-02-08", source="demo report").incidents
    for row in parsed.itertuples():
        say(f"parsed report -> {row.event_date:%Y-%m-%d} {row.sub_event_type} at "
            f"{row.location}, {row.fatalities} killed ({row.actor1})")

    # 4. proximity
    near = nearest(incidents, bases)
    for row in near.itertuples():
        say(f"{row.event_date:%Y-%m-%d} {str(row.location)[:48]:48} nearest "
            f"{row.deployment_name}: {row.distance_m / 1000:,.1f} km "
            f"(range {row.distance_min_m / 1000:,.1f}-{row.distance_max_m / 1000:,.1f} km)")
    wrote(export(near, out / "nearest_deployment.csv", overwrite=True))
    exposed = exposure(bases, incidents, radii=("25km", "100km"))
    busiest = exposed.sort_values("incidents_100km", ascending=False).head(3)
    for row in busiest.itertuples():
        say(f"exposure: {row.deployment_name}: {row.incidents_100km} incidents, "
            f"{row.fatalities_100km} fatalities within 100 km")
    wrote(export(exposed, out / "exposure.csv", overwrite=True))
    lane = sites[sites["kind"] == "shipping lane"]
    at_sea = incidents[incidents["country"].isna()]
    for row in distance_to(at_sea, lane).itertuples():
        say(f"{row.event_date:%Y-%m-%d} {str(row.location)[:48]:48} "
            f"{row.distance_m / 1852:,.1f} nmi from the {row.feature_name}")

    # 5. map
    html = out / "scenario_map.html"
    render_map_spec(map_spec_path("scenario")).save(html)
    wrote(html)

    # 6. export
    wrote(export(incidents, out / "scenario.geojson", overwrite=True))
    wrote(export({"incidents": incidents, "deployments": bases, "sites": sites,
                  "nearest": near}, out / "scenario.gpkg", overwrite=True))
    return result
