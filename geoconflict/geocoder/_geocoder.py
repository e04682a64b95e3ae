"""Geocoding place names offline, with honest precision: :func:`geocode`, :func:`find_places`.

The resolver runs the matching tiers of :mod:`._matching` (exact/normalised, airport
codes, transliteration with its Arabic <-> Latin key, blocked fuzzy) over every layer:
the curated one, the embedded base (:mod:`._build`) and the analyst's added gazetteers
(:mod:`._user`).

Qualifiers (:mod:`._qualifiers`) are parsed when the whole query is not a name: ``"X, Y"``
/ ``"X in Y"`` (Y resolved first and used as context: country, parent, proximity),
ACLED's ``City-Part``, ``"eastern X"``, ``"near X"`` (precision 2), feature words in
English and Arabic (``"X camp"``, ``"مطار X"``...), ``"X province"``, ``"X shipping
lanes"`` (kind hints). A feature or neighbourhood that is not in the gazetteer never
collapses silently onto its town: the town comes back at precision 2 (or as
``match="parent-fallback"``) with a large ``uncertainty_m`` and a note. Context without a
country (``near=``, a row's admin names, the batch's pull) follows the rule written in
:mod:`._context`.

The CLI uses :meth:`Geocoder.records`, which builds plain dicts (GeoJSON geometries) and
needs neither pandas nor shapely, so a cold ``geoconflict geocode`` starts fast.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .. import _progress
from ..errors import GeocodeError, ProviderError, ProviderWarning
from ..schema import DEFAULT_UNCERTAINTY_M
from ._context import dominant_country, near_context
from ._gazetteer import (
    SCAN_STOPWORDS,
    load_gazetteer,
)
from ._index import NAME, PREFIX
from ._matching import (
    _Context,
    _country_codes,
    _Hit,
    _kind_set,
    _Matcher,
    _Result,
)
from ._nominatim import Nominatim
from ._normalize import fold, fold_with_offsets, is_arabic
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
from ._user import generation, load_user_layers

if TYPE_CHECKING:
    import geopandas as gpd

    from ._gazetteer import Gazetteer

__all__ = ["OUTPUT_COLUMNS", "Geocoder", "ProviderWarning", "find_places", "geocode"]

#: Columns of :func:`geocode`'s result, in order (geometry last).
OUTPUT_COLUMNS: tuple[str, ...] = (
    "query", "name", "kind", "country", "geo_precision", "uncertainty_m", "score",
    "provider", "source_id", "status", "match", "notes", "candidates", "suggestions",
)

_WORD = re.compile(r"\S+")
#: Runs remembered by :meth:`Geocoder._name_spans` before the memo starts over.
_SCAN_MEMO_MAX = 200_000
_ARABIC_PATTERNS = frozenset(p for p, _ in ARABIC_PREFIXES)
_SETTLEMENTS = frozenset(("city", "town", "admin1"))
# The English words features are filed under, by qualifier (see _named_feature).
_FEATURE_WORDS: dict[str, tuple[str, ...]] = {
    "airport": ("airport", "international airport"), "base": ("air base", "base"),
    "camp": ("camp", "refugee camp"), "port": ("port",), "crossing": ("crossing",
                                                                    "border crossing"),
    "hospital": ("hospital",), "plant": ("power plant", "dam"),
}



#: Uncertainty (m) of "X <feature>" answered by the place X itself, for features that
#: usually lie well outside the place they are named after.
_FALLBACK_RADIUS_M: dict[str, float] = {"plant": 60_000.0, "base": 30_000.0,
                                        "airport": 30_000.0, "port": 20_000.0}

class Geocoder(_Matcher):
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
        # Layers: 0 curated, 1 the embedded base, 2... the analyst's added gazetteers.
        self._layers: tuple[Gazetteer, ...] = (self.curated, self.base, *load_user_layers())
        self.generation = generation()
        self._blocks: dict[tuple[str, int], list[str]] | None = None
        #: word run -> NAME/PREFIX bits over every layer (see _name_spans); bounded
        self._scan_memo: dict[str, int] = {}
        #: (name key, country filter) -> the scan's answer for it (see _scan_top); bounded
        self._scan_hits: dict[tuple[str, frozenset[str] | None],
                              tuple[int, int, dict[str, Any]] | None] = {}
        self._nominatim_options = nominatim or {}
        self._nominatim: Any = None
        self._memo: dict[tuple[Any, ...], dict[str, Any]] = {}

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
        if top is not None and top.layer == 1 and "admin1" in kinds and not top.alias \
                and self.base.kind[top.idx] != "admin1" \
                and (a1 := self._admin1_of(top.idx)) >= 0:
            # "Deir ez-Zor province": the province that contains the city (of that very
            # name: an Ohio town once called Nineveh does not make Ohio "Nineveh province").
            return _Result([_Hit(1, a1, top.tier, top.score)], "qualifier", ctx=hinted)
        if top is not None and self._gaz(top).kind[top.idx] not in kinds:
            named = self._named_feature(core, top, alias, kinds, hinted)
            if named:
                return _Result(named, "qualifier", ctx=hinted)
        if top is None or self._gaz(top).kind[top.idx] not in kinds:
            contained = self._contains(core, kinds, hinted)
            if contained:
                return _Result(contained, "qualifier", ctx=hinted)
            if top is not None and result.match == "fuzzy" and alias in FEATURE_ALIASES:
                # "al-Shifa hospital": no such hospital, and 'Shifa' only as a typo of
                # another place (Haifa): a named feature is not placed by a guess.
                return _Result([], "none", notes=[
                    f"no {alias} named {core!r} in the gazetteer, and no place named "
                    f"{core!r} (closest spelling: {self._gaz(top).name[top.idx]!r})"])
            if top is not None:
                note = (f"no {alias} named {core!r} in the gazetteer; returned "
                        f"{self._gaz(top).name[top.idx]!r} ({self._gaz(top).kind[top.idx]})")
                if alias in FEATURE_ALIASES:
                    self._lower_precision(result, note + ": its own position, precision 2")
                    # Plants, dams, bases and airports are often named after a town tens
                    # of km away (Zaporizhzhia NPP ~50 km, Mosul Dam ~50 km, Baghdad
                    # airport ~16 km): the radius says so, not the town's own.
                    result.min_uncertainty_m = max(result.min_uncertainty_m,
                                                   _FALLBACK_RADIUS_M.get(alias, 0.0))
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
        if result.match == "fuzzy" and not ambiguous \
                and (rivals := self._typo_rivals(result.hits, result.ctx or ctx)):
            # A guess among several spellings of different places is said to be one.
            ambiguous = True
            result.hits = [top, *rivals]
            record["notes"] = "; ".join(filter(None, (record["notes"], (
                f"typo match: {query!r} is not in the gazetteer and {len(rivals) + 1} "
                f"names of different places are within the typos allowed ({top.key!r}, "
                + ", ".join(repr(h.key) for h in rivals[:4]) + "); the first is a guess"))))
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
        memo_key = (" ".join(query.casefold().split()), ctx.countries, ctx.kinds, ctx.near,
                    ctx.hint_country)
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
                kinds: str | Iterable[str] | None = None,
                near: Sequence[float] | None = None,
                context: Sequence[str | Sequence[str | None] | None] | None = None,
                pull: bool = True, strict: bool = False,
                progress: Any = None) -> list[dict[str, Any]]:
        """Resolve queries to plain dicts, one per query, in order (see :func:`geocode`).

        Context, strongest first (the rule in full: :mod:`geoconflict.geocoder._context`):
        ``country`` filters; ``near`` (``(lon, lat)``, ``(lon, lat, radius_m)`` or a
        bbox) and ``context`` (one entry per query: the admin names of its row, most
        general first, e.g. ``[admin1, admin2]``) favour candidates inside that area;
        ``pull`` lets the batch's dominant country pull the names that have a
        candidate there of the same tier. Then importance (kind, curation, class,
        population).
        """
        items = [queries] if isinstance(queries, str) else list(queries)
        ctx = _Context(_country_codes(country), _kind_set(kinds), near=near_context(near))
        if context is not None and len(context) != len(items):
            msg = f"context has {len(context)} entries for {len(items)} queries"
            raise GeocodeError(msg)
        texts = ["" if q is None or (isinstance(q, float) and math.isnan(q)) else str(q)
                 for q in items]
        ctxs = [ctx if context is None else self._row_context(ctx, context[i])
                for i in range(len(items))]
        out = []
        for text, row_ctx in zip(texts, ctxs, strict=True):
            out.append(self._lookup(text, row_ctx))
            if progress is not None:
                progress(1)
        if pull and len(out) > 2:
            self._pull(texts, ctxs, out)
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

    def _row_context(self, ctx: _Context, admins: str | Sequence[str | None] | None
                     ) -> _Context:
        """``ctx`` narrowed by a row's admin names, most general first: each is resolved
        inside the ones before it ("Somalia", then "Bari" the Somali region, not the
        Italian city), and one that resolves to another country is passed over."""
        names = [admins] if isinstance(admins, str) else list(admins or ())
        for name in names:
            if not name or (isinstance(name, float) and math.isnan(name)):
                continue
            rec = self._lookup(str(name), ctx)
            if rec["status"] == "unresolved" or rec.get("_ref") is None:
                continue
            if ctx.hint_country is not None and rec["country"] not in (None, ctx.hint_country):
                continue
            lon, lat = rec["_ref"]
            ctx = replace(ctx, near=(lon, lat, float(rec["uncertainty_m"] or 50_000.0)),
                          hint_country=rec["country"] or ctx.hint_country)
        return ctx

    def _pull(self, texts: list[str], ctxs: list[_Context], out: list[dict[str, Any]]
              ) -> None:
        """Move names towards the batch's dominant country (rule 3 of ``_context``)."""
        country = dominant_country(out)
        if country is None:
            return
        for i, rec in enumerate(out):
            if rec["status"] == "unresolved" or rec["country"] == country \
                    or ctxs[i].hint_country is not None:
                continue
            moved = self._lookup(texts[i], replace(ctxs[i], hint_country=country))
            if moved["country"] == country and moved["status"] != "unresolved":
                note = f"pulled to {country} by the other names of the batch"
                moved["notes"] = f"{moved['notes']}; {note}" if moved["notes"] else note
                out[i] = moved

    def geocode(self, queries: str | Iterable[str], *,
                country: str | Iterable[str] | None = None,
                kinds: str | Iterable[str] | None = None,
                near: Sequence[float] | None = None,
                context: Sequence[str | Sequence[str | None] | None] | None = None,
                pull: bool = True, strict: bool = False,
                progress: bool | None = None) -> gpd.GeoDataFrame:
        """Resolve queries to a GeoDataFrame (see :func:`geocode`)."""
        names = [queries] if isinstance(queries, str) else list(queries)
        with _progress.bar(len(names), "geocoding", unit="name",
                           progress=progress) as advance:
            records = self.records(names, country=country, kinds=kinds, near=near,
                                   context=context, pull=pull, strict=strict,
                                   progress=advance)
        return records_to_frame(records)

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
            found = self._scan_top(key, ctx)
            if found is None:
                continue
            layer, n_candidates, e = found
            geometry = e["geometry"]
            if geometry["type"] == "Point":  # its own copy, as _entry makes (shapes are shared)
                geometry = {"type": "Point", "coordinates": [e["lon"], e["lat"]]}
            mentions.append({
                "start": src_start, "end": src_end, "surface": surface, "name": e["name"],
                "kind": e["kind"], "country": e["country"], "lon": e["lon"], "lat": e["lat"],
                "geometry": geometry, "geo_precision": e["geo_precision"],
                "uncertainty_m": e["uncertainty_m"], "score": 100.0 if layer == 0
                else 90.0, "source_id": e["source_id"], "n_candidates": n_candidates,
                "key": key})
        mentions.sort(key=lambda m: (m["start"], -(m["end"] - m["start"])))
        return longest_mentions(mentions) if longest_only else mentions

    def _scan_top(self, key: str, ctx: _Context
                  ) -> tuple[int, int, dict[str, Any]] | None:
        """(layer, number of candidates, entry) of the best place named ``key`` for a
        text scan (None: no place, or a stopword of GeoNames), memoised per geocoder:
        the answer depends only on the name and the ``country`` filter."""
        memo_key = (key, ctx.countries)
        if memo_key in self._scan_hits:
            return self._scan_hits[memo_key]
        if len(self._scan_hits) > _SCAN_MEMO_MAX:
            self._scan_hits.clear()
        hits = self._rank(self._exact(key), ctx)
        found = None
        if hits and not (hits[0].layer >= 1 and key in SCAN_STOPWORDS):
            found = (hits[0].layer, len(hits), self._entry(hits[0]))
        self._scan_hits[memo_key] = found
        return found

    def warm(self) -> None:
        """Build the lookup tables that are otherwise built on first need (the name ->
        position dicts): call before forking worker processes, which then share them."""
        for gaz in self._layers:
            gaz.by_fold.warm()

    def _name_spans(self, folded: str, min_length: int) -> list[tuple[int, int]]:
        """(start, end) of every run of whole words of ``folded`` that is an indexed name
        (``end`` inclusive), at least ``min_length`` long and not a bare number.

        From each word, the run grows one word at a time only while some name begins
        with it (:meth:`NameIndex.scan_flags`), so most words cost one lookup; the bits
        of each run are memoised per geocoder (reports share most of their words).
        ``folded`` comes from :func:`fold_with_offsets`: words separated by single
        spaces.
        """
        memo = self._scan_memo
        if len(memo) > _SCAN_MEMO_MAX:
            memo.clear()
        indexes = [gaz.by_fold for gaz in self._layers]
        shortest = max(3, min_length)
        bounds = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
        n = len(bounds)
        spans = []
        for i, (start, end) in enumerate(bounds):
            j = i
            while True:
                run = folded[start:end]
                flags = memo.get(run)
                if flags is None:
                    flags = 0
                    for index in indexes:
                        flags |= index.scan_flags(run)
                    memo[run] = flags
                if flags & NAME and len(run) >= shortest and not run.isdigit():
                    spans.append((start, end - 1))
                j += 1
                if not flags & PREFIX or j == n:
                    break
                end = bounds[j][1]
        return spans


def longest_mentions(mentions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The mentions (dicts with ``start``/``end``) that lie inside no longer one, by start.

    Sorted by start, longest first, a mention lies inside an earlier kept one exactly
    when it ends before the furthest end reached so far (``find_places``'
    ``longest_only`` rule, also applied by the geoparser after its own filters).
    """
    ordered = sorted(mentions, key=lambda m: (m["start"], -(m["end"] - m["start"])))
    kept: list[dict[str, Any]] = []
    reach = -1
    for m in ordered:
        if m["end"] <= reach:
            continue
        kept.append(m)
        reach = max(reach, m["end"])
    return kept


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
    if key not in _DEFAULT or _DEFAULT[key].generation != generation():
        _DEFAULT[key] = Geocoder(providers)  # new, or gazetteers were added or removed
    return _DEFAULT[key]


def geocode(queries: str | Iterable[str], *, country: str | Iterable[str] | None = None,
            kinds: str | Iterable[str] | None = None,
            providers: Sequence[str] = ("gazetteer",),
            near: Sequence[float] | None = None,
            context: Sequence[str | Sequence[str | None] | None] | None = None,
            pull: bool = True, strict: bool = False,
            progress: bool | None = None) -> gpd.GeoDataFrame:
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
    near
        Favour places in this area: ``(lon, lat)`` (50 km), ``(lon, lat, radius_m)`` or
        a bounding box ``(min_lon, min_lat, max_lon, max_lat)``.
    context
        One entry per query: the admin names of its row (ACLED ``admin1``..``admin3``,
        UCDP ``adm_1``/``adm_2``), most general first; the most specific that resolves
        favours places inside it.
    pull
        Let the batch's dominant country pull the names that also exist there ("Bari"
        among Somali names); see :mod:`geoconflict.geocoder._context` for the rule.
    strict
        Raise :class:`~geoconflict.errors.GeocodeError` listing unresolved names.
    progress
        A progress bar over the names: None (default) draws one on a terminal or in
        Jupyter only, once the batch has taken half a second; True always; False never.

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
    return default_geocoder(providers).geocode(queries, country=country, kinds=kinds, near=near,
                                               context=context, pull=pull, strict=strict,
                                               progress=progress)


def find_places(text: str, *, country: str | Iterable[str] | None = None,
                longest_only: bool = True, require_capital: bool = True
                ) -> list[dict[str, Any]]:
    """Find every gazetteer place name in running text.

    The text is folded exactly like the index (case, diacritics, apostrophes, Arabic
    letter variants) with a map back to the original offsets; every run of whole words
    that is an indexed name is then found by growing runs from each word only while
    some name begins with them (about 1 ms of CPU for a 5,000-character report).

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
