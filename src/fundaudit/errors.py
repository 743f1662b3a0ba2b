"""Load errors: every problem in the data, each with its file and line, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass, field


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
