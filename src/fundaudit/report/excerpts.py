"""The cited source lines of a finding, with its figures marked: what `explain` and the HTML show.

Each figure cites a line of its source document; the excerpt is that line's text, split
into segments so that a renderer can mark the figure's digits (``【194.08】`` in text,
``<mark>`` in HTML) and escape the rest. The digits are found as a whole number (not inside
a longer one), also when the document writes them with full-width digits or spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fundaudit.findings import Finding
from fundaudit.model import Figure

_FULL = str.maketrans("０１２３４５６７８９．", "0123456789.")


@dataclass(frozen=True, slots=True)
class Excerpt:
    file: str
    line: int
    segments: tuple[tuple[str, bool], ...]  # (text, is a figure of the finding)

    def text(self, left: str = "【", right: str = "】") -> str:
        return "".join(f"{left}{t}{right}" if marked else t for t, marked in self.segments)


def figures(f: Finding) -> list[Figure]:
    return [*([f.total_figure] if f.total_figure is not None else []), *f.parts]


def _spans(line: str, digits: list[str]) -> list[tuple[int, int]]:
    plain = line.translate(_FULL)
    spans: list[tuple[int, int]] = []
    for d in sorted(set(digits), key=len, reverse=True):
        body = r"\s?".join(re.escape(c) for c in d)
        for m in re.finditer(rf"(?<![0-9.]){body}(?![0-9])", plain):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def excerpts(f: Finding, folder: Path, limit: int = 400) -> list[Excerpt]:
    """The source lines the finding's figures cite, in file and line order, figures marked.

    A line longer than ``limit`` characters is cut around its marks. A document or line that
    cannot be read gives an excerpt saying so (never an exception).
    """
    by_line: dict[tuple[str, int], list[str]] = {}
    for fig in figures(f):
        if fig.source.file and fig.source.line > 0:
            by_line.setdefault((fig.source.file, fig.source.line), []).append(fig.value.text().lstrip("-"))
    cache: dict[str, list[str] | None] = {}
    out = []
    for (name, line), digits in sorted(by_line.items()):
        if name not in cache:
            path = folder / name
            try:
                cache[name] = path.read_text(encoding="utf-8").split("\n")
            except (OSError, UnicodeDecodeError):
                cache[name] = None
        lines = cache[name]
        if lines is None or line > len(lines):
            out.append(Excerpt(name, line, (("…", False),)))
            continue
        text = lines[line - 1].rstrip("\r").replace("\t", "  ")
        spans = _spans(text, digits)
        if len(text) > limit:
            lo = max(0, (spans[0][0] if spans else 0) - limit // 4)
            hi = min(len(text), lo + limit)
            spans = [(a - lo, b - lo) for a, b in spans if a >= lo and b <= hi]
            text = ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(lines[line - 1]) else "")
            shift = 1 if lo else 0
            spans = [(a + shift, b + shift) for a, b in spans]
        segments: list[tuple[str, bool]] = []
        at = 0
        for a, b in spans:
            if a > at:
                segments.append((text[at:a], False))
            segments.append((text[a:b], True))
            at = b
        if at < len(text):
            segments.append((text[at:], False))
        out.append(Excerpt(name, line, tuple(segments)))
    return out
