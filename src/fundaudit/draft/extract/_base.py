"""What every extractor shares: the Extractor record and the read-only Context."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fundaudit.draft.model import Block, Claim, Fig, Heading, Outline, TableDraft
from fundaudit.provenance.tokens import Token


@dataclass
class Context:
    """What an extractor may read: the outline, tokens by line, earlier claims (read-only by convention)."""

    outline: Outline
    tokens: dict[int, list[Token]]
    claims: list[Claim] = field(default_factory=list)
    tables: list[TableDraft] = field(default_factory=list)
    figs: dict[int, list[Fig]] = field(default_factory=dict)  # block index -> figures read in it
    _used: set[tuple[int, int]] = field(default_factory=set)
    _parts: set[tuple[int, int]] = field(default_factory=set)

    def add(self, claim: Claim) -> None:
        """Record a claim (the runner does this; extractors only read)."""
        self.claims.append(claim)
        self._used.update(f.key for f in (claim.total, *claim.parts) if f is not None)
        self._parts.update(f.key for f in claim.parts)

    def headings(self, block: int) -> list[Heading]:
        out = []
        for k in self.outline.chain[block]:
            h = self.outline.blocks[k]
            if isinstance(h, Heading):
                out.append(h)
        return out

    def used(self) -> set[tuple[int, int]]:
        """Figures an earlier claim already made a part or total of (by line and column); do not modify."""
        return self._used

    def parts(self) -> set[tuple[int, int]]:
        """Figures an earlier claim already made a part of (by line and column); do not modify."""
        return self._parts


Result = Iterable[Claim | Fig | TableDraft]


@dataclass(frozen=True, slots=True)
class Extractor:
    id: str
    title: str
    blocks: frozenset[str]  # "paragraph" | "table"
    requires: frozenset[str]
    assigns: frozenset[str]
    extract: Callable[[int, Block | Outline, Context], Result]  # "document" extractors get the Outline
    doc: str
