"""The machinery of :func:`geoconflict.proximity.exposure`: partial sums and their merge.

Exposure is computed as *partials* (one per chunk of incidents) that are merged: sums of
counts and fatalities, the latest date, the nearest incident. The in-memory path is the
one-chunk case and the dask path maps the same :func:`partial` over partitions, so both
give identical tables.

Pairs within the largest radius come from a dual KD-tree traversal
(``cKDTree.sparse_distance_matrix``) in 3-D ellipsoid coordinates, which returns the chord
of each pair; the proven chord/geodesic bounds of :mod:`geoconflict._geodesic` settle
membership of almost every pair, and Karney's exact distance is computed only for the few
within about a metre of a radius.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _geodesic
from ..errors import DataChangedWarning, UnitError
from ._layers import ids_of, layer_points, type_slug

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from ._layers import Layer

NS_NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Spec:
    """Radii (m, ascending), their column labels and the period alias (or None)."""

    radii: tuple[float, ...]
    labels: tuple[str, ...]
    freq: str | None


def check_freq(freq: str | None) -> str | None:
    """Validate a period alias (``W``, ``M``, ``Q``, ``Y``, ``D``)."""
    if freq is None:
        return None
    import pandas as pd

    alias = {"ME": "M", "MS": "M", "QE": "Q", "YE": "Y", "A": "Y"}.get(freq.upper(),
                                                                       freq.upper())
    try:
        pd.Period("2024-01-15", freq=alias)
    except (ValueError, TypeError, AttributeError):
        msg = f"unknown period {freq!r}; use W (weekly), M (monthly), Q, Y or D"
        raise UnitError(msg) from None
    return alias


def _incident_columns(incidents: pd.DataFrame, ok: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Event-type codes and slugs, fatalities (null -> 0) and dates (int64 ns) of rows."""
    import pandas as pd

    n = int(ok.sum())
    if "event_type" in incidents.columns:
        codes, uniques = pd.factorize(incidents["event_type"].iloc[np.flatnonzero(ok)],
                                      use_na_sentinel=True)
        slugs = [type_slug(u) for u in uniques]
        if (codes < 0).any():
            slugs.append("unknown")
            codes = np.where(codes < 0, len(slugs) - 1, codes)
        # Two spellings with one type_slug share a code.
        merged = sorted(set(slugs))
        remap = np.array([merged.index(s) for s in slugs], dtype=np.int64)
        codes = remap[codes] if len(remap) else codes
        slugs = merged
    else:
        codes, slugs = np.zeros(n, dtype=np.int64), ["unknown"]
    if "fatalities" in incidents.columns:
        fat = pd.to_numeric(incidents["fatalities"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)[ok]
        fat = np.nan_to_num(fat, nan=0.0)
    else:
        fat = np.zeros(n)
    if "event_date" in incidents.columns:
        dates = pd.to_datetime(incidents["event_date"], errors="coerce").astype(
            "datetime64[ns]").to_numpy()[ok].view("int64")
    else:
        dates = np.full(n, NS_NAT, dtype=np.int64)
    return np.asarray(codes, dtype=np.int64), fat, slugs, dates


def _periods(dates: np.ndarray, freq: str | None) -> tuple[np.ndarray, list[str]]:
    """Period code of each incident (-1: no date) and the period labels."""
    import pandas as pd

    if freq is None:
        return np.zeros(dates.size, dtype=np.int64), [""]
    stamps = pd.DatetimeIndex(dates.view("datetime64[ns]"))
    codes, uniques = pd.factorize(stamps.to_period(freq), use_na_sentinel=True)
    undated = int((codes < 0).sum())
    if undated:
        warnings.warn(f"exposure per period: {undated} incidents without event_date are left "
                      "out of the per-period table", DataChangedWarning, stacklevel=4)
    return np.asarray(codes, dtype=np.int64), [str(p) for p in uniques]


def partial(dep: Layer, incidents: gpd.GeoDataFrame, spec: Spec) -> pd.DataFrame:
    """Exposure sums of one chunk of incidents: one row per (deployment, period)."""
    import pandas as pd
    from scipy.spatial import cKDTree

    pts = layer_points(incidents, "incidents")
    ok = pts.ok
    lon, lat = pts.lon[ok], pts.lat[ok]
    inc_ids = ids_of(incidents, "event_id", "id")[ok]
    types, fat, slugs, dates = _incident_columns(incidents, ok)
    period, labels = _periods(dates, spec.freq)
    m, n_per, n_typ = len(dep.ids), len(labels), len(slugs)
    size = m * n_per
    data: dict[str, Any] = {"dep": np.repeat(np.arange(m), n_per),
                            "period": np.tile(np.array(labels, dtype=object), m)}
    rows = cols = np.empty(0, dtype=np.int64)
    chord = np.empty(0)
    tree_i = None
    if m and lon.size:
        tree_d = cKDTree(_geodesic.ecef(dep.points.lon, dep.points.lat))
        tree_i = cKDTree(_geodesic.ecef(lon, lat), balanced_tree=False, compact_nodes=False)
        pairs = tree_d.sparse_distance_matrix(tree_i, spec.radii[-1] + _geodesic.MARGIN_M,
                                              output_type="ndarray")
        rows = pairs["i"].astype(np.int64)
        cols = pairs["j"].astype(np.int64)
        chord = pairs["v"]
        dated = period[cols] >= 0
        rows, cols, chord = rows[dated], cols[dated], chord[dated]
    exact = np.full(chord.size, np.nan)
    upper = _geodesic.chord_to_geodesic_upper(chord)
    inside = np.zeros(chord.size, dtype=bool)
    for radius, label in zip(spec.radii, spec.labels, strict=True):
        inside = upper < radius - _geodesic.MARGIN_M
        open_ = ~inside & (chord <= radius + _geodesic.MARGIN_M)
        todo = open_ & np.isnan(exact)
        if todo.any():
            d, _ = _geodesic.inverse(dep.points.lon[rows[todo]], dep.points.lat[rows[todo]],
                                     lon[cols[todo]], lat[cols[todo]])
            exact[todo] = d
        inside |= open_ & (exact <= radius)
        key = rows[inside] * n_per + period[cols[inside]]
        data[f"n|{label}"] = np.bincount(key, minlength=size)
        data[f"f|{label}"] = np.bincount(key, weights=fat[cols[inside]], minlength=size)
        tkey = key * n_typ + types[cols[inside]]
        by_n = np.bincount(tkey, minlength=size * n_typ).reshape(size, n_typ)
        by_f = np.bincount(tkey, weights=fat[cols[inside]],
                           minlength=size * n_typ).reshape(size, n_typ)
        for t, slug in enumerate(slugs):
            data[f"n|{label}|{slug}"] = by_n[:, t]
            data[f"f|{label}|{slug}"] = by_f[:, t]
    # ``inside`` now holds the largest radius: the latest incident within it.
    last = np.full(size, NS_NAT, dtype=np.int64)
    if inside.any():
        key = rows[inside] * n_per + period[cols[inside]]
        np.maximum.at(last, key, dates[cols[inside]])
    data["last"] = last.view("datetime64[ns]")  # int64 min is NaT
    near_m = np.full(size, np.nan)
    near_id = np.full(size, None, dtype=object)
    if m and lon.size:
        whole = spec.freq is None
        for p in range(n_per):
            sel = np.flatnonzero(period == p) if not whole else np.arange(lon.size)
            # Without periods the pair search's incident tree serves the nearest search too.
            target_tree = tree_i if whole else None
            idx, d, _ = _geodesic.knearest(dep.points.lon, dep.points.lat, lon[sel], lat[sel],
                                           k=1, target_tree=target_tree)
            found = idx[:, 0] >= 0
            slot = np.arange(m) * n_per + p
            near_m[slot[found]] = d[found, 0]
            near_id[slot[found]] = inc_ids[sel[idx[found, 0]]]
    data["near_m"] = near_m
    data["near_id"] = near_id
    return pd.DataFrame(data)


def combine(dep: Layer, partials: list[pd.DataFrame], spec: Spec) -> gpd.GeoDataFrame:
    """Merge partials into the exposure table (see :func:`geoconflict.exposure`)."""
    import geopandas as gpd
    import pandas as pd

    frame = pd.concat(partials, ignore_index=True) if partials else pd.DataFrame()
    sums = [c for c in frame.columns if c[:2] in ("n|", "f|")]
    frame[sums] = frame[sums].fillna(0)
    keys = ["dep", "period"]
    if len(frame):
        totals = frame.groupby(keys, sort=False)[sums].sum()
        last = frame.groupby(keys, sort=False)["last"].max()
        best = frame.sort_values("near_m", kind="stable", na_position="last")
        near = best.groupby(keys, sort=False)[["near_m", "near_id"]].first()
        merged = totals.join(last).join(near).reset_index()
    else:
        merged = pd.DataFrame(columns=[*keys, *sums, "last", "near_m", "near_id"])
    periods = [""]
    if spec.freq is not None:
        found = sorted({p for p in merged["period"] if p})
        if found:
            first = pd.Period(min(found, key=lambda p: pd.Period(p, spec.freq)), spec.freq)
            end = pd.Period(max(found, key=lambda p: pd.Period(p, spec.freq)), spec.freq)
            periods = [str(p) for p in pd.period_range(first, end, freq=spec.freq)]
        else:
            periods = []
    m = len(dep.ids)
    grid = pd.DataFrame({"dep": np.repeat(np.arange(m), len(periods)),
                         "period": np.tile(np.array(periods, dtype=object), m)})
    merged["period"] = merged["period"].astype(object)
    table = grid.merge(merged, on=keys, how="left")
    out = pd.DataFrame({"deployment_id": pd.array(dep.ids[table["dep"]], dtype="string"),
                        "deployment_name": pd.array(dep.names[table["dep"]], dtype="string")})
    if spec.freq is not None:
        out["period"] = table["period"].astype("string").to_numpy()
    slugs = sorted({c.split("|")[2] for c in sums if c.count("|") == 2})
    for label in spec.labels:
        out[f"incidents_{label}"] = _count(table, f"n|{label}")
        out[f"fatalities_{label}"] = _count(table, f"f|{label}")
        for slug in slugs:
            out[f"incidents_{label}_{slug}"] = _count(table, f"n|{label}|{slug}")
            out[f"fatalities_{label}_{slug}"] = _count(table, f"f|{label}|{slug}")
    near_id = table["near_id"] if "near_id" in table else pd.Series([None] * len(table))
    out["nearest_incident_id"] = near_id.astype("string").to_numpy()
    near_m = table["near_m"] if "near_m" in table else pd.Series(np.nan, index=table.index)
    out["nearest_incident_m"] = pd.to_numeric(near_m, errors="coerce").astype("float64")
    out["last_incident_date"] = pd.to_datetime(table["last"]).astype("datetime64[ns]") \
        if "last" in table else pd.Series(dtype="datetime64[ns]")
    geometry = np.asarray(dep.frame.geometry.values, dtype=object)[table["dep"].to_numpy(
        dtype=np.int64)]
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326").values,
                            crs="EPSG:4326")


def _count(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table.columns:
        return np.zeros(len(table), dtype=np.int64)
    return np.rint(table[column].fillna(0).to_numpy(dtype="float64")).astype(np.int64)
