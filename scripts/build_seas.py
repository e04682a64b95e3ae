"""Build the sea-area polygons of ``data/sites.geojson`` (Red Sea, Gulf of Aden, Persian
Gulf, Gulf of Oman, eastern Mediterranean).

Definition: the limits of IHO Special Publication S-23, *Limits of Oceans and Seas*
(3rd edition, 1953). Each sea is drawn here as a rough outline whose edges either lie
inland (anywhere on land: the coast comes from the basemap) or follow an S-23 limit line
across the water (e.g. Husn Murad - Ras Siyan between the Red Sea and the Gulf of Aden).
The script subtracts the land of ``data/basemap/countries.geojson`` (Natural Earth,
see ``scripts/build_basemap.py``) and keeps the water body that contains a seed point,
so islands become holes and stray lagoons caught by the outline are dropped.

Why not a ready-made sea-areas layer: Natural Earth's marine polygons and the IHO/
Marine Regions layers are not shipped by any package reachable here; an outline minus
the basemap's land gives a coast that matches the maps drawn with the same basemap.

Run (after ``scripts/build_basemap.py``)::

    .venv/bin/python scripts/build_seas.py
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_common import BASEMAP, merge_features, round_coords

LIMITS_URL = "https://en.wikipedia.org/wiki/Limits_of_Oceans_and_Seas"


@dataclass(frozen=True)
class Sea:
    """One sea area: its outline (lon, lat) and the text describing its limits."""

    id: str
    name: str
    aliases: tuple[str, ...]
    name_ar: str
    kind: str
    seed: tuple[float, float]
    outline: tuple[tuple[float, float], ...]
    limits: str


SEAS: tuple[Sea, ...] = (
    Sea(
        "red-sea", "Red Sea", ("Red Sea", "Erythraean Sea", "Al-Bahr al-Ahmar"), "البحر الأحمر",
        "sea", (38.0, 21.0),
        (
            (43.333, 12.483), (43.5, 12.667),  # S-23 southern limit: Ras Siyan - Husn Murad
            (43.8, 13.3), (43.5, 15.5), (43.0, 17.5), (42.0, 19.5), (40.5, 21.5), (39.6, 22.5),
            (38.6, 24.0), (37.0, 26.2), (36.0, 27.4), (35.0, 28.05),
            (34.6, 27.95), (34.45, 27.9), (34.3, 27.9),  # Gulf of Aqaba limit via Tiran
            (34.25, 27.72), (34.03, 27.45), (33.55, 27.45),  # Gulf of Suez limit via Shadwan
            (33.3, 27.0), (34.5, 25.0), (35.2, 23.0), (36.6, 21.0), (36.8, 19.5), (38.8, 15.6),
            (40.5, 14.3), (42.2, 13.0), (43.0, 12.6),
        ),
        "IHO S-23: north, the southern limits of the Gulfs of Suez (Ras Muhammad - Shadwan "
        "Island - parallel 27°27'N) and Aqaba (Ras al Fasma - Tiran - parallel 27°54'N); south, "
        "the line Husn Murad (12°40'N 43°30'E) - Ras Siyan (12°29'N 43°20'E).",
    ),
    Sea(
        "gulf-of-aden", "Gulf of Aden", ("Gulf of Aden", "Aden Gulf", "Gulf of Berbera"),
        "خليج عدن", "gulf", (47.0, 12.5),
        (
            (43.5, 12.667), (43.333, 12.483),  # western limit = Red Sea southern limit
            (43.2, 12.5), (42.6, 12.4), (42.2, 11.6), (43.0, 10.8), (45.0, 10.0), (47.0, 10.5),
            (49.2, 10.8), (51.0, 11.3),
            (51.283, 11.833), (52.217, 15.583),  # eastern limit: Ras Asir - Ras Fartak
            (51.5, 15.8), (49.0, 15.0), (47.0, 14.2), (45.5, 13.5), (44.5, 13.2), (43.8, 13.0),
        ),
        "IHO S-23: west, the southern limit of the Red Sea (Husn Murad - Ras Siyan); east, the "
        "line from Ras Asir (Cape Guardafui, 11°50'N 51°17'E) to Ras Fartak (15°35'N 52°13'E).",
    ),
    Sea(
        "persian-gulf", "Persian Gulf", ("Persian Gulf", "Arabian Gulf", "The Gulf", "Gulf"),
        "الخليج العربي", "gulf", (51.0, 27.0),
        (
            (56.35, 25.95), (57.32, 25.8),  # south-east limit: Ras Limah - Ras al Kuh
            (57.5, 27.0), (55.0, 28.0), (51.0, 30.5), (48.5, 31.5), (47.5, 30.5), (47.0, 29.0),
            (48.0, 27.5), (49.5, 25.5), (50.5, 24.0), (51.5, 23.8), (54.0, 23.5), (55.5, 24.5),
            (56.0, 25.5),
        ),
        "IHO S-23: south-east, the line joining Ras Limah (25°57'N) on the coast of Arabia and "
        "Ras al Kuh (25°48'N) on the coast of Iran; elsewhere the coast.",
    ),
    Sea(
        "gulf-of-oman", "Gulf of Oman", ("Gulf of Oman", "Sea of Oman", "Gulf of Makran"),
        "خليج عمان", "gulf", (58.5, 24.5),
        (
            (57.32, 25.8), (56.35, 25.95),  # north-west limit = Persian Gulf limit
            (56.1, 25.0), (56.5, 24.0), (57.5, 23.3), (58.8, 22.8),
            (59.8, 22.53), (61.73, 25.03),  # south-east limit: Ras al Hadd - Ras Jiwani
            (61.5, 25.6), (59.0, 26.0), (57.6, 26.5),
        ),
        "IHO S-23: north-west, the south-east limit of the Persian Gulf; south-east, the line "
        "joining Ras al Hadd (22°32'N) in Oman and Ras Jiwani (25°01'N) on the coast of "
        "Pakistan.",
    ),
    Sea(
        "eastern-mediterranean", "Eastern Mediterranean",
        ("Eastern Mediterranean", "Levantine Sea", "Levant Sea", "East Med"),
        "شرق البحر المتوسط", "sea", (32.0, 33.5),
        (
            (25.0, 31.0), (25.0, 35.35),  # cut along 25°E (Libya - Crete)
            (26.32, 35.25), (27.1, 35.4), (27.7, 35.9), (28.2, 36.45), (28.27, 36.75),
            (29.5, 37.5), (33.0, 37.5), (36.5, 37.5), (36.8, 36.0), (36.5, 35.5), (36.0, 33.5),
            (35.3, 31.0), (33.0, 30.5), (31.0, 30.5), (29.0, 30.5), (27.0, 30.9),
        ),
        "The part of the IHO S-23 Mediterranean (Eastern Basin) east of 25°E and south of the "
        "Aegean Sea's southern limit (Crete - Karpathos - Rhodes - Cape Aspro in Asia Minor); "
        "the 25°E cut is this dataset's convention, not an IHO limit.",
    ),
)


def _land() -> Any:
    import geopandas as gpd

    countries = gpd.read_file(BASEMAP)
    return countries.geometry.union_all()


def build_features() -> list[dict[str, Any]]:
    """Return the sea-area features (Polygon or MultiPolygon, lon/lat)."""
    import shapely

    land = _land()
    features = []
    for sea in SEAS:
        outline = shapely.Polygon(sea.outline)
        if not outline.is_valid:
            msg = f"{sea.id}: outline is not a valid polygon"
            raise SystemExit(msg)
        water = shapely.difference(outline, land)
        seed = shapely.Point(sea.seed)
        parts = [p for p in shapely.get_parts(water) if p.contains(seed)]
        if len(parts) != 1:
            msg = f"{sea.id}: seed point {sea.seed} is not in exactly one water part"
            raise SystemExit(msg)
        # RFC 7946 winding: exterior counter-clockwise, holes (islands) clockwise.
        geom = shapely.orient_polygons(shapely.set_precision(parts[0], 1e-4))
        features.append({
            "type": "Feature",
            "geometry": round_coords(json.loads(shapely.to_geojson(geom)), 4),
            "properties": {
                "id": sea.id, "name": sea.name, "aliases": [*sea.aliases, sea.name_ar],
                "name_ar": sea.name_ar, "country": None, "parent": None, "kind": sea.kind,
                "geo_precision": 3, "uncertainty_m": 5000,
                "source": (f"Limits: {sea.limits} Polygon = hand-drawn outline along those "
                           "limits minus the land of data/basemap/countries.geojson (Natural "
                           "Earth), built by scripts/build_seas.py; limit lines placed to "
                           "about 5 km."),
                "source_url": LIMITS_URL,
            },
        })
    return features


def main() -> None:
    features = build_features()
    path = merge_features(features)
    print(f"updated {path}: {', '.join(f['properties']['id'] for f in features)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
