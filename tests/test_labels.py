"""Every figure is named by the phrase its document uses for the quantity.

A figure's label (a ``figures:`` key, a schedule period, a share) is the document's own
phrase: it occurs on the cited source line (or the next non-empty one, or joined to the
previous line where the document breaks a sentence) and starts at a word boundary — at the
start of the line, after whitespace or punctuation, after 其中/含 or a conjunction (和 及 与
或), or after a number with its counting word (``建成 1496 个村级招呼站``: the label names what
is counted). Where two figures of one node would share a phrase, the label adds qualifiers
after `` · `` (the year, the 区县, the sub-item, the section), each of which occurs on the
cited lines or in a heading above them. No label carries a line number or ``@``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundaudit.model import Budget, Figure, SplitEntry
from fundaudit.provenance.tokens import normalise
from fundaudit.units import UnitError, parse_unit
from tests.conftest import sources_dir

QUALIFIER = " · "
PUNCTUATION = set(",.;:!?、。，；：！？()（）《》“”\"'「」【】〔〕[]<>*#|/-—…·+=%")
AFTER_WORDS = ("其中", "含", "和", "及", "与", "或")  # of which; and / or
CALENDAR = ("月", "日")  # 9月底建设…: a date; 年 only after a four-digit year (5 年过渡期 counts years)
HEADING_REACH = 120  # lines above the cited line where a qualifier may stand (its section heading)


def _after_quantity(before: str) -> bool:
    """``before`` ends with a number and a counting word (``1496 个``, ``9 万``)."""
    for k in range(1, 5):
        word = before[len(before) - k :]
        if len(word) < k or not re.search(r"[0-9]\s*[万亿千]?\s*[余多]?\s*$", before[: len(before) - k]):
            continue
        if word in ("万", "亿"):
            return True
        if word in CALENDAR or (word == "年" and re.search(r"(?<![0-9])[0-9]{4}\s*$", before[: len(before) - k])):
            return False  # 2020 年计划…: a date, not a counted quantity
        try:
            parse_unit(word)
        except UnitError:
            continue
        return True
    return False


def _starts_with_unit(phrase: str) -> bool:
    for k in range(1, 5):
        try:
            parse_unit(phrase[:k])
        except UnitError:
            continue
        return True
    return False


def at_boundary(text: str, phrase: str, limit: int | None = None) -> bool:
    """``phrase`` occurs in ``text`` starting at a word boundary.

    A phrase that begins with the counting word of the number before it (``2500 户地质灾害…``)
    does not: it starts inside the quantity. With ``limit``, the phrase must start before
    that index (on the cited line, not on the next one).
    """
    start = text.find(phrase)
    if limit is not None and (start < 0 or start >= limit):
        return False
    if start >= 0 and phrase[0] in "“《(（「【":
        return True  # a quoted or bracketed phrase starts at its own mark
    while start >= 0:
        before = text[:start]
        if re.search(r"[0-9] *$", before) and _starts_with_unit(phrase):
            pass
        elif (
            not before
            or before[-1].isspace()
            or before[-1] in PUNCTUATION
            or before.endswith(AFTER_WORDS)
            or _after_quantity(before)
        ):
            return True
        start = text.find(phrase, start + 1)
        if limit is not None and start >= limit:
            return False
    return False


def _windows(lines: list[str], line: int) -> tuple[tuple[str, int], ...]:
    """The cited line with the next non-empty one; also with a previous line broken mid-word joined.

    Each window comes with the index where the next line starts: a phrase starts before it.
    """
    cited = lines[line - 1] if 0 < line <= len(lines) else ""
    text = cited
    for j in range(line, min(line + 3, len(lines))):
        if lines[j].strip():
            text += "\n" + lines[j]
            break
    out = [("", text)]
    for j in range(line - 2, max(-1, line - 5), -1):
        if lines[j].strip():
            out.append((lines[j].rstrip(), text))
            break
    return tuple((_norm(prev + t), len(_norm(prev + cited))) for prev, t in out)


def _norm(text: str) -> str:
    return re.sub(r"(?<=\d) (?=[\d.])|(?<=\.) (?=\d)", "", normalise(text))


def _keys(entries: tuple[SplitEntry, ...]) -> Iterator[str]:
    for entry in entries:
        yield entry.key
        yield from _keys(entry.split)


def named_figures(budget: Budget) -> Iterator[Figure]:
    """The figures whose label is a phrase of the document.

    Split keys (中央, 省级, 市县 …) are canonical names, and so is a share named after one
    (the share of 中央省级 ties to a split's 中央省级 amount); table cells are named by
    their column.
    """
    keys = {key for _doc, node in budget.nodes() for key in _keys(node.split)}
    for _doc, node in budget.nodes():
        yield from node.figures
        if node.schedule is not None:
            yield from node.schedule.periods
        if node.shares is not None:
            yield from (p for p in node.shares.parts if p.label not in keys)


def label_problem(fig: Figure, lines: list[str]) -> str | None:
    """Why ``fig``'s label is not the document's phrase, or None."""
    if "@" in fig.label:
        return "carries '@'"
    phrase, *qualifiers = fig.label.split(QUALIFIER)
    windows = _windows(lines, fig.source.line)
    window = windows[-1][0]
    if not any(at_boundary(w, normalise(phrase), limit) for w, limit in windows):
        return f"{phrase!r} does not start at a word boundary on line {fig.source.line}"
    above = "\n".join(normalise(x) for x in lines[max(0, fig.source.line - HEADING_REACH) : fig.source.line - 1])
    for q in qualifiers:
        if normalise(q) not in window and normalise(q) not in above:
            return f"qualifier {q!r} stands neither on line {fig.source.line} nor in a heading above it"
    return None


def test_boundary_rule() -> None:
    assert at_boundary("建成 1496 个村级招呼站(牌)", "村级招呼站(牌)")
    assert at_boundary("**主要任务。**计划实施 45 个养护管理设施", "计划实施")
    assert at_boundary("实现 9 万建档立卡贫困人口脱贫", "建档立卡贫困人口脱贫")
    assert at_boundary("(其中学费资助2000元", "学费资助")
    assert at_boundary("主要负责同志(2次)和班子成员(10次)", "班子成员")
    assert at_boundary("对 1500 余名服务专家", "服务专家")
    assert not at_boundary("开展 2500 户地质灾害避险搬迁安置", "户地质灾害避险搬迁安置")
    assert not at_boundary("9月底建设项目开工率达到70%", "底建设项目开工率达到")
    assert at_boundary("设立5年过渡期", "过渡期")
    assert not at_boundary("聚焦全省 2020 年计划 7 个贫困县摘帽", "计划")
    assert at_boundary("开展“文化扶贫示范村”创建活动", "“文化扶贫示范村”")
    assert not at_boundary("在全省有扶贫任务的县新建或改造", "务的县新建或改造")
    assert not at_boundary("改扩建或新建畜禽标准化养殖场", "建或新建畜禽标准化养殖场")


def test_every_label_is_the_documents_phrase(real_budget: Budget) -> None:
    folder = sources_dir()
    if folder is None or not folder.is_dir():
        pytest.skip("FUNDAUDIT_SOURCES is not set")
    cache: dict[str, list[str]] = {}
    problems: list[str] = []
    count = 0
    for fig in named_figures(real_budget):
        if fig.source.file not in cache:
            cache[fig.source.file] = Path(folder, fig.source.file).read_text(encoding="utf-8").splitlines()
        count += 1
        why = label_problem(fig, cache[fig.source.file])
        if why is not None:
            problems.append(f"{fig.yaml}: {fig.label}: {why}")
    assert count > 1500
    assert problems == []
