"""Where fundaudit's caches live and how their entries are read and written, safely.

Every cache of fundaudit (the diagnoses, :mod:`fundaudit.causes.cache`; the loaded YAML
files, :mod:`fundaudit.loader.cache`; each group's diagnoses of a large check,
:mod:`fundaudit.columnar.groupcache`) keeps its entries in a folder of its own under
:func:`folder`: the user's cache folder, never beside the data, so that a check adds nothing
to the folder it checks. ``FUNDAUDIT_CACHE=off`` turns every cache off;
``$FUNDAUDIT_CACHE_DIR`` moves them. The folders are safe to delete.

A cache reads, writes and deletes no file but its own entries (names it matches exactly). An
entry that cannot be read or written (a read-only folder, a damaged or oversized entry, a
folder or entry that is a symbolic link) is passed over silently: the work is done as if
there were no cache, and no error changes a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_CODE: list[str] = []  # the digest of fundaudit's code, computed once per process
_TEMPORARY = re.compile(r"\.tmp-[A-Za-z0-9_]{1,32}(?:\.[a-z]{1,8})?")  # as tempfile.mkstemp names them in write()
STALE = 3600  # seconds after which a temporary file of write() is known to be left behind


def folder() -> Path | None:
    """Where the caches live (``None``: caching is off).

    ``$FUNDAUDIT_CACHE_DIR``, else ``fundaudit`` in the user's cache folder (``$XDG_CACHE_HOME``,
    ``%LOCALAPPDATA%``, ``~/Library/Caches`` or ``~/.cache``): never beside the data, so that a
    check adds nothing to the folder it checks.
    """
    if os.environ.get("FUNDAUDIT_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    chosen = os.environ.get("FUNDAUDIT_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    if not base:
        home = Path.home()
        base = str(home / "Library" / "Caches" if sys.platform == "darwin" else home / ".cache")
    return Path(base) / "fundaudit"


def code_digest() -> str:
    """A SHA-256 of fundaudit's code: every module and the message catalogue (read once per process).

    Part of every cache key, so that any change to fundaudit makes its old entries unused.
    """
    if not _CODE:
        import fundaudit

        root = Path(fundaudit.__file__).parent
        h = hashlib.sha256(fundaudit.__version__.encode())
        files = [*sorted(root.rglob("*.py")), *sorted((root / "i18n" / "locale").glob("*/LC_MESSAGES/*.mo"))]
        for file in files:
            h.update(file.name.encode() + b"\0" + file.read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def seal(version: int, digest: str, body: bytes) -> bytes:
    """An entry: a head line repeating the format ``version`` and the key ``digest`` and carrying
    a SHA-256 of ``body``, then ``body`` (see :func:`unseal`)."""
    return json.dumps([version, digest, hashlib.sha256(body).hexdigest()]).encode() + b"\n" + body


def unseal(raw: bytes, version: int, digest: str) -> bytes | None:
    """The body of the entry ``raw`` (:func:`seal`), or None: another format or key, or damaged."""
    head, _, body = raw.partition(b"\n")
    try:
        stated = json.loads(head)
    except ValueError:
        return None
    return body if stated == [version, digest, hashlib.sha256(body).hexdigest()] else None


def read_sealed(where: Path | None, name: str, limit: int, version: int, digest: str) -> tuple[bytes, bytes] | None:
    """The first line of the body of the sealed entry ``name`` (:func:`seal`) and the rest, or None."""
    raw = read(where, name, limit)
    body = None if raw is None else unseal(raw, version, digest)
    if body is None:
        return None
    line, _, rest = body.partition(b"\n")
    return line, rest


def whole(text: bytes | str) -> Any:
    """The JSON ``text`` holds, with whole numbers only (a float or NaN refuses it: ValueError)."""
    return json.loads(text, parse_float=_refuse, parse_constant=_refuse)


def _refuse(text: str) -> Any:
    raise ValueError(f"not a whole number: {text}")


def read(where: Path | None, name: str, limit: int) -> bytes | None:
    """The bytes of the entry ``name`` in ``where``, or ``None`` (none, a link, larger than ``limit``)."""
    if where is None:
        return None
    try:
        fd = _open(where, name, limit)
        if fd is None:
            return None
        with open(fd, "rb") as fh:
            return fh.read()
    except OSError:
        return None


_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _open(where: Path, name: str, limit: int) -> int | None:
    """A descriptor of the regular file ``name`` in ``where`` of at most ``limit`` bytes, or None.

    Neither the folder nor the entry may be a symbolic link (the entry is opened without
    following one where the system can, and checked first where it cannot); anything but a
    regular file (a folder, a named pipe, which ``O_NONBLOCK`` keeps from blocking) is refused
    after opening, from the same descriptor.
    """
    if os.path.islink(where):
        return None
    path = os.path.join(where, name)
    if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):
        return None
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_size <= limit:
            fd, kept = -1, fd
            return kept
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def mapped(where: Path | None, name: str, limit: int) -> mmap.mmap | None:
    """The entry ``name`` in ``where`` mapped into memory, read-only (``None``: as :func:`read`).

    For large entries read whole: the pages are the system's file cache itself, not a copy
    that must be allocated (at 300 MB of blocks, 0.14 s of the system's time). The entries are
    only ever replaced whole (:func:`write`) or deleted, never changed in place, so that the
    pages mapped stay those of the entry opened.
    """
    if where is None:
        return None
    try:
        fd = _open(where, name, limit)
        if fd is None:
            return None
        try:
            return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        finally:
            os.close(fd)
    except (OSError, ValueError):  # (an empty file cannot be mapped)
        return None


def write(where: Path | None, name: str, data: bytes) -> bool:
    """Store ``data`` as the entry ``name`` in ``where``, atomically (False: passed over).

    Folders that do not exist are made, each with a ``.gitignore`` saying it is a cache.
    """
    if where is None:
        return False
    try:
        if where.is_symlink():
            return False
        missing = []
        while not where.exists() and where.parent != where:
            missing.append(where)
            where = where.parent
        for made in reversed(missing):  # folders of our own: git is told to ignore each
            made.mkdir()
            (made / ".gitignore").write_text("# fundaudit's cache: safe to delete\n*\n", encoding="utf-8")
            where = made
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=Path(name).suffix)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, where / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True
    except OSError:
        return False


_BATCH: list[dict[tuple[Path, re.Pattern[str], int, int | None], None]] = []  # prunes put off (see batched)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Put off every :func:`prune` asked for inside the block to its end, each folder pruned once
    (a folder of thousands of entries takes tens of milliseconds to list; a check after an edit
    writes a few entries to each of three folders)."""
    _BATCH.append({})
    try:
        yield
    finally:
        for args in _BATCH.pop():
            prune(*args)


def prune(where: Path | None, entry: re.Pattern[str], keep: int, size: int | None = None) -> None:
    """Delete all but the ``keep`` newest entries of ``where`` whose names match ``entry`` in full.

    With ``size``, the newest entries kept add up to at most ``size`` bytes as well. A
    temporary file of :func:`write` older than :data:`STALE` seconds is deleted too (its writer
    was killed before it could rename or delete it). Inside :func:`batched`, done at its end.
    """
    if where is None:
        return
    if _BATCH:
        _BATCH[-1][where, entry, keep, size] = None
        return
    try:
        if where.is_symlink():
            return
        now = time.time()
        ours = []
        with os.scandir(where) as listing:  # one lstat per file (pathlib's is_symlink and stat made three)
            for item in listing:
                name = item.name
                if entry.fullmatch(name):
                    if not item.is_symlink():  # never another file
                        ours.append((item.stat(follow_symlinks=False), item.path))
                elif (
                    _TEMPORARY.fullmatch(name)
                    and not item.is_symlink()
                    and item.stat(follow_symlinks=False).st_mtime < now - STALE
                ):
                    os.unlink(item.path)
        ours.sort(key=lambda pair: pair[0].st_mtime, reverse=True)
        total = 0
        for n, (info, path) in enumerate(ours):
            total += info.st_size
            if n >= keep or (size is not None and total > size):  # the oldest go first
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
    except OSError:
        return
