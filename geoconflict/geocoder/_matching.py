"""The matching tiers and the ranking of candidates, under :class:`~._geocoder.Geocoder`.

Tiers (each returns :class:`_Hit` candidates from every layer of the gazetteer):

1. **exact/normalised**: the query's :func:`~._normalize.fold` equals an indexed name or
   alias (case, diacritics, punctuation, Arabic article and letter variants ignored);
2. **transliteration**: the consonant :func:`~._normalize.skeleton` matches
   ("Machtal" = "Mashtal", "Dayr az Zawr" = "Deir ez-Zor");
3. **fuzzy**: ``rapidfuzz.process.extract`` over a *blocked* candidate set (names that
   share the query's first two or last three letters and have a similar length), so a
   typo costs a few hundred comparisons, not 800,000;
4. **codes**: ICAO/IATA airport codes, under their own keys.

Ranking (:meth:`_Matcher._rank_key`), most important first: the kind a qualifier asked
for, the tier, being inside the context place (``near``, a parent, a country), the
hinted country (the batch's or the text's own, see :mod:`._context`), curated before
the rest, for a query that begins with the Arabic article a place of the Arab world or
named with the article ("Ad Dali": Aḑ Ḑāli‘, Yemen, before Dali, China), the match
score, the class (country, region, city, admin1, town...) and the population.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .._geodesic import geod
from ..datasets import dataset_path
from ..errors import GeocodeError
from ._airports import code_key
from ._gazetteer import country_outline
from ._normalize import fold, has_article, is_arabic, latin, skeleton
from ._qualifiers import KIND_ALIASES

if TYPE_CHECKING:
    from ._index import Gazetteer

__all__ = ["_Context", "_Hit", "_Matcher", "_Result"]

_TRANSLIT_MIN_RATIO = 75.0
_AMBIGUOUS_KM = 25.0
_FUZZY_MAX_KEYS = 2_000_000  # the base has ~800,000 names
_ARABIC_MIN_RATIO = 55.0  # latinised Arabic lacks short vowels: "musal" vs "mosul" 60
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
    article: bool = False  # the query begins with the Arabic article ("Ad Dali")


@dataclass
class _Hit:
    layer: int  # 0 curated, 1 GeoNames/ISO base
    idx: int
    tier: int  # 1 exact/normalised, 2 transliteration, 3 fuzzy
    score: float
    alias: bool = False  # curated entry matched through an alias only
    key: str = ""  # the indexed name a fuzzy hit matched


@dataclass
class _Result:
    hits: list[_Hit]
    match: str
    precision: int | None = None  # overrides the entry's own (qualifiers)
    min_uncertainty_m: float = 0.0
    notes: list[str] = field(default_factory=list)
    score_factor: float = 1.0
    ctx: _Context | None = None  # the context the hits were ranked in


@lru_cache(maxsize=65_536)
def _own_fold(name: str) -> str:
    """The fold of an entry's own name (the base index keeps no primary-name map)."""
    return fold(name)


@lru_cache(maxsize=1)
def _article_countries() -> frozenset[str]:
    """Where place names carry the Arabic article: the Arab world of ``data/regions.csv``
    (the 22 members of the Arab League, cited there)."""
    with dataset_path("regions").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["id"] == "arab-world":
                return frozenset(row["members"].split())
    return frozenset()


def _geod_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance on the WGS84 ellipsoid, in km."""
    # imported here: pyproj loads only when two candidates must be compared by distance

    return float(abs(geod().inv(lon1, lat1, lon2, lat2)[2])) / 1000.0


@lru_cache(maxsize=1)
def _table_codes() -> frozenset[str]:
    """The alpha-3 codes of ``data/countries.csv``."""
    with dataset_path("countries").open(encoding="utf-8", newline="") as fh:
        return frozenset(row["iso_a3"] for row in csv.DictReader(fh) if row["iso_a3"])


def _country_codes(country: str | Iterable[str] | None) -> frozenset[str] | None:
    """ISO alpha-3 codes for names/alpha-2/alpha-3 given by the user."""
    if country is None:
        return None
    items = [country] if isinstance(country, str) else list(country)
    out = set()
    own = _table_codes()
    for item in items:
        if item.strip().upper() in own:
            # the codes the gazetteer itself returns, ISO's or Natural Earth's own for
            # places ISO does not list (Kosovo "KOS", Scarborough Reef "SCR")
            out.add(item.strip().upper())
            continue
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


class _Matcher:
    """Candidate lookup and ranking over ``self._layers`` (set by the subclass)."""

    _layers: tuple[Gazetteer, ...]
    curated: Gazetteer
    base: Gazetteer
    max_edits: int | None
    _blocks: dict[tuple[str, int], list[str]] | None

    # ----------------------------------------------------------------- matching tiers
    def _exact(self, key: str) -> list[_Hit]:
        hits = []
        for layer, gaz in enumerate(self._layers):
            for idx in gaz.by_fold.get(key):
                primary = gaz.primary.get(idx)
                alias = (primary if primary is not None else _own_fold(gaz.name[idx])) != key
                hits.append(_Hit(layer, idx, 1, 100.0, alias))
        return hits

    def _translit(self, key: str, min_ratio: float = _TRANSLIT_MIN_RATIO) -> list[_Hit]:
        """Names with the query's consonant skeleton, kept only when also close as
        strings (skeletons collide: "Akashat" ~ "Kushtia") and scored by closeness."""
        from rapidfuzz import fuzz, process

        # Arabic <-> Latin: an Arabic query is also looked up by its transliteration's
        # skeleton, and every spelling is compared in Latin letters; Arabic has no
        # short vowels, so its closeness threshold is lower.
        queries = {skeleton(key): key}
        arabic = is_arabic(key)
        if arabic:
            queries.setdefault(skeleton(latin(key)), key)
        hits = []
        for skel in queries:
            if len(skel) < 3:  # two consonants collide with too many places
                continue
            for layer, gaz in enumerate(self._layers):
                spellings = gaz.by_skel.get(skel)
                if not spellings:
                    continue
                latin_spellings = [latin(s) for s in spellings]
                for _, similarity, i in process.extract(
                        latin(key), latin_spellings, scorer=fuzz.ratio,
                        score_cutoff=min(min_ratio, _ARABIC_MIN_RATIO), limit=8):
                    either = arabic or is_arabic(spellings[i])
                    if similarity < (_ARABIC_MIN_RATIO if either else min_ratio):
                        continue
                    hits += [_Hit(layer, idx, 2, 80.0 + 0.2 * similarity, layer == 0)
                             for idx in gaz.by_fold.get(spellings[i])]
        return hits

    def _fuzzy_blocks(self) -> dict[tuple[str, int], list[str]]:
        """Folded names by (first 2-3 letters, length) and (last three, length).

        Built on the first fuzzy query (~0.3 s for 110,000 names) and kept. A layer of
        more than :data:`_FUZZY_MAX_KEYS` names (an added ``allCountries``) takes no part:
        its blocks would cost gigabytes and minutes; its names are still found exactly
        and by transliteration.
        """
        if self._blocks is None:
            blocks: dict[tuple[str, int], list[str]] = {}
            for gaz in self._layers:
                if len(gaz.by_fold) > _FUZZY_MAX_KEYS:
                    continue
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
                    hits.append(_Hit(layer, idx, 3, score, layer == 0, name))
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
                  towns: dict[int, int] | None = None,
                  kind_max: dict[str, int] | None = None) -> tuple[float, ...]:
        gaz = self._gaz(hit)
        kind = gaz.kind[hit.idx]
        curated = hit.layer == 0 and not (hit.alias and gaz.country[hit.idx] in big_city
                                           and kind not in ("neighbourhood", "district"))
        # An added history's or places file's precise entries rank with the curated ones,
        # above GeoNames; an added GeoNames dump ranks like GeoNames (its hamlet named
        # Jordan is not the country).
        curated = curated or (hit.layer >= 2 and gaz.ranks_as_curated
                              and gaz.geo_precision[hit.idx] == 1)
        class_rank = _CLASS_RANK.get(kind, 2.0)
        if kind == "admin1" and towns and hit.layer == 1 \
                and 20 * towns.get(hit.idx, -1) >= gaz.population[hit.idx]:
            # "Mafraq" the town before the governorate named after it; not the village
            # of California before the state (a town under 5 % of its province's people).
            class_rank = 1.0
        elif kind == "admin1" and hit.layer == 1 and (kind_max or {}).get("city") \
                and gaz.population[hit.idx] >= 10 * (kind_max or {})["city"]:
            # a province ten times the biggest city of its name ranks with cities and
            # above them: "Virginia" the state, not the South African town of 66,000;
            # "Baghdad" and "New York" stay the cities.
            class_rank = _CLASS_RANK["city"] + 0.1
        return (
            float(ctx.hint_kinds is not None and kind in ctx.hint_kinds),
            -hit.tier,
            float(self._in_context(hit, ctx))
            if (ctx.near or ctx.parent or ctx.parent_country) else 0.0,
            float(ctx.hint_country is not None and gaz.country[hit.idx] == ctx.hint_country),
            float(curated),
            # "Ad Dali" is Aḑ Ḑāli‘ (Yemen) before Dali (China): fold() drops the article
            # from both, but only one is named with it or lies where names carry it
            float(ctx.article and (gaz.country[hit.idx] in _article_countries()
                                   or has_article(gaz.name[hit.idx]))),
            hit.score,
            class_rank,
            # a place's own name before another place's alternate name, in one class,
            # unless the other is ten times bigger: "Salem" is a Salem before Jerusalem,
            # "Montgomery" Alabama's before Sahiwal, but "Jenin" is Janīn, not a Polish
            # village of 1,100 named Jenin
            float(hit.tier == 1 and not hit.alias
                  and 10 * gaz.population[hit.idx] >= (kind_max or {}).get(kind, 0)),
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
        # province -> its biggest town of the name *inside it* (Mafraq in Mafraq; Delaware,
        # Ohio is no reason to put the town before the state of Delaware), and kind -> the
        # biggest population among the hits
        towns: dict[int, int] = {}
        kind_max: dict[str, int] = {}
        admin1_of = self.base.admin1_of
        for h in hits:
            g = self._gaz(h)
            kind, population = g.kind[h.idx], int(g.population[h.idx])
            kind_max[kind] = max(kind_max.get(kind, 0), population)
            if h.layer == 1 and kind in ("city", "town") \
                    and h.idx < len(admin1_of) and admin1_of[h.idx] >= 0:
                towns[admin1_of[h.idx]] = max(towns.get(admin1_of[h.idx], 0), population)
        seen: set[tuple[int, int]] = set()
        unique = []
        for h in sorted(hits, key=lambda h: self._rank_key(h, ctx, big_city, towns, kind_max),
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
        if has_article(text) != ctx.article:
            ctx = replace(ctx, article=has_article(text))
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

    def _typo_rivals(self, hits: list[_Hit], ctx: _Context) -> list[_Hit]:
        """For a typo (fuzzy) answer: the best place of each *other* name within reach of
        the query that lies more than 25 km from the answer and ranks level with it on
        kind, tier and context. Empty when every near spelling means the same place
        ("Bagdhad": 'bagdad' and 'baghdad' are both Baghdad).

        A typo match picks one name among those a few edits away; on a short name that
        neighbourhood is crowded ("Shifa": 'hifa' Haifa, 'shafa', 'shefa', 'shiba',
        'shira'... all one edit away), and population alone would pick the biggest as if
        it were certain. The caller reports such an answer ``ambiguous``.
        """
        top = hits[0]
        level = self._rank_key(top, ctx, set())[:4]
        gt = self._gaz(top)
        best: dict[str, _Hit] = {}
        for h in hits:  # ranked: the first hit of a name is that name's best place
            best.setdefault(h.key, h)
        rivals = []
        for key, h in best.items():
            if key == top.key or self._rank_key(h, ctx, set())[:4] != level \
                    or top.idx in self._layers[top.layer].by_fold.get(key):
                continue  # a name of the answer itself (ranking kept one hit per place)
            g = self._gaz(h)
            if _geod_km(gt.lon[top.idx], gt.lat[top.idx], g.lon[h.idx], g.lat[h.idx]) \
                    > _AMBIGUOUS_KM:
                rivals.append(h)
        return rivals

    def _suggest(self, text: str) -> list[str]:
        key = fold(text)
        out: list[str] = []
        for hit in self._fuzzy(key, self._edits(key) + 1, limit=8):
            name = self._gaz(hit).name[hit.idx]
            if name not in out:
                out.append(name)
        return out[:5]
