"""An incident table as a table of named places: the analyst's history as a gazetteer.

:func:`places_from_events` turns what :func:`~geoconflict.events.read_events` reads
(ACLED, UCDP GED, GDELT, CSV, GeoJSON) into one row per distinct place name (and
country), which :func:`geoconflict.geocoder.add_gazetteer` indexes. The events stage
builds the table; the geocoder never reads incident files itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._geodesic import geod

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["PLACE_COLUMNS", "places_from_events"]

#: Columns of :func:`places_from_events`'s table.
PLACE_COLUMNS: tuple[str, ...] = (
    "name", "country", "admin1", "lon", "lat", "geo_precision", "uncertainty_m",
    "n_events", "event_ids", "n_positions", "spread_km", "source",
)
_MAX_IDS = 5  # event ids kept per place, as provenance


def places_from_events(events: gpd.GeoDataFrame, *, dataset: str | None = None
                       ) -> pd.DataFrame:
    """One row per distinct ``(location, country)`` of an incident table.

    Conflicting coordinates for one name are settled by the most precise consensus:
    only the events of the best ``geo_precision`` seen vote, and the position most of
    them share (to about 100 m) wins; ``n_positions`` (how many distinct positions they
    gave) and ``spread_km`` (the farthest of them from the chosen one) report the
    conflict. Rows without a location or a point are left out.

    Parameters
    ----------
    events
        A table as :func:`~geoconflict.events.read_events` returns it.
    dataset
        Provenance named in ``source`` (default: the rows' ``origin``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PLACE_COLUMNS`; ``event_ids`` holds up to five ids.
    """
    import numpy as np
    import pandas as pd


    frame = pd.DataFrame({
        "name": events["location"].astype("string").str.strip(),
        "country": events["country"].astype("string") if "country" in events
        else pd.Series(pd.NA, index=events.index, dtype="string"),
        "admin1": events["admin1"].astype("string") if "admin1" in events
        else pd.Series(pd.NA, index=events.index, dtype="string"),
        "lon": events.geometry.x, "lat": events.geometry.y,
        "geo_precision": pd.to_numeric(events.get("geo_precision"), errors="coerce"),
        "uncertainty_m": pd.to_numeric(events.get("uncertainty_m"), errors="coerce"),
        "event_id": events["event_id"].astype("string") if "event_id" in events
        else pd.Series(range(len(events)), index=events.index).astype("string"),
        "origin": events["origin"].astype("string") if "origin" in events
        else pd.Series(pd.NA, index=events.index, dtype="string"),
    })
    ok = frame["name"].notna() & (frame["name"] != "") & np.isfinite(frame["lon"]) \
        & np.isfinite(frame["lat"])
    frame = frame[ok]
    frame["geo_precision"] = frame["geo_precision"].fillna(2).astype(int)
    frame["country"] = frame["country"].fillna("")
    rows: list[dict[str, Any]] = []
    for (name, country), group in frame.groupby(["name", "country"], sort=True):
        best = group[group["geo_precision"] == group["geo_precision"].min()]
        cells = list(zip(best["lon"].round(3), best["lat"].round(3), strict=True))
        counts = pd.Series(cells).value_counts(sort=False)
        top = counts[counts == counts.max()].index[0]  # first seen among the most common
        chosen = best[[c == top for c in cells]]
        lon, lat = float(chosen["lon"].median()), float(chosen["lat"].median())
        _, _, dist = geod().inv(np.full(len(best), lon), np.full(len(best), lat),
                                best["lon"].to_numpy(float), best["lat"].to_numpy(float))
        admin1 = group["admin1"].dropna()
        origin = group["origin"].dropna()
        unc = chosen["uncertainty_m"].dropna()
        rows.append({
            "name": str(name), "country": str(country) or None,
            "admin1": str(admin1.mode().iloc[0]) if len(admin1) else None,
            "lon": lon, "lat": lat, "geo_precision": int(best["geo_precision"].iloc[0]),
            "uncertainty_m": float(unc.median()) if len(unc) else None,
            "n_events": len(group), "event_ids": list(group["event_id"].iloc[:_MAX_IDS]),
            "n_positions": len(counts), "spread_km": round(float(np.abs(dist).max()) / 1000, 3),
            "source": dataset or (str(origin.iloc[0]) if len(origin) else None),
        })
    return pd.DataFrame(rows, columns=list(PLACE_COLUMNS))
