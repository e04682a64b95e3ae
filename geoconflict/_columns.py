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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["DATE_FORMATS", "TWO_DIGIT_YEAR_FORMATS", "ParsedDates", "clean_value", "map_text",
           "parse_dates", "to_dates", "to_float"]

#: Date formats tried in order on the values ISO 8601 parsing leaves unparsed.
#: Day-first, as in ACLED's exports and most of the world; US month-first is not guessed.
DATE_FORMATS: tuple[str, ...] = ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y",
                                 "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%B %d, %Y",
                                 "%b %d, %Y", "%Y%m%d")



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


@dataclass
class ParsedDates:
    """Dates parsed from text, and what the parse had to decide.

    ``pivot``: rows whose two-digit year was resolved by the 1969-2068 pivot (no year
    column confirmed the century); ``ambiguous``: rows like ``03/04/2020`` read day
    first with nothing in the column to prove the order; ``order``: ``"day-first"`` or
    ``"month-first"`` for numeric dates (None when there are none).
    """

    dates: pd.Series
    pivot: np.ndarray
    ambiguous: np.ndarray
    order: str | None = None


#: Formats with a two-digit year, as spreadsheets display ACLED dates (``9-May-20``).
TWO_DIGIT_YEAR_FORMATS: tuple[str, ...] = ("%d-%b-%y", "%d %b %y", "%d-%B-%y", "%d %B %y",
                                           "%d/%m/%y", "%d.%m.%y")
_NUMERIC_DATE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$"
_EXCEL_SERIAL = r"^\s*(\d{5})(\.\d+)?\s*$"
#: Excel's day 0 (serial numbers count days from it, with its 1900 leap-year bug).
_EXCEL_EPOCH = "1899-12-30"


def parse_dates(values: pd.Series, formats: Iterable[str] = DATE_FORMATS, *,
                year: pd.Series | None = None, excel: bool = True) -> ParsedDates:
    """Dates from text, as real exports carry them.

    ISO 8601 first; then ``formats``; then two-digit years (``9-May-20``), whose century
    comes from ``year`` (the row's own year column) where it agrees, else from the
    1969-2068 pivot (flagged in ``pivot``); day/month numeric dates in the order the
    column proves (a first part above 12 means day first, a second part above 12 month
    first; without proof, day first, flagged in ``ambiguous``); Excel serial day
    numbers (``43960`` is 2020-05-09) when ``excel``. Each distinct string is parsed
    once and spread back, so a million rows with a few thousand dates are cheap.

    Examples
    --------
    >>> import pandas as pd
    >>> got = parse_dates(pd.Series(["9-May-20", "2020-05-09", "43960", "09 May 2020"]))
    >>> [d.date().isoformat() for d in got.dates], got.pivot.tolist()
    (['2020-05-09', '2020-05-09', '2020-05-09', '2020-05-09'], [True, False, False, False])
    >>> parse_dates(pd.Series(["9-May-20"]), year=pd.Series(["1920"])).dates[0].year
    1920
    >>> got = parse_dates(pd.Series(["03/04/2020", "25/12/2020"]))
    >>> got.order, got.ambiguous.tolist()
    ('day-first', [False, False])
    >>> parse_dates(pd.Series(["03/04/2020"])).ambiguous.tolist()
    [True]
    """
    import numpy as np
    import pandas as pd

    n = len(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = pd.to_datetime(values, utc=True)
        return ParsedDates(out.dt.tz_localize(None).astype("datetime64[ns]"),
                           np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    codes, uniques = pd.factorize(values.astype("string").str.strip())
    text = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)

    def fill(fmt: str, mask: pd.Series | None = None) -> pd.Series:
        left = parsed.isna() & text.notna() if mask is None else \
            parsed.isna() & text.notna() & mask
        if left.any():
            parsed.loc[left] = pd.to_datetime(text[left], format=fmt, errors="coerce",
                                              utc=True)
        return left & parsed.notna()

    numeric = text.str.extract(_NUMERIC_DATE)
    first = pd.to_numeric(numeric[0], errors="coerce")
    second = pd.to_numeric(numeric[1], errors="coerce")
    is_numeric = first.notna()
    day_proof, month_proof = bool((first > 12).any()), bool((second > 12).any())
    order = None if not is_numeric.any() else \
        "month-first" if month_proof and not day_proof else "day-first"
    ambiguous_u = np.zeros(len(text), dtype=bool)
    if order == "day-first" and not day_proof:
        ambiguous_u = np.asarray((is_numeric & (first <= 12) & (second <= 12)
                                  & (first != second)).fillna(False), dtype=bool)
    for fmt in formats:
        if order == "month-first" and fmt.startswith("%d/%m"):
            fmt = "%m/%d" + fmt[5:]
        fill(fmt)
    two_digit = np.zeros(len(text), dtype=bool)
    for fmt in TWO_DIGIT_YEAR_FORMATS:
        if order == "month-first" and fmt.startswith("%d/%m"):
            fmt = "%m/%d" + fmt[5:]
        two_digit |= np.asarray(fill(fmt), dtype=bool)
    if excel:
        serial = text.str.extract(_EXCEL_SERIAL)[0]
        days = pd.to_numeric(serial, errors="coerce")
        hit = parsed.isna() & days.notna()
        if hit.any():
            offsets = days[hit].to_numpy().astype("int64").astype("timedelta64[D]")
            parsed.loc[hit] = pd.to_datetime(np.datetime64(_EXCEL_EPOCH, "ns") + offsets,
                                             utc=True)
    # years outside datetime64[ns] (e.g. "-200" read as ISO year -200) are not dates here
    years = parsed.dt.year
    parsed = parsed.where((years >= 1678) & (years <= 2261))
    naive = parsed.dt.tz_localize(None).astype("datetime64[ns]").to_numpy()
    nat = np.datetime64("NaT", "ns")
    safe = np.maximum(codes, 0)
    out_values = np.where(codes >= 0, naive[safe] if len(naive) else nat, nat)
    dates = pd.Series(out_values.astype("datetime64[ns]"), index=values.index)
    row_two = (codes >= 0) & (two_digit[safe] if len(naive) else False) & dates.notna().to_numpy()
    pivot = row_two.copy()
    if year is not None and row_two.any():
        wanted = pd.to_numeric(year.astype("string"), errors="coerce").to_numpy(dtype=float)
        got = dates.dt.year.to_numpy(dtype=float)
        agree = row_two & np.isfinite(wanted) & (wanted % 100 == got % 100) & \
            (wanted >= 1678) & (wanted <= 2261)
        for shift in np.unique(wanted[agree] - got[agree]).astype(int).tolist():
            rows = agree & (wanted - got == shift)
            if shift:
                dates[rows] = dates[rows] + pd.DateOffset(years=shift)
        pivot = row_two & ~agree
    ambiguous = (codes >= 0) & (ambiguous_u[safe] if len(naive) else False) & \
        dates.notna().to_numpy()
    return ParsedDates(dates, np.asarray(pivot, dtype=bool), np.asarray(ambiguous, dtype=bool),
                       order)


def to_dates(values: pd.Series, formats: Iterable[str] = DATE_FORMATS) -> pd.Series:
    """Dates from text (see :func:`parse_dates`, of which this is the dates alone)."""
    return parse_dates(values, formats).dates


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
