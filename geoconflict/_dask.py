"""The dask-geopandas path of :mod:`geoconflict.proximity`.

Incidents stay partitioned; the deployments (or features) are small and broadcast to
every partition. Each partition runs the same in-memory code, so results are identical
to the in-memory path: ``nearest``, ``within`` and ``distance_to`` return lazy
dask-geopandas frames (call ``.compute()``), and ``exposure`` merges per-partition
partial sums into one table. dask is imported only here, only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from ._exposure import Spec


def _meta(func: Any, incidents: Any, *args: Any) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(incidents._meta, *args)


def nearest(incidents: Any, deployments: gpd.GeoDataFrame, k: int,
            max_distance: float | None) -> Any:
    """Lazy k-nearest per partition (deployments broadcast)."""
    from .proximity import nearest as run

    meta = _meta(run, incidents, deployments, k, max_distance)
    return incidents.map_partitions(run, deployments, k, max_distance, meta=meta)


def within(incidents: Any, deployments: gpd.GeoDataFrame, radius: float) -> Any:
    """Lazy pairs within ``radius`` per partition."""
    from .proximity import within as run

    meta = _meta(run, incidents, deployments, radius)
    return incidents.map_partitions(run, deployments, radius, meta=meta)


def distance_to(incidents: Any, features: gpd.GeoDataFrame) -> Any:
    """Lazy distance to the nearest feature per partition."""
    from .proximity import distance_to as run

    meta = _meta(run, incidents, features)
    return incidents.map_partitions(run, features, meta=meta)


def exposure_partials(incidents: Any, deployments: gpd.GeoDataFrame, spec: Spec
                      ) -> list[pd.DataFrame]:
    """Compute the exposure partial sums of every partition (on the active scheduler)."""
    import dask

    from ._exposure import partial
    from .proximity import _targets

    dep = _targets(deployments)
    tasks = [dask.delayed(partial)(dep, part, spec) for part in incidents.to_delayed()]
    return list(dask.compute(*tasks))
