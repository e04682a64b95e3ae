"""Column value helpers shared by the readers and the writers.

Users: :mod:`geoconflict.events` (text columns to numbers and dates, per-distinct-value
mapping), :mod:`geoconflict._countries` (country names to ISO codes), :mod:`geoconflict.io`
and :mod:`geoconflict.webmap` (pandas/numpy values to JSON values).

Everything here works on whole columns through Arrow where it can: a million-row file
has a few thousand distinct dates or country names, and each is parsed once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["DATE_FORMATS", "clean_value", "map_text", "to_dates", "to_float"]

#: Date formats tried in order on the values ISO 8601 parsing leaves unparsed.
#: Day-first, as in ACLED's exports and most of the world; US month-first is not guessed.
DATE_FORMATS: tuple[str, ...] = ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y",
                                 "%d/%m/%Y", "%d.%m.%Y", "%B %d, %Y", "%Y%m%d")



def to_float(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers from text (fast Arrow cast, falling back per value); also the mask of
    values that were present but not numbers. Decimal commas (``33,31``) are accepted."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        out = values.astype("float64")
        return out, np.zeros(len(values), dtype=bool)

    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = _arrow_text(values)
    try:
        arr = pc.cast(arrow, pa.float64())
        out = pd.Series(arr.to_numpy(zero_copy_only=False), index=values.index)
        if np.isfinite(out.to_numpy()[out.notna().to_numpy()]).all():
            return out, np.zeros(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # Slow path, still vectorised in Arrow: decimal commas, then numbers by pattern.
    trimmed = pc.replace_substring_regex(pc.utf8_trim_whitespace(arrow),
                                         r"^(-?\d+),(\d+)$", r"\1.\2")
    number = pc.match_substring_regex(trimmed, _NUMBER)
    arr = pc.cast(pc.if_else(number, trimmed, pa.scalar(None, trimmed.type)), pa.float64())
    out = pd.Series(arr.to_numpy(zero_copy_only=False), index=values.index)
    out = out.where(np.isfinite(out.to_numpy()))  # "1e400", "inf" are not measurements
    present = np.asarray(pc.fill_null(pc.greater(pc.utf8_length(trimmed), 0), False))
    bad = np.asarray(out.isna().to_numpy() & present, dtype=bool)
    return out, bad


_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def _arrow_text(values: pd.Series) -> Any:
    """The values as an Arrow (large) string array, without copying Arrow-backed text."""
    import pandas as pd
    import pyarrow as pa

    arr = values.array
    if isinstance(arr.dtype, pd.StringDtype) and arr.dtype.storage == "pyarrow":
        return arr.__arrow_array__()
    text = values.astype("string").astype(object).where(values.notna(), None)
    return pa.array(text.tolist(), type=pa.large_string())


def map_text(values: pd.Series, fn: Callable[[str], Any]) -> pd.Series:
    """``fn`` applied once per distinct text (Arrow dictionary encoding), as a string
    Series; nulls stay null. Much faster than ``Series.map`` on a million rows."""
    import numpy as np
    import pandas as pd
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(_arrow_text(values)).combine_chunks()
    uniques = encoded.dictionary.to_pylist()
    mapped = np.array([fn(u) for u in uniques] + [None], dtype=object)
    idx = encoded.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False)
    return pd.Series(mapped[idx], index=values.index, dtype="string")


def to_dates(values: pd.Series, formats: Iterable[str] = DATE_FORMATS) -> pd.Series:
    """Dates from text: ISO 8601 first, then ``formats`` on what is left (tz -> UTC naive).

    Each distinct string is parsed once and the result spread back with ``take``, which
    is what makes a million-row file with a few thousand distinct dates cheap.
    """
    import numpy as np
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = pd.to_datetime(values, utc=True)
        return out.dt.tz_localize(None).astype("datetime64[ns]")
    codes, uniques = pd.factorize(values.astype("string").str.strip())
    text = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    for fmt in formats:
        left = parsed.isna() & text.notna()
        if not left.any():
            break
        parsed.loc[left] = pd.to_datetime(text[left], format=fmt, errors="coerce", utc=True)
    # years outside datetime64[ns] (e.g. "-200" read as ISO year -200) are not dates here
    years = parsed.dt.year
    parsed = parsed.where((years >= 1678) & (years <= 2261))
    naive = parsed.dt.tz_localize(None).astype("datetime64[ns]").to_numpy()
    out_values = np.where(codes >= 0, naive[np.maximum(codes, 0)] if len(naive) else
                          np.datetime64("NaT", "ns"), np.datetime64("NaT", "ns"))
    return pd.Series(out_values.astype("datetime64[ns]"), index=values.index)


def clean_value(value: Any) -> Any:
    """Turn one pandas/numpy value into a JSON value (NaN/NaT/NA -> None, dates ISO)."""
    import numpy as np
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, str | bool):
        return value
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    if isinstance(value, np.ndarray):
        return [clean_value(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(float(value)) else None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts.tzinfo is None and ts == ts.normalize():
            return ts.date().isoformat()
        return ts.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, bytes):
        return value.hex()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, int | float):
        return value
    return str(value)
