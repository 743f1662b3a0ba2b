"""Extractors: one module per pattern of the language or layout, run in ``PIPELINE`` order.

Each is an :class:`Extractor` (spaCy-style): the block kinds it reads, the claim kinds it
``requires`` from earlier extractors and those it ``assigns``. ``check_pipeline`` lists any
requirement that no earlier extractor assigns. The module docstring is the user documentation
(``fundaudit draft --list``).
"""

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

    def headings(self, block: int) -> list[Heading]:
        out = []
        for k in self.outline.chain[block]:
            h = self.outline.blocks[k]
            if isinstance(h, Heading):
                out.append(h)
        return out

    def used(self) -> set[tuple[int, int]]:
        """Figures an earlier claim already made a part or total of (by line and column)."""
        out: set[tuple[int, int]] = set()
        for c in self.claims:
            for f in (c.total, *c.parts):
                if f is not None:
                    out.add(f.key)
        return out


Result = Iterable[Claim | Fig | TableDraft]


@dataclass(frozen=True, slots=True)
class Extractor:
    id: str
    title: str
    blocks: frozenset[str]  # "paragraph" | "table"
    requires: frozenset[str]
    assigns: frozenset[str]
    extract: Callable[[int, Block, Context], Result]
    doc: str


from fundaudit.draft.extract import (  # noqa: E402  (the registry needs Extractor defined first)
    figures,
    lists,
    schedules,
    shares,
    splits,
    tables,
    unit_cost,
)

PIPELINE: tuple[Extractor, ...] = (
    figures.EXTRACTOR,
    tables.EXTRACTOR,
    splits.EXTRACTOR,
    unit_cost.EXTRACTOR,
    schedules.EXTRACTOR,
    shares.EXTRACTOR,
    lists.EXTRACTOR,
)


def check_pipeline(pipeline: tuple[Extractor, ...]) -> list[str]:
    """Requirements that no earlier extractor assigns (empty when the order is sound)."""
    problems = []
    assigned: set[str] = set()
    for ex in pipeline:
        for need in sorted(ex.requires - assigned):
            problems.append(f"{ex.id} requires {need!r}, which no earlier extractor assigns")
        assigned |= ex.assigns
    return problems
