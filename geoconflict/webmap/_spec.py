"""Declarative map specs: YAML files in ``maps/`` that name layers, filters, rings and titles.

A spec is data, so a report's maps can be reviewed, diffed and re-rendered when the data
changes (``geoconflict map maps/baghdad.yml -o out/baghdad.html``). Every key is checked
before any data is read; mistakes raise :class:`~geoconflict.errors.MapSpecError` naming
the file and the key path (``maps/x.yml: layers.rings.radii[1]: bad distance '50 kmm'``).

Example spec::

    title: Tower 22 and the border triangle
    subtitle: Drone attack of 28 January 2024
    view: {bounds: [37.5, 32.6, 40.2, 34.3]}        # west, south, east, north
    options: {timeline: false, heatmap: false}
    layers:
      incidents:
        data: scenario                                  # embedded dataset or a file
        where: {since: 2024-01-01, until: 2024-02-29, countries: [JOR, SYR, IRQ]}
      deployments:
        data: deployments
        where: {country: [JOR, SYR, IRQ]}
      sites: {data: sites, where: {kind: [camp]}}
      rings:
        around: deployments
        where: {name: [Tower 22]}
        radii: [25km, 50km, 100km]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._suggest import did_you_mean
from ..datasets import DATASETS, load_dataset
from ..errors import GeoconflictError, MapSpecError
from ..events import filter_events, read_events
from ..io import read_features
from ..proximity import rings
from ..units import parse_distance
from ._map import conflict_map
from ._view import resolve_tiles

if TYPE_CHECKING:
    import geopandas as gpd

    from ._map import ConflictMap

__all__ = ["MapSpec", "load_map_spec", "render_map_spec"]

_TOP_KEYS = {"title", "subtitle", "data_date", "attribution", "basemap", "options", "view",
             "layers", "description"}
_OPTION_KEYS: dict[str, type | tuple[type, ...]] = {
    "heatmap": bool, "timeline": bool, "cluster": (bool, str), "uncertainty": (bool, str),
    "notes": (bool, str), "collapsed_layers": bool}
_LAYER_KEYS = {"incidents", "deployments", "sites", "lanes", "rings"}
_FEATURE_LAYER_KEYS = {"data", "where"}
_RING_KEYS = {"around", "where", "radii"}
_INCIDENT_WHERE = {"since", "until", "countries", "event_types", "actors", "bbox"}
_DEFAULT_DATA = {"incidents": "scenario", "deployments": "deployments", "sites": "sites",
                 "lanes": "sites"}


@dataclass
class MapSpec:
    """A validated spec: the keyword arguments of :func:`~geoconflict.conflict_map` plus
    where each layer's data comes from."""

    path: Path
    kwargs: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def build(self) -> ConflictMap:
        """Read the data, apply the filters and rings, and build the map."""

        frames: dict[str, gpd.GeoDataFrame] = {}
        for name in ("incidents", "deployments", "sites", "lanes"):
            if name in self.layers:
                frames[name] = self._layer(name, self.layers[name])
        if "rings" in self.layers:
            frames["rings"] = self._rings(self.layers["rings"], frames)
        return conflict_map(**frames, **self.kwargs)

    def _where(self, what: str) -> str:
        return f"{self.path}: layers.{what}"

    def _read(self, name: str, data: str) -> gpd.GeoDataFrame:
        try:
            # One rule with the CLI (geoconflict._inputs): a file of that name wins, here
            # looked up beside the spec, then an embedded dataset.
            source = (self.path.parent / data) if not Path(data).is_absolute() else Path(data)
            if not source.exists() and data in DATASETS:
                return load_dataset(data)
            if not source.exists():
                msg = (f"{self._where(name)}.data: {data!r} is neither an embedded dataset "
                       f"({', '.join(DATASETS)}) nor a file (looked for {source})")
                raise MapSpecError(msg)
            if name == "incidents":
                return read_events(str(source))

            return read_features(str(source))
        except MapSpecError:
            raise
        except GeoconflictError as exc:
            msg = f"{self._where(name)}.data: {exc}"
            raise MapSpecError(msg) from exc

    def _layer(self, name: str, conf: dict[str, Any]) -> gpd.GeoDataFrame:
        gdf = self._read(name, conf["data"])
        where = conf.get("where") or {}
        if name == "incidents":
            return filter_events(gdf, **where)
        return _select(gdf, where, self._where(name))

    def _rings(self, conf: dict[str, Any], frames: dict[str, gpd.GeoDataFrame]
               ) -> gpd.GeoDataFrame:
        around = conf["around"]
        base = frames.get(around)
        if base is None:
            base = self._read(around, _DEFAULT_DATA[around])
        base = _select(base, conf.get("where") or {}, self._where("rings"))
        if not len(base):
            msg = f"{self._where('rings')}.where: selects no {around} to draw rings around"
            raise MapSpecError(msg)
        return rings(base, conf["radii"])


def _select(gdf: gpd.GeoDataFrame, where: Mapping[str, Any], place: str) -> gpd.GeoDataFrame:
    """Rows whose column values are in the given lists (AND across keys); ``bbox`` too."""
    import numpy as np

    keep = np.ones(len(gdf), dtype=bool)
    for key, values in where.items():
        if key == "bbox":
            west, south, east, north = values
            keep &= gdf.intersects(_box(west, south, east, north)).to_numpy()
            continue
        if key not in gdf.columns:
            known = ", ".join(c for c in gdf.columns if c != "geometry")
            msg = f"{place}.where.{key}: no such column (columns: {known})"
            raise MapSpecError(msg)
        wanted = {str(v).casefold() for v in values}
        col = gdf[key].astype("string").str.casefold()
        keep &= col.isin(wanted).fillna(False).to_numpy(dtype=bool)
    return gdf[keep]


def _box(west: float, south: float, east: float, north: float) -> Any:
    import shapely

    return shapely.box(west, south, east, north)


# -- validation -------------------------------------------------------------------------

def _fail(path: Path, key: str, problem: str) -> MapSpecError:
    return MapSpecError(f"{path}: {key}: {problem}")


def _check_keys(path: Path, where: str, value: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, where, f"expected a mapping, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            hint = did_you_mean(str(key), sorted(allowed))
            raise _fail(path, f"{where}.{key}" if where else str(key),
                        f"unknown key{hint}; allowed: {', '.join(sorted(allowed))}")
    return value


def _as_list(path: Path, key: str, value: Any) -> list[Any]:
    if isinstance(value, str | int | float | dt.date):
        return [value]
    if not isinstance(value, list) or not value:
        raise _fail(path, key, "expected a value or a non-empty list")
    return value


def _bounds(path: Path, key: str, value: Any) -> list[float]:
    if (not isinstance(value, list) or len(value) != 4
            or not all(isinstance(v, int | float) for v in value)):
        raise _fail(path, key, "expected [west, south, east, north] in degrees")
    west, south, east, north = (float(v) for v in value)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise _fail(path, key, f"{value} is not [west, south, east, north] with west < east "
                               "and south < north within -180..180 / -90..90")
    return [west, south, east, north]


def _check_where(path: Path, key: str, layer: str, where: Any) -> dict[str, Any]:
    if where is None:
        return {}
    if not isinstance(where, dict):
        raise _fail(path, key, "expected a mapping of column: value(s)")
    out: dict[str, Any] = {}
    if layer == "incidents":
        _check_keys(path, key, where, _INCIDENT_WHERE)
    for name, value in where.items():
        sub = f"{key}.{name}"
        if name == "bbox":
            out[name] = tuple(_bounds(path, sub, value))
        elif name in ("since", "until"):
            if isinstance(value, dt.date):
                out[name] = value
            else:
                try:
                    out[name] = dt.date.fromisoformat(str(value))
                except ValueError:
                    raise _fail(path, sub, f"{value!r} is not a date (YYYY-MM-DD)") from None
        else:
            out[name] = [str(v) for v in _as_list(path, sub, value)]
    return out


def _check_layers(path: Path, layers: Any) -> dict[str, dict[str, Any]]:

    _check_keys(path, "layers", layers, _LAYER_KEYS)
    out: dict[str, dict[str, Any]] = {}
    for name, conf in layers.items():
        key = f"layers.{name}"
        if conf is None or conf is True:
            conf = {}
        if name == "rings":
            _check_keys(path, key, conf, _RING_KEYS)
            around = conf.get("around", "deployments")
            if around not in ("incidents", "deployments", "sites"):
                raise _fail(path, f"{key}.around", f"{around!r} is not a layer to draw rings "
                            "around; use deployments, incidents or sites")
            radii = []
            for i, r in enumerate(_as_list(path, f"{key}.radii", conf.get("radii"))):
                try:
                    radii.append(parse_distance(r))
                except GeoconflictError as exc:
                    raise _fail(path, f"{key}.radii[{i}]", f"bad distance {r!r}: {exc}") from None
                if radii[-1] <= 0:
                    raise _fail(path, f"{key}.radii[{i}]", f"radius must be positive, got {r!r}")
            out[name] = {"around": around, "radii": radii,
                         "where": _check_where(path, f"{key}.where", "rings", conf.get("where"))}
            continue
        _check_keys(path, key, conf, _FEATURE_LAYER_KEYS)
        data = conf.get("data", _DEFAULT_DATA[name])
        if not isinstance(data, str) or not data:
            raise _fail(path, f"{key}.data", "expected a dataset name or a file path")
        out[name] = {"data": data, "where": _check_where(path, f"{key}.where", name,
                                                          conf.get("where"))}
    return out


def load_map_spec(path: str | Path) -> MapSpec:
    """Read and validate a YAML map spec.

    Raises
    ------
    MapSpecError
        Naming the file and key path of the first problem found.
    """
    import yaml

    spec_path = Path(path)
    try:
        raw = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"{spec_path}: cannot read map spec: {exc.strerror or exc}"
        raise MapSpecError(msg) from exc
    except yaml.YAMLError as exc:
        msg = f"{spec_path}: not valid YAML: {exc}"
        raise MapSpecError(msg) from exc
    if raw is None:
        raw = {}
    _check_keys(spec_path, "", raw, _TOP_KEYS)
    kwargs: dict[str, Any] = {}
    for key in ("title", "subtitle", "data_date", "attribution"):
        if key in raw and raw[key] is not None:
            if not isinstance(raw[key], str | int | float | dt.date):
                raise _fail(spec_path, key, "expected text")
            kwargs[key] = str(raw[key])
    if "basemap" in raw:
        try:
            kwargs["basemap"] = resolve_tiles(str(raw["basemap"])) or str(raw["basemap"])
        except MapSpecError as exc:
            raise _fail(spec_path, "basemap", str(exc)) from None
    options = _check_keys(spec_path, "options", raw.get("options") or {}, set(_OPTION_KEYS))
    for key, value in options.items():
        if not isinstance(value, _OPTION_KEYS[key]):
            raise _fail(spec_path, f"options.{key}", f"expected true/false, got {value!r}")
        if isinstance(value, str) and value != "auto":
            raise _fail(spec_path, f"options.{key}", f"expected true, false or auto, got {value!r}")
        kwargs[key] = value
    view = _check_keys(spec_path, "view", raw.get("view") or {}, {"bounds"})
    if "bounds" in view:
        kwargs["bounds"] = _bounds(spec_path, "view.bounds", view["bounds"])
    layers = _check_layers(spec_path, raw.get("layers") or {})
    if not layers:
        raise _fail(spec_path, "layers", "no layers: name at least one of "
                                         + ", ".join(sorted(_LAYER_KEYS)))
    return MapSpec(path=spec_path, kwargs=kwargs, layers=layers)


def render_map_spec(path: str | Path) -> ConflictMap:
    """Validate the spec at ``path`` and build its map.

    Examples
    --------
    >>> render_map_spec("maps/scenario.yml").save("out/scenario.html")  # doctest: +SKIP
    """
    return load_map_spec(path).build()
