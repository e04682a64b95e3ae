"""Progress bars for long tasks: on a terminal and in Jupyter, never in pipes or logs.

Users: :func:`geoconflict.raster.zonal_exposure` (zones done),
:func:`geoconflict.io.export` (features written),
:func:`geoconflict.geocode` (names done), :func:`geoconflict.parse_reports` (reports
done), and, by their steps (see :func:`stages`), :func:`geoconflict.roads.road_network`,
:func:`geoconflict.read_events` and :func:`geoconflict.conflict_map`; all take
``progress=``. The CLI's
``-q/--quiet`` turns every bar off through :func:`set_default`
(:mod:`geoconflict.cli.verbosity`).

``progress`` is ``None`` (automatic: a bar only when standard error is a terminal, or in a
Jupyter notebook, where tqdm draws a widget), ``True`` (always, even into a log) or
``False`` (never). A bar appears only once a task has run for half a second, so quick
calls print nothing. Bars are drawn by tqdm's ``tqdm.auto`` and go to standard error,
never standard output, so piped results are untouched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["bar", "set_default", "stages"]

#: Seconds a task runs before its bar appears.
DELAY_S = 0.5

_DEFAULT: dict[str, bool | None] = {"progress": None}


def set_default(progress: bool | None) -> None:
    """The choice used where a caller passes ``progress=None`` (the CLI: False with -q)."""
    _DEFAULT["progress"] = progress


def _noop(_: int = 1) -> None:
    return None


@contextlib.contextmanager
def _tqdm(total: int | None, desc: str, unit: str, progress: bool | None) -> Iterator[Any]:
    """The tqdm bar, or None when progress is off."""
    choice = progress if progress is not None else _DEFAULT["progress"]
    if choice is False:
        yield None
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        yield None
        return
    # disable=None: tqdm draws only when its stream is a terminal (or a notebook widget).
    big = total is not None and total >= 100_000  # 1.2M rather than 1234567
    with tqdm(total=total, desc=desc, unit=unit, unit_scale=big, leave=False,
              dynamic_ncols=True, mininterval=0.25, delay=DELAY_S,
              disable=None if choice is None else False) as progress_bar:
        yield progress_bar


@contextlib.contextmanager
def bar(total: int | None, desc: str, *, unit: str = "it",
        progress: bool | None = None) -> Iterator[Callable[[int], None]]:
    """A progress bar over ``total`` steps; yields ``update(n)`` to call as work is done.

    ``progress`` as in the module docstring; when it is None the process-wide default of
    :func:`set_default` applies, then tqdm's automatic choice (terminals and Jupyter).
    """
    with _tqdm(total, desc, unit, progress) as progress_bar:
        yield _noop if progress_bar is None else progress_bar.update


@contextlib.contextmanager
def stages(names: Sequence[str], desc: str, *,
           progress: bool | None = None) -> Iterator[Callable[[str], None]]:
    """A bar over the named steps of one long call that reports nothing inside (an
    osmnx parse); yields ``start(name)``, called as each step begins, which counts the
    previous step done and shows ``name``."""
    done = [0]
    with _tqdm(len(names), desc, "step", progress) as progress_bar:

        def start(name: str) -> None:
            if progress_bar is None:
                return
            if done[0]:
                progress_bar.update(1)
            done[0] += 1
            progress_bar.set_postfix_str(name)

        yield start
        if progress_bar is not None and done[0]:
            progress_bar.update(1)
