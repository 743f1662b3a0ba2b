"""Hypothesis strategies: valid budgets as YAML text, with their figures known."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

SOURCES = ("中央", "省级", "市县", "社会")


@dataclass(frozen=True)
class Generated:
    text: str
    n_programs: int


def _amount(draw: st.DrawFn, decimals: int) -> tuple[int, str]:
    value = draw(st.integers(min_value=1, max_value=10**7))
    text = str(value) if decimals == 0 else f"{value // 10**decimals}.{value % 10**decimals:0{decimals}d}"
    return value, text


def _fmt(value: int, decimals: int) -> str:
    return str(value) if decimals == 0 else f"{value // 10**decimals}.{value % 10**decimals:0{decimals}d}"


@st.composite
def budgets(draw: st.DrawFn) -> Generated:
    """A document with programs whose items and splits add up exactly."""
    unit = draw(st.sampled_from(["亿元", "万元", "元"]))
    decimals = draw(st.integers(min_value=0, max_value=4))
    lines = ["fundaudit: 1", "documents:", "  - id: g", "    source: g.txt", "    title: 生成", "    programs:"]
    n_programs = draw(st.integers(min_value=1, max_value=4))
    src_line = 1
    for p in range(n_programs):
        n_items = draw(st.integers(min_value=1, max_value=4))
        sources = draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=4, unique=True))
        items = []
        totals = dict.fromkeys(sources, 0)
        for _ in range(n_items):
            split = {s: draw(st.integers(min_value=0, max_value=10**6)) for s in sources}
            items.append(split)
            for s, v in split.items():
                totals[s] += v
        grand = sum(totals.values())
        lines += [
            f"      - id: p{p}",
            f"        name: 专项{p}",
            f"        total: {_fmt(grand, decimals)} {unit} @{src_line}",
        ]
        lines.append(
            "        split: {"
            + ", ".join(f"{s}: {_fmt(v, decimals)} {unit} @{src_line}" for s, v in totals.items())
            + "}"
        )
        lines.append("        items:")
        for i, split in enumerate(items):
            src_line += 1
            total = sum(split.values())
            lines.append(f"          - name: 项目{i}")
            lines.append(f"            total: {_fmt(total, decimals)} {unit} @{src_line}")
            lines.append(
                "            split: {"
                + ", ".join(f"{s}: {_fmt(v, decimals)} {unit} @{src_line}" for s, v in split.items())
                + "}"
            )
        src_line += 1
    return Generated("\n".join(lines) + "\n", n_programs)
