"""The place index on disk: data only, never code (issue 14, item 9).

One index is one uncompressed ``.npz`` file (a zip of ``.npy`` arrays) read with
``numpy.load(allow_pickle=False)``: a cache folder shared by a team or writable by
another user can at worst hold a damaged index, never run code in the analyst's
process. Strings are stored as one UTF-8 blob per column, NUL-separated; small
vocabularies (kind, country) as codes into a JSON list; optional strings with a mask.

Verification on load: zip checks every member's CRC-32 as it is read; a ``manifest``
member carries the format version and the entry and key counts, and every array's
length and every posting are checked against them. Any failure raises
:class:`~geoconflict.errors.CacheError`; the callers rebuild.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), so two
processes rebuilding at once each publish a complete file and readers never see half
of one.

Big indexes (an added ``allCountries``: 12 million entries) are not loaded but mapped
(:func:`map_index`): the uncompressed members are read in place through ``mmap``, as
read-only column views, so a process holding one costs the pages it touches, not the
gigabytes of Python strings a loaded copy would. Optional members keep them compact:
``*_end`` (each string's end offset, so a string is found without a scan),
``source_num`` with the manifest's ``source_prefix`` (a source id is the prefix and the
number: ``NAME@VERSION:geonames:`` + GeoNames id). A mapped index is checked for its
structure on load (manifest, every member's length, string offsets, postings in range);
the members' CRC-32 is not re-read on every load (that would read the whole file), so a
flipped byte there shows as a wrong value, never as code.
"""

from __future__ import annotations

import io
import json
import mmap
import os
import struct
import tempfile
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from ..errors import CacheError
from ._index import Gazetteer, NameIndex

__all__ = ["FORMAT", "copy_index", "load_index", "map_index", "read_meta", "save_columns",
           "save_index"]

#: Version of the on-disk layout (bumped on any change to the members below).
FORMAT = "geoconflict-index-1"
_SEP = "\x00"


def _blob(values: list[str]) -> Any:
    import numpy as np

    text = _SEP.join(v.replace(_SEP, " ") for v in values)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _strings(raw: Any, n: int, what: str) -> list[str]:
    if n == 0:
        return []
    out = bytes(raw).decode("utf-8").split(_SEP)
    if len(out) != n:
        raise CacheError(f"index column {what}: {len(out)} strings for {n} entries")
    return out


def _codes(values: list[str | None]) -> tuple[Any, list[str]]:
    import numpy as np

    vocab = sorted({v for v in values if v is not None})
    pos = {v: i for i, v in enumerate(vocab)}
    return np.array([pos[v] if v is not None else -1 for v in values], dtype=np.int32), vocab


def _postings(index: NameIndex) -> tuple[list[str], Any, Any]:
    import numpy as np

    index.freeze()
    return (index.keys, np.frombuffer(index.start, dtype=np.int32),
            np.frombuffer(index.ids, dtype=np.int32))


def save_index(gaz: Gazetteer, path: Path, meta: dict[str, Any] | None = None, *,
               compressed: bool = False) -> None:
    """Write ``gaz`` to ``path`` atomically (see the module docstring); ``compressed``
    deflates the members (a third of the size, slower to read: the shipped index)."""
    import numpy as np

    keys, start, ids = _postings(gaz.by_fold)
    key_pos = {k: i for i, k in enumerate(keys)}
    skel = gaz.by_skel
    skel_keys = sorted(skel)
    skel_members = [key_pos[name] for s in skel_keys for name in skel[s] if name in key_pos]
    skel_start = np.zeros(len(skel_keys) + 1, dtype=np.int32)
    np.cumsum([sum(1 for name in skel[s] if name in key_pos) for s in skel_keys],
              out=skel_start[1:])
    kind, kinds = _codes(list(gaz.kind))
    country, countries = _codes(list(gaz.country))
    parent_mask = np.array([p is not None for p in gaz.parent], dtype=bool)
    arrays = {
        "name": _blob(gaz.name), "source_id": _blob(gaz.source_id),
        "parent": _blob([p or "" for p in gaz.parent]), "parent_mask": parent_mask,
        "kind": kind, "country": country,
        "lon": np.frombuffer(gaz.lon, dtype=np.float64),
        "lat": np.frombuffer(gaz.lat, dtype=np.float64),
        "population": np.frombuffer(gaz.population, dtype=np.int64),
        "geo_precision": np.frombuffer(gaz.geo_precision, dtype=np.int8),
        "uncertainty_m": np.frombuffer(gaz.uncertainty_m, dtype=np.float64),
        "admin1_of": np.frombuffer(gaz.admin1_of, dtype=np.int32),
        "geometry": np.frombuffer(json.dumps({str(k): v for k, v in gaz.geometry.items()})
                                  .encode(), dtype=np.uint8),
        "primary": np.frombuffer(json.dumps({str(k): v for k, v in gaz.primary.items()})
                                 .encode(), dtype=np.uint8),
        "keys": _blob(keys), "start": start, "ids": ids,
        "skel_keys": _blob(skel_keys), "skel_start": skel_start,
        "skel_members": np.array(skel_members, dtype=np.int32),
    }
    save_columns(path, arrays, entries=len(gaz), keys=len(keys), skeletons=len(skel_keys),
                 kinds=kinds, countries=countries, meta=meta or {}, compressed=compressed)


def save_columns(path: Path, arrays: dict[str, Any], *, entries: int, keys: int,
                 skeletons: int, kinds: list[str], countries: list[str],
                 meta: dict[str, Any], source_prefix: str | None = None,
                 compressed: bool = False) -> None:
    """Write an index already in columns (the members :func:`save_index` writes, plus the
    optional ``*_end`` and ``source_num``: see the module docstring) with its manifest,
    atomically; uncompressed (the default) so it can be mapped. The streaming GeoNames
    reader builds indexes this way: no Python object per entry."""
    import numpy as np

    manifest: dict[str, Any] = {"format": FORMAT, "entries": entries, "keys": keys,
                                "skeletons": skeletons, "kinds": kinds,
                                "countries": countries, "meta": meta}
    if source_prefix is not None:
        manifest["source_prefix"] = source_prefix
    members = {"manifest": np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8),
               **arrays}
    _publish(path, lambda fh: (np.savez_compressed if compressed else np.savez)(fh, **members))


def _publish(path: Path, write: Any) -> None:
    """Call ``write(binary file)`` on a temporary file next to ``path``, then move it
    into place (atomic: readers see the old file or the whole new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        # mkstemp makes the file private; a cache shared by a team needs the umask's mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def copy_index(src: Path, dst: Path) -> None:
    """Copy an index to ``dst`` uncompressed (fast to load), atomically. Every member's
    CRC-32 is checked as it is read.

    Raises
    ------
    CacheError
        If ``src`` is damaged (``dst`` is then left as it was).
    OSError
        If ``dst`` cannot be written.
    """
    try:
        with zipfile.ZipFile(src) as zf:
            members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CacheError(f"index {src} unreadable: {exc}") from exc

    def write(fh: Any) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as out:
            for name, data in members:
                out.writestr(name, data)

    _publish(dst, write)


def read_meta(path: Path) -> dict[str, Any]:
    """The ``meta`` an index was saved with, reading only its manifest member.

    Raises
    ------
    CacheError
        If the file is not an index of this format.
    """
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as npz:
            manifest = json.loads(bytes(npz["manifest"]).decode())
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise CacheError(f"index {path} unreadable: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CacheError(f"index {path}: not a {FORMAT} index")
    return dict(manifest.get("meta") or {})


def _array(kind: str, raw: Any, n: int, what: str) -> array[Any]:
    out: array[Any] = array(kind)
    out.frombytes(raw.tobytes())
    if len(out) != n:
        raise CacheError(f"index column {what}: {len(out)} values for {n} entries")
    return out


def load_index(path: Path) -> tuple[Gazetteer, dict[str, Any]]:
    """Read and verify an index written by :func:`save_index`; return it and its meta.

    Raises
    ------
    CacheError
        If the file is missing members, damaged (CRC), of another format or
        inconsistent.
    """
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as npz:
            data = {name: npz[name] for name in npz.files if not name.startswith("skel_")}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise CacheError(f"index {path} unreadable: {exc}") from exc
    try:
        manifest = json.loads(bytes(data["manifest"]).decode())
        if manifest.get("format") != FORMAT:
            raise CacheError(f"index {path}: format {manifest.get('format')!r}, not {FORMAT}")
        n, n_keys = int(manifest["entries"]), int(manifest["keys"])
        gaz = Gazetteer()
        gaz.name = _strings(data["name"], n, "name")
        if "source_num" in data:
            prefix = str(manifest["source_prefix"])
            gaz.source_id = [prefix + str(v) for v in data["source_num"].tolist()]
        else:
            gaz.source_id = _strings(data["source_id"], n, "source_id")
        mask = data["parent_mask"]
        if mask.any():
            parents = _strings(data["parent"], n, "parent")
            gaz.parent = [p if m else None for p, m in zip(parents, mask.tolist(), strict=True)]
        else:  # the base index: no parents (only curated records name one)
            gaz.parent = [None] * n
        kinds, countries = manifest["kinds"], manifest["countries"]
        gaz.kind = [kinds[i] for i in data["kind"].tolist()]
        gaz.country = [countries[i] if i >= 0 else None for i in data["country"].tolist()]
        gaz.lon = _array("d", data["lon"], n, "lon")
        gaz.lat = _array("d", data["lat"], n, "lat")
        gaz.population = _array("q", data["population"], n, "population")
        gaz.geo_precision = _array("b", data["geo_precision"], n, "geo_precision")
        gaz.uncertainty_m = _array("d", data["uncertainty_m"], n, "uncertainty_m")
        gaz.admin1_of = _array("i", data["admin1_of"], n, "admin1_of")
        gaz.geometry = {int(k): v for k, v in json.loads(bytes(data["geometry"])).items()}
        gaz.primary = {int(k): v for k, v in json.loads(bytes(data["primary"])).items()}
        index = NameIndex()
        index._dict = None
        index.keys = _strings(data["keys"], n_keys, "keys")
        index.start = _array("i", data["start"], n_keys + 1, "start")
        ids = data["ids"]
        index.ids = _array("i", ids, int(index.start[-1]) if n_keys else 0, "ids")
        if len(ids) and (int(ids.max()) >= n or int(ids.min()) < 0):
            raise CacheError(f"index {path}: a posting points outside the entries")
        if any(len(c) != n for c in (gaz.kind, gaz.country)):
            raise CacheError(f"index {path}: kind/country columns of the wrong length")
        gaz.by_fold = index
    except (KeyError, IndexError, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise CacheError(f"index {path} inconsistent: {exc}") from exc
    gaz._by_skel = None
    n_skel = int(manifest["skeletons"])
    gaz._skel_loader = lambda: _load_skeletons(path, index.keys, n_skel)
    return gaz, dict(manifest.get("meta") or {})


def _load_skeletons(path: Path, keys: list[str], n_skel: int) -> dict[str, list[str]]:
    """The skeleton index, read on first use (only transliteration needs it)."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as npz:
            skel_keys = _strings(npz["skel_keys"], n_skel, "skel_keys")
            start = npz["skel_start"].tolist()
            members = npz["skel_members"].tolist()
        return {s: [keys[m] for m in members[start[i]:start[i + 1]]]
                for i, s in enumerate(skel_keys)}
    except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile) as exc:
        raise CacheError(f"index {path}: skeleton members unreadable: {exc}") from exc


# ------------------------------------------------------------------- mapped indexes
class _Strings:
    """A read-only sequence of the strings of a NUL-separated blob, decoded on access."""

    __slots__ = ("_blob", "_ends", "_n")

    def __init__(self, blob: Any, ends: Any) -> None:
        self._blob, self._ends, self._n = blob, ends, len(ends)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> str:
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        start = self._ends[i - 1] + 1 if i else 0
        # Mapped members are not CRC-checked on each load: a flipped byte reads as a
        # replacement character rather than failing a lookup.
        return bytes(self._blob[start:self._ends[i]]).decode("utf-8", "replace")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(self._n))


class _Coded:
    """Codes into a vocabulary (kind, country), decoded on access; -1 is None."""

    __slots__ = ("_codes", "_vocab")

    def __init__(self, codes: Any, vocab: list[str]) -> None:
        self._codes, self._vocab = codes, vocab

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, i: int) -> str | None:
        code = self._codes[i]
        return self._vocab[code] if 0 <= code < len(self._vocab) else None


class _Prefixed:
    """Source ids stored as a common prefix and one number per entry."""

    __slots__ = ("_nums", "_prefix")

    def __init__(self, prefix: str, nums: Any) -> None:
        self._prefix, self._nums = prefix, nums

    def __len__(self) -> int:
        return len(self._nums)

    def __getitem__(self, i: int) -> str:
        return f"{self._prefix}{self._nums[i]}"


class _Optional:
    """Strings with a mask (parents): None where the mask is off."""

    __slots__ = ("_mask", "_strings")

    def __init__(self, strings: _Strings | None, mask: Any) -> None:
        self._strings, self._mask = strings, mask

    def __len__(self) -> int:
        return len(self._mask)

    def __getitem__(self, i: int) -> str | None:
        return self._strings[i] if self._strings is not None and self._mask[i] else None


class _MappedNames(NameIndex):
    """A frozen :class:`NameIndex` over mapped members: bisection of the sorted keys for
    every lookup (no key -> position dict: 20 million keys would cost gigabytes)."""

    def __init__(self, keys: _Strings, start: Any, ids: Any) -> None:
        super().__init__()
        self._dict = None
        self.keys = cast("list[str]", keys)  # read-only: bisected and indexed only
        self.start, self.ids = start, ids

    def get(self, key: str) -> list[int]:
        i = bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return []
        return list(self.ids[self.start[i]:self.start[i + 1]])

    def warm(self) -> None:
        """Nothing to warm: lookups bisect the mapped keys."""


class _MappedSkeletons:
    """skeleton -> folded names, over mapped members (the ``by_skel`` of a mapped index)."""

    def __init__(self, skel_keys: _Strings, start: Any, members: Any, keys: _Strings) -> None:
        self._skel_keys, self._start, self._members, self._keys = skel_keys, start, members, keys

    def __len__(self) -> int:
        return len(self._skel_keys)

    def get(self, skel: str, default: Any = None) -> list[str] | Any:
        i = bisect_left(self._skel_keys, skel)
        if i == len(self._skel_keys) or self._skel_keys[i] != skel:
            return default
        return [self._keys[m] for m in self._members[self._start[i]:self._start[i + 1]]]


def _npy_members(path: Path, mm: mmap.mmap) -> dict[str, Any]:
    """Every member of an uncompressed npz as a memoryview of ``mm``, by name, checked
    against its own ``.npy`` header (read without evaluating code)."""
    import numpy as np

    out: dict[str, Any] = {}
    view = memoryview(mm)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED:
            raise CacheError(f"index {path}: member {info.filename} is compressed")
        head = mm[info.header_offset:info.header_offset + 30]
        if head[:4] != b"PK\x03\x04":
            raise CacheError(f"index {path}: member {info.filename} has no local header")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        data = info.header_offset + 30 + name_len + extra_len
        fp = io.BytesIO(mm[data:data + min(info.file_size, 1 << 16)])
        version = np.lib.format.read_magic(fp)
        shape, fortran, dtype = (np.lib.format.read_array_header_1_0(fp) if version == (1, 0)
                                 else np.lib.format.read_array_header_2_0(fp))
        if fortran or len(shape) != 1 or dtype.hasobject or not dtype.isnative:
            raise CacheError(f"index {path}: member {info.filename} is not a flat array")
        begin = data + fp.tell()
        end = begin + shape[0] * dtype.itemsize
        if end > data + info.file_size:
            raise CacheError(f"index {path}: member {info.filename} is truncated")
        raw = view[begin:end]
        out[info.filename.removesuffix(".npy")] = raw if dtype.char in "B?" \
            else raw.cast(cast(Any, dtype.char))
    return out


def map_index(path: Path) -> tuple[Gazetteer, dict[str, Any]]:
    """Map an uncompressed index in place (see the module docstring): the entries'
    columns and postings become read-only views of the file. Returns it and its meta.

    Raises
    ------
    CacheError
        If the file is not an uncompressed index of this format, or inconsistent.
    """
    import numpy as np

    try:
        with path.open("rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        m = _npy_members(path, mm)
        manifest = json.loads(bytes(m["manifest"]).decode())
        if manifest.get("format") != FORMAT:
            raise CacheError(f"index {path}: format {manifest.get('format')!r}, not {FORMAT}")
        n, n_keys, n_skel = (int(manifest[k]) for k in ("entries", "keys", "skeletons"))

        def strings(name: str, count: int) -> _Strings:
            blob = m[name]
            ends = m.get(f"{name}_end")
            if ends is None:  # written by save_index: find the separators once
                arr = np.frombuffer(blob, dtype=np.uint8)
                ends = np.append(np.flatnonzero(arr == 0), len(arr)).astype(np.int64).data \
                    if count else memoryview(b"").cast("q")
            if len(ends) != count or (count and ends[count - 1] != len(blob)):
                raise CacheError(f"index {path}: column {name} holds the wrong count")
            return _Strings(blob, ends)

        def column(name: str, count: int) -> memoryview:
            if len(m[name]) != count:
                raise CacheError(f"index {path}: column {name}: {len(m[name])} values "
                                 f"for {count}")
            return m[name]

        gaz = Gazetteer()
        col = cast(Any, gaz)  # read-only column views where the builder keeps lists
        col.name = strings("name", n)
        col.source_id = _Prefixed(manifest["source_prefix"], column("source_num", n)) \
            if "source_num" in m else strings("source_id", n)
        mask = column("parent_mask", n)
        has_parent = bool(np.frombuffer(mask, dtype=np.uint8).any()) if n else False
        col.parent = _Optional(strings("parent", n) if has_parent else None, mask)
        col.kind = _Coded(column("kind", n), list(manifest["kinds"]))
        col.country = _Coded(column("country", n), list(manifest["countries"]))
        for name in ("lon", "lat", "population", "geo_precision", "uncertainty_m",
                     "admin1_of"):
            setattr(gaz, name, column(name, n))
        gaz.geometry = {int(k): v for k, v in json.loads(bytes(m["geometry"])).items()}
        gaz.primary = {int(k): v for k, v in json.loads(bytes(m["primary"])).items()}
        keys = strings("keys", n_keys)
        start, ids = column("start", n_keys + 1), m["ids"]
        if len(ids) != (start[n_keys] if n_keys else 0):
            raise CacheError(f"index {path}: {len(ids)} postings, the keys say "
                             f"{start[n_keys]}")
        flat = np.frombuffer(ids, dtype=np.int32)
        if len(flat) and (int(flat.max()) >= n or int(flat.min()) < 0):
            raise CacheError(f"index {path}: a posting points outside the entries")
        gaz.by_fold = _MappedNames(keys, start, ids)
        members = m["skel_members"]
        if len(members) and int(np.frombuffer(members, dtype=np.int32).max()) >= n_keys:
            raise CacheError(f"index {path}: a skeleton points outside the keys")
        gaz._by_skel = cast("dict[str, list[str]]", _MappedSkeletons(
            strings("skel_keys", n_skel), column("skel_start", n_skel + 1), members, keys))
    except CacheError:
        raise
    except (OSError, ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError,
            EOFError, zipfile.BadZipFile) as exc:
        raise CacheError(f"index {path} unreadable: {exc}") from exc
    return gaz, dict(manifest.get("meta") or {})
