"""Encoded polylines: compact ASCII text for coordinate rings (vectorised with numpy).

Google's *encoded polyline algorithm* (each value is a zig-zag varint of 5-bit chunks,
offset by 63 into the printable range ``?`` .. ``~``), applied here to **lon, lat** pairs
quantised to ``10**-digits`` degrees and delta-encoded along the ring (the first point is
absolute). At 1e-3 degrees a vertex of a generalised outline costs 3-5 characters, about a
quarter of its GeoJSON text. The characters never include ``"``, ``,``, ``;`` or a space,
so strings can sit in CSV cells and be joined by ``;`` (polygons) and `` `` (rings).

Used by the world basemap (``scripts/build_world_basemap.py`` writes
``data/basemap/world.csv``; :mod:`geoconflict.webmap._basemap` reads it and sends the
clipped outlines to the page, whose runtime decodes them with the same rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["decode", "encode", "encode_many"]


def encode(coords: np.ndarray, digits: int) -> str:
    """Encode an ``(n, 2)`` array of lon/lat as one polyline string.

    Examples
    --------
    >>> import numpy as np
    >>> encode(np.array([[38.5, -120.2], [40.7, -120.95]]), 5)
    '_p~iF~ps|U_ulLnnqC'
    """
    return encode_many([coords], digits)[0]


def encode_many(arrays: list[np.ndarray], digits: int) -> list[str]:
    """Encode many ``(n, 2)`` lon/lat arrays at once (one numpy pass for all of them)."""
    import numpy as np

    if not arrays:
        return []
    sizes = np.array([len(a) for a in arrays], dtype=np.int64)
    if not sizes.sum():
        return [""] * len(arrays)
    q = np.round(np.concatenate([np.asarray(a, dtype=float).reshape(-1, 2) for a in arrays])
                 * 10.0**digits).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    firsts = (np.cumsum(sizes) - sizes)[sizes > 0]
    deltas[firsts] = q[firsts]                  # each string starts from absolute values
    z = deltas.ravel()
    z = (z << 1) ^ (z >> 63)                    # zig-zag: small magnitudes, small codes
    n = np.ones(len(z), dtype=np.int64)
    for k in range(1, 13):
        n += z >= (1 << (5 * k))
    idx = np.repeat(np.arange(len(z)), n)
    starts = np.cumsum(n) - n
    j = np.arange(int(n.sum())) - starts[idx]
    chunk = (z[idx] >> (5 * j)) & 31
    chunk |= (j < n[idx] - 1) * 32
    text = (chunk + 63).astype(np.uint8).tobytes().decode("ascii")
    per_value = n.reshape(-1, 2).sum(axis=1)
    ends = np.concatenate(([0], np.cumsum(per_value)))[np.cumsum(sizes)]
    out, begin = [], 0
    for end in ends.tolist():
        out.append(text[begin:end])
        begin = end
    return out


def decode(text: str, digits: int) -> np.ndarray:
    """Decode one polyline string into an ``(n, 2)`` float array of lon/lat.

    Examples
    --------
    >>> decode('_p~iF~ps|U_ulLnnqC', 5).tolist()
    [[38.5, -120.2], [40.7, -120.95]]
    """
    import numpy as np

    if not text:
        return np.zeros((0, 2))
    b = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.int64) - 63
    end = (b & 32) == 0
    starts = np.flatnonzero(np.concatenate(([True], end[:-1])))
    vid = np.cumsum(np.concatenate(([0], end[:-1].astype(np.int64))))
    j = np.arange(len(b)) - starts[vid]
    z = np.add.reduceat((b & 31) << (5 * j), starts)
    values = (z >> 1) ^ -(z & 1)
    q = np.cumsum(values.reshape(-1, 2), axis=0)
    return np.round(q / 10.0**digits, digits)
