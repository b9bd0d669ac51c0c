"""Publish a build's outputs all at once: build into a temporary sibling folder, then swap
it with OUT.

    with Staging(Path("build")) as stage:
        write_atomic(stage.path / "graph.ttl", data)
        ...
        stage.publish()

Until `publish`, OUT is untouched; a build killed at any moment before it leaves the
previous OUT as it was, and one killed after it leaves the new one. On Linux the swap is a
single atomic renameat2(RENAME_EXCHANGE), so no reader ever sees OUT missing or half
replaced, and graph.ttl, inferred.ttl and validation.txt always come from one build.
Elsewhere two renames do it, and a build that died between them is repaired by the next
one (OUT is restored from the old copy).

Files in OUT that kg build does not make (an Oxigraph store, notes of your own) are carried
into the new folder as hard links (copies where links are impossible). Outputs of an older
build that this build did not make again (inferred.ttl after --no-reason, graph.nt after
dropping --format nt) are not carried over: they would describe another graph.

Call under kg.lock.output_lock, which keeps two builds from sharing the staging names.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import shutil
import sys
from pathlib import Path

from .errors import InputError, OutputError

log = logging.getLogger(__name__)

#: Names a build owns in OUT: made again by every build that wants them, never carried over.
OWNED = ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "context.jsonld", "inferred.ttl",
         "union.ttl", "validation.txt", "graph.html", ".cache")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a file system without RENAME_EXCHANGE
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Staging:
    """A temporary sibling of OUT that becomes OUT on publish()."""

    def __init__(self, out: Path):
        self.out = Path(os.path.realpath(out))
        self.path = self.out.parent / f".{self.out.name}.new"
        self.old = self.out.parent / f".{self.out.name}.old"
        self.published = False

    def __enter__(self) -> Staging:
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"{self.out}: exists and is not a folder")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.recover()
            for leftover in (self.path, self.old):
                if leftover.exists():
                    shutil.rmtree(leftover)
            self.path.mkdir()
        except OSError as exc:
            raise OutputError(f"{self.out}: cannot prepare the output folder: {exc.strerror or exc}") from None
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.published:
            shutil.rmtree(self.path, ignore_errors=True)

    def recover(self) -> None:
        """A build that died between the two renames of the fallback swap left OUT missing
        and the previous build at the old name: put it back."""
        if not self.out.exists() and self.old.is_dir():
            log.warning("restoring %s from an interrupted build", self.out)
            os.rename(self.old, self.out)

    @property
    def previous(self) -> Path | None:
        return self.out if self.out.is_dir() else None

    def carry_over(self) -> None:
        """Link the entries of OUT that kg build does not own into the new folder."""
        if not self.out.is_dir():
            return
        for entry in sorted(self.out.iterdir()):
            if entry.name in OWNED or (self.path / entry.name).exists():
                continue
            target = self.path / entry.name
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
                elif entry.is_symlink():
                    os.symlink(os.readlink(entry), target)
                else:
                    _link_or_copy(entry, target)
            except OSError as exc:
                raise OutputError(f"{entry}: cannot carry it into the new build: {exc.strerror or exc}") from None

    def publish(self) -> None:
        """Make the staged folder OUT, atomically where the system allows."""
        try:
            self.carry_over()
            _fsync_dir(self.path)
            if not self.out.exists():
                os.rename(self.path, self.out)
            elif _exchange(self.path, self.out):
                # self.path now holds the previous build
                shutil.rmtree(self.path, ignore_errors=True)
            else:
                os.rename(self.out, self.old)
                os.rename(self.path, self.out)
                shutil.rmtree(self.old, ignore_errors=True)
            _fsync_dir(self.out.parent)
        except OSError as exc:
            raise OutputError(f"{self.out}: cannot put the new build in place: {exc.strerror or exc}") from None
        self.published = True


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
