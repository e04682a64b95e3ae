"""Atomic file output: write beside the target, fsync, then rename over it.

An existing output is never truncated or half-replaced: a crash (even ``kill -9``)
leaves either the old file or the new one, and at worst a temporary file named
``.<name>.<pid>.<random>.tmp<suffix>`` beside it (plus any ``-journal``/``-wal`` file
SQLite left for a GeoPackage).

Debris cleanup happens at the start of the next write to the same target: temporary
files of that target whose writing process is no longer alive are removed. A temporary
file of a live process (a concurrent export to the same target) is left alone, so two
writers never delete each other's work; the last rename wins.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from .errors import ExportError

__all__ = ["atomic_path", "check_writable", "temp_debris"]


def check_writable(path: str | Path, *, overwrite: bool) -> Path:
    """Return ``path`` resolved, raising early if it cannot or must not be written.

    Raises
    ------
    ExportError
        If the file exists and ``overwrite`` is false, or its directory is missing or
        not writable.
    """
    target = Path(path)
    if target.is_dir():
        msg = f"cannot write {target}: it is a directory"
        raise ExportError(errno.EISDIR, msg)
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


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def temp_debris(path: str | Path) -> list[Path]:
    """Return the temporary files left beside ``path`` by interrupted writes to it.

    Only files of processes that are no longer running count as debris.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]+\.tmp")
    found = []
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            match = pattern.match(entry.name)
            if match and not _pid_alive(int(match.group(1))):
                found.append(entry)
    return sorted(found)


def _remove_stale(target: Path) -> None:
    for stale in temp_debris(target):
        with contextlib.suppress(OSError):
            stale.unlink()


def _os_error(target: Path, exc: OSError) -> ExportError:
    if exc.errno == errno.ENOSPC:
        msg = f"disk full while writing {target}; the previous file (if any) is unchanged"
        return ExportError(errno.ENOSPC, msg)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        msg = f"cannot write {target}: permission denied ({exc.strerror or exc})"
        return ExportError(exc.errno, msg)
    msg = f"cannot write {target}: {exc.strerror or exc}"
    return ExportError(exc.errno or errno.EIO, msg)


@contextlib.contextmanager
def atomic_path(path: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success, move it into place.

    The caller writes the whole output to the yielded path (with any library: GDAL,
    rasterio, pyarrow...). The temporary name ends with the target's suffix, so
    libraries that pick a driver from the extension behave. On normal exit the file is
    fsynced and renamed over ``path`` (and the directory fsynced); on an exception it is
    removed and ``path`` is untouched. ``OSError`` from the writer (disk full,
    permission denied) is turned into :class:`~geoconflict.errors.ExportError` naming
    the target.

    Examples
    --------
    >>> with atomic_path("out.geojson", overwrite=True) as tmp:  # doctest: +SKIP
    ...     tmp.write_text("{}")
    """
    target = check_writable(path, overwrite=overwrite)
    _remove_stale(target)
    parent = target.parent if str(target.parent) else Path(".")
    # The pid in the name lets the next writer tell debris from a live concurrent write.
    tmp = parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp{target.suffix}"
    try:
        # Reserve the name (O_EXCL), then free it: GDAL refuses to create over a file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.close(fd)
        tmp.unlink()
    except OSError as exc:
        raise _os_error(target, exc) from exc
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
            dirfd = os.open(parent, os.O_RDONLY)
            try:
                os.fsync(dirfd)
            finally:
                os.close(dirfd)
    except OSError as exc:
        _discard(tmp)
        if isinstance(exc, ExportError):
            raise
        raise _os_error(target, exc) from exc
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: Path) -> None:
    for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):
            leftover.unlink()
