"""The embedded, cited data in ``data/``: deployments, named sites, scenario incidents,
country totals and the offline basemap.

The files live at the top of the checkout (``data/``) and are shipped inside the wheel
as ``geoconflict/_data``; :func:`data_dir` finds them in either place, so everything
here works from a plain ``pip install`` as well as from a clone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError
from .schema import conform_incidents

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "DATASETS",
    "Dataset",
    "data_dir",
    "dataset_path",
    "list_datasets",
    "load_dataset",
    "map_spec_path",
]


@dataclass(frozen=True)
class Dataset:
    """One embedded data layer.

    Attributes
    ----------
    name
        What users type: ``geoconflict data export deployments``.
    path
        File path relative to the data directory.
    description
        One line for ``geoconflict data list``.
    """

    name: str
    path: str
    description: str

    @property
    def is_table(self) -> bool:
        """True for plain tables (CSV) rather than feature layers."""
        return self.path.endswith(".csv")


#: Every embedded dataset, by name.
DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("deployments", "deployments.geojson",
                "US and coalition troop locations (Iraq, Syria, Jordan, Gulf, Djibouti)"),
        Dataset("troop_totals", "troop_totals.csv",
                "Country-level US troop totals as stated by sources"),
        Dataset("sites", "sites.geojson",
                "Named places missing from city gazetteers: neighbourhoods, seas, "
                "chokepoints, shipping lane"),
        Dataset("ports", "ports.geojson",
                "Seaports and oil terminals of the Middle East and the Red Sea (searoute)"),
        Dataset("scenario", "incidents/scenario.geojson",
                "The reference scenario's incidents, Jan-Feb 2024 (canonical schema)"),
        Dataset("actors", "actors.csv",
                "Armed actors named in reporting, with aliases (used by the geoparser)"),
        Dataset("basemap", "basemap/countries.geojson",
                "Country outlines for offline maps (Natural Earth 1:10m, generalised)"),
        Dataset("countries", "countries.csv",
                "Every country's label point, names and UN region (Natural Earth 1:10m)"),
        Dataset("regions", "regions.csv",
                "Continents and macro-regions with their cited member lists"),
        Dataset("world_basemap", "basemap/world.csv",
                "World country outlines at 3 levels of detail, encoded polylines "
                "(Natural Earth 1:10m)"),
        Dataset("world_lakes", "basemap/lakes.csv",
                "World lakes and reservoirs at 3 levels of detail (Natural Earth 1:10m)"),
        Dataset("labels", "labels.csv",
                "Place labels: capitals and towns of 15,000+ people (GeoNames)"),
    )
}


@cache
def data_dir() -> Path:
    """Return the directory holding the embedded data.

    Raises
    ------
    DataError
        If neither the installed copy nor the checkout's ``data/`` exists.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if candidate.is_dir():
            return candidate
    msg = f"embedded data not found next to {here}: reinstall geoconflict"
    raise DataError(msg)


def map_spec_path(name: str) -> Path:
    """Return the path of a shipped map spec (``maps/NAME.yml``), installed or not.

    Raises
    ------
    DataError
        If no such spec is shipped.
    """
    here = Path(__file__).resolve().parent
    for folder in (here / "_maps", here.parent / "maps"):
        path = folder / f"{name}.yml"
        if path.exists():
            return path
    msg = f"no shipped map spec named {name!r} (looked in maps/)"
    raise DataError(msg)


def dataset_path(name: str) -> Path:
    """Return the file path of the embedded dataset ``name``.

    Raises
    ------
    DataError
        If ``name`` is unknown or its file is missing.
    """
    try:
        dataset = DATASETS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        msg = f"unknown dataset {name!r}; known datasets: {known}"
        raise DataError(msg) from None
    path = data_dir() / dataset.path
    if not path.exists():
        msg = f"dataset {name!r} is missing its file {path}"
        raise DataError(msg)
    return path


def is_dataset_name(name: str) -> bool:
    """True when ``name`` means an embedded dataset rather than a file.

    The one precedence rule, for the CLI and map specs alike: a file of that name (in the
    folder where the name is looked up) wins over a dataset, since it is what the user
    can see.
    """
    return name in DATASETS and not Path(name).exists()


def list_datasets() -> list[Dataset]:
    """Return the embedded datasets whose files are present."""
    return [d for d in DATASETS.values() if (data_dir() / d.path).exists()]


@cache
def _load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def load_features(name: str) -> list[dict[str, Any]]:
    """Return the raw GeoJSON features of a layer (cached; do not mutate)."""
    features: list[dict[str, Any]] = _load_json(dataset_path(name))["features"]
    return features


def load_dataset(name: str) -> gpd.GeoDataFrame | pd.DataFrame:
    """Load an embedded dataset.

    Feature layers come back as GeoDataFrames in EPSG:4326 with every property as a
    column (lists such as ``aliases`` stay Python lists); tables as DataFrames.
    The scenario incidents are conformed to the canonical incident schema.

    Examples
    --------
    >>> bases = load_dataset("deployments")
    >>> bases.loc[bases["name"] == "Tower 22", "country"].item()
    'JOR'
    """
    import pandas as pd

    path = dataset_path(name)
    if DATASETS[name].is_table:
        return pd.read_csv(path)
    import geopandas as gpd
    import shapely

    features = load_features(name)
    props = [f.get("properties") or {} for f in features]
    geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None
             for f in features]
    frame = pd.DataFrame.from_records(props) if props else pd.DataFrame()
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))
    if name == "scenario":
        gdf = conform_incidents(gdf)
    return gdf
