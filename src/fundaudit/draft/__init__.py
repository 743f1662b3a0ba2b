"""fundaudit draft: read a budget document and write a reviewable encoding of it.

Stages (each a pure function over frozen values, pdfplumber-style):
``readers`` (a file → plain text lines) → ``segment`` (headings, paragraphs, tables) →
``extract`` (the registered extractors of ``PIPELINE``, spaCy-style, each reading a pattern of
the language or layout into claims) → ``relate`` (claims into programs, items, tables and
relations) → ``write`` (the documented data format, every element marked ``drafted: <pattern>``
until a person confirms it). Nothing here knows a particular document.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from fundaudit.draft.extract import PIPELINE, Context, Extractor, check_pipeline
from fundaudit.draft.model import Block, Claim, Fig, Found, Outline, Paragraph, TableBlock, TableDraft, Text
from fundaudit.draft.readers import ReadError, lines, read_text
from fundaudit.draft.segment import segment
from fundaudit.provenance.tokens import Token, tokenize

__all__ = ["PIPELINE", "Extractor", "ReadError", "check_pipeline", "extract", "read_text"]

_KIND = {Paragraph: "paragraph", TableBlock: "table"}


def extract(text: Text, pipeline: tuple[Extractor, ...] = PIPELINE, only: frozenset[str] | None = None) -> Found:
    """Run the extractors over the segmented text (``only``: ids of the extractors to run)."""
    outline = segment(text)
    tokens: dict[int, list[Token]] = defaultdict(list)
    for token in tokenize("\n".join(line.text for line in text)):
        tokens[token.line].append(token)
    ctx = Context(outline, tokens)
    problems: list[str] = []
    for ex in pipeline:
        if only is not None and ex.id not in only and ex.id != "figures":
            continue
        targets: list[tuple[int, Block | Outline]] = [(-1, outline)] if "document" in ex.blocks else []
        targets += [(i, b) for i, b in enumerate(outline.blocks) if _KIND.get(type(b)) in ex.blocks]
        for index, block in targets:
            try:
                outputs = list(ex.extract(index, block, ctx))
            except Exception as exc:  # one pattern's failure must not lose the draft
                line = _first_line(block)
                problems.append(f"{ex.id} failed at line {line}: {type(exc).__name__}: {exc}")
                continue
            for out in outputs:
                if isinstance(out, Fig):
                    ctx.figs.setdefault(index, []).append(out)
                elif isinstance(out, TableDraft):
                    ctx.tables.append(out)
                elif isinstance(out, Claim):
                    ctx.add(out)
    figs = tuple(f for index in sorted(ctx.figs) for f in ctx.figs[index])
    return Found(outline, figs, tuple(ctx.claims), tuple(ctx.tables), frozenset(ctx.used()), tuple(problems))


def _first_line(block: Block | Outline) -> int:
    if isinstance(block, Paragraph):
        return block.lines[0].number
    if isinstance(block, TableBlock):
        return block.title_line
    return 1


def draft_path(path: Path) -> tuple[str, Found]:
    """Read ``path`` and extract; returns the plain text the draft cites and what was found."""
    plain = read_text(path)
    return plain, extract(lines(plain))
