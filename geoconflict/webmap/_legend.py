"""Legend sections and attribution lines of a map (JSON-ready; the runtime draws them).

Used by the layer builders of :mod:`geoconflict.webmap._layers` and by
:func:`conflict_map`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._icons import shape_svg

#: Always credited, after any attribution the caller gives.
ATTRIBUTIONS = ("Country outlines: Natural Earth (public domain)",
                "Incident and site sources: see popups", "Map: geoconflict, Leaflet")
#: Credited when the map draws place labels (GeoNames asks for attribution, CC BY 4.0).
LABEL_ATTRIBUTION = "Place names: GeoNames (CC BY 4.0)"


def incident_section(types: list[dict[str, Any]], count: int, remarks: list[str], *,
                     imprecise: bool, show_unc: bool, auto_unc: bool,
                     notes_max: int) -> dict[str, Any]:
    """The incidents' legend section: one row per event type (symbol, label, count),
    the uncertainty circle when drawn, and a note of what is left out and why."""
    rows: list[dict[str, Any]] = [
        {"svg": shape_svg(t["shape"], t["color"]), "label": t["label"],
         "extra": f"{t['count']:,}"} for t in types]
    remarks = list(remarks)
    if imprecise and show_unc:
        rows.append({"color": "#555", "outline": True,
                     "label": "uncertainty radius (precision 2-3)"})
    elif imprecise and auto_unc:
        remarks.append(f"uncertainty circles left out for {count:,} incidents (more than "
                       f"{notes_max:,}; pass uncertainty=True to draw them)")
    notes_text = "Size grows with fatalities. " + " ".join(
        r[:1].upper() + r[1:] + "." for r in remarks)
    return {"title": f"Incidents ({count:,})", "rows": rows, "note": notes_text.strip()}


def layer_row(colour: str, label: str, count: int, *,
              outline: bool | None = None) -> dict[str, Any]:
    """A legend row of a vector layer: a colour box (dashed when ``outline``)."""
    row: dict[str, Any] = {"color": colour}
    if outline is not None:
        row["outline"] = outline
    row.update(label=label, extra=f"{count:,}")
    return row


def attributions(attribution: str | Sequence[str] | None, *, labels: bool = False) -> list[str]:
    """The caller's attribution line(s) first, then the ones every map carries (and
    GeoNames' when place labels are drawn)."""
    lines = list(ATTRIBUTIONS)
    if labels:
        lines.insert(1, LABEL_ATTRIBUTION)
    if isinstance(attribution, str):
        lines.insert(0, attribution)
    elif attribution:
        lines[:0] = [str(a) for a in attribution]
    return lines
