"""Symbols drawn by geoconflict itself: event-type shapes and the deployment icon.

Each shape is a polygon of unit radius (or the circle), defined once here. The map
runtime draws the same vertices on a canvas for incidents, and the legend shows them
as inline SVG generated below, so the legend always matches the map. Nothing is fetched
(no Font Awesome, no icon CDN): the icons are part of the page.
"""

from __future__ import annotations

import math

from .._styles import DEPLOYMENT_COLOR

__all__ = ["SHAPES", "deployment_svg", "shape_svg"]


def _regular(n: int, rotation_deg: float = -90.0, radius: float = 1.0) -> list[list[float]]:
    pts = []
    for i in range(n):
        a = math.radians(rotation_deg + 360.0 * i / n)
        pts.append([round(radius * math.cos(a), 4), round(radius * math.sin(a), 4)])
    return pts


def _star(points: int = 5, inner: float = 0.45) -> list[list[float]]:
    pts = []
    for i in range(points * 2):
        r = 1.0 if i % 2 == 0 else inner
        a = math.radians(-90.0 + 180.0 * i / points)
        pts.append([round(r * math.cos(a), 4), round(r * math.sin(a), 4)])
    return pts


#: Unit-radius polygons (x right, y down, as on screen); "circle" has no vertices.
SHAPES: dict[str, list[list[float]]] = {
    "circle": [],
    "square": [[-0.8, -0.8], [0.8, -0.8], [0.8, 0.8], [-0.8, 0.8]],
    "diamond": _regular(4),
    "triangle": [[0.0, -1.0], [0.95, 0.75], [-0.95, 0.75]],
    "star": _star(),
    "hexagon": _regular(6, 0.0),
}


def shape_svg(shape: str, color: str, size: int = 16) -> str:
    """Return an inline SVG of ``shape`` filled with ``color`` (legend swatch).

    ``color`` must be a project colour (from :data:`geoconflict._styles.EVENT_STYLES`),
    never data text.
    """
    half = size / 2
    r = half - 1.5
    common = f'fill="{color}" fill-opacity="0.85" stroke="#222" stroke-width="1"'
    verts = SHAPES[shape]
    if not verts:
        body = f'<circle cx="{half}" cy="{half}" r="{r:.2f}" {common}/>'
    else:
        pts = " ".join(f"{half + x * r:.2f},{half + y * r:.2f}" for x, y in verts)
        body = f'<polygon points="{pts}" {common}/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" aria-hidden="true">{body}</svg>')


def deployment_svg(size: int = 22, color: str = DEPLOYMENT_COLOR) -> str:
    """Return the deployment symbol: a shield with a five-pointed star (inline SVG)."""
    s = size
    star = " ".join(f"{s / 2 + x * s * 0.22:.2f},{s * 0.47 + y * s * 0.22:.2f}"
                    for x, y in _star())
    shield = (f"M{s * 0.12:.1f},{s * 0.1:.1f} L{s * 0.88:.1f},{s * 0.1:.1f} "
              f"L{s * 0.88:.1f},{s * 0.5:.1f} Q{s * 0.88:.1f},{s * 0.82:.1f} "
              f"{s / 2:.1f},{s * 0.96:.1f} Q{s * 0.12:.1f},{s * 0.82:.1f} "
              f"{s * 0.12:.1f},{s * 0.5:.1f} Z")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{s}" height="{s}" '
            f'viewBox="0 0 {s} {s}" aria-hidden="true">'
            f'<path d="{shield}" fill="{color}" stroke="#fff" stroke-width="1.5"/>'
            f'<polygon points="{star}" fill="#fff"/></svg>')
