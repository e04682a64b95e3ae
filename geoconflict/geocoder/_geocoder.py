"""Geocoding place names offline, with honest precision: :func:`geocode`, :func:`find_places`.

The resolver runs in tiers over the gazetteer (:mod:`geoconflict.gazetteer`):

1. **exact/normalised**: the query's :func:`~geoconflict._normalize.fold` equals an
   indexed name or alias (case, diacritics, punctuation, Arabic article and letter
   variants ignored);
2. **transliteration**: the consonant :func:`~geoconflict._normalize.skeleton` matches
   ("Machtal" = "Mashtal", "Dayr az Zawr" = "Deir ez-Zor");
3. **fuzzy**: ``rapidfuzz.process.extract`` over a *blocked* candidate set (names that
   share the query's first two or last three letters and have a similar length), so a
   typo costs a few hundred comparisons, not 100,000.

Qualifiers are parsed when the whole query is not a name: ``"X, Y"`` / ``"X in Y"``
(Y resolved first and used as context: country, parent, proximity), ``"eastern X"``,
``"near X"`` (precision 2), ``"X base"``, ``"X neighbourhood"``, ``"X province"``,
``"X shipping lanes"`` (kind hints). Candidates are ranked by kind hint, context,
curated-before-GeoNames, class and population. A neighbourhood that is not in the
gazetteer never collapses silently onto its city: the city comes back with
``match="parent-fallback"``, precision 2 or 3, a large ``uncertainty_m`` and a note.

The CLI uses :meth:`Geocoder.records`, which builds plain dicts (GeoJSON geometries) and
needs neither pandas nor shapely, so a cold ``geoconflict geocode`` starts fast.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._geodesic import geod
from ..errors import GeocodeError, ProviderError, ProviderWarning
from ..schema import DEFAULT_UNCERTAINTY_M
from ._airports import code_key
from ._gazetteer import (
    SCAN_STOPWORDS,
    country_outline,
    load_gazetteer,
)
from ._nominatim import Nominatim
from ._normalize import fold, fold_with_offsets, is_arabic, skeleton
from ._qualifiers import (
    ANY_QUALIFIER,
    ARABIC_PREFIXES,
    DIRECTION,
    FEATURE_ALIASES,
    IN,
    KIND_ALIASES,
    NEAR,
    NEAR_SUFFIX,
    PREFIXES,
    SUFFIXES,
    THE,
    arabic_bare,
    city_part_splits,
    plain,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from ._gazetteer import Gazetteer

__all__ = ["OUTPUT_COLUMNS", "Geocoder", "ProviderWarning", "find_places", "geocode"]

#: Columns of :func:`geocode`'s result, in order (geometry last).
OUTPUT_COLUMNS: tuple[str, ...] = (
    "query", "name", "kind", "country", "geo_precision", "uncertainty_m", "score",
    "provider", "source_id", "status", "match", "notes", "candidates", "suggestions",
)

_TRANSLIT_MIN_RATIO = 75.0
_ARABIC_PATTERNS = frozenset(p for p, _ in ARABIC_PREFIXES)
_SETTLEMENTS = frozenset(("city", "town", "admin1"))
# The English words features are filed under, by qualifier (see _named_feature).
_FEATURE_WORDS: dict[str, tuple[str, ...]] = {
    "airport": ("airport", "international airport"), "base": ("air base", "base"),
    "camp": ("camp", "refugee camp"), "port": ("port",), "crossing": ("crossing",
                                                                    "border crossing"),
    "hospital": ("hospital",), "plant": ("power plant", "dam"),
}
_AMBIGUOUS_KM = 25.0
# Continents and macro-regions have no population: they rank above any city of the
# same name ("EU" the union, not Eu in Normandy; "Middle East" not a Baltimore suburb).
_CLASS_RANK = {"country": 4.0, "continent": 3.6, "region": 3.5, "city": 3.0, "admin1": 2.5,
               "town": 2.0, "airport": 1.5, "air base": 1.5}
# ICAO (4 letters) and IATA (3 letters) codes, as written: upper case.
_ICAO = re.compile(r"^[A-Z]{4}$")
_IATA = re.compile(r"^[A-Z]{3}$")

def _head(length: int) -> int:
    """Prefix length of the fuzzy block key for a name of ``length`` characters."""
    return 2 if length < 6 else 3


@dataclass
class _Context:
    countries: frozenset[str] | None = None  # hard filter (user's ``country=``)
    kinds: frozenset[str] | None = None  # hard filter (user's ``kinds=``)
    hint_kinds: frozenset[str] | None = None  # soft: from a qualifier
    hint_country: str | None = None  # soft: from a parent place
    near: tuple[float, float, float] | None = None  # lon, lat, radius_m of a parent
    parent: str | None = None  # fold of the parent's name
    parent_country: str | None = None  # set when the parent is a country


@dataclass
class _Hit:
    layer: int  # 0 curated, 1 GeoNames/ISO base
    idx: int
    tier: int  # 1 exact/normalised, 2 transliteration, 3 fuzzy
    score: float
    alias: bool = False  # curated entry matched through an alias only


@dataclass
class _Result:
    hits: list[_Hit]
    match: str
    precision: int | None = None  # overrides the entry's own (qualifiers)
    min_uncertainty_m: float = 0.0
    notes: list[str] = field(default_factory=list)
    score_factor: float = 1.0
    ctx: _Context | None = None  # the context the hits were ranked in


def _geod_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance on the WGS84 ellipsoid, in km."""
    # imported here: pyproj loads only when two candidates must be compared by distance

    return float(abs(geod().inv(lon1, lat1, lon2, lat2)[2])) / 1000.0


def _country_codes(country: str | Iterable[str] | None) -> frozenset[str] | None:
    """ISO alpha-3 codes for names/alpha-2/alpha-3 given by the user."""
    if country is None:
        return None
    items = [country] if isinstance(country, str) else list(country)
    out = set()
    for item in items:
        import pycountry

        try:
            found = pycountry.countries.lookup(item.strip())
        except LookupError:
            msg = f"unknown country {item!r}: give an ISO code (IRQ, IQ) or a name"
            raise GeocodeError(msg) from None
        out.add(found.alpha_3)
    return frozenset(out)


def _kind_set(kinds: str | Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    items = [kinds] if isinstance(kinds, str) else list(kinds)
    out: set[str] = set()
    for kind in items:
        out |= KIND_ALIASES.get(kind.strip().lower(), frozenset((kind.strip().lower(),)))
    return frozenset(out)


class Geocoder:
    """Resolve place names against the offline gazetteer and, opt-in, Nominatim.

    Parameters
    ----------
    providers
        Providers in order: ``"gazetteer"`` (offline) and/or ``"nominatim"`` (online).
        For each query the first provider giving a real answer wins; a failing online
        provider emits a :class:`ProviderWarning` and the offline answer is used.
    max_edits
        Typos tolerated by the fuzzy tier (default: 1 for names under 8 letters, 2
        for longer ones).
    nominatim
        Keyword arguments for :class:`geoconflict._nominatim.Nominatim` (``base_url``,
        ``user_agent``, ``min_interval_s``, ``cache_dir``, ``timeout_s``, ``retries``,
        ``polygon``).

    Examples
    --------
    >>> gc = Geocoder()
    >>> gc.lookup("Mashtal, Baghdad")["kind"]
    'neighbourhood'
    """

    def __init__(self, providers: Sequence[str] = ("gazetteer",), *,
                 max_edits: int | None = None,
                 nominatim: dict[str, Any] | None = None) -> None:
        unknown = [p for p in providers if p not in ("gazetteer", "nominatim")]
        if unknown or not providers:
            msg = f"unknown providers {unknown}; use 'gazetteer' and/or 'nominatim'"
            raise GeocodeError(msg)
        self.providers = tuple(providers)
        self.max_edits = max_edits
        self.curated, self.base = load_gazetteer()
        self._layers: tuple[Gazetteer, Gazetteer] = (self.curated, self.base)
        self._blocks: dict[tuple[str, int], list[str]] | None = None
        self._max_words: int | None = None
        self._nominatim_options = nominatim or {}
        self._nominatim: Any = None
        self._memo: dict[tuple[str, Any, Any], dict[str, Any]] = {}

    # ----------------------------------------------------------------- matching tiers
    def _exact(self, key: str) -> list[_Hit]:
        hits = []
        for layer, gaz in enumerate(self._layers):
            for idx in gaz.by_fold.get(key):
                alias = layer == 0 and gaz.primary.get(idx) != key
                hits.append(_Hit(layer, idx, 1, 100.0, alias))
        return hits

    def _translit(self, key: str, min_ratio: float = _TRANSLIT_MIN_RATIO) -> list[_Hit]:
        """Names with the query's consonant skeleton, kept only when also close as
        strings (skeletons collide: "Akashat" ~ "Kushtia") and scored by closeness."""
        from rapidfuzz import fuzz, process

        skel = skeleton(key)
        if len(skel) < 3:  # two consonants collide with too many places
            return []
        hits = []
        for layer, gaz in enumerate(self._layers):
            spellings = gaz.by_skel.get(skel)
            if not spellings:
                continue
            for name, similarity, _ in process.extract(
                    key, spellings, scorer=fuzz.ratio, score_cutoff=min_ratio, limit=8):
                hits += [_Hit(layer, idx, 2, 80.0 + 0.2 * similarity, layer == 0)
                         for idx in gaz.by_fold.get(name)]
        return hits

    def _fuzzy_blocks(self) -> dict[tuple[str, int], list[str]]:
        """Folded names by (first 2-3 letters, length) and (last three, length).

        Built on the first fuzzy query (~0.3 s for 110,000 names) and kept.
        """
        if self._blocks is None:
            blocks: dict[tuple[str, int], list[str]] = {}
            for gaz in self._layers:
                for key, _ids in gaz.by_fold.items():
                    n = len(key)
                    blocks.setdefault(("<" + key[:_head(n)], n), []).append(key)
                    blocks.setdefault((">" + key[-3:], n), []).append(key)
            self._blocks = blocks
        return self._blocks

    def _candidates(self, key: str, edits: int) -> list[str]:
        """Blocked candidates for a fuzzy match: names sharing the query's first three
        (two for names under 6 letters) or last three letters, whose length is within
        ``edits`` of the query's (more edits could not bridge the gap). One typo cannot
        break both keys of a name of 6 letters or more.
        """
        blocks = self._fuzzy_blocks()
        n = len(key)
        out: list[str] = []
        tail = ">" + key[-3:]
        for m in range(max(1, n - edits), n + edits + 1):
            out += blocks.get(("<" + key[:_head(m)], m), ())
            out += blocks.get((tail, m), ())
        return out

    def _edits(self, key: str) -> int:
        if self.max_edits is not None:
            return self.max_edits
        return 1 if len(key) < 8 else 2

    def _fuzzy(self, key: str, edits: int, limit: int = 5) -> list[_Hit]:
        """Names within ``edits`` typos (optimal string alignment: a swap of two
        neighbouring letters is one edit), scored 100·(1 - edits/length)."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if len(key) < 4:
            return []
        hits = []
        seen: set[str] = set()
        for name, dist, _ in process.extract(key, self._candidates(key, edits),
                                             scorer=OSA.distance, score_cutoff=edits,
                                             limit=2 * limit):
            if name in seen:
                continue
            seen.add(name)
            score = round(100.0 * (1.0 - dist / max(len(key), len(name))), 1)
            for layer, gaz in enumerate(self._layers):
                for idx in gaz.by_fold.get(name):
                    hits.append(_Hit(layer, idx, 3, score, layer == 0))
        return hits

    # ------------------------------------------------------------------- ranking
    def _gaz(self, hit: _Hit) -> Gazetteer:
        return self._layers[hit.layer]

    def _allowed(self, hit: _Hit, ctx: _Context) -> bool:
        gaz = self._gaz(hit)
        if ctx.countries is not None:
            country = gaz.country[hit.idx]
            if country is not None and country not in ctx.countries:
                return False
        return ctx.kinds is None or gaz.kind[hit.idx] in ctx.kinds

    def _in_context(self, hit: _Hit, ctx: _Context) -> bool:
        gaz = self._gaz(hit)
        if ctx.parent_country is not None:
            return gaz.country[hit.idx] == ctx.parent_country
        if ctx.parent is not None and gaz.parent[hit.idx] is not None \
                and fold(gaz.parent[hit.idx] or "") == ctx.parent:
            return True
        if ctx.near is not None:
            lon, lat, radius = ctx.near
            km = _geod_km(lon, lat, gaz.lon[hit.idx], gaz.lat[hit.idx])
            return km <= max(50.0, 2 * radius / 1000.0)
        return False

    def _rank_key(self, hit: _Hit, ctx: _Context, big_city: set[str | None],
                  towns: set[str | None] | None = None) -> tuple[float, ...]:
        gaz = self._gaz(hit)
        kind = gaz.kind[hit.idx]
        curated = hit.layer == 0 and not (hit.alias and gaz.country[hit.idx] in big_city
                                           and kind not in ("neighbourhood", "district"))
        class_rank = _CLASS_RANK.get(kind, 2.0)
        if kind == "admin1" and towns and gaz.country[hit.idx] in towns:
            class_rank = 1.0  # "Mafraq" the town before the governorate named after it
        return (
            float(ctx.hint_kinds is not None and kind in ctx.hint_kinds),
            -hit.tier,
            float(self._in_context(hit, ctx))
            if (ctx.near or ctx.parent or ctx.parent_country) else 0.0,
            float(ctx.hint_country is not None and gaz.country[hit.idx] == ctx.hint_country),
            float(curated),
            hit.score,
            class_rank,
            float(gaz.population[hit.idx]),
        )

    def _rank(self, hits: list[_Hit], ctx: _Context) -> list[_Hit]:
        if ctx.countries is not None or ctx.kinds is not None:
            hits = [h for h in hits if self._allowed(h, ctx)]
        if len(hits) < 2:
            return hits
        # A curated *alias* ("Arbil" on Erbil Air Base) does not beat a big city of the
        # same name in the same country: the base still appears among the candidates.
        big_city = {self.base.country[h.idx] for h in hits if h.layer == 1 and h.tier == 1
                    and self.base.kind[h.idx] == "city"}
        towns = {self.base.country[h.idx] for h in hits if h.layer == 1
                 and self.base.kind[h.idx] in ("city", "town")}
        seen: set[tuple[int, int]] = set()
        unique = []
        for h in sorted(hits, key=lambda h: self._rank_key(h, ctx, big_city, towns),
                        reverse=True):
            if (h.layer, h.idx) not in seen:
                seen.add((h.layer, h.idx))
                unique.append(h)
        return unique

    def _match(self, text: str, ctx: _Context, *, translit: bool = True,
               fuzzy: bool = True) -> list[_Hit]:
        key = fold(text)
        if not key:
            return []
        if ctx.hint_kinds and translit:
            # With a kind hint ("Deir ez-Zor province") a transliteration of the right
            # kind beats an exact name of another kind.
            hits = self._rank(self._exact(key) + self._translit(key, 50.0), ctx)
            if hits and self._gaz(hits[0]).kind[hits[0].idx] in ctx.hint_kinds:
                return hits
        tiers = (self._exact, self._translit) if translit else (self._exact,)
        for tier in tiers:
            hits = self._rank(tier(key), ctx)
            if hits:
                return hits
        if fuzzy:
            return self._rank(self._fuzzy(key, self._edits(key)), ctx)
        return []

    def _code(self, text: str, ctx: _Context) -> list[_Hit]:
        """An airport by its ICAO code ("ORBI"), or its IATA code ("BGW") when the query
        says airport: codes are indexed under their own keys, never as names."""
        if _ICAO.match(text):
            key = code_key("icao", text)
        elif _IATA.match(text) and ctx.hint_kinds and "airport" in ctx.hint_kinds:
            key = code_key("iata", text)
        else:
            return []
        return self._rank(self._exact(key), ctx)

    def _contains(self, text: str, kinds: frozenset[str], ctx: _Context) -> list[_Hit]:
        """Curated entries of ``kinds`` one of whose names contains ``text``'s words."""
        words = f" {fold(text)} "
        hits = []
        for key, ids in self.curated.by_fold.items():
            if words in f" {key} ":
                hits += [_Hit(0, i, 1, 95.0) for i in ids if self.curated.kind[i] in kinds]
        return self._rank(hits, ctx)

    def _admin1_of(self, idx: int) -> int:
        table = self.base.admin1_of
        return table[idx] if idx < len(table) else -1

    # ------------------------------------------------------------------ resolving
    def _resolve(self, text: str, ctx: _Context, depth: int = 0) -> _Result:
        text = text.strip().strip(".;:!?\"'()[]").strip()
        # The whole query as a name first; then qualifiers ("X, Y", "X base"); then
        # the looser tiers on the whole query, so "Foo, Iraq" is never read as one
        # transliterated name.
        hits = self._match(text, ctx, translit=False, fuzzy=False)
        if hits:
            return _Result(hits, "exact", ctx=ctx)
        hits = self._code(text, ctx)
        if hits:
            return _Result(hits, "code", ctx=ctx)
        if depth < 3:
            qualified = self._qualified(text, ctx, depth)
            if qualified is not None:
                return qualified
        hits = self._match(text, ctx)
        match = "none" if not hits else ("exact", "transliteration", "fuzzy")[hits[0].tier - 1]
        return _Result(hits, match, ctx=ctx)

    def _qualified(self, text: str, ctx: _Context, depth: int) -> _Result | None:
        words = plain(text)
        if ANY_QUALIFIER.search(words) is None:
            return None  # one cheap test spares a dozen patterns for plain names
        stripped = THE.sub("", text)
        if stripped != text:
            return self._resolve(stripped, ctx, depth + 1)
        # "X, Y" and "X in Y": resolve Y, then X inside it.
        parent_text = core = None
        if "," in text:
            core, parent_text = (p.strip() for p in text.rsplit(",", 1))
        elif (m := IN.match(text)) is not None:
            core, parent_text = m.group(1), m.group(2)
        if core and parent_text:
            return self._within(core, parent_text, ctx, depth)
        for city, part in city_part_splits(text):
            result = self._city_part(city, part, ctx, depth)
            if result is not None:
                return result
        for pattern, alias in (*SUFFIXES, *PREFIXES, *ARABIC_PREFIXES):
            if pattern.search(words):
                core = pattern.sub("", words).strip()
                if pattern in _ARABIC_PATTERNS:
                    core = arabic_bare(words) or core
                return self._kind_qualified(core, alias, ctx, depth)
        for pattern, what in ((DIRECTION, "part"), (NEAR, "near"), (NEAR_SUFFIX, "near")):
            m = pattern.search(text)
            if m is not None:
                core = pattern.sub("", text).strip()
                result = self._resolve(core, ctx, depth + 1)
                if result.hits:
                    top = result.hits[0]
                    name = self._gaz(top).name[top.idx]
                    label = (f"{m.group(1).lower()} part of" if what == "part"
                             else "near")
                    self._lower_precision(result, f"{label} {name}: position is {name}'s "
                                          "own, precision lowered to 2")
                return result
        return None

    def _lower_precision(self, result: _Result, note: str) -> None:
        top = result.hits[0]
        result.precision = max(self._gaz(top).geo_precision[top.idx], 2)
        result.min_uncertainty_m = max(result.min_uncertainty_m, DEFAULT_UNCERTAINTY_M[2])
        result.notes.append(note)

    def _kind_qualified(self, core: str, alias: str, ctx: _Context, depth: int) -> _Result:
        """"X camp", "مخيم X", "X province"...: X of that kind when one exists; else X
        itself, at precision 2 with a note when the qualifier named a feature."""
        kinds = KIND_ALIASES[alias]
        hinted = _Context(ctx.countries, ctx.kinds, kinds, ctx.hint_country, ctx.near,
                          ctx.parent)
        result = self._resolve(core, hinted, depth + 1)
        top = result.hits[0] if result.hits else None
        if top is not None and top.layer == 1 and "admin1" in kinds \
                and self.base.kind[top.idx] != "admin1" \
                and (a1 := self._admin1_of(top.idx)) >= 0:
            # "Deir ez-Zor province": the province that contains the city.
            return _Result([_Hit(1, a1, top.tier, top.score)], "qualifier", ctx=hinted)
        if top is not None and self._gaz(top).kind[top.idx] not in kinds:
            named = self._named_feature(core, top, alias, kinds, hinted)
            if named:
                return _Result(named, "qualifier", ctx=hinted)
        if top is None or self._gaz(top).kind[top.idx] not in kinds:
            contained = self._contains(core, kinds, hinted)
            if contained:
                return _Result(contained, "qualifier", ctx=hinted)
            if top is not None:
                note = (f"no {alias} named {core!r} in the gazetteer; returned "
                        f"{self._gaz(top).name[top.idx]!r} ({self._gaz(top).kind[top.idx]})")
                if alias in FEATURE_ALIASES:
                    self._lower_precision(result, note + ": its own position, precision 2")
                else:
                    result.notes.append(note)
        return result

    def _named_feature(self, core: str, top: _Hit, alias: str, kinds: frozenset[str],
                       ctx: _Context) -> list[_Hit]:
        """A feature filed under its town's name and the qualifier's English word:
        "مطار بغداد" -> "Baghdad airport" (airports and curated sites are named in
        English)."""
        hits: list[_Hit] = []
        for name in dict.fromkeys((core, self._gaz(top).name[top.idx])):
            for word in _FEATURE_WORDS.get(alias, ()):
                hits += [h for h in self._exact(fold(f"{name} {word}"))
                         if self._gaz(h).kind[h.idx] in kinds]
        return self._rank(hits, ctx) if hits else []

    def _city_part(self, city: str, part: str, ctx: _Context, depth: int) -> _Result | None:
        """ACLED's ``City-Part`` ("Taizz-Ath Thawrah"): the part inside the city when
        the gazetteer knows it, else the city at precision 2 with a note. Only when the
        text before the hyphen is a town and the whole is no respelt name."""
        head = self._match(city, ctx, translit=False, fuzzy=False)
        if not head or self._gaz(head[0]).kind[head[0].idx] not in _SETTLEMENTS:
            return None
        if self._match(f"{city}-{part}", ctx, fuzzy=False):
            return None  # a hyphenated name known under another spelling ("Dayr az-Zawr")
        return self._within(part, city, ctx, depth)

    def _within(self, core: str, parent_text: str, ctx: _Context, depth: int) -> _Result:
        parent = self._resolve(parent_text, ctx, depth + 1)
        if not parent.hits:
            result = self._resolve(core, ctx, depth + 1)
            result.notes.append(f"context {parent_text!r} not found; ignored")
            return result
        ptop = parent.hits[0]
        pgaz = self._gaz(ptop)
        pname = pgaz.name[ptop.idx]
        pkind = pgaz.kind[ptop.idx]
        inner = _Context(ctx.countries, ctx.kinds, ctx.hint_kinds,
                         pgaz.country[ptop.idx] or ctx.hint_country,
                         (pgaz.lon[ptop.idx], pgaz.lat[ptop.idx], pgaz.uncertainty_m[ptop.idx]),
                         fold(pname), pgaz.country[ptop.idx] if pkind == "country" else None)
        if pkind in ("admin1", "region", "sea", "gulf"):
            # A province or sea is far wider than its point: any place in the same
            # country (or any sea feature) counts as inside it.
            inner.near = None
            inner.parent_country = pgaz.country[ptop.idx]
        result = self._resolve(core, inner, depth + 1)
        if result.hits and (self._in_context(result.hits[0], inner)
                            or (pkind in ("sea", "gulf") and pgaz.country[ptop.idx] is None)):
            return result
        # The place is unknown (or only known elsewhere): fall back to the parent, loudly.
        outside = result.hits[:3]
        kind = pgaz.kind[ptop.idx]
        precision = 3 if kind in ("country", "admin1", "region", "sea", "gulf") else 2
        precision = max(precision, parent.precision or pgaz.geo_precision[ptop.idx])
        note = (f"{core!r} is not in the gazetteer" if not outside else
                f"{core!r} is known only outside {pname}")
        fallback = _Result(parent.hits, "parent-fallback", precision,
                           max(pgaz.uncertainty_m[ptop.idx], DEFAULT_UNCERTAINTY_M[precision]),
                           [*parent.notes, f"{note}; fell back to {pname} ({kind}): the "
                            "position is the parent's, not the place's"], 0.5, parent.ctx)
        fallback.hits = [ptop, *outside]
        return fallback

    # ------------------------------------------------------------------- records
    def _entry(self, hit: _Hit) -> dict[str, Any]:
        gaz = self._gaz(hit)
        i = hit.idx
        geometry = gaz.geometry.get(i)
        if geometry is None and gaz.kind[i] == "country":
            geometry = country_outline(gaz.country[i])
        if geometry is None:
            geometry = {"type": "Point", "coordinates": [gaz.lon[i], gaz.lat[i]]}
        return {"name": gaz.name[i], "kind": gaz.kind[i], "country": gaz.country[i],
                "geometry": geometry, "geo_precision": int(gaz.geo_precision[i]),
                "uncertainty_m": float(gaz.uncertainty_m[i]), "source_id": gaz.source_id[i],
                "lon": gaz.lon[i], "lat": gaz.lat[i], "population": int(gaz.population[i])}

    def _ambiguous(self, hits: list[_Hit], ctx: _Context) -> bool:
        if len(hits) < 2:
            return False
        a, b = hits[0], hits[1]
        big: set[str | None] = set()
        ka, kb = self._rank_key(a, ctx, big), self._rank_key(b, ctx, big)
        if ka[:5] != kb[:5] or a.layer == 0:
            return False  # decided by tier, kind, context, country or curation
        ga, gb = self._gaz(a), self._gaz(b)
        pa, pb = ga.population[a.idx], gb.population[b.idx]
        if pa >= 5 * max(pb, 1) or ga.kind[a.idx] in ("country", "continent", "region"):
            return False
        if ga.kind[a.idx] == "city" and gb.kind[b.idx] == "admin1" \
                and ga.country[a.idx] == gb.country[b.idx]:
            return False  # the city and its own province
        return _geod_km(ga.lon[a.idx], ga.lat[a.idx], gb.lon[b.idx], gb.lat[b.idx]) \
            > _AMBIGUOUS_KM

    def _suggest(self, text: str) -> list[str]:
        key = fold(text)
        out: list[str] = []
        for hit in self._fuzzy(key, self._edits(key) + 1, limit=8):
            name = self._gaz(hit).name[hit.idx]
            if name not in out:
                out.append(name)
        return out[:5]

    def _offline(self, query: str, ctx: _Context) -> dict[str, Any]:
        result = self._resolve(query, ctx)
        record: dict[str, Any] = {"query": query, "provider": "gazetteer", "candidates": [],
                                  "suggestions": [], "notes": None}
        if not result.hits:
            record.update(name=None, kind=None, country=None, geometry=None,
                          geo_precision=None, uncertainty_m=None, score=0.0,
                          source_id=None, status="unresolved", match="none",
                          suggestions=self._suggest(query),
                          notes="; ".join(result.notes) or ("not in the gazetteer"
                                                            if fold(query) else "empty query"))
            return record
        top = result.hits[0]
        entry = self._entry(top)
        precision = max(entry["geo_precision"], result.precision or 0)
        record.update(
            name=entry["name"], kind=entry["kind"], country=entry["country"],
            geometry=entry["geometry"], geo_precision=precision,
            uncertainty_m=round(max(entry["uncertainty_m"], result.min_uncertainty_m), 1),
            score=round(top.score * result.score_factor, 1), source_id=entry["source_id"],
            match=result.match, notes="; ".join(result.notes) or None,
            _ref=(entry["lon"], entry["lat"]))  # reference point, for tables only
        ambiguous = result.match != "parent-fallback" and self._ambiguous(
            result.hits, result.ctx or ctx)
        record["status"] = "ambiguous" if ambiguous else "resolved"
        if ambiguous or result.match == "parent-fallback":
            record["candidates"] = [
                {k: e[k] for k in ("name", "kind", "country", "lon", "lat", "source_id",
                                   "population")} | {"score": h.score}
                for h in result.hits[:5] for e in (self._entry(h),)]
        return record

    def _online(self, query: str, ctx: _Context) -> dict[str, Any] | None:
        if self._nominatim is None:
            self._nominatim = Nominatim(**self._nominatim_options)
        countries = sorted(ctx.countries) if ctx.countries else None
        return self._nominatim.lookup(query, countries=countries)

    def lookup(self, query: str, *, country: str | Iterable[str] | None = None,
               kinds: str | Iterable[str] | None = None) -> dict[str, Any]:
        """Resolve one name; return a plain dict (GeoJSON ``geometry``), no pandas."""
        return self._lookup(query, _Context(_country_codes(country), _kind_set(kinds)))

    def _lookup(self, query: str, ctx: _Context) -> dict[str, Any]:
        # Case and spacing never change the answer: "BAGHDAD" reuses "Baghdad".
        memo_key = (" ".join(query.casefold().split()), ctx.countries, ctx.kinds)
        if memo_key in self._memo:
            return {**self._memo[memo_key], "query": query}
        offline = self._offline(query, ctx)
        chosen = offline
        for provider in self.providers:
            if provider == "gazetteer":
                if offline["status"] != "unresolved" and offline["match"] != "parent-fallback":
                    chosen = offline
                    break
                continue
            try:
                online = self._online(query, ctx)
            except ProviderError as exc:
                warnings.warn(f"nominatim failed for {query!r} ({exc}); using the offline "
                              "answer", ProviderWarning, stacklevel=4)
                continue
            if online is not None:
                chosen = {**online, "query": query}
                break
        self._memo[memo_key] = chosen
        return dict(chosen)

    def records(self, queries: str | Iterable[str], *, country: str | Iterable[str] | None = None,
                kinds: str | Iterable[str] | None = None, strict: bool = False,
                progress: Any = None) -> list[dict[str, Any]]:
        """Resolve queries to plain dicts, one per query, in order (see :func:`geocode`)."""
        items = [queries] if isinstance(queries, str) else list(queries)
        ctx = _Context(_country_codes(country), _kind_set(kinds))
        out = []
        for query in items:
            text = "" if query is None or (isinstance(query, float) and math.isnan(query)) \
                else str(query)
            out.append(self._lookup(text, ctx))
            if progress is not None:
                progress(1)
        if strict:
            missing = [r["query"] for r in out if r["status"] == "unresolved"]
            if missing:
                hints = []
                for r in out:
                    if r["status"] == "unresolved":
                        hint = f" (did you mean {', '.join(r['suggestions'][:3])}?)" \
                            if r["suggestions"] else ""
                        hints.append(f"{r['query']!r}{hint}")
                msg = f"{len(missing)} place name(s) unresolved: {'; '.join(hints)}"
                raise GeocodeError(msg)
        return out

    def geocode(self, queries: str | Iterable[str], *,
                country: str | Iterable[str] | None = None,
                kinds: str | Iterable[str] | None = None,
                strict: bool = False) -> gpd.GeoDataFrame:
        """Resolve queries to a GeoDataFrame (see :func:`geocode`)."""
        return records_to_frame(self.records(queries, country=country, kinds=kinds,
                                             strict=strict))

    # ------------------------------------------------------------------ scanning
    def find_places(self, text: str, *, country: str | Iterable[str] | None = None,
                    longest_only: bool = True, min_length: int = 3,
                    require_capital: bool = True) -> list[dict[str, Any]]:
        """Every gazetteer name mentioned in ``text``, with character spans.

        See :func:`find_places`.
        """
        folded, offsets = fold_with_offsets(text)
        ctx = _Context(_country_codes(country), None)
        mentions: list[dict[str, Any]] = []
        spans = self._name_spans(folded, min_length)
        for start, end in sorted(spans):
            key = folded[start:end + 1]
            src_start, src_end = offsets[start], offsets[end] + 1
            surface = text[src_start:src_end]
            if require_capital and not (surface[:1].isupper() or is_arabic(surface)
                                        or surface[:1].isdigit()):
                continue
            hits = self._rank(self._exact(key), ctx)
            if not hits or (hits[0].layer == 1 and key in SCAN_STOPWORDS):
                continue
            e = self._entry(hits[0])
            mentions.append({
                "start": src_start, "end": src_end, "surface": surface, "name": e["name"],
                "kind": e["kind"], "country": e["country"], "lon": e["lon"], "lat": e["lat"],
                "geometry": e["geometry"], "geo_precision": e["geo_precision"],
                "uncertainty_m": e["uncertainty_m"], "score": 100.0 if hits[0].layer == 0
                else 90.0, "source_id": e["source_id"], "n_candidates": len(hits),
                "key": key})
        mentions.sort(key=lambda m: (m["start"], -(m["end"] - m["start"])))
        if longest_only:
            # Sorted by start (longest first), a mention lies inside an earlier kept
            # one exactly when it ends before the furthest end reached so far.
            kept: list[dict[str, Any]] = []
            reach = -1
            for m in mentions:
                if m["end"] <= reach:
                    continue
                kept.append(m)
                reach = max(reach, m["end"])
            mentions = kept
        return mentions

    def _name_spans(self, folded: str, min_length: int) -> list[tuple[int, int]]:
        """(start, end) of every run of whole words of ``folded`` that is an indexed name
        (``end`` inclusive), at least ``min_length`` long and not a bare number.

        Every run of up to the longest name's word count is looked up in the name
        dictionaries: a 10,000-character report is ~1,500 words, so ~10,000 lookups in C
        dicts (milliseconds), with no automaton to build, store or load.
        """
        if self._max_words is None:
            self._max_words = max(
                (key.count(" ") + 1 for gaz in self._layers for key, _ in gaz.by_fold.items()),
                default=1)
        starts = [m.start() for m in re.finditer(r"\S+", folded)]
        ends = [m.end() for m in re.finditer(r"\S+", folded)]
        indexes = [gaz.by_fold for gaz in self._layers]
        spans = []
        for i, start in enumerate(starts):
            for j in range(i, min(len(starts), i + self._max_words)):
                key = folded[start:ends[j]]
                if len(key) >= max(3, min_length) and not key.isdigit() \
                        and any(key in index for index in indexes):
                    spans.append((start, ends[j] - 1))
        return spans

    def prefer_countries(self, mentions: list[dict[str, Any]], countries: Iterable[str]
                         ) -> list[dict[str, Any]]:
        """Re-resolve shared names of :meth:`find_places` mentions towards ``countries``.

        Soft, unlike ``country=``: a mention whose name has no entry in those countries
        keeps its first answer, so nothing is dropped. Used by the geoparser once it
        knows which countries a text is about ("Dhiban" in a report on Syria).
        """
        wanted = set(countries)
        out = []
        for m in mentions:
            if m.get("n_candidates", 1) > 1 and m.get("country") not in wanted:
                hits = [h for h in self._exact(m["key"])
                        if self._gaz(h).country[h.idx] in wanted]
                if hits:
                    ranked = self._rank(hits, _Context())
                    e = self._entry(ranked[0])
                    m = {**m, "name": e["name"], "kind": e["kind"], "country": e["country"],
                         "lon": e["lon"], "lat": e["lat"], "geometry": e["geometry"],
                         "geo_precision": e["geo_precision"],
                         "uncertainty_m": e["uncertainty_m"],
                         "score": 100.0 if ranked[0].layer == 0 else 90.0,
                         "source_id": e["source_id"]}
            out.append(m)
        return out


def records_to_frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Turn :meth:`Geocoder.records` dicts into the documented GeoDataFrame."""
    import geopandas as gpd
    import pandas as pd
    import shapely.geometry

    frame = pd.DataFrame({c: [r.get(c) for r in records] for c in OUTPUT_COLUMNS})
    frame["geo_precision"] = frame["geo_precision"].astype("Int8")
    frame["uncertainty_m"] = pd.to_numeric(frame["uncertainty_m"]).astype("float64")
    frame["score"] = frame["score"].astype("float64")
    for column in ("query", "name", "kind", "country", "provider", "source_id", "status",
                   "match", "notes"):
        frame[column] = frame[column].astype("string")
    geoms = [shapely.geometry.shape(r["geometry"]) if r.get("geometry") else None
             for r in records]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
                            crs="EPSG:4326")


_DEFAULT: dict[tuple[str, ...], Geocoder] = {}


def default_geocoder(providers: Sequence[str] = ("gazetteer",)) -> Geocoder:
    """Return the process-wide :class:`Geocoder` for ``providers`` (built once, then reused)."""
    key = tuple(providers)
    if key not in _DEFAULT:
        _DEFAULT[key] = Geocoder(providers)
    return _DEFAULT[key]


def geocode(queries: str | Iterable[str], *, country: str | Iterable[str] | None = None,
            kinds: str | Iterable[str] | None = None,
            providers: Sequence[str] = ("gazetteer",), strict: bool = False
            ) -> gpd.GeoDataFrame:
    """Resolve place names to locations with precision and uncertainty.

    Parameters
    ----------
    queries
        One name or a list of names, as reported ("Mashtal, Baghdad", "Tower 22",
        "Red Sea shipping lanes", "دير الزور").
    country
        Restrict to these countries (ISO alpha-3/alpha-2 codes or names). Places with
        no country (open sea) always pass.
    kinds
        Restrict to these kinds (``"neighbourhood"``, ``"city"``, ``"base"``,
        ``"sea"``, ``"shipping lane"``, ``"admin1"``, ``"country"``...).
    providers
        ``("gazetteer",)`` (offline, default) or with ``"nominatim"`` (online, opt-in).
    strict
        Raise :class:`~geoconflict.errors.GeocodeError` listing unresolved names.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per query in order, nothing dropped, with columns
        :data:`OUTPUT_COLUMNS` and ``geometry`` (Point, LineString or Polygon; None
        when unresolved). ``status`` is ``resolved``, ``ambiguous`` (``candidates``
        lists the alternatives) or ``unresolved`` (``suggestions`` says "did you
        mean"). ``match`` says how: ``exact``, ``transliteration``, ``fuzzy``,
        ``qualifier``, ``parent-fallback`` or ``none``.

    Examples
    --------
    >>> hits = geocode(["Mashtal, Baghdad", "Tower 22", "Red Sea shipping lanes"])
    >>> for row in hits[["name", "kind", "geo_precision"]].values.tolist():
    ...     print(row)
    ['Mashtal', 'neighbourhood', 2]
    ['Tower 22', 'outpost', 1]
    ['Red Sea shipping lane', 'shipping lane', 2]
    """
    return default_geocoder(providers).geocode(queries, country=country, kinds=kinds, strict=strict)


def find_places(text: str, *, country: str | Iterable[str] | None = None,
                longest_only: bool = True, require_capital: bool = True
                ) -> list[dict[str, Any]]:
    """Find every gazetteer place name in running text.

    The text is folded exactly like the index (case, diacritics, apostrophes, Arabic
    letter variants) with a map back to the original offsets; every run of whole words
    is then looked up in the name index (a 10,000-character report scans in
    milliseconds).

    Parameters
    ----------
    text
        Any text, Latin or Arabic script.
    country
        Prefer entries in these countries when a name is shared.
    longest_only
        Drop a mention lying inside a longer one ("Baghdad" inside "New Baghdad").
        Pass False to get every candidate span, overlapping ones included.
    require_capital
        Keep only Latin mentions that start with a capital letter in the text, which
        removes most common words that are also place names.

    Returns
    -------
    list of dict
        Sorted by position; each has ``start``, ``end`` (``text[start:end] ==
        surface``), ``surface``, ``name``, ``kind``, ``country``, ``lon``, ``lat``,
        ``geometry`` (GeoJSON), ``geo_precision``, ``uncertainty_m``, ``score``
        (100 curated, 90 GeoNames), ``source_id`` and ``n_candidates`` (how many
        entries share the name).

    Examples
    --------
    >>> [m["name"] for m in find_places("A drone hit Tower 22 near Rukban.")]
    ['Tower 22', 'Rukban camp']
    """
    return default_geocoder().find_places(text, country=country, longest_only=longest_only,
                                  require_capital=require_capital)
