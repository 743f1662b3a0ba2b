"""Every file fundaudit writes goes through here: atomic, mode-keeping, cleaned up, reported.

What is guaranteed, for one file (``write_atomic``):

- The bytes go to a temporary file in the target's own folder, are flushed and fsynced, and
  the temporary is renamed over the target: a reader sees the old file or the new one, never
  a part (a full disk, a signal or a crash before the rename leaves the old file as it was).
- An existing file keeps its permission bits; a new file gets the ones the umask gives
  (``0o666 & ~umask``), as ``open()`` would — not ``mkstemp``'s 600.
- A symbolic link to a file is followed: the file it names is replaced, the link stays. A
  link that names nothing is an error (fundaudit does not guess where to write).
- The temporary is removed on every exit: an exception, Ctrl-C (``KeyboardInterrupt``) and
  ``SIGTERM``/``SIGHUP`` (the command line turns them into an exception, see
  ``terminate_as_exception``). Only ``SIGKILL`` or a power cut can leave one behind, named
  ``.NAME.fundaudit-XXXX.tmp``.
- Any ``OSError`` becomes ``OutputError("PATH: what went wrong")``; the command line prints
  it and exits with 2.

For a set of files (``write_all``, used for the report bundle and the exported tables):
every file is first written to its temporary (all fsynced); only when all of them succeeded
are they renamed into place, one after the other, with ``SIGINT``/``SIGTERM``/``SIGHUP``
held back until the last rename. So a failure while writing (full disk, read-only folder,
a signal) changes none of the existing files and removes again the folders it created;
only ``SIGKILL`` or a power cut during the renames (microseconds) can leave a mix of old
and new files.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

from fundaudit.errors import os_reason
from fundaudit.i18n import _

_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class OutputError(OSError):
    """A file could not be written; the message is ``path: what went wrong``."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived; raised so that ``finally`` blocks clean up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_raised: list[int] = []  # the signals whose Terminated was raised since terminate_as_exception


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    del frame
    _raised.append(signum)
    raise Terminated(signum)


def swallowed() -> int | None:
    """The signal whose ``Terminated`` was raised but never reached the command line, if any.

    C code that clears whatever error it meets swallows it without a trace (CPython's compiler
    while an import compiles a module; an extension module's start: a real `report` met both);
    the command line asks here when the command has ended, and ends with the signal's code.
    """
    return _raised[-1] if _raised else None


def terminate_as_exception() -> Callable[[], None]:
    """Make SIGTERM and SIGHUP raise ``Terminated``; return what puts the handlers before back.

    The command line calls this once, at the start of :func:`fundaudit.cli.run`, and puts the
    handlers back when the command has ended (its exit code is known, its files are written):
    a signal after that ends the process the system's way, never with a traceback.

    A signal's exception raised where Python swallows every exception (a finaliser, a weakref
    or garbage-collector callback, an import lock's callback: "Exception ignored in ...") is
    not lost: the signal is sent again a moment later, when the swallowing code has returned
    (:func:`_redeliver`), so the command still ends with its exit code and no traceback.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    _raised.clear()
    before = {sig: signal.signal(sig, _raise_terminated) for sig in (signal.SIGTERM, signal.SIGHUP)}
    if not getattr(sys.unraisablehook, "_fundaudit", False):
        sys.unraisablehook = _redelivering(sys.unraisablehook)

    def restore() -> None:
        for sig, handler in before.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)

    return restore


_again: list[int] = []  # signals swallowed, to be sent again


def _redelivering(hook: Callable[[Any], object]) -> Callable[[Any], object]:
    """``hook`` for every unraisable exception but a signal's, which is sent again instead."""

    def unraisable(info: Any) -> object:
        exc = info.exc_value
        if isinstance(exc, Terminated):
            _again.append(exc.signum)
        elif isinstance(exc, KeyboardInterrupt):
            _again.append(signal.SIGINT)
        else:
            return hook(info)
        # not sent from here (its handler would raise inside this hook, and be swallowed again):
        # SIGALRM a millisecond later sends it, from whatever ordinary code then runs
        signal.signal(signal.SIGALRM, _redeliver)
        signal.setitimer(signal.ITIMER_REAL, 0.001)
        return None

    unraisable._fundaudit = True  # type: ignore[attr-defined]
    return unraisable


def _redeliver(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    while _again:
        signal.raise_signal(_again.pop())


def describe(path: Path | str, exc: OSError) -> str:
    """``path: what went wrong`` for an OS error, in words (no Python repr)."""
    return f"{path}: {os_reason(exc)}"


_umask: int | None = None


def _new_file_mode() -> int:
    global _umask
    if _umask is None:
        with _umask_lock:
            current = os.umask(0o022)
            os.umask(current)
            _umask = current
    return 0o666 & ~_umask


_umask_lock = threading.Lock()


def _target(path: Path) -> Path:
    """The file to replace: ``path``, or the file a symbolic link at ``path`` names."""
    if path.is_symlink():
        resolved = path.resolve()
        if not resolved.exists() and not resolved.parent.is_dir():
            raise OutputError(
                _("{path}: is a symbolic link to {folder}, which does not exist").format(
                    path=path, folder=resolved.parent
                )
            )
        if not resolved.exists():
            raise OutputError(_("{path}: is a symbolic link that names no file").format(path=path))
        return resolved
    return path


def _folder(folder: Path, created: list[Path]) -> None:
    """Create ``folder`` (and its parents, appended to ``created``) or say why it cannot be."""
    try:
        if folder.is_symlink() and not folder.exists():
            raise OutputError(_("{path}: is a symbolic link that names no folder").format(path=folder))
        if folder.exists() and not folder.is_dir():
            raise OutputError(_("{path}: is not a folder").format(path=folder))
        missing = [p for p in (folder, *folder.parents) if not p.exists() and not p.is_symlink()]
        folder.mkdir(parents=True, exist_ok=True)
        created += reversed(missing)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(describe(folder, exc)) from None


Temporaries = list[tuple[str, Path, Path]]  # (temporary, file it replaces, path as the user gave it)


def _temporary(target: Path, data: bytes, shown: Path, temporaries: Temporaries) -> None:
    """Write ``data`` to a new temporary beside ``target`` with the mode ``target`` should have.

    The temporary is registered in ``temporaries`` (whose owner removes it on any exit) in
    the same step as it is created, with signals held: no moment exists where it is on disk
    but unknown.
    """
    try:
        if target.is_dir():
            raise OutputError(_("{path}: is a folder").format(path=shown))
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else _new_file_mode()
        with _signals_held():
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.fundaudit-", suffix=".tmp", dir=target.parent)
            temporaries.append((tmp, target, shown))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(describe(shown, exc)) from None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT/SIGTERM/SIGHUP for the duration; one that arrived is raised afterwards.

    Python runs signal handlers in the main thread whichever thread the kernel delivered the
    signal to (pyarrow and numpy start threads), so the handlers are swapped for a recorder
    rather than masked.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: arrived.append(signum)) for sig in _HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(arrived):
            signal.raise_signal(signum)


Ours = Callable[[Path, bytes], bool]  # (existing file, its first bytes) -> did fundaudit write it?


def write_all(files: Mapping[Path, bytes], ours: Ours | None = None) -> list[Path]:
    """Write several files: all temporaries first, then the renames (see the module docstring).

    With ``ours``, a file that exists already is replaced only when ``ours`` recognises it as
    one fundaudit wrote (a report, exported tables); otherwise nothing is written and the
    error names it, so that an output folder never costs a person a file of the same name.
    """
    if ours is not None:
        for path in files:
            _refuse_foreign(path, ours)
    temporaries: Temporaries = []
    created: list[Path] = []  # folders this call made: removed again if nothing could be written
    try:
        for path, data in files.items():
            with _signals_held():
                _folder(path.parent, created)
            _temporary(_target(path), data, path, temporaries)
        with _signals_held():
            for i, (tmp, target, shown) in enumerate(temporaries):
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    del temporaries[:i]  # renamed already; the failed one and the rest are removed below
                    raise OutputError(describe(shown, exc)) from None
            temporaries.clear()
            created.clear()
    finally:
        for tmp, _, _ in temporaries:
            Path(tmp).unlink(missing_ok=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty
    return list(files)


def _refuse_foreign(path: Path, ours: Ours) -> None:
    try:
        if not path.exists():
            return
        target = _target(path)
        if target.is_dir():
            raise OutputError(_("{path}: is a folder").format(path=path))
        with target.open("rb") as handle:
            head = handle.read(HEAD)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(describe(path, exc)) from None
    if not ours(target, head):
        raise OutputError(
            _(
                "{path}: exists and fundaudit did not write it; nothing was written (move it, or write elsewhere)"
            ).format(path=path)
        )


HEAD = 4096  # the first bytes of an existing file that ``ours`` is shown


def head_of(path: Path) -> bytes | None:
    """The first :data:`HEAD` bytes of the file at ``path`` (``None`` when it cannot be read),
    for an ``ours`` that recognises a file by another one beside it."""
    try:
        with path.open("rb") as handle:
            return handle.read(HEAD)
    except OSError:
        return None


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file atomically (see the module docstring)."""
    write_all({path: data})


def write_text(path: Path, text: str) -> None:
    """``write_atomic`` for UTF-8 text."""
    write_all({path: text.encode("utf-8")})
