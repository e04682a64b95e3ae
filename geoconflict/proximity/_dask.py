"""The dask-geopandas path of :mod:`geoconflict.proximity`.

Incidents stay partitioned; the deployments (or features) are small and broadcast to
every partition. Each partition runs the same in-memory function, passed in by the
engine, so results are identical to the in-memory path: ``nearest``, ``within`` and
``distance_to`` return lazy dask-geopandas frames (call ``.compute()``), and ``exposure``
merges per-partition partial sums into one table. dask is imported only here, only when
used.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._exposure import partial

if TYPE_CHECKING:
    import pandas as pd

    from ._exposure import Spec
    from ._layers import Layer


def map_partitions(run: Callable[..., Any], incidents: Any, *args: Any) -> Any:
    """Lazy ``run(partition, *args)`` over every partition of ``incidents``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        meta = run(incidents._meta, *args)
    return incidents.map_partitions(run, *args, meta=meta)


def exposure_partials(incidents: Any, deployments: Layer, spec: Spec) -> list[pd.DataFrame]:
    """Compute the exposure partial sums of every partition (on the active scheduler)."""
    import dask

    tasks = [dask.delayed(partial)(deployments, part, spec) for part in incidents.to_delayed()]
    return list(dask.compute(*tasks))
