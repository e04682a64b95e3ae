"""Region maps for the browser tests and the README pictures: synthetic incidents at real
towns of eastern Ukraine, Sudan, the Sahel, Gaza, Yemen and the Red Sea.

The incidents are **synthetic** (fixed seed): each is placed within about 2 km of a real
town (coordinates from ``data/labels.csv``, GeoNames) and names it as its ``location``;
Red Sea incidents are at sea, with no location. Nothing here records a real event.

``REGIONS[key]`` gives the towns, points known to be land and sea (for pixel checks, away
from the towns) and the labels a reader must find on the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Region:
    title: str
    towns: tuple[tuple[str, float, float], ...]      # (name as in labels.csv, lon, lat)
    land: tuple[tuple[float, float], ...]            # lon, lat
    sea: tuple[tuple[float, float], ...] = ()
    must_label: tuple[str, ...] = ()
    at_sea: tuple[tuple[float, float], ...] = ()     # incidents with no town


REGIONS: dict[str, Region] = {
    "ukraine_east": Region(
        "Eastern Ukraine (synthetic incidents)",
        (("Bakhmut", 37.999, 48.594), ("Kramatorsk", 37.568, 48.731),
         ("Slovyansk", 37.597, 48.850), ("Kostyantynivka", 37.706, 48.527),
         ("Pokrovsk", 37.177, 48.280), ("Horlivka", 38.017, 48.300),
         ("Lysychansk", 38.421, 48.912)),
        land=((37.40, 48.45), (38.25, 48.72), (37.85, 48.40)),
        must_label=("Bakhmut", "Kramatorsk", "Pokrovsk", "Horlivka")),
    "sudan": Region(
        "Sudan (synthetic incidents)",
        (("Khartoum", 32.532, 15.552), ("Omdurman", 32.478, 15.645),
         ("El Fasher", 25.349, 13.628), ("Nyala", 24.881, 12.049),
         ("El Obeid", 30.217, 13.184), ("Wad Medani", 33.520, 14.401),
         ("Al-Junaynah", 22.447, 13.453), ("Port Sudan", 37.216, 19.617)),
        land=((30.0, 16.0), (27.0, 14.5), (33.0, 18.5), (35.0, 13.0)),
        sea=((38.3, 20.2),),
        must_label=("Khartoum", "El Fasher", "Nyala", "Port Sudan")),
    "sahel": Region(
        "The Sahel: Mali, Burkina Faso, Niger (synthetic incidents)",
        (("Bamako", -7.975, 12.609), ("Mopti", -4.183, 14.484), ("Gao", -0.045, 16.272),
         ("Timbuktu", -3.007, 16.773), ("Niamey", 2.110, 13.514),
         ("Ouagadougou", -1.534, 12.366), ("Ouahigouya", -2.418, 13.577),
         ("Tahoua", 5.269, 14.889)),
        land=((-2.0, 15.2), (1.0, 14.8), (-5.5, 13.4), (4.3, 13.9)),
        must_label=("Bamako", "Niamey", "Ouagadougou", "Gao", "Timbuktu")),
    "gaza": Region(
        "Gaza Strip (synthetic incidents)",
        (("Gaza", 34.467, 31.502), ("Jabalya", 34.483, 31.527),
         ("Dayr al Balah", 34.349, 31.418), ("Khan Yunis", 34.306, 31.340),
         ("Rafah", 34.244, 31.297)),
        land=((34.40, 31.45), (34.56, 31.38), (34.33, 31.31)),
        sea=((34.28, 31.47), (34.36, 31.56)),
        must_label=("Gaza", "Khan Yunis", "Rafah")),
    "yemen": Region(
        "Yemen (synthetic incidents)",
        (("Sanaa", 44.206, 15.355), ("Aden", 45.039, 12.780),
         ("Al Hudaydah", 42.955, 14.798), ("Zabid", 43.315, 14.195),
         ("Mukalla", 49.124, 14.542), ("Mocha", 43.250, 13.318)),
        land=((44.5, 14.2), (46.5, 14.8), (47.8, 15.2)),
        sea=((42.4, 14.0), (46.8, 13.2)),
        must_label=("Sanaa", "Aden", "Al Hudaydah", "Mukalla")),
    "red_sea": Region(
        "Red Sea shipping (synthetic incidents)",
        (("Port Sudan", 37.216, 19.617), ("Jeddah", 39.186, 21.490),
         ("Al Hudaydah", 42.955, 14.798), ("Massawa", 39.475, 15.608),
         ("Djibouti", 43.145, 11.589)),
        land=((36.2, 18.0), (40.2, 20.6), (38.6, 15.4), (44.2, 14.8)),
        sea=((38.6, 19.8), (40.5, 17.4), (41.6, 15.2)),
        must_label=("Port Sudan", "Jeddah", "Djibouti"),
        at_sea=((38.4, 20.3), (39.2, 18.9), (40.1, 17.1), (41.0, 15.9), (41.9, 14.6),
                (42.6, 13.4), (43.3, 12.6), (44.5, 12.3), (37.0, 22.5))),
}

_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def region_incidents(key: str, per_town: int = 12, seed: int = 7) -> Any:
    """Synthetic canonical incidents of region ``key`` (a GeoDataFrame, EPSG:4326)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    region = REGIONS[key]
    rng = np.random.default_rng(seed)
    rows = []
    spots = [(name, lon, lat) for name, lon, lat in region.towns for _ in range(per_town)]
    spots += [(None, lon, lat) for lon, lat in region.at_sea for _ in range(max(1, per_town // 4))]
    for i, (name, lon, lat) in enumerate(spots):
        rows.append({
            "event_id": f"SYN-{key}-{i:04d}",
            "event_date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 60))),
            "event_type": _TYPES[int(rng.integers(0, len(_TYPES)))],
            "location": name, "fatalities": int(rng.poisson(1.5)), "geo_precision": 1,
            "lon": lon + float(rng.uniform(-0.015, 0.015)),
            "lat": lat + float(rng.uniform(-0.015, 0.015)),
            "source": "synthetic (geoconflict tests)"})
    frame = pd.DataFrame(rows)
    geometry = gpd.points_from_xy(frame.pop("lon"), frame.pop("lat"))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
