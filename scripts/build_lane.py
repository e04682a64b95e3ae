"""Build the Red Sea shipping lane of ``data/sites.geojson`` from a real maritime network.

The lane is the shortest path on the maritime network of the ``searoute`` package
(derived from Eurostat's MARNET, the network the package ships) from the northern
entrance of the Suez Canal (off Port Said) to the eastern end of the Gulf of Aden (off
the IHO Ras Asir - Ras Fartak limit): through the Suez Canal, the Gulf of Suez, the Red
Sea, the Bab-el-Mandeb and the Gulf of Aden. ``searoute`` reports which named passages
the path uses; the script checks that it goes through Suez and Bab-el-Mandeb.

searoute's network has a vertex only every few hundred kilometres, and its straight
segments are straight in lon/lat. The script inserts points along each segment's WGS84
geodesic (``pyproj.Geod.npts``, every ~10 km) so that the stored line is the geodesic
route and distance-to-line computations on it are meaningful everywhere.

Run::

    .venv/bin/python scripts/build_lane.py
"""

from __future__ import annotations

import itertools
import math
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_common import merge_features, round_coords

ORIGIN = (32.31, 31.30)  # off Port Said, northern entrance of the Suez Canal (lon, lat)
DESTINATION = (51.8, 13.7)  # eastern Gulf of Aden, inside the Ras Asir - Ras Fartak line
REQUIRED_PASSAGES = {"suez", "babalmandab"}
STEP_M = 10_000.0
#: The network is a schematic of where ships go, not a surveyed traffic-separation scheme.
UNCERTAINTY_M = 20_000


def densify(coords: list[list[float]], step_m: float = STEP_M) -> list[list[float]]:
    """Insert points along each segment's geodesic, at most ``step_m`` apart."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    out = [list(coords[0])]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coords):
        dist = geod.inv(lon1, lat1, lon2, lat2)[2]
        n = max(0, math.ceil(dist / step_m) - 1)
        out.extend([list(p) for p in geod.npts(lon1, lat1, lon2, lat2, n)])
        out.append([lon2, lat2])
    return out


def build_feature() -> dict[str, Any]:
    """Route on the searoute network and return the lane as a GeoJSON Feature."""
    import searoute

    version = metadata.version("searoute")
    route = searoute.searoute(list(ORIGIN), list(DESTINATION), units="km",
                              return_passages=True)
    passages = set(route["properties"].get("traversed_passages", []))
    missing = REQUIRED_PASSAGES - passages
    if missing:
        msg = f"route does not pass {sorted(missing)}; passages used: {sorted(passages)}"
        raise SystemExit(msg)
    coords = densify(route["geometry"]["coordinates"])
    length_km = route["properties"]["length"]
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": round_coords(coords, 5)},
        "properties": {
            "id": "red-sea-shipping-lane",
            "name": "Red Sea shipping lane",
            "aliases": ["Red Sea shipping lane", "Red Sea shipping lanes", "Suez-Aden route",
                        "Red Sea route", "southern Red Sea shipping lanes",
                        "ممر الملاحة في البحر الأحمر"],
            "name_ar": "ممر الملاحة في البحر الأحمر",
            "country": None,
            "parent": None,
            "kind": "shipping lane",
            "geo_precision": 2,
            "uncertainty_m": UNCERTAINTY_M,
            "source": (f"Shortest path on the maritime network of the searoute package "
                       f"{version} (Eurostat MARNET) from off Port Said {ORIGIN} to the "
                       f"eastern Gulf of Aden {DESTINATION}, passages "
                       f"{', '.join(sorted(passages))}, {length_km:.0f} km; densified along "
                       f"WGS84 geodesics by scripts/build_lane.py. A schematic lane, not a "
                       f"surveyed traffic-separation scheme."),
            "source_url": "https://pypi.org/project/searoute/",
        },
    }


def main() -> None:
    feature = build_feature()
    path = merge_features([feature])
    n = len(feature["geometry"]["coordinates"])
    print(f"updated {path}: red-sea-shipping-lane ({n} vertices)", file=sys.stderr)


if __name__ == "__main__":
    main()
