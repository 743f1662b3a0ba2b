"""Load errors: every problem in the data, each with its file and line, reported all at once."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field

from fundaudit.i18n import N_, _

_OS_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENOSPC: N_("no space left on the device"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EISDIR: N_("is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENAMETOOLONG: N_("the file name is too long"),
    errno.EEXIST: N_("already exists"),
    errno.ELOOP: N_("too many levels of symbolic links"),
    errno.EDQUOT: N_("disk quota exceeded"),
    errno.EIO: N_("input/output error"),
    errno.EBADF: N_("it is not open for writing (closed, or opened read-only)"),
}


def os_reason(exc: OSError) -> str:
    """What went wrong in an operating-system error, in the reader's language where the
    catalogue has words for it (otherwise the system's own words), never a Python repr."""
    words = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if words is not None:
        return _(words)
    return exc.strerror or str(exc) or type(exc).__name__


@dataclass(frozen=True, slots=True, order=True)
class LoadError:
    """One problem in the input, printed as ``file:line: message`` (``file: message`` for line 0).

    ``stage`` orders errors by cause: 0 for a file that could not be read or parsed at all,
    1 for everything found in what was read. A file's own failure prints before the
    problems it may have caused elsewhere.
    """

    file: str
    line: int
    message: str
    stage: int = field(default=1, compare=False)

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class InvalidData(Exception):
    """The data could not be loaded; ``errors`` lists every problem found, causes first."""

    def __init__(self, errors: list[LoadError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.stage, e.file, e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))
