"""verify-sources: every figure's digits and unit stand on the source line it cites.

A figure is verified when, on its cited line (joined with the next non-empty line, for
numbers and units broken across lines), its digits stand as a whole number (not part of a
longer one) and its unit follows them — allowing spaces and full-width characters. A table
cell's unit is in its table's header, so for cells (figures of a table, or digits that fill
a whole cell of a tab-separated row) the digits alone are checked. A figure
whose unit is split around a noun (``20 万贫困人口`` for 20 万人) is verified when the unit's
prefix follows the number and the rest of the unit stands later on the line. A rate written
as ``每户 … 5200 元`` is the figure 5200 元/户: its numerator follows the number and ``每`` + its
denominator stands before it on the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fundaudit.i18n import N_, _
from fundaudit.model import Budget, Figure
from fundaudit.provenance import SourcesError, read_lines
from fundaudit.provenance.tokens import normalise


@dataclass(frozen=True, slots=True)
class Unverified:
    figure: Figure
    reason: str

    def __str__(self) -> str:
        f = self.figure
        return f"{f.yaml}: {f.source}: {f.label} {f.text}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Result:
    checked: int
    by_method: dict[str, int]
    unverified: tuple[Unverified, ...]


def _cells(budget: Budget) -> set[int]:
    return {id(c) for _, _, t in budget.tables() for r in t.rows for c in r.cells if c is not None}


def _window(lines: list[str], line: int) -> str:
    """The cited line and the next non-empty one, normalised, spaces inside numbers removed."""
    text = lines[line - 1]
    for j in range(line, min(line + 3, len(lines))):
        if lines[j].strip():
            text += "\n" + lines[j]
            break
    text = normalise(text)
    return re.sub(r"(?<=\d) (?=[\d.])|(?<=\.) (?=\d)", "", text)


def _whole_cell(line: str, digits: str) -> bool:
    """The digits fill one cell of a tab-separated table row (whose unit is in its header)."""
    return "\t" in line and digits in (cell.strip() for cell in normalise(line).split("\t"))


def check_figure(fig: Figure, lines: list[str], is_cell: bool) -> tuple[str | None, str]:
    """``(method, "")`` when verified, ``(None, reason)`` when not."""
    if fig.source.line > len(lines):
        return None, _("line {line} is beyond the end of {file} ({n} lines)").format(
            line=fig.source.line, file=fig.source.file, n=len(lines)
        )
    text = _window(lines, fig.source.line)
    digits = re.escape(fig.value.text())
    number = re.compile(r"(?<![0-9.])" + digits + r"(?![0-9]|\.[0-9])")
    hits = list(number.finditer(text))
    if not hits:
        return None, _("{value!r} is not written on line {line}").format(value=fig.value.text(), line=fig.source.line)
    if is_cell or _whole_cell(lines[fig.source.line - 1], fig.value.text()):
        return N_("table cell (unit from the header)"), ""
    unit = fig.unit.text
    for m in hits:
        after = text[m.end() :]
        if re.match(r"[ \t]*\n?[ \t]*\n*[ \t]*" + re.escape(unit), after):
            return N_("digits and unit"), ""
        if re.sub(r"\s+", "", after).startswith(unit):  # the unit itself broken over a line (2800万 / 元)
            return N_("digits and unit"), ""
        if fig.bound in ("min", "approx") and re.match(r"\s*[余多]\s*" + re.escape(unit), after):
            return N_("digits and unit"), ""  # 1500 余名: a bound written between number and unit
    if "/" in unit:
        per, _sep, of = unit.partition("/")
        for m in hits:
            before, after = text[: m.start()].split("\n")[-1], text[m.end() :]
            if re.match(r"\s*" + re.escape(per) + "(?![/每])", after) and f"每{of}" in before:
                return N_("digits, rate (每 before, unit after)"), ""
    prefix = unit[0] if unit[0] in "万亿千" and len(unit) > 1 else ""
    for m in hits:
        after = text[m.end() :].lstrip()
        if prefix and after.startswith(prefix) and unit[1:] in after.split("\n")[0]:
            return N_("digits, unit around a noun"), ""
    return None, _("{value!r} stands on line {line} but not followed by {unit!r}").format(
        value=fig.value.text(), line=fig.source.line, unit=unit
    )


def verify(budget: Budget, folder: Path) -> Result:
    """Check every figure of ``budget`` against the documents in ``folder``."""
    cache: dict[str, list[str]] = {}
    cells = _cells(budget)
    methods: dict[str, int] = {}
    bad: list[Unverified] = []
    for fig in budget.figures:
        try:
            lines = read_lines(folder, fig.source.file, cache)
        except SourcesError as exc:
            bad.append(Unverified(fig, str(exc)))
            continue
        method, reason = check_figure(fig, lines, id(fig) in cells)
        if method is None:
            bad.append(Unverified(fig, reason))
        else:
            methods[method] = methods.get(method, 0) + 1
    return Result(len(budget.figures), methods, tuple(bad))
