"""Every error and every warning geoconflict raises.

Every error subclasses :class:`GeoconflictError` and a builtin, so callers can catch
either ``GeoconflictError`` or the builtin they already expect (``ValueError``,
``OSError``, ``LookupError``...). Argument errors are ``ValueError``-based. Messages say
what was wrong, where, and what to do.

Every warning subclasses :class:`GeoconflictWarning` (a ``UserWarning``), so one filter
silences or escalates them all::

    import warnings
    from geoconflict.errors import GeoconflictWarning
    warnings.simplefilter("error", GeoconflictWarning)
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "CacheError",
    "CacheWarning",
    "DataChangedWarning",
    "DataError",
    "EmptyInputWarning",
    "EventsError",
    "ExportError",
    "GazetteerError",
    "GeocodeError",
    "GeoconflictError",
    "GeoconflictWarning",
    "ImageError",
    "InputNotFoundError",
    "MapSpecError",
    "MapWarning",
    "MissingGeometryWarning",
    "ProviderError",
    "ProviderWarning",
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


class CacheError(GeoconflictError, OSError):
    """A cached index is damaged, of another format or inconsistent (it is rebuilt)."""


class GazetteerError(GeoconflictError, ValueError):
    """A gazetteer file given to ``gazetteer add`` is of no known format or damaged."""


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


class ArgumentError(GeoconflictError, ValueError):
    """A function was called with an argument it cannot use (unknown option, bad value)."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument has the wrong type (e.g. a DataFrame where a GeoDataFrame is needed)."""


class InputNotFoundError(GeoconflictError, FileNotFoundError):
    """An input file does not exist."""


class ImageError(GeoconflictError, RuntimeError):
    """A map picture (PNG/PDF) could not be rendered: Playwright or a Chromium browser is
    missing (the message says what to install), or the browser failed or timed out."""


# ---------------------------------------------------------------------------- warnings


class GeoconflictWarning(UserWarning):
    """Base class of every warning geoconflict issues."""


class MissingGeometryWarning(GeoconflictWarning):
    """Some rows have no usable location: they are kept with null results, or left out
    of a layer that cannot hold them, as the message says."""


class DataChangedWarning(GeoconflictWarning):
    """Input values were changed or rows rejected while reading (encoding fallback,
    coerced values, rejected rows, points outside a grid): the message counts them."""


class ProviderWarning(GeoconflictWarning):
    """An online provider failed and the offline answer was used instead."""


class MapWarning(GeoconflictWarning):
    """A map was drawn with less than asked: a layer skipped, a basemap missing, an
    external resource left in the page."""


class EmptyInputWarning(GeoconflictWarning):
    """An input is valid but holds no features or rows (an empty FeatureCollection):
    the result is empty too. (Zero bytes is an error, not this: an upstream command in
    a pipe probably failed.)"""


class CacheWarning(GeoconflictWarning):
    """A cache file was unreadable (and is rebuilt) or could not be written."""
