"""Load errors: every problem in the data, each with its file and line, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class LoadError:
    """One problem in the input, printed as ``file:line: message``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InvalidData(Exception):
    """The data could not be loaded; ``errors`` lists every problem found."""

    def __init__(self, errors: list[LoadError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
