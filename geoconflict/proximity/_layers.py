"""What every proximity search needs of its layers: points, ids, names, broadcast targets.

Shared by the in-memory engine (:mod:`._engine`), the exposure sums (:mod:`._exposure`)
and the dask path (:mod:`._dask`), so none of them imports another's internals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._inputs import representative_points, to_wgs84, warn_missing
from ..errors import SchemaError, UnitError
from ..units import parse_distance

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

Distance = str | float | int


@dataclass
class Points:
    """Longitude/latitude of a layer's rows (NaN where the geometry is unusable)."""

    lon: np.ndarray
    lat: np.ndarray
    ok: np.ndarray
    uncertainty: np.ndarray


def is_dask(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] in ("dask_geopandas", "dask")


def as_metres(value: Distance, what: str) -> float:
    try:
        return parse_distance(value)
    except UnitError as exc:
        msg = f"{what}: {exc}"
        raise UnitError(msg) from None


def layer_points(gdf: gpd.GeoDataFrame, what: str, *, report: bool = True) -> Points:
    """Coordinates of every row: points as they are, other geometries from their point on
    surface (the one rule of :mod:`geoconflict._inputs`)."""
    if not hasattr(gdf, "geometry"):
        msg = f"{what} must be a GeoDataFrame with a geometry column"
        raise SchemaError(msg, field="geometry")
    gdf = to_wgs84(gdf, what)
    lon, lat, ok = representative_points(gdf.geometry.values)
    if report:
        fate = ("they cannot be measured to and are left out" if what != "incidents" else
                "they are kept, with null distances, and counted in no radius")
        warn_missing(what, ok, gdf.index, fate, stacklevel=3)
    unc = np.zeros(len(ok))
    if "uncertainty_m" in gdf.columns:
        import pandas as pd

        unc = pd.to_numeric(gdf["uncertainty_m"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)
    return Points(lon, lat, ok, unc)


def labels(gdf: pd.DataFrame, column: str) -> np.ndarray:
    """Values of ``column`` as strings (object array, None for nulls); index as fallback."""
    import pandas as pd

    values = gdf[column] if column in gdf.columns else pd.Series(gdf.index, index=gdf.index)
    text = values.astype("string")
    out: np.ndarray = np.asarray(text.astype(object).where(text.notna(), None))
    return out


def ids_of(gdf: pd.DataFrame, *columns: str) -> np.ndarray:
    for column in columns:
        if column in gdf.columns:
            return labels(gdf, column)
    return labels(gdf, "\0index")


@dataclass
class Layer:
    """The deployments (or other targets) reduced to what the searches need."""

    points: Points
    ids: np.ndarray
    names: np.ndarray
    frame: gpd.GeoDataFrame


def targets(gdf: Any, what: str = "deployments") -> Layer:
    """Prepare the broadcast side; rows without a location cannot be targets."""
    if is_dask(gdf):
        gdf = gdf.compute()
    pts = layer_points(gdf, what)
    keep = pts.ok
    frame = gdf[keep]
    ids = ids_of(gdf, "id", "deployment_id")[keep]
    names = labels(gdf, "name")[keep] if "name" in gdf.columns else ids.copy()
    return Layer(Points(pts.lon[keep], pts.lat[keep], keep[keep], pts.uncertainty[keep]),
                  ids, names, frame)


def take(values: np.ndarray, index: np.ndarray) -> Any:
    """``values[index]`` as a pandas string array, null where index is -1.

    The take runs in Arrow (C++): a million labels cost milliseconds, not the second a
    Python object array would.
    """
    import pandas as pd
    import pyarrow as pa

    index = np.asarray(index, dtype=np.int64).ravel()
    if values.size == 0:
        taken = pa.nulls(index.size, pa.string())
    else:
        table = pa.array(values.tolist(), type=pa.string())
        taken = table.take(pa.array(np.maximum(index, 0), mask=index < 0))
    return pd.arrays.ArrowStringArray(taken)


def type_slug(text: Any) -> str:
    if text is None or text != text:
        return "unknown"
    type_slug = re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")
    return type_slug or "unknown"
