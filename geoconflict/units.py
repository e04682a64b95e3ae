"""Distance strings: ``"50km"``, ``"30 mi"``, ``"10 nmi"``, ``"500 m"`` -> metres.

Every public function that takes a distance accepts either a number of metres or one
of these strings, so the CLI and the API read the same way.
"""

from __future__ import annotations

import re

from .errors import UnitError

__all__ = ["METRES_PER_UNIT", "format_distance", "parse_distance"]

#: Metres in one unit, by every spelling accepted.
METRES_PER_UNIT: dict[str, float] = {
    "m": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "km": 1000.0,
    "kilometre": 1000.0,
    "kilometres": 1000.0,
    "kilometer": 1000.0,
    "kilometers": 1000.0,
    "mi": 1609.344,
    "mile": 1609.344,
    "miles": 1609.344,
    "nmi": 1852.0,
    "nm": 1852.0,
    "nautical mile": 1852.0,
    "nautical miles": 1852.0,
    "ft": 0.3048,
    "feet": 0.3048,
    "foot": 0.3048,
}

_PATTERN = re.compile(r"^\s*([+-]?(?:\d+(?:[.,_]\d+)*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z ]*?)\s*$")


def parse_distance(value: str | float | int, *, default_unit: str = "m") -> float:
    """Return a distance in metres.

    Parameters
    ----------
    value
        A number (taken in ``default_unit``) or a string such as ``"50km"``,
        ``"30 mi"``, ``"10 nmi"``, ``"500 m"``, ``"2,500 m"``.
    default_unit
        Unit of bare numbers.

    Returns
    -------
    float
        Metres; never negative.

    Raises
    ------
    UnitError
        If the string has no number, an unknown unit, or is negative.

    Examples
    --------
    >>> parse_distance("50km")
    50000.0
    >>> parse_distance("10 nmi")
    18520.0
    """
    if isinstance(value, bool):
        msg = f"distance {value!r} is a boolean, not a distance"
        raise UnitError(msg)
    if isinstance(value, int | float):
        number, unit = float(value), default_unit
    else:
        match = _PATTERN.match(str(value))
        if not match:
            msg = (
                f"cannot read distance {value!r}: write a number and a unit, "
                f"e.g. '50km', '30 mi', '10 nmi' or '500 m'"
            )
            raise UnitError(msg)
        raw, unit = match.group(1), match.group(2).strip().lower() or default_unit
        number = float(raw.replace(",", "").replace("_", ""))
    factor = METRES_PER_UNIT.get(unit.lower())
    if factor is None:
        known = ", ".join(sorted({"m", "km", "mi", "nmi", "ft"}))
        msg = f"unknown distance unit {unit!r} in {value!r}; use one of {known}"
        raise UnitError(msg)
    metres = number * factor
    if metres != metres or metres < 0 or metres == float("inf"):
        msg = f"distance {value!r} must be a finite, non-negative length"
        raise UnitError(msg)
    return metres


def format_distance(metres: float) -> str:
    """Format metres for labels: ``"850 m"``, ``"25 km"``, ``"12.5 km"``."""
    if metres < 1000:
        return f"{metres:.0f} m"
    km = metres / 1000
    return f"{km:.0f} km" if km == round(km) else f"{km:.1f} km"
