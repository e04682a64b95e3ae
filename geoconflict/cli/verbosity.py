"""``-v/--verbose`` and ``-q/--quiet``: what the command line says on standard error.

Three kinds of stderr lines, three rules:

* **Warnings, errors and reject counts** are always shown (``geoconflict: warning:``,
  ``geoconflict: error:``, ``3 of 120 rows rejected``): ``-q`` never hides them.
* **Informational lines** (``wrote 12 features to out.gpkg``, summaries) go through
  :func:`info`, shown unless ``-q``.
* **Library log records** of the ``geoconflict`` logger (what was read, cached,
  skipped, fetched) are shown from ``-v`` (INFO) and ``-vv`` (DEBUG); warnings logged by
  the library are shown at every level.
* **Progress bars** (:mod:`geoconflict._progress`) are drawn on a terminal only, and not
  at all with ``-q``.
"""

from __future__ import annotations

import logging

import click

from .. import _progress

__all__ = ["configure", "info", "is_quiet"]

_STATE = {"quiet": False, "verbose": 0}


class _EchoHandler(logging.Handler):
    """Log records as ``geoconflict: ...`` lines on the current standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
        except Exception:  # pragma: no cover - a broken record must not stop the command
            self.handleError(record)
            return
        level = "" if record.levelno == logging.INFO else f"{record.levelname.lower()}: "
        click.echo(f"geoconflict: {level}{message}", err=True)


def configure(verbose: int = 0, quiet: bool = False) -> None:
    """Set the verbosity of this run (called by the ``geoconflict`` group)."""
    if verbose and quiet:
        msg = "-v/--verbose and -q/--quiet cannot be used together"
        raise click.UsageError(msg)
    _STATE["quiet"], _STATE["verbose"] = quiet, verbose
    logger = logging.getLogger("geoconflict")
    for handler in [h for h in logger.handlers if isinstance(h, _EchoHandler)]:
        logger.removeHandler(handler)
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    handler = _EchoHandler(level)
    logger.addHandler(handler)
    logger.setLevel(level)
    # Progress bars: off with -q, else automatic (terminals and Jupyter only).
    _progress.set_default(False if quiet else None)


def is_quiet() -> bool:
    """True when ``-q/--quiet`` was given."""
    return bool(_STATE["quiet"])


def info(message: str) -> None:
    """An informational stderr line (``wrote N features to F``): hidden by ``-q``."""
    if not _STATE["quiet"]:
        click.echo(message, err=True)
