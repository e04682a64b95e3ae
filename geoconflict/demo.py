"""The main job on the embedded scenario, as ``make demo`` and ``geoconflict demo`` run it.

Each step uses only the public API, so the demo doubles as a worked example. Steps whose
module is not installed in this build are reported as skipped, never faked.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DemoResult", "run_demo"]


@dataclass
class DemoResult:
    """What the demo wrote and what it measured."""

    outputs: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        """Record one human-readable line of the demo's report."""
        self.lines.append(text)


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def run_demo(out_dir: str | Path, *, log: Callable[[str], None] = print) -> DemoResult:
    """Validate and export the embedded data, then geocode, measure and map the scenario.

    Parameters
    ----------
    out_dir
        Directory for the outputs (created; files in it are replaced).
    log
        Called with each progress line.
    """
    from .datasets import DATASETS, dataset_path, load_dataset, load_features
    from .schema import DEPLOYMENT_FIELDS, SITE_FIELDS, validate_incidents, validate_record
    from .writers import export

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult()

    def say(text: str) -> None:
        result.say(text)
        log(text)

    # 1. validate every embedded layer against the schema
    for name, fields in (("deployments", DEPLOYMENT_FIELDS), ("sites", SITE_FIELDS)):
        feats = load_features(name)
        for i, feat in enumerate(feats, start=1):
            validate_record(feat["properties"], fields, file=str(dataset_path(name)), row=i)
        say(f"validated {len(feats)} {name} records")
    incidents = load_dataset("scenario")
    accepted, rejects = validate_incidents(incidents, source_file="scenario", on_error="raise")
    say(f"validated {len(accepted)} scenario incidents ({len(rejects)} rejected)")

    # 2. export every feature layer as RFC 7946 GeoJSON
    for name, dataset in DATASETS.items():
        if dataset.is_table:
            continue
        path = export(load_dataset(name), out / f"{name}.geojson", overwrite=True)
        assert path is not None
        result.outputs.append(path)
        say(f"wrote {path}")

    # 3. later stages, when present in this build
    if _have("geoconflict.geocoder"):
        from .geocoder import geocode

        queries = ["Mashtal, Baghdad", "Tower 22", "Red Sea shipping lanes"]
        hits = geocode(queries)
        for row in hits.itertuples():
            say(f"geocoded {row.query!r} -> {row.name} ({row.kind}, precision "
                f"{row.geo_precision}, ±{row.uncertainty_m:,.0f} m)")
        path = export(hits, out / "geocoded.geojson", overwrite=True)
        assert path is not None
        result.outputs.append(path)
    if _have("geoconflict.proximity"):
        from .proximity import nearest

        bases = load_dataset("deployments")
        near = nearest(accepted, bases)
        for row in near.itertuples():
            say(f"{row.event_date:%Y-%m-%d} {row.location}: nearest {row.deployment_name} "
                f"{row.distance_m / 1000:,.1f} km")
        table = out / "proximity.csv"
        near.drop(columns="geometry").to_csv(table, index=False)
        result.outputs.append(table)
        say(f"wrote {table}")
    if _have("geoconflict.webmap"):
        from .webmap import conflict_map

        html = out / "scenario_map.html"
        conflict_map(incidents=accepted, deployments=load_dataset("deployments"),
                     sites=load_dataset("sites"),
                     title="US deployments and attacks, Jan-Feb 2024").save(html)
        result.outputs.append(html)
        say(f"wrote {html}")
    return result
