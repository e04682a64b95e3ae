"""Fixtures of the geocoder tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geoconflict.geocoder._gazetteer import _index_path, _load_base


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private cache folder holding (a link to) the built base index."""
    _load_base()
    base = _index_path()
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / base.name).symlink_to(base)
    monkeypatch.setenv("GEOCONFLICT_CACHE_DIR", str(folder))
    _load_base.cache_clear()
    yield folder
    _load_base.cache_clear()
