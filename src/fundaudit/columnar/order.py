"""The order findings are shown in, computed from the columns before any finding is worded.

Findings are listed by YAML file, then line, then id (:meth:`fundaudit.runner.Audit.shown`).
Each relation's place is known from its columns alone — its own YAML location, or its
total's when it has none — so the rows can be sorted first and worded afterwards, a chunk
at a time (:meth:`fundaudit.runner.Audit.iter_shown`): what a writer holds is one chunk of
findings, whatever their number.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set
from typing import Any

import numpy as np

from fundaudit.columnar.arrays import Columns, take
from fundaudit.findings import Finding
from fundaudit.i18n import _
from fundaudit.progress import note


def ranks(values: list[Any]) -> np.ndarray[Any, Any]:
    """Each value's rank among the distinct values, in Python's order (``str`` by code point)."""
    distinct = sorted(set(values))
    rank = {v: i for i, v in enumerate(distinct)}
    return np.fromiter((rank[v] for v in values), dtype=np.int64, count=len(values))


def places(columns: Columns, rows: list[int]) -> tuple[list[str], list[int]]:
    """The YAML file and line each relation at ``rows`` is shown at: its own, or its total's
    when it has none."""
    r = columns.relations
    at = np.asarray(rows, dtype=np.int64)
    own_line = r.yaml_line[at]
    own = own_line != 0
    totals = r.total[at]
    files = [
        own_file if has else total_file
        for own_file, total_file, has in zip(
            take(r.yaml_file, rows), take(columns.figures.yaml_file, totals.tolist()), own.tolist(), strict=True
        )
    ]
    return files, np.where(own, own_line, columns.figures.yaml_line[totals]).tolist()


def located(
    columns: Columns,
    rows: np.ndarray[Any, Any],
    hidden: Set[str],
    extra: Sequence[Finding],
    chunk: int,
) -> Iterator[list[int | Finding]]:
    """``rows`` (relation indices) and the ``extra`` findings, sorted by (file, line, id), in chunks.

    Relations whose id is in ``hidden`` are left out. Ties keep the rows' order, ``extra``
    after them — the order a stable sort of the worded findings gives.
    """
    r = columns.relations
    picked = rows.tolist()
    ids = take(r.id, picked)
    if hidden:
        keep = [i for i, rid in enumerate(ids) if rid not in hidden]
        picked, ids = [picked[i] for i in keep], [ids[i] for i in keep]
    files, lines = places(columns, picked)
    files += [f.location.file for f in extra]
    lines += [f.location.line for f in extra]
    ids += [f.id for f in extra]
    order = np.lexsort((ranks(ids), ranks(lines), ranks(files)))
    n = len(picked)
    said = _("{done} of {total} findings written")
    for start in range(0, len(order), chunk):
        note(said.format(done=f"{start:,}", total=f"{len(order):,}"))
        yield [picked[k] if k < n else extra[k - n] for k in order[start : start + chunk].tolist()]
