"""Progress on long work: a transient status line on stderr, only when stderr is a terminal.

``with stage("reading tables", big=True): …`` shows a spinner and the stage's words on the
terminal while the block runs, and erases them when it ends; :func:`note` adds how far the
stage has come (the failing relations diagnosed, the findings written). Nothing at all happens — not
even an import — when stderr is not a terminal (a pipe, a file, CI), when ``$CI`` or
``$FUNDAUDIT_NO_PROGRESS`` is set, or when the work is small (``big`` false; tables or YAML
under ``$FUNDAUDIT_PROGRESS_BYTES``, default 8 MiB): stdout is
never touched, so what a command writes is byte-identical with and without a terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

BIG_BYTES = 8 * 1024 * 1024  # inputs below this finish too fast for a progress line to help


def _threshold() -> int:
    """Bytes of input from which progress is shown (``$FUNDAUDIT_PROGRESS_BYTES``, else 8 MiB)."""
    text = os.environ.get("FUNDAUDIT_PROGRESS_BYTES", "")
    return int(text) if text.isdigit() and len(text) < 19 else BIG_BYTES


def wanted(big: bool) -> bool:
    """Whether a progress line is shown for work of this size, here and now."""
    if not big or os.environ.get("CI") or os.environ.get("FUNDAUDIT_NO_PROGRESS"):
        return False
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def large(path: os.PathLike[str] | str, weight: int = 1) -> bool:
    """Whether the file, or the files directly in the directory, at ``path`` are large
    (``weight``: how many times slower than reading tables a byte of it is to work on)."""
    try:
        if os.path.isdir(path):
            return sum(e.stat().st_size for e in os.scandir(path) if e.is_file()) * weight >= _threshold()
        return os.path.getsize(path) * weight >= _threshold()
    except OSError:
        return False


def large_yaml(entry: os.PathLike[str] | str) -> bool:
    """Whether the YAML data of the entry file ``entry`` is large: the ``.yaml`` files in its
    folder and below (YAML reads about twenty times slower than tables, byte for byte)."""
    if not wanted(True):
        return False  # no terminal: the folder is not even walked
    try:
        root = os.path.dirname(os.path.abspath(entry))
        total = seen = 0
        for folder, _dirs, files in os.walk(root):
            yamls = [f for f in files if f.endswith((".yaml", ".yml"))]
            total += sum(os.path.getsize(os.path.join(folder, f)) for f in yamls)
            seen += len(files)
            if total * 20 >= _threshold():
                return True
            if seen > 20_000:
                return False  # an entry file in a large tree (a home folder): not worth the walk
        return False
    except OSError:
        return False


_shown: list[tuple[Any, str]] = []  # the status line on the terminal now, and its stage's words


@contextmanager
def stage(words: str, big: bool) -> Iterator[None]:
    """Show ``words`` with a spinner on stderr while the block runs (see the module doc)."""
    if not wanted(big):
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(words) as status:
        _shown.append((status, words))
        try:
            yield
        finally:
            _shown.pop()


def note(detail: str) -> None:
    """Say how far the stage shown now has come (``… — 12,000 of 100,844 diagnosed``); else nothing."""
    if _shown:
        status, words = _shown[-1]
        status.update(f"{words} — {detail}")
