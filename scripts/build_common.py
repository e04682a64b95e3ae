"""Shared helpers of the data build scripts (``scripts/build_*.py``).

``data/sites.geojson`` is hand-curated except for a few generated features (sea areas,
the shipping lane). Each build script regenerates only its own features, identified by
``id``, and leaves every other feature and the file's order untouched, so rerunning a
script is idempotent and never loses curated records.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geoconflict._atomic import atomic_path  # noqa: E402

SITES = ROOT / "data" / "sites.geojson"
BASEMAP = ROOT / "data" / "basemap" / "countries.geojson"


def round_coords(obj: Any, decimals: int = 5) -> Any:
    """Round every float in a (GeoJSON) structure; 5 decimals is about 1 m."""
    if isinstance(obj, float):
        return round(obj, decimals)
    if isinstance(obj, list | tuple):
        return [round_coords(v, decimals) for v in obj]
    if isinstance(obj, dict):
        return {k: round_coords(v, decimals) for k, v in obj.items()}
    return obj


def merge_features(features: list[dict[str, Any]], path: Path = SITES) -> Path:
    """Replace (by ``id``) or append ``features`` in the FeatureCollection at ``path``.

    The file is rewritten atomically, in the same layout as the curated file
    (UTF-8, Arabic kept as is, one-space indent).
    """
    collection = json.loads(path.read_text(encoding="utf-8"))
    by_id = {f["properties"]["id"]: f for f in features}
    kept = []
    for feature in collection["features"]:
        fid = feature["properties"]["id"]
        kept.append(by_id.pop(fid, feature))
    kept.extend(by_id.values())
    collection["features"] = kept
    text = json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
    with atomic_path(path, overwrite=True) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
