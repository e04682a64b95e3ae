"""Errors raised by geoconflict.

Every error subclasses :class:`GeoconflictError` and a builtin, so callers can catch
either ``GeoconflictError`` or the builtin they already expect (``ValueError``,
``OSError``, ``LookupError``...). Messages say what was wrong, where, and what to do.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "EventsError",
    "ExportError",
    "GeocodeError",
    "GeoconflictError",
    "MapSpecError",
    "ProviderError",
    "RasterError",
    "RoadsError",
    "SchemaError",
    "UnitError",
]


class GeoconflictError(Exception):
    """Base class of every error raised on purpose by geoconflict."""


class SchemaError(GeoconflictError, ValueError):
    """A record does not satisfy the canonical schema.

    Parameters
    ----------
    message
        What was wrong.
    file, row, field
        Where it was wrong, when known. They are kept as attributes and prefixed to
        the message so that ``str(err)`` always names the place.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.reason = message
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        full = f"{', '.join(where)}: {message}" if where else message
        super().__init__(full)


class DataError(GeoconflictError, LookupError):
    """An embedded dataset is unknown or missing from the installation."""


class EventsError(SchemaError):
    """Incident data could not be read or validated (names file, row and field)."""


class GeocodeError(GeoconflictError, LookupError):
    """One or more place names could not be resolved (raised in strict mode)."""


class ProviderError(GeoconflictError, ConnectionError):
    """An online provider failed: network error, bad status or malformed response."""


class UnitError(GeoconflictError, ValueError):
    """A distance or other quantity string could not be parsed."""


class ExportError(GeoconflictError, OSError):
    """An output could not be written (exists, unwritable, disk full...)."""

    def __str__(self) -> str:
        # ExportError(errno, message): show the message, not "[Errno 17] message".
        return self.strerror if isinstance(self.strerror, str) else super().__str__()


class MapSpecError(GeoconflictError, ValueError):
    """A declarative map spec (YAML) is invalid."""


class RasterError(GeoconflictError, ValueError):
    """A raster input or parameter is invalid."""


class RoadsError(GeoconflictError, ValueError):
    """A road network or OSM input is invalid or unusable."""
