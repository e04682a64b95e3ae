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
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from array import array
from pathlib import Path
from typing import Any

from ..errors import CacheError
from ._index import Gazetteer, NameIndex

__all__ = ["FORMAT", "copy_index", "load_index", "read_meta", "save_index"]

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
    manifest = {"format": FORMAT, "entries": len(gaz), "keys": len(keys),
                "skeletons": len(skel_keys), "kinds": kinds, "countries": countries,
                "meta": meta or {}}
    arrays = {
        "manifest": np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8),
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
    _publish(path, lambda fh: (np.savez_compressed if compressed else np.savez)(fh, **arrays))


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
