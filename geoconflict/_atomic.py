"""Atomic file output: write beside the target, fsync, then rename over it.

An existing output is never truncated or half-replaced: a crash (even ``kill -9``)
leaves either the old file or the new one, and at worst a ``.<name>.*.tmp`` file that
the next successful write to the same target cleans up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ExportError

__all__ = ["atomic_path", "check_writable"]


def check_writable(path: str | Path, *, overwrite: bool) -> Path:
    """Return ``path`` resolved, raising early if it cannot or must not be written.

    Raises
    ------
    ExportError
        If the file exists and ``overwrite`` is false, or its directory is missing or
        not writable.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        msg = f"{target} exists; pass overwrite=True (CLI: --overwrite) to replace it"
        raise ExportError(errno.EEXIST, msg)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        msg = f"cannot write {target}: directory {parent} does not exist"
        raise ExportError(errno.ENOENT, msg)
    if not os.access(parent, os.W_OK):
        msg = f"cannot write {target}: directory {parent} is not writable"
        raise ExportError(errno.EACCES, msg)
    return target


def _remove_stale(target: Path) -> None:
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


@contextlib.contextmanager
def atomic_path(path: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success, move it into place.

    The caller writes the whole output to the yielded path (with any library: GDAL,
    rasterio, pyarrow...). On normal exit the file is fsynced and renamed over
    ``path``; on an exception it is removed and ``path`` is untouched.

    Examples
    --------
    >>> with atomic_path("out.geojson", overwrite=True) as tmp:  # doctest: +SKIP
    ...     tmp.write_text("{}")
    """
    target = check_writable(path, overwrite=overwrite)
    _remove_stale(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                dir=target.parent if str(target.parent) else ".")
    os.close(fd)
    tmp = Path(name)
    # Libraries such as GDAL refuse to create over an existing file.
    tmp.unlink()
    try:
        yield tmp
        if not tmp.exists():
            msg = f"nothing was written for {target}"
            raise ExportError(errno.EIO, msg)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        if target.exists() and not overwrite:
            msg = f"{target} appeared while writing; not replaced (use overwrite)"
            raise ExportError(errno.EEXIST, msg)
        os.replace(tmp, target)
        with contextlib.suppress(OSError):
            dirfd = os.open(target.parent if str(target.parent) else ".", os.O_RDONLY)
            try:
                os.fsync(dirfd)
            finally:
                os.close(dirfd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, ExportError):
            raise
        if exc.errno == errno.ENOSPC:
            msg = f"disk full while writing {target}; the previous file is unchanged"
            raise ExportError(errno.ENOSPC, msg) from exc
        msg = f"cannot write {target}: {exc.strerror or exc}"
        raise ExportError(exc.errno or errno.EIO, msg) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
