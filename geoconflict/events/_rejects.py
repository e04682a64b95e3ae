"""Row machinery of :func:`geoconflict.events.read_events`: the rejects and issues
tables (with the values as written and each row's original columns) and cutting the
accepted rows out of Arrow-backed columns without pandas' slow chunked ``take``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..schema import REJECT_COLUMNS

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from ._formats import Mapped
    from ._ingest import _Raw

__all__ = ["VALIDATED", "bad_row_table", "coerced_tables", "keep_rows", "raw_values",
           "with_originals"]

#: Columns :func:`geoconflict.schema.validate_incidents` reads.
VALIDATED = ("event_id", "event_date", "geo_precision", "uncertainty_m", "fatalities",
              "country", "geometry")


def keep_rows(gdf: gpd.GeoDataFrame, keep: np.ndarray, *, consume: bool = False
               ) -> gpd.GeoDataFrame:
    """Rows where ``keep``, column by column: Arrow-backed text is cut with Arrow's
    ``filter`` (several times faster than pandas' ``take`` on chunked arrays). With
    ``consume``, each column is deleted from ``gdf`` once copied, to bound peak memory."""
    import geopandas as gpd
    import pandas as pd
    import pyarrow as pa

    if keep.all():
        return gdf.reset_index(drop=True)
    order = list(gdf.columns)
    geom_name = gdf.geometry.name
    crs = gdf.crs
    geometry = gdf.geometry.values[keep]
    mask = pa.array(keep)
    columns: dict[str, Any] = {}
    frame = pd.DataFrame(gdf)  # a plain frame: deleting its columns is cheap
    if consume:
        del gdf
    for name in order:
        if name == geom_name:
            continue
        values = frame[name].array
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            columns[name] = pd.array(values.__arrow_array__().filter(mask), dtype=values.dtype)
        else:
            columns[name] = values[keep]
        if consume:
            del values, frame[name]
    out = pd.DataFrame(columns, index=pd.RangeIndex(int(keep.sum())))
    series = gpd.GeoSeries(geometry, index=out.index, crs=crs)
    return gpd.GeoDataFrame(out, geometry=series, crs=crs)[order]


def take_rows(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """A few rows by position; Arrow text through ``ChunkedArray.take``, which (unlike
    pandas' take on chunked arrays) does not concatenate the chunks first."""
    import pandas as pd

    columns: dict[str, Any] = {}
    for name in frame.columns:
        values = frame[name].array
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            columns[name] = pd.array(values.__arrow_array__().take(positions),
                                     dtype=values.dtype)
        else:
            columns[name] = values.take(positions)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(positions)), columns=frame.columns)


def bad_row_table(raw: _Raw) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame.from_records(
        [{"row": line, "field": None, "reason": reason,
          "value": text, "source_file": raw.name} for line, reason, text in raw.bad_rows],
        columns=list(REJECT_COLUMNS))


def coerced_tables(mapped: Mapped, raw: _Raw, kept: np.ndarray
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coerced values as reject entries (row rejected anyway) and issues (row kept)."""
    import numpy as np
    import pandas as pd

    records: list[dict[str, Any]] = []
    notes = [(mask & kept, name, reason, values) for mask, name, reason, values in mapped.notes]
    for mask, name, reason, values in [*mapped.coerced, *notes]:
        for i in np.flatnonzero(mask):
            value = values.iloc[i]
            records.append({"row": int(raw.lines[i]), "field": name, "reason": reason,
                            "value": None if pd.isna(value) else str(value),
                            "source_file": raw.name, "_kept": bool(kept[i])})
    table = pd.DataFrame.from_records(records, columns=[*REJECT_COLUMNS, "_kept"])
    is_kept = table["_kept"].astype(bool)
    table = table.drop(columns="_kept")
    return table[~is_kept].reset_index(drop=True), table[is_kept].reset_index(drop=True)


def raw_values(table: pd.DataFrame, mapped: Mapped, raw: _Raw) -> pd.DataFrame:
    """Show the text as written in the file in ``value`` (not the parsed value)."""
    import numpy as np
    import pandas as pd

    if not len(table) or not len(raw.frame):
        return table
    table = table.copy()
    pos = np.clip(np.searchsorted(raw.lines, table["row"].to_numpy()), 0, len(raw.lines) - 1)
    for fld, columns in mapped.sources.items():
        sel = np.asarray(table["field"] == fld, dtype=bool)
        if fld == "geometry":
            sel = sel & np.asarray(table["value"].isna(), dtype=bool)
        if not sel.any():
            continue
        rows = take_rows(raw.frame[list(columns)], pos[sel])
        parts = [rows[c].astype("string").fillna("").to_numpy(dtype=object)
                 for c in columns]
        text = parts[0] if len(parts) == 1 else np.array(
            [", ".join(f"{c}={x or '<empty>'}" for c, x in zip(columns, v, strict=True))
             for v in zip(*parts, strict=True)], dtype=object)
        table.loc[sel, "value"] = pd.Series(text, index=table.index[sel]).replace("", None)
    return table


def with_originals(table: pd.DataFrame, raw: _Raw) -> pd.DataFrame:
    """Append each row's original columns to a rejects/issues table."""
    import numpy as np
    import pandas as pd

    table = table.astype({"row": "int64"})
    if not len(raw.frame.columns):
        return table
    pos = np.searchsorted(raw.lines, table["row"].to_numpy())
    pos = np.clip(pos, 0, max(len(raw.lines) - 1, 0))
    found = (len(raw.lines) > 0) & (np.asarray(raw.lines)[pos] == table["row"].to_numpy()) \
        if len(raw.lines) else np.zeros(len(table), dtype=bool)
    originals = take_rows(raw.frame, pos[found])
    originals = originals.rename(columns={c: f"original_{c}" for c in originals.columns
                                          if c in REJECT_COLUMNS})
    originals.index = np.flatnonzero(found)
    return pd.concat([table, originals.reindex(range(len(table)))], axis=1)
