"""Self-contained, safe HTML maps and the YAML map specs that describe them."""

from ._map import ConflictMap, RasterOverlay, conflict_map
from ._spec import MapSpec, load_map_spec, render_map_spec

__all__ = ["ConflictMap", "MapSpec", "RasterOverlay", "conflict_map", "load_map_spec",
           "render_map_spec"]
