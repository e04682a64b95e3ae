"""Proximity: exact geodesic nearest, within, exposure, rings and distance to features."""

from ._engine import MissingGeometryWarning, distance_to, exposure, nearest, rings, within

__all__ = ["MissingGeometryWarning", "distance_to", "exposure", "nearest", "rings", "within"]
