"""Place labels of a map: capitals, towns and country names, in the order they win.

Labels come from ``load_dataset("labels")`` (GeoNames via ``scripts/build_labels.py``:
every place of 15,000 people or more, English map names) and, for country names, the
label points of ``load_dataset("countries")`` (Natural Earth). A map sends the labels
inside its basemap's clip box, ranked: national capitals first, then the places its
incidents name, then country names, then every other town by population. The runtime
(``_webmap.js``) places them greedily in that order at each zoom, after the curated
sites' and deployments' labels, and drops any label whose box would touch one already
placed: no two labels ever overlap, and the ones that matter are placed first.

Each label also has the lowest zoom it may show at, by population (a capital from zoom
2, a town of 15,000 from zoom 9; a place the incidents name from zoom 0; a country by
the radius of its outline, from 2 to 6, and no country name beyond zoom 7), so a
continent is not covered in small towns even where they would fit.

A place counts as named by the incidents when an incident within 50 km gives it as its
``location`` (compared without case, accents, hyphens, apostrophes and an ``al-``/``el-``
article), or when it is the nearest label within 3 km of an incident that has a
location (ACLED and UCDP place an incident at its town's coordinates).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..datasets import DATASETS, load_dataset
from ..errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_LABELS", "label_payload", "place_key"]

#: At most this many town labels per map (the runtime places them at every zoom).
MAX_LABELS = 4000
#: (population at least, lowest zoom) for towns that are neither capitals nor named.
_ZOOM_BY_POPULATION = ((3_000_000, 3), (1_000_000, 4), (300_000, 5), (100_000, 6),
                       (50_000, 7), (25_000, 8), (0, 9))
#: (outline radius at least, lowest zoom) for country names: small entities only close up.
_ZOOM_BY_RADIUS = ((500_000, 2), (200_000, 3), (100_000, 4), (0, 6))
_ARTICLE = re.compile(r"^(?:a[dlnrstz]|ash|el)[\s\-']+")


def place_key(name: object) -> str:
    """A place name for matching: ASCII, lower case, no article, no separators.

    Examples
    --------
    >>> place_key("Al-Ḩudaydah"), place_key("Khan Yūnis"), place_key("Deir ez-Zor")
    ('hudaydah', 'khanyunis', 'deirezzor')
    """
    text = "".join(c for c in unicodedata.normalize("NFKD", str(name))
                   if not unicodedata.combining(c)).casefold().strip()
    text = _ARTICLE.sub("", text)
    return re.sub(r"[^0-9a-z]+", "", text)


@functools.cache
def _places() -> pd.DataFrame:
    return load_dataset("labels")


@functools.cache
def _countries() -> pd.DataFrame | None:
    if "countries" not in DATASETS:
        return None
    try:
        return load_dataset("countries")
    except DataError:
        return None


def _named(places: pd.DataFrame, named_by: Mapping[str, Any] | None) -> Any:
    """Boolean array: the places the incidents name (see the module docstring).

    ``named_by`` is the incident layer's payload (``lon``, ``lat`` and the ``location``
    text column, dictionary-encoded or plain), so nothing is recomputed per incident."""
    import numpy as np
    import pandas as pd

    named = np.zeros(len(places), dtype=bool)
    col = (named_by or {}).get("text", {}).get("location")
    if not col or not len(places):
        return named
    if "s" in col:
        spellings, codes = list(col["s"]), np.asarray(col["i"], dtype=np.int64)
    else:
        codes, seen = pd.factorize(pd.Series(col["v"], dtype=object), use_na_sentinel=True)
        spellings = [str(u) for u in seen]
    ok = codes >= 0
    if not ok.any():
        return named
    assert named_by is not None
    lon = np.array(named_by["lon"], dtype=np.float64)[ok]
    lat = np.array(named_by["lat"], dtype=np.float64)[ok]
    # a name matches within about 50 km: positions kept once per name and 0.1 degree
    keys = np.array([place_key(v) for v in spellings], dtype=object)[codes[ok]]
    spots = pd.DataFrame({"key": keys, "lon": np.round(lon, 1), "lat": np.round(lat, 1)})
    spots = spots.drop_duplicates()
    px = places["lon"].to_numpy(dtype=np.float64)
    py = places["lat"].to_numpy(dtype=np.float64)
    candidates = np.flatnonzero(places["key"].isin(set(spots["key"])).to_numpy())
    if len(candidates):
        by_key = {k: g[["lon", "lat"]].to_numpy() for k, g in spots.groupby("key")}
        place_keys = places["key"].to_numpy()
        for i in candidates:
            xy = by_key[place_keys[i]]
            near = (np.abs(xy[:, 0] - px[i]) < 0.6) & (np.abs(xy[:, 1] - py[i]) < 0.45)
            named[i] = bool(near.any())
    # the nearest place within about 3 km of each distinct incident position
    uniq = np.unique(np.column_stack([np.round(lon, 2), np.round(lat, 2)]), axis=0)
    hit = _nearest_within(px, py, uniq[:, 0], uniq[:, 1], 0.03)
    named[hit[hit >= 0]] = True
    return named


def _nearest_within(px: Any, py: Any, qx: Any, qy: Any, radius: float) -> Any:
    """For each query point, the index of the nearest point (px, py) within ``radius``
    (degrees, planar), or -1: a grid of ``radius`` cells, the 9 cells around each query
    searched with numpy (no k-d tree, whose import costs more than the search)."""
    import numpy as np

    m = 1 << 20
    cx, cy = np.floor(px / radius).astype(np.int64), np.floor(py / radius).astype(np.int64)
    keys = cx * m + cy
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    qcx, qcy = np.floor(qx / radius).astype(np.int64), np.floor(qy / radius).astype(np.int64)
    best = np.full(len(qx), -1, dtype=np.int64)
    best_d = np.full(len(qx), np.inf)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            k = (qcx + dx) * m + (qcy + dy)
            lo = np.searchsorted(keys, k, "left")
            count = np.searchsorted(keys, k, "right") - lo
            for t in range(int(count.max(initial=0))):
                q = np.flatnonzero(count > t)
                i = order[lo[q] + t]
                d = np.hypot(px[i] - qx[q], py[i] - qy[q])
                better = (d <= radius) & (d < best_d[q])
                best[q[better]] = i[better]
                best_d[q[better]] = d[better]
    return best


def _country_zoom(radius_m: Any) -> Any:
    """The lowest zoom of a country's name, by the radius of its outline."""
    import numpy as np

    zoom = np.full(len(radius_m), _ZOOM_BY_RADIUS[-1][1], dtype=np.int64)
    for low, z in reversed(_ZOOM_BY_RADIUS):
        zoom[radius_m >= low] = z
    return zoom


def _min_zoom(population: Any) -> Any:
    import numpy as np

    zoom = np.full(len(population), _ZOOM_BY_POPULATION[-1][1], dtype=np.int64)
    for low, z in reversed(_ZOOM_BY_POPULATION):
        zoom[population >= low] = z
    return zoom


def label_payload(box: tuple[float, float, float, float],
                  named_by: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The labels inside ``box`` (west, south, east, north) as column arrays in the order
    they win: ``name``, ``lon``, ``lat``, ``kind`` (0 capital, 1 named by an incident,
    2 country, 3 town) and ``zoom`` (the lowest zoom each may show at). ``named_by`` is
    the incident layer's payload (None: no incidents)."""
    import numpy as np

    try:
        places = _places()
    except DataError:
        return None
    west, south, east, north = box
    inside = places[places["lon"].between(west, east) & places["lat"].between(south, north)]
    inside = inside.assign(key=[place_key(n) for n in inside["name"]])
    named = _named(inside, named_by)
    capital = inside["capital"].to_numpy() == 1
    kind = np.where(capital, 0, np.where(named, 1, 3))
    zoom = np.where(capital, 2, np.where(named, 0, _min_zoom(inside["population"].to_numpy())))
    order = np.lexsort((inside["name"].to_numpy(), -inside["population"].to_numpy(), kind))
    order = order[:MAX_LABELS]
    names = inside["name"].to_numpy()[order].tolist()
    lons = inside["lon"].to_numpy()[order].tolist()
    lats = inside["lat"].to_numpy()[order].tolist()
    kinds = kind[order].tolist()
    zooms = zoom[order].tolist()
    countries = _countries()
    if countries is not None:
        c = countries[countries["label_lon"].between(west, east)
                      & countries["label_lat"].between(south, north)]
        c = c.sort_values(["radius_m", "name"], ascending=[False, True])
        # after the capitals and named places, before the towns
        at = sum(1 for k in kinds if k < 2)
        names[at:at] = c["name"].astype(str).tolist()
        lons[at:at] = np.round(c["label_lon"].to_numpy(dtype=float), 3).tolist()
        lats[at:at] = np.round(c["label_lat"].to_numpy(dtype=float), 3).tolist()
        kinds[at:at] = [2] * len(c)
        zooms[at:at] = _country_zoom(c["radius_m"].to_numpy(dtype=np.float64)).tolist()
    if not names:
        return None
    return {"name": names, "lon": lons, "lat": lats, "kind": kinds, "zoom": zooms}
