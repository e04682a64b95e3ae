""""Did you mean": the one matcher for names a user mistyped (keys, datasets, sites).

Users: :mod:`geoconflict._sites` (deployment names and aliases), :mod:`geoconflict.webmap`
(map spec keys) and the CLI. Place names are a different problem, solved by the
geocoder's own index search (:meth:`geoconflict.geocoder.Geocoder` suggestions).

rapidfuzz's WRatio weighs partial and token-order matches, so "Tanff" finds
"Al-Tanf Garrison" through its alias "Tanf" and "radi" finds "radii"; the cut-off keeps
noise out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["close_matches", "did_you_mean"]


def close_matches(word: str, choices: Mapping[str, str] | Iterable[str], *, limit: int = 3,
                  cutoff: float = 75.0) -> list[str]:
    """The choices closest to ``word``, best first, without repeats.

    ``choices`` is either names, or a mapping of keys (names, aliases, ids) to the name
    to suggest for each.
    """
    from rapidfuzz import fuzz, process, utils

    names = dict(choices) if isinstance(choices, Mapping) else {c: c for c in choices}
    out: list[str] = []
    for key, _score, _ in process.extract(word, list(names), scorer=fuzz.WRatio,
                                          processor=utils.default_process, limit=None,
                                          score_cutoff=cutoff):
        if names[key] not in out:
            out.append(names[key])
        if len(out) == limit:
            break
    return out


def did_you_mean(word: str, choices: Mapping[str, str] | Iterable[str], **kw: float) -> str:
    """``" (did you mean 'x'?)"`` for the closest choice, or ``""`` when none is close."""
    close = close_matches(word, choices, limit=1, **kw)
    return f" (did you mean {close[0]!r}?)" if close else ""
