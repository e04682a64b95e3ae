"""The in-memory place index: parallel entry arrays and name -> entry postings.

Used by the builder (:mod:`._build`), the cache (:mod:`._gazetteer`) and the matcher
(:mod:`._geocoder`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import accumulate, chain
from typing import Any

from ._normalize import fold, is_arabic, latin, skeleton

__all__ = ["NAME", "PREFIX", "TRANSLIT", "Gazetteer", "NameIndex"]

#: :meth:`NameIndex.scan_flags` bits: the run is an indexed name; it begins a longer one.
NAME, PREFIX = 1, 2

#: ISO alpha-2 codes whose places enter the transliteration (skeleton) index: where
#: names reach reports transliterated from Arabic, Persian, Kurdish, Somali or Tigrinya.
#: Elsewhere a consonant key finds more far-away namesakes than respellings ("Akashat"
#: would become a village in Kazakhstan).
TRANSLIT: frozenset[str] = frozenset((
    "IQ", "SY", "JO", "LB", "IL", "PS", "SA", "KW", "BH", "QA", "AE", "OM", "YE", "IR", "TR",
    "EG", "SD", "SS", "ER", "DJ", "SO", "ET", "CY", "LY", "TN", "DZ", "MA", "EH", "MR", "ML",
    "NE", "TD", "AF", "PK"))


class NameIndex:
    """Name key -> entry ids.

    A dict of lists while building; once :meth:`freeze` is called, a sorted list of keys
    with flat ``array`` postings, the form :mod:`._store` writes and reads (loading
    800,000 keys as a dict of lists would cost most of the CLI's cold start).
    """

    def __init__(self) -> None:
        self._dict: dict[str, list[int]] | None = {}
        self.keys: list[str] = []
        self.start = array("i")
        self.ids = array("i")
        self._pos: dict[str, int] | None = None
        self._lookups = 0
        self._prefixes: set[str] | None = None  # the dict form's word prefixes (scans)

    def add(self, key: str, idx: int) -> None:
        """Map ``key`` to entry ``idx`` (build phase only)."""
        assert self._dict is not None, "index is frozen"
        ids = self._dict.setdefault(key, [])
        self._prefixes = None
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
            # The first lookups bisect the sorted keys (a one-name CLI call needs a few
            # dozen); after that a key -> position dict (~0.1 s for 800,000 keys, in C)
            # makes every lookup O(1), which batches and text scans need.
            self._lookups += 1
            if self._lookups < 500:
                i = bisect_left(self.keys, key)
                if i == len(self.keys) or self.keys[i] != key:
                    return []
            else:
                self.warm()
        if self._pos is not None:
            found = self._pos.get(key)
            if found is None:
                return []
            i = found
        start, end = self.start[i], self.start[i + 1]
        return [self.ids[start]] if end - start == 1 else list(self.ids[start:end])

    def warm(self) -> None:
        """Build the key -> position dict now rather than at the 500th lookup (before
        forking workers, so each does not build its own)."""
        if self._dict is None and self._pos is None:
            self._pos = dict(zip(self.keys, range(len(self.keys)), strict=True))

    def scan_flags(self, run: str) -> int:
        """:data:`NAME` if ``run`` is an indexed name, ``|`` :data:`PREFIX` if some
        name starts with ``run`` and a space (a text scan extends the run by one more
        word only then).

        Frozen (the big indexes): one bisection of the sorted keys, in C, with no set
        of name prefixes to build or store (half the 800,000 names have several
        words). The dict form (small layers) keeps a set of its names' word prefixes.
        """
        if self._dict is not None:
            if self._prefixes is None:
                self._prefixes = {key[:i] for key in self._dict
                                  for i, ch in enumerate(key) if ch == " "}
            return (NAME if self._dict.get(run) else 0) \
                | (PREFIX if run in self._prefixes else 0)
        keys = self.keys
        n = len(keys)
        i = bisect_left(keys, run)
        flags = 0
        if i < n and keys[i] == run:
            flags = NAME if self.start[i + 1] > self.start[i] else 0
            i += 1
        # The names that extend ``run`` follow it, ordered by their next character: the
        # first of them says whether one goes on with a space, unless its next character
        # sorts before the space (a control character: bisect for the space then).
        if i < n and keys[i].startswith(run):
            longer = run + " "
            nxt = keys[i][len(run)]
            if nxt < " ":
                i = bisect_left(keys, longer, i)
                nxt = " " if i < n and keys[i].startswith(longer) else ""
            if nxt == " ":
                flags |= PREFIX
        return flags

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
        #: loads ``by_skel`` on first use when the index came from the cache
        self._skel_loader: Callable[[], dict[str, list[str]]] | None = None
        #: an added gazetteer whose precise (precision 1) entries rank with the curated
        #: ones: incident histories and places files, not GeoNames dumps (every hamlet
        #: of those is precision 1; they rank like the embedded GeoNames)
        self.ranks_as_curated = False

    @property
    def by_skel(self) -> dict[str, list[str]]:
        """skeleton -> the folded names that have it; loaded from the cache on
        first use (only transliteration and typo queries need it)."""
        if self._by_skel is None:
            assert self._skel_loader is not None
            self._by_skel = self._skel_loader()
        return self._by_skel

    def __len__(self) -> int:
        return len(self.name)

    def add(self, *, name: str, kind: str, country: str | None, lon: float, lat: float,
            source_id: str, names: list[str], population: int = 0, geo_precision: int = 1,
            uncertainty_m: float = 2_000.0, parent: str | None = None,
            geometry: dict[str, Any] | None = None, transliterate: bool = True,
            keys: list[str] | None = None) -> int:
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
        # ``keys``: the names already folded by the caller (the builder folds each once).
        folded = list(dict.fromkeys(
            k for k in (keys if keys is not None else map(fold, [name, *names])) if k))
        by_fold = self.by_fold
        for key in folded:
            by_fold.add(key, idx)
        if transliterate:
            by_skel = self.by_skel
            # An entry known only by Arabic names is also filed under their Latin
            # transliteration's skeleton, so Latin queries find it; one with a Latin
            # name is found through that (its Arabic aliases would only add namesakes).
            latin_too = all(map(is_arabic, folded))
            for key in folded:
                for skel in {skeleton(key), skeleton(latin(key)) if latin_too else ""}:
                    if len(skel) >= 2:
                        spellings = by_skel.setdefault(skel, [])
                        if key not in spellings:
                            spellings.append(key)
        self.primary[idx] = fold(name)
        return idx
