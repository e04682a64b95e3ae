"""Raster analysis: density, zonal exposure, line of sight, radar coverage, map overlays."""

from ._analysis import (
    DENSITY_UNITS,
    STANDARD_K,
    CoverageResult,
    LineOfSight,
    Overlay,
    RasterResult,
    density,
    line_of_sight,
    radar_coverage,
    to_overlay,
    zonal_exposure,
)

__all__ = ["DENSITY_UNITS", "STANDARD_K", "CoverageResult", "LineOfSight", "Overlay",
           "RasterResult", "density", "line_of_sight", "radar_coverage", "to_overlay",
           "zonal_exposure"]
