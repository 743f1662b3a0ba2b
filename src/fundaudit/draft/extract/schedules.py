"""schedules — (being written)."""

from __future__ import annotations

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.model import Block


def extract(index: int, block: Block, ctx: Context) -> Result:
    return ()


EXTRACTOR = Extractor(
    "schedules", "schedules", frozenset({"paragraph"}), frozenset(), frozenset(), extract, __doc__ or ""
)
