"""Tables of repeated column groups whose rows lost their empty cells (used by ``tables``).

A header that repeats one group of columns (``合计 中央 省级 县级 其他`` for 全市 and for each
区县) over rows from which a conversion dropped the empty cells: the figures of a row no
longer stand under their columns. Each row is read again from its figures in order:

- the lead columns before the first group (targets in the row's unit) take the first
  figures when the row has a unit;
- the rest is cut into one run per group, each run at most a group long, choosing the cut
  where most runs are a total followed by parts that add up to it (then where most runs are
  as long as the first group has non-zero parts, plus one);
- in each run the first figure is the group's 合计 and the others go to the columns where the
  first group (the whole area) has non-zero figures — when there are fewer, to those whose
  shares of the whole are nearest their own.

A row is read again only where the cells as placed are visibly broken (its unit outside the
unit column, a figure in a lead column of a row without a unit, a group with parts but no
合计) or where the new reading adds up in more groups. Header rows over the groups are
re-aligned with them (the k-th group name over the k-th group).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import combinations

from fundaudit.draft.extract._words import unit_ok

_NUM = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SUM = ("合计", "小计", "总计")
_MAX_GROUPS = 60  # more groups than any budget table has: not read again (and no deep recursion)
_LABELS = ("序号", "编号", "项目", "名称", "内容", "区县", "县区", "地区", "备注", "部门", "明细")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _groups(leaves: list[str]) -> list[list[int]]:
    """Runs of the lowest header row that start with a 合计 and name the same columns."""
    starts = [j for j, c in enumerate(leaves) if _plain(c) in _SUM]
    runs = []
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(leaves)
        run = [j for j in range(s, end) if leaves[j]]
        if run != list(range(s, s + len(run))):
            return []
        runs.append(run)
    names = {tuple(_plain(leaves[j]) for j in run) for run in runs}
    if len(runs) < 2 or len(names) != 1 or len(runs[0]) < 3:
        return []
    return runs


def regroup(
    header: list[list[str]], body: list[tuple[int, list[str]]], unit_col: int | None
) -> tuple[list[tuple[int, list[str]]], list[list[int]]]:
    """The body read again where rows lost their empty cells (the header is re-aligned in place),
    and the column groups (their columns by position; empty when the table has none)."""
    if len(header) < 2 or unit_col is None:
        return body, []
    groups = _groups(header[-1])
    if not groups:
        return body, []
    first = groups[0][0]
    _align_header(header, groups)
    named = [j for j in range(first) if any(h[j] for h in header)]
    lead = [j for j in named if j != unit_col and not any(w in _plain(_top(header, j)) for w in _LABELS)]
    labels = [j for j in range(first) if j not in lead and j != unit_col]
    out = []
    for number, cells in body:
        cells = cells + [""] * (len(header[0]) - len(cells))
        new = _row(cells, groups, lead, labels, unit_col)
        out.append((number, new if new is not None else cells))
    return out, groups


def _top(header: list[list[str]], j: int) -> str:
    return next((h[j] for h in header if h[j]), "")


def _align_header(header: list[list[str]], groups: list[list[int]]) -> None:
    """The k-th name of the row over the groups stands over the k-th group (groups the names
    count beyond the lowest row's are added after it); the top row's group header that starts
    left of the first group (over a lead column) moves onto it."""
    first, size = groups[0][0], len(groups[0])
    above = header[-2]
    names = [(j, c) for j, c in enumerate(above) if c and j >= first]
    while len(groups) < len(names):
        start = groups[-1][-1] + 1
        groups.append(list(range(start, start + size)))
    last = groups[-1][-1]
    for h in header:
        h.extend([""] * (last + 1 - len(h)))
    for run in groups[1:]:
        for j, k in zip(run, groups[0], strict=True):
            header[-1][j] = header[-1][j] or header[-1][k]
    if len(names) == len(groups):
        for j in range(first - 1, last + 1):
            if j >= 0 and (j, above[j]) in names:
                above[j] = ""
        for (_, name), run in zip(names, groups, strict=True):
            above[run[0]] = name
    top = header[0]
    if len(header) > 2 and not top[first]:
        left = [j for j in range(first) if top[j]]
        if len(left) >= 2 and not any(top[j] for j in range(left[-1] + 1, first)):
            top[first], top[left[-1]] = top[left[-1]], ""


def _holds(run: list[Decimal]) -> bool:
    return len(run) >= 2 and run[0] == sum(run[1:], Decimal(0))


def _row(
    cells: list[str], groups: list[list[int]], lead: list[int], labels: list[int], unit_col: int
) -> list[str] | None:
    filled = [(j, c) for j, c in enumerate(cells) if c and c not in ("-", "—")]
    values = [(j, c) for j, c in filled if _NUM.fullmatch(c)]
    if not values:
        return None
    words = [c for j, c in filled if not _NUM.fullmatch(c)]
    unit = next((c for c in words if unit_ok(_plain(c))), None)
    group_cols = {j for run in groups for j in run}
    broken = (unit is not None and _plain(cells[unit_col]) != _plain(unit)) or (
        unit is None and any(j in lead for j, _ in values)
    )
    for run in groups:
        if not cells[run[0]] and any(_NUM.fullmatch(cells[j]) for j in run[1:]):
            broken = True
    if any(j not in group_cols and j not in lead for j, _ in values):
        broken = True
    digits = [c for _, c in values]
    n_lead = len(lead) if unit is not None else 0
    if len(digits) < n_lead:
        return None
    rest = digits[n_lead:]
    runs = _cut(rest, len(groups), len(groups[0]))
    if runs is None:
        return None
    placed = _place(runs, groups)
    if not broken:
        now = sum(_holds([Decimal(cells[j]) for j in run if _NUM.fullmatch(cells[j])]) for run in groups)
        if sum(_holds([Decimal(v) for v in r]) for r in runs) <= now:
            return None
    new = [""] * len(cells)
    texts = [c for c in words if c != unit]
    for k, j in enumerate(labels[: len(texts)]):
        new[j] = texts[k] if k < len(labels) - 1 else " ".join(texts[k:])
    new[unit_col] = unit or ""
    for j, v in zip(lead, digits[:n_lead], strict=False):
        new[j] = v
    for j, v in placed.items():
        new[j] = v
    return new


def _cut(values: list[str], count: int, size: int) -> list[list[str]] | None:
    """``values`` cut into ``count`` runs of 1..``size``: most runs adding up, then most of the usual length."""
    n = len(values)
    if not count <= n <= count * size or count > _MAX_GROUPS:
        return None
    nums = [Decimal(v) for v in values]
    whole = nums[:size]
    usual = 1 + sum(1 for v in whole[1:] if v != 0) if n >= size and _holds(whole) else 0
    best: dict[tuple[int, int], tuple[tuple[int, int, int], list[int]] | None] = {}

    def go(i: int, k: int) -> tuple[tuple[int, int, int], list[int]] | None:
        if k == count:
            return ((0, 0, 0), []) if i == n else None
        if (i, k) in best:
            return best[(i, k)]
        found = None
        for length in range(1, size + 1):
            if i + length > n or n - (i + length) < count - k - 1:
                break
            tail = go(i + length, k + 1)
            if tail is None:
                continue
            (h, u, f), cuts = tail
            score = (
                h + _holds(nums[i : i + length]),
                u + (length == usual),
                f + (k == 0 and length == size),
            )
            order = (score[2], score[0], score[1])
            if found is None or order > (found[0][2], found[0][0], found[0][1]):
                found = (score, [length, *cuts])
        best[(i, k)] = found
        return found

    result = go(0, 0)
    if result is None:
        return None
    out, i = [], 0
    for length in result[1]:
        out.append(values[i : i + length])
        i += length
    return out


def _place(runs: list[list[str]], groups: list[list[int]]) -> dict[int, str]:
    """Columns for each run: 合计 first, the parts where the whole area has non-zero parts."""
    whole = [Decimal(v) for v in runs[0]]
    size = len(groups[0])
    usual = [k for k in range(1, len(whole)) if whole[k] != 0] if len(whole) == size else []
    placed: dict[int, str] = {}
    for run, cols in zip(runs, groups, strict=True):
        placed[cols[0]] = run[0]
        parts = run[1:]
        if len(run) == size:
            slots = list(range(1, size))
        elif len(parts) == len(usual):
            slots = usual
        elif usual and len(parts) < len(usual) and Decimal(run[0]) > 0 and whole[0] > 0:
            slots = list(min(combinations(usual, len(parts)), key=lambda pick: _misfit(pick, parts, run[0], whole)))
        else:
            slots = list(range(1, 1 + len(parts)))
        for k, v in zip(slots, parts, strict=True):
            placed[cols[k]] = v
    return placed


def _misfit(pick: Iterable[int], parts: list[str], total: str, whole: list[Decimal]) -> Decimal:
    """How far the parts' shares of their total are from the whole area's shares in the picked columns."""
    t = Decimal(total)
    return sum((abs(Decimal(p) / t - whole[k] / whole[0]) for p, k in zip(parts, pick, strict=True)), Decimal(0))
