"""osmnx's private API, which roads reaches in one place, still has what roads needs."""

from __future__ import annotations

from geoconflict.roads._osmnx import private_api


def test_private_osmnx_api_is_there() -> None:
    api = private_api()
    drive = api.network_filter("drive")
    assert '["highway"]' in drive
    assert "footway" in drive  # footways are excluded by a negated regex
    assert issubclass(api.InsufficientResponseError, Exception)
    assert issubclass(api.ResponseStatusCodeError, Exception)
