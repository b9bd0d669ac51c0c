"""One writer per output folder: an advisory lock (flock) on a lock file beside it.

    with output_lock(Path("build")):
        ...   # no other kg build writes build/ meanwhile

The lock file is `.NAME.lock` in OUT's parent folder, not inside OUT, because a build
replaces OUT as a whole. The operating system drops the lock when its process ends, however
it ends, so a killed build never leaves a stale lock behind. The file itself stays (removing
it would let two processes lock two different files of one name).
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import BusyError, OutputError

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


_HELD: set[int] = set()  # lock file descriptors this process holds


def close_inherited() -> None:
    """In a forked child: close the lock descriptors copied from the parent, so that a
    child outliving its parent cannot keep the parent's output folder locked."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


def lock_path(out: Path) -> Path:
    out = Path(os.path.realpath(out))
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[Path]:
    """Hold the lock of output folder `out`; BusyError at once if another process holds it."""
    path = lock_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the lock file: {exc.strerror or exc}") from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BusyError(f"another kg build is writing {out}; try again when it has finished") from None
        else:  # pragma: no cover
            log.warning("no file locking on this platform; do not run two builds into %s at once", out)
        _HELD.add(fd)
        yield path
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing drops the lock
