"""The grouping of failing relations reads their differences from the columns: as the causes do."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from fundaudit.causes._base import difference
from fundaudit.columnar import read as reading
from fundaudit.columnar.arrays import KINDS, Columns, from_relations
from fundaudit.columnar.diagnoses import _difference
from fundaudit.loader import load
from fundaudit.rules import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import heavy  # noqa: E402


def _real() -> Columns:
    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    return from_relations(budget.path, len(budget.documents), budget.figures, relations)


def _heavy(tmp: Path) -> Columns:
    heavy.write(heavy.generate(2_000, seed=11), tmp)
    return reading.read(tmp)


@pytest.mark.parametrize("source", ["real", "heavy"])
def test_differences_from_the_columns_equal_the_relations(source: str, tmp_path: Path) -> None:
    columns = _real() if source == "real" else _heavy(tmp_path)
    r, fig = columns.relations, columns.figures
    rows = list(range(len(r)))
    units = [(u.dimension, u.pow10) for u in fig.units]
    seen = set()
    for i, rel in zip(rows, columns.relations_at(rows), strict=True):
        members = [int(r.total[i]), *r.parts[r.offsets[i] : r.offsets[i + 1]].tolist()]
        got = _difference(
            KINDS[int(r.kind[i])],
            fig.coefficient[members].tolist(),
            fig.exponent[members].tolist(),
            [units[c] for c in fig.unit_code[np.asarray(members)].tolist()],
        )
        assert got == difference(rel), rel.id
        seen.add((rel.kind, got is None, bool(got)))
    # every kind, and differences of none, zero and some: the comparison says something
    assert {k for k, _n, _d in seen} == set(KINDS)
    assert {(n, d) for _k, n, d in seen} >= {(True, False), (False, True)}
