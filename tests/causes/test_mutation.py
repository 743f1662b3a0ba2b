"""Mutation test: plant one slip of each kind into a copy of the real data and diagnose it.

Each plant edits one figure (two for a moved amount) of the loaded real data wherever it is
used — as editing its YAML would — in a figure whose relations all hold. The failing
relations around it (with any real slip they share figures with) are diagnosed. A hit: every
failing relation the plant touches names the planted cause and ranks the planted figure
first when it sits in two or more relations (a table cell), among the first three otherwise.

CI runs a fixed sample per kind; ``-m fuzz`` runs a larger one. The hit rate per kind is
printed (``pytest -s``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from fundaudit.causes.digit_typo import one_digit_apart
from fundaudit.causes.localise import diagnose
from fundaudit.findings import HOLDS, Relation
from fundaudit.judge import verdict
from fundaudit.loader import load
from fundaudit.model import Figure
from fundaudit.numbers import Written
from fundaudit.runner import RelationList, run
from fundaudit.tolerance import DEFAULT
from fundaudit.units import parse_unit

ROOT = Path(__file__).resolve().parent.parent.parent
Plant = Callable[[Figure, random.Random], Figure | None]


class World:
    """The real data's relations, which figures they use, and which hold."""

    def __init__(self) -> None:
        audit = run(load(ROOT / "data/budgets.yaml"))
        assert isinstance(audit.columns, RelationList)
        self.relations = audit.columns.relations
        self.figures = audit.model.figures
        self.uses: dict[str, list[Relation]] = {}
        for rel in self.relations:
            for f in (rel.total, *rel.parts):
                self.uses.setdefault(f.ref, []).append(rel)
        self.holding = {rel.id for rel in self.relations if verdict(rel) in HOLDS}
        self.failing = [rel for rel in self.relations if rel.id not in self.holding]

    def clean(self, fig: Figure) -> bool:
        """A figure used by relations that all hold (a plant there is the only slip it meets)."""
        used = self.uses.get(fig.ref, [])
        return bool(used) and all(r.id in self.holding for r in used) and fig.value.coefficient >= 10

    def trial(self, planted: dict[str, Figure], cause: str) -> bool | None:
        """Diagnose after planting; None when the plant breaks no relation (it stays unseen)."""
        touched = {r.id: r for ref in planted for r in self.uses[ref]}
        broken = []
        for rel in touched.values():
            total = planted.get(rel.total.ref, rel.total)
            parts = tuple(planted.get(p.ref, p) for p in rel.parts)
            mutated = replace(rel, total=total, parts=parts)
            if verdict(mutated) not in HOLDS:
                broken.append(mutated)
        if not broken:
            return None
        uses = {ref: [_with(r, planted) for r in rels] for ref, rels in self.uses.items()}
        found = diagnose(broken, uses, DEFAULT).diagnoses
        for rel in broken:
            d = found[rel.id]
            if d.cause != cause:
                return False
            ranked = [c.figure.ref for c in d.figures]
            mine = [ref for ref in planted if ref in {f.ref for f in (rel.total, *rel.parts)}]
            depth = 1 if any(len(self.uses[ref]) >= 2 for ref in mine) else 3
            if not any(ref in ranked[:depth] for ref in planted):  # a moved amount: either cell
                return False
        return True


def _with(rel: Relation, planted: dict[str, Figure]) -> Relation:
    if rel.total.ref not in planted and not any(p.ref in planted for p in rel.parts):
        return rel
    return replace(
        rel, total=planted.get(rel.total.ref, rel.total), parts=tuple(planted.get(p.ref, p) for p in rel.parts)
    )


def _digits(w: Written) -> str:
    return str(abs(w.coefficient))


def _from_digits(d: str, exponent: int) -> Written:
    return Written(int(d), exponent)


def unit_slip(fig: Figure, rng: random.Random) -> Figure | None:
    if fig.unit.text not in ("万元", "亿元"):
        return None
    return replace(fig, unit=parse_unit("元"))


def decimal_shift(fig: Figure, rng: random.Random) -> Figure | None:
    w = fig.value
    if w.exponent < 0:
        return replace(fig, value=Written(w.coefficient, w.exponent + 1))  # the point lost one place
    return replace(fig, value=Written(w.coefficient, -1))  # 1100 → 110.0 … written 110.0


def digit_typo(fig: Figure, rng: random.Random) -> Figure | None:
    d = _digits(fig.value)
    i = rng.randrange(1, len(d)) if len(d) > 1 else 0
    choices = [c for c in "0123456789" if c != d[i] and (i or c != "0")]
    new = d[:i] + rng.choice(choices) + d[i + 1 :]
    swapped = any(d[:j] + d[j + 1] + d[j] + d[j + 2 :] == new for j in range(len(d) - 1))
    if swapped or new.rstrip("0") == d.rstrip("0"):
        return None
    return replace(fig, value=_from_digits(new, fig.value.exponent))


def transposition(fig: Figure, rng: random.Random) -> Figure | None:
    d = _digits(fig.value)
    pairs = [j for j in range(len(d) - 1) if d[j] != d[j + 1] and (j or d[1] != "0")]
    if not pairs:
        return None
    j = rng.choice(pairs)
    return replace(fig, value=_from_digits(d[:j] + d[j + 1] + d[j] + d[j + 2 :], fig.value.exponent))


def stale_total(fig: Figure, rng: random.Random) -> Figure | None:
    w = fig.value
    new = Written(w.coefficient + rng.choice((37, -37, 73, -73, 137)), w.exponent)
    a, b = _digits(w), _digits(new)
    if new.coefficient <= 0 or one_digit_apart(a, b) or len(a) != len(b) or sorted(a) == sorted(b):
        return None
    return replace(fig, value=new)


KINDS: dict[str, tuple[str, Plant]] = {
    "unit slip": ("unit-slip", unit_slip),
    "decimal shift": ("decimal-shift", decimal_shift),
    "digit typo": ("digit-typo", digit_typo),
    "transposition": ("transposition", transposition),
    "stale 合计": ("stale-total", stale_total),
}


def _plants(world: World, kind: str, n: int, seed: int) -> Iterator[dict[str, Figure]]:
    rng = random.Random(f"{kind}:{seed}")
    _cause, plant = KINDS.get(kind, ("misplaced-amount", unit_slip))
    pool = [f for f in world.figures if world.clean(f)]
    if kind == "stale 合计":
        totals = {r.total.ref for r in world.relations if r.rule in ("table-foot", "foot") and len(r.parts) > 1}
        pool = [f for f in pool if f.ref in totals]
    if kind == "moved amount":
        yield from _moves(world, pool, n, rng)
        return
    rng.shuffle(pool)
    made = 0
    for fig in pool:
        new = plant(fig, rng)
        if new is not None:
            yield {fig.ref: new}
            made += 1
            if made == n:
                return


def _moves(world: World, pool: Sequence[Figure], n: int, rng: random.Random) -> Iterator[dict[str, Figure]]:
    """Part of a table cell moved into the next column of its row."""
    clean = {f.ref: f for f in pool}
    rows = [  # neighbouring parts of a row that foots across: the move keeps the row's total
        [clean[p.ref] for p in r.parts if p.ref in clean] for r in world.relations if r.rule == "table-cross-foot"
    ]
    rows = [cells for cells in rows if len(cells) >= 2]
    rng.shuffle(rows)
    made = 0
    for cells in rows:
        i = rng.randrange(len(cells) - 1)
        a, b = cells[i], cells[i + 1]
        if a.unit != b.unit or a.value.exponent != b.value.exponent:
            continue
        d = a.value.coefficient // 3 or 1
        yield {
            a.ref: replace(a, value=Written(a.value.coefficient - d, a.value.exponent)),
            b.ref: replace(b, value=Written(b.value.coefficient + d, b.value.exponent)),
        }
        made += 1
        if made == n:
            return


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def _rates(world: World, n: int, seed: int = 0) -> dict[str, tuple[int, int, int]]:
    """kind -> (hits, trials, unseen plants)."""
    out = {}
    for kind in (*KINDS, "moved amount"):
        cause = KINDS[kind][0] if kind in KINDS else "misplaced-amount"
        hits = trials = unseen = 0
        for planted in _plants(world, kind, n, seed):
            got = world.trial(planted, cause)
            if got is None:
                unseen += 1
                continue
            trials += 1
            hits += bool(got)
        out[kind] = (hits, trials, unseen)
    for kind, (hits, trials, unseen) in out.items():
        print(f"mutation {kind}: {hits}/{trials} hits ({unseen} plants within rounding, unseen)")
    return out


def _check(rates: dict[str, tuple[int, int, int]], floor: float) -> None:
    hits = sum(h for h, _, _ in rates.values())
    trials = sum(t for _, t, _ in rates.values())
    print(f"mutation overall: {hits}/{trials} = {hits / max(trials, 1):.0%}")
    assert trials >= 5 * len(rates) // 2, rates
    assert hits >= floor * trials, rates


def test_planted_slips_are_diagnosed(world: World) -> None:
    _check(_rates(world, n=6), floor=0.75)


@pytest.mark.fuzz
def test_planted_slips_are_diagnosed_at_length(world: World) -> None:
    _check(_rates(world, n=60, seed=1), floor=0.75)
