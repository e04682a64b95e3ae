"""GeoNames dumps (the 19-column format) streamed into an index, in bounded memory.

Used by :mod:`._user` for ``gazetteer add`` of ``XX.txt``, ``XX.zip``, ``allCountries``
and ``cities*.txt``. A full ``allCountries`` has about 12 million rows and 20 million
names: one Python object per entry would take tens of gigabytes, so the reader keeps
no object per row:

- the entries go into flat columns as they are read (``array`` of floats and ints, the
  names into one UTF-8 ``bytearray``, kinds and countries as codes, the source id as
  the GeoNames id under one prefix);
- every (folded name, entry) pair and, for the places of :data:`~._index.TRANSLIT`
  countries, every (name, skeleton) pair is sorted in runs of :data:`RUN` lines written
  to a temporary folder, then merged (``heapq.merge``) straight into the index's sorted
  keys and postings: memory holds one run, not the 20 million names.

The index is written uncompressed with :func:`._store.save_columns` and read back
mapped (:func:`._store.map_index`). Rows are checked as they are read: a row without 19
columns or with a bad number raises :class:`~geoconflict.errors.GazetteerError` naming
the line, before anything is published.
"""

from __future__ import annotations

import heapq
import io
import math
import tempfile
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import GazetteerError
from ._index import TRANSLIT
from ._normalize import fold, is_arabic, latin, skeleton
from ._store import save_columns

__all__ = ["GEONAMES_COLUMNS", "GEONAMES_KINDS", "RUN", "geonames_lines", "index_dump",
           "is_geonames_dump"]

#: GeoNames feature code -> gazetteer kind.
GEONAMES_KINDS: dict[str, str] = {
    "PPLX": "neighbourhood", "PPLQ": "town", "PPLC": "city", "PPLA": "city",
    "CMPRF": "camp", "CMP": "camp", "AIRP": "airport", "AIRF": "airport", "AIRH": "airport",
    "AIRB": "air base", "INSM": "military base", "MILB": "military base", "PRT": "port",
    "PRN": "port", "HSP": "hospital", "HSPC": "hospital", "PS": "power plant",
    "PSN": "power plant", "DAM": "dam", "PSTB": "crossing", "ADM1": "admin1",
    "ADM2": "admin2", "ADM3": "admin3", "RGN": "region", "OILT": "oil terminal",
}
GEONAMES_COLUMNS = 19
#: Lines per sorted run (about 150 MB of Python strings at a time).
RUN = 2_000_000
# fold() keeps an LRU cache for queries; 20 million one-off names would only churn it.
_fold = getattr(fold, "__wrapped__", fold)


def geonames_lines(path: Path) -> Iterator[str]:
    """The lines of a dump, from a ``.txt`` or the one ``.txt`` inside a ``.zip``."""
    if path.suffix.lower() == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise GazetteerError(f"{path}: not a readable zip ({exc})") from exc
        with zf:
            members = [m for m in zf.namelist() if m.endswith(".txt")
                       and not m.lower().startswith("readme")]
            if len(members) != 1:
                msg = f"{path}: expected one GeoNames .txt inside, found {members}"
                raise GazetteerError(msg)
            with zf.open(members[0]) as raw:
                try:
                    yield from io.TextIOWrapper(raw, encoding="utf-8")
                except (zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:
                    raise GazetteerError(f"{path}: damaged ({exc})") from exc
        return
    with path.open(encoding="utf-8") as fh:
        try:
            yield from fh
        except UnicodeDecodeError as exc:
            raise GazetteerError(f"{path}: not UTF-8 ({exc})") from exc


def is_geonames_dump(path: Path) -> bool:
    """True if ``path``'s first line has the 19 tab-separated GeoNames columns."""
    try:
        first = next(iter(geonames_lines(path)), "")
    except (GazetteerError, OSError):
        return False
    parts = first.rstrip("\n").split("\t")
    return len(parts) == GEONAMES_COLUMNS and parts[0].isdigit()


def _uncertainty_m(kind: str, feature_class: str, population: int) -> float:
    if feature_class == "P" and kind != "neighbourhood":
        area_km2 = max(population, 1) / 5_000.0
        return float(round(min(25_000.0, max(1_000.0, 1_000.0 * math.sqrt(area_km2 / math.pi))),
                           -2))
    return {"A": 25_000.0, "S": 1_000.0, "P": 1_500.0}.get(feature_class, 5_000.0)


def _sorted(lines: Iterable[str], folder: Path, tag: str) -> Iterator[str]:
    """``lines`` in sorted order: runs of :data:`RUN` sorted in memory and written to
    ``folder``, then merged; a single run never touches the disk."""
    runs: list[Path] = []
    buf: list[str] = []
    for line in lines:
        buf.append(line)
        if len(buf) >= RUN:
            buf.sort()
            runs.append(folder / f"{tag}{len(runs)}")
            runs[-1].write_text("".join(buf), encoding="utf-8")
            buf = []
    buf.sort()
    if not runs:
        yield from buf
        return
    if buf:
        runs.append(folder / f"{tag}{len(runs)}")
        runs[-1].write_text("".join(buf), encoding="utf-8")
        buf = []
    handles = [p.open(encoding="utf-8", buffering=1 << 20) for p in runs]
    try:
        yield from heapq.merge(*handles)
    finally:
        for fh in handles:
            fh.close()


class _Columns:
    """The entry columns of a dump being read, flat (no object per row)."""

    def __init__(self) -> None:
        import pycountry

        self.iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
        self.names = bytearray()
        self.name_end = array("q")
        self.gid, self.population = array("q"), array("q")
        self.lon, self.lat, self.uncertainty = array("d"), array("d"), array("d")
        self.precision = array("b")
        self.kind, self.country = array("i"), array("i")
        self.kinds: dict[str, int] = {}
        self.countries: dict[str, int] = {}

    def code(self, vocab: dict[str, int], value: str | None) -> int:
        if value is None:
            return -1
        return vocab.setdefault(value, len(vocab))

    def add(self, parts: list[str]) -> None:
        gid, lat, lon = int(parts[0]), float(parts[4]), float(parts[5])
        population = int(parts[14] or 0)
        fclass, fcode = parts[6], parts[7]
        kind = GEONAMES_KINDS.get(fcode) or ("town" if fclass == "P" else fcode.lower()
                                             or "place")
        if kind == "town" and population >= 100_000:
            kind = "city"
        if self.names:
            self.names.append(0)
        self.names += parts[1].replace("\x00", " ").encode("utf-8")
        self.name_end.append(len(self.names))
        self.gid.append(gid)
        self.population.append(population)
        self.lon.append(lon)
        self.lat.append(lat)
        self.uncertainty.append(_uncertainty_m(kind, fclass, population))
        self.precision.append(3 if fclass == "A" else (1 if fclass in ("P", "S") else 2))
        self.kind.append(self.code(self.kinds, kind))
        self.country.append(self.code(self.countries, self.iso3.get(parts[8])))


def _read(path: Path, cols: _Columns, skel_pairs: list[str]) -> Iterator[str]:
    """Fill ``cols`` row by row; yield the "key TAB entry" lines, and append the
    "key TAB skeleton" lines of :data:`TRANSLIT` places to ``skel_pairs``'s runs (via
    the caller's generator)."""
    translit = TRANSLIT
    for lineno, line in enumerate(geonames_lines(path), start=1):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != GEONAMES_COLUMNS:
            msg = (f"{path}, line {lineno}: {len(parts)} columns, a GeoNames dump has "
                   f"{GEONAMES_COLUMNS}")
            raise GazetteerError(msg)
        idx = len(cols.gid)
        try:
            cols.add(parts)
        except ValueError as exc:
            raise GazetteerError(f"{path}, line {lineno}: {exc}") from exc
        names = [parts[1], parts[2]]
        if parts[3]:
            names += parts[3].split(",")
        # The name and its ASCII form are mostly equal: fold each spelling once.
        keys = [k for k in dict.fromkeys(map(_fold, dict.fromkeys(names))) if k]
        for key in keys:
            yield f"{key}\t{idx:010d}\n"
        if parts[8] in translit:
            latin_too = all(map(is_arabic, keys))
            for key in keys:
                for skel in {skeleton(key), skeleton(latin(key)) if latin_too else ""}:
                    if len(skel) >= 2:
                        skel_pairs.append(f"{key}\t{skel}\n")


def index_dump(path: Path, out: Path, *, name: str, version: str,
               meta: dict[str, Any]) -> int:
    """Index GeoNames dump ``path`` as gazetteer ``name`` into ``out``; return the
    number of entries (see the module docstring).

    Raises
    ------
    GazetteerError
        A row of the wrong shape, a bad number, no rows: ``out`` is then untouched.
    """
    import numpy as np

    cols = _Columns()
    skel_lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="geoconflict-gazetteer-") as tmp:
        folder = Path(tmp)
        skel_runs: list[Iterator[str]] = []

        def pairs() -> Iterator[str]:
            for line in _read(path, cols, skel_lines):
                yield line
                if len(skel_lines) >= RUN:
                    skel_runs.append(_spill(skel_lines, folder, len(skel_runs)))
                    skel_lines.clear()

        # Keys and postings, from the merged (key, entry) runs.
        keys, key_end, start, ids = _grouped(_sorted(pairs(), folder, "k"))
        if not cols.gid:
            raise GazetteerError(f"{path}: no GeoNames records")
        skel_lines.sort()
        skel_runs.append(iter(skel_lines))
        skel = _skeletons(heapq.merge(*skel_runs), keys, key_end, folder)
    n = len(cols.gid)
    arrays = {
        "name": np.frombuffer(cols.names, dtype=np.uint8),
        "name_end": np.frombuffer(cols.name_end, dtype=np.int64),
        "source_num": np.frombuffer(cols.gid, dtype=np.int64),
        "parent": np.zeros(0, dtype=np.uint8), "parent_mask": np.zeros(n, dtype=bool),
        "kind": np.frombuffer(cols.kind, dtype=np.int32),
        "country": np.frombuffer(cols.country, dtype=np.int32),
        "lon": np.frombuffer(cols.lon, dtype=np.float64),
        "lat": np.frombuffer(cols.lat, dtype=np.float64),
        "population": np.frombuffer(cols.population, dtype=np.int64),
        "geo_precision": np.frombuffer(cols.precision, dtype=np.int8),
        "uncertainty_m": np.frombuffer(cols.uncertainty, dtype=np.float64),
        "admin1_of": np.full(n, -1, dtype=np.int32),
        "geometry": np.frombuffer(b"{}", dtype=np.uint8),
        "primary": np.frombuffer(b"{}", dtype=np.uint8),
        "keys": np.frombuffer(keys, dtype=np.uint8),
        "keys_end": np.frombuffer(key_end, dtype=np.int64),
        "start": np.frombuffer(start, dtype=np.int32),
        "ids": np.frombuffer(ids, dtype=np.int32), **skel.arrays,
    }
    kinds = sorted(cols.kinds, key=cols.kinds.__getitem__)
    countries = sorted(cols.countries, key=cols.countries.__getitem__)
    save_columns(out, arrays, entries=n, keys=len(key_end), skeletons=skel.count,
                 kinds=kinds, countries=countries, meta={**meta, "entries": n},
                 source_prefix=f"{name}@{version}:geonames:")
    return n


def _spill(lines: list[str], folder: Path, i: int) -> Iterator[str]:
    """Sort ``lines`` into run file ``s<i>`` of ``folder``; iterate it back lazily."""
    lines.sort()
    run = folder / f"s{i}"
    run.write_text("".join(lines), encoding="utf-8")

    def read() -> Iterator[str]:
        with run.open(encoding="utf-8", buffering=1 << 20) as fh:
            yield from fh

    return read()


class _Skel:
    def __init__(self, arrays: dict[str, Any], count: int) -> None:
        self.arrays, self.count = arrays, count


def _skeletons(pairs: Iterator[str], keys: bytearray, key_end: array[int],
               folder: Path) -> _Skel:
    """The skeleton members from sorted "key TAB skeleton" lines: each key is found by
    walking the sorted keys alongside (both are in key order), then the (skeleton,
    key position) lines are sorted again by skeleton."""
    import numpy as np

    def positions() -> Iterator[str]:
        pos, n = 0, len(key_end)
        current = _key_at(keys, key_end, 0) if n else ""
        for line in pairs:
            key, _, skel = line.rstrip("\n").partition("\t")
            while current != key:  # every key of a pair is among the keys
                pos += 1
                current = _key_at(keys, key_end, pos)
            yield f"{skel}\t{pos:010d}\n"

    skel_keys, skel_end, skel_start, members = _grouped(_sorted(positions(), folder, "p"),
                                                        unique=True)
    return _Skel({"skel_keys": np.frombuffer(skel_keys, dtype=np.uint8),
                  "skel_keys_end": np.frombuffer(skel_end, dtype=np.int64),
                  "skel_start": np.frombuffer(skel_start, dtype=np.int32),
                  "skel_members": np.frombuffer(members, dtype=np.int32)}, len(skel_end))


def _grouped(lines: Iterable[str], *, unique: bool = False
             ) -> tuple[bytearray, array[int], array[int], array[int]]:
    """Sorted "key TAB number" lines as an index's sorted keys (one UTF-8 blob, NUL
    between keys, and each key's end offset) and its postings (each key's start in the
    numbers, then the numbers); ``unique`` skips repeated lines."""
    blob = bytearray()
    ends, start, values = array("q"), array("i", [0]), array("i")
    previous = last = None
    for line in lines:
        if unique and line == last:
            continue
        last = line
        key, _, value = line.rstrip("\n").partition("\t")
        if key != previous:
            if previous is not None:
                blob.append(0)
                start.append(len(values))
            blob += key.encode("utf-8")
            ends.append(len(blob))
            previous = key
        values.append(int(value))
    if previous is not None:
        start.append(len(values))
    return blob, ends, start, values


def _key_at(keys: bytearray, key_end: array[int], i: int) -> str:
    start = key_end[i - 1] + 1 if i else 0
    return keys[start:key_end[i]].decode("utf-8")
