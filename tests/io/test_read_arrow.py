"""Large GeoJSON and GeoJSONSeq go through pyogrio's Arrow path and read as the exact
parser reads them; what GDAL cannot read falls back to the exact parser's errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from geoconflict.errors import SchemaError
from geoconflict.io import read_features
from geoconflict.io._read import ARROW_MIN_BYTES, _parse_geojson_text, features_to_gdf


def _features(n: int) -> list[dict]:
    return [{"type": "Feature", "id": i + 100,
             "geometry": None if i == 3 else {"type": "Point",
                                              "coordinates": [44.0 + i * 1e-5, 33.0]},
             "properties": {"event_id": f"E{i}", "event_date": "2024-02-07",
                            "fatalities": i % 5, "tags": ["a", "b"],
                            "notes": "drone strike on a vehicle near the base " * 2}}
            for i in range(n)]


@pytest.fixture(scope="module")
def big() -> bytes:
    feats = _features(16_000)
    data = json.dumps({"type": "FeatureCollection", "features": feats}).encode()
    assert len(data) >= ARROW_MIN_BYTES
    return data


def test_arrow_path_reads_what_the_exact_parser_reads(big: bytes) -> None:
    exact = features_to_gdf(_parse_geojson_text(big.decode(), "x"), source="x")
    fast = read_features(io.BytesIO(big))
    assert len(fast) == len(exact) == 16_000
    for column in ("id", "event_id", "event_date", "fatalities", "notes"):
        assert fast[column].tolist() == exact[column].tolist(), column
    assert list(fast["tags"].iloc[0]) == ["a", "b"]
    assert fast.geometry.iloc[3] is None
    assert fast.geometry.iloc[5].equals(exact.geometry.iloc[5])
    assert fast.crs.to_epsg() == 4326
    assert isinstance(fast["event_date"].iloc[0], str)  # not a GDAL date


def test_arrow_path_for_sequences_and_files(big: bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    feats = json.loads(big)["features"]
    seq = "".join("\x1e" + json.dumps(f) + "\n" for f in feats).encode()
    path = tmp_path / "big.geojsons"
    path.write_bytes(seq)
    gdf = read_features(path)
    assert len(gdf) == 16_000
    assert gdf["event_id"].iloc[-1] == "E15999"
    assert pd.api.types.is_integer_dtype(gdf["fatalities"])


def test_what_gdal_cannot_read_is_reported_by_the_exact_parser(big: bytes) -> None:
    with pytest.raises(SchemaError, match="not JSON"):
        read_features(io.BytesIO(big[: len(big) // 2]))
    latin = big.replace(b"drone strike", "frappe \u00e0".encode("cp1252"), 1)
    with pytest.raises(SchemaError, match="not UTF-8"):
        read_features(io.BytesIO(latin))
