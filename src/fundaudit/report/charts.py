"""Inline SVG charts (no script, no network): funding sources per program, discrepancies per program.

Geometry is computed with Decimal from the exact amounts; amounts themselves are never floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fundaudit.i18n.terms import verdict_name
from fundaudit.report.summary import DocStats

COLORS = {"中央": "#3b6fb6", "省级": "#e08a2c", "市县": "#4a9a5b", "社会": "#9466b8", "其他": "#888888"}
WIDTH = Decimal(520)
LEFT = Decimal(230)  # bars start right of the program names


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    x: str
    width: str
    color: str
    title: str


@dataclass(frozen=True, slots=True)
class Row:
    y: int
    name: str
    total: str
    bars: tuple[Bar, ...]
    label_x: str = "0"  # where the amount is written: right after the bar


def _px(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _amount(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def source_rows(d: DocStats) -> tuple[list[Row], str, list[str]]:
    """One stacked bar per program with a funding-source split, in the document's unit.

    Every such program is drawn, with its amount written in that unit after its bar (a bar
    of a program dwarfed by another is still at least a pixel, and its amount still read).
    Also returns the names of the programs left out because they state no source split.
    """
    programs = [p for p in d.programs if p.sources]
    left_out = [p.name for p in d.programs if not p.sources]
    if not programs:
        return [], "", left_out
    largest = max(sum((v for _, v in p.sources), Decimal(0)) for p in programs)
    scale = WIDTH / largest if largest > 0 else Decimal(0)
    rows = []
    for i, p in enumerate(programs):
        x = Decimal(0)
        bars = []
        for key, value in p.sources:
            w = max(value * scale, Decimal(1)) if value > 0 else Decimal(0)
            bars.append(
                Bar(
                    key,
                    _px(LEFT + x),
                    _px(w),
                    COLORS.get(key, COLORS["其他"]),
                    f"{p.name} · {key}: {_amount(value)} {p.unit}",
                )
            )
            x += w
        total = sum((v for _, v in p.sources), Decimal(0))
        rows.append(Row(i * 26, p.name, f"{_amount(total)} {p.unit}", tuple(bars), _px(LEFT + x + 6)))
    return rows, programs[0].unit, left_out


def discrepancy_rows(d: DocStats) -> list[Row]:
    """Per program: mismatches (red) and incomplete relations (amber), as counts."""
    programs = [p for p in d.programs if p.counts["mismatch"] or p.counts["incomplete"] or p.counts["error"]]
    if not programs:
        return []
    largest = max(p.counts["mismatch"] + p.counts["incomplete"] + p.counts["error"] for p in programs)
    scale = WIDTH / Decimal(largest)
    rows = []
    for i, p in enumerate(programs):
        x = Decimal(0)
        bars = []
        for key, color in (("mismatch", "#c0392b"), ("error", "#7b241c"), ("incomplete", "#d4a017")):
            n = p.counts[key]
            if n:
                w = Decimal(n) * scale
                bars.append(Bar(key, _px(LEFT + x), _px(w), color, f"{p.name} · {verdict_name(key)}: {n}"))
                x += w
        label = " · ".join(
            f"{verdict_name(k)} {p.counts[k]}" for k in ("mismatch", "error", "incomplete") if p.counts[k]
        )
        rows.append(Row(i * 26, p.name, label, tuple(bars), _px(LEFT + x + 6)))
    return rows
