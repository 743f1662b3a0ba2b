"""Localisation: combine the causes' candidates across every failing relation, as cross-footing does.

Each cause proposes candidate corrections for each failing relation, and so does the residual
(each figure set to the value that makes the relation hold exactly). Every candidate is
re-judged exactly (:func:`fundaudit.judge.verdict`) in *every* relation its figures sit in:
it *explains* the failing relations it makes hold and is dropped if it breaks one that holds.
The candidate explaining the most relations wins (then the cause's place in the registry,
then the fewest changed digits); its relations share one ``root``. Accepted corrections stay
applied, and the relations left are tried again (up to ``ROUNDS`` times), so a relation that
needs two corrections says so and joins the roots of both.

Two searches go beyond one figure at a time, as an auditor re-footing a table would:
:func:`pairs` tries two figures of one sum with the same kind of slip (two cells that lost
their point), and :func:`carried` follows a correction into the 小计 and 合计 that were added
up from the wrong figure (a cell's correction that breaks its column's sum moves that sum
too). A correction that moves more figures must explain more findings (:func:`_needed`).
A blank cell or an unstated part is judged only after the corrections of its relation's
figures are in.

A cause that raises is noted (``notes``) and skipped: diagnosis is advice and never changes a
verdict. This module is not a cause.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from fundaudit import i18n
from fundaudit.causes import REGISTRY
from fundaudit.causes._base import (
    RESTATED,
    WARNING,
    Applicability,
    Candidate,
    Cause,
    Context,
    Culprit,
    Diagnosis,
    Edit,
    base_value,
    difference,
    digits_at,
    holds_with,
    judged_with,
    label,
    rounded,
    shifted,
    sibling_units,
    significant,
    substituted,
    targets,
    written,
)
from fundaudit.causes.unexplained import NO_PATTERN, NO_SINGLE
from fundaudit.causes.wide import WideSum
from fundaudit.findings import HOLDS, Relation, Verdict
from fundaudit.model import Figure
from fundaudit.numbers import Written, trailing
from fundaudit.tolerance import Tolerance
from fundaudit.units import parse_unit

ROUNDS = 5
PAIR_PARTS = 40  # sums searched for two slips at once
CARRY_LIMIT = 8  # figures one carried correction may move
CARRY_BUDGET = 2000  # carried hypotheses tried per round: bounds the work on data with many failing sums
LENIENT = frozenset({"truncation", "coarser-rounding"})
FIXED = frozenset({Verdict.MATCH, Verdict.ROUNDING})  # a partial list made "within" is not fixed
RIVALS = 3  # figures listed after the culprit
# causes whose correction is only *possible* when it explains one finding (their docstrings say so)
ALONE_POSSIBLE = ("stale-total",)
# a rounding is right as stated and a residual without a pattern explains nothing: not carried
NO_CARRY = LENIENT | {"unexplained"}


@dataclass(eq=False)
class _Hyp:
    cand: Candidate
    cause: str = ""
    explains: tuple[str, ...] = ()
    order: tuple[object, ...] = ()
    group: int = -1


@dataclass(frozen=True)
class Result:
    diagnoses: dict[str, Diagnosis]
    notes: tuple[str, ...] = ()
    corrected: dict[str, Figure] = field(default_factory=dict)


def residual(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    """Each figure set to the value that makes ``rel`` hold exactly (or within its rounding)."""
    for fig, t in targets(rel):
        if t < 0 or (t == 0 and fig.value.coefficient != 0):
            continue
        found = []
        w = written(t, fig.value.decimals + 4)
        if w is not None:
            found.append(w)
        else:
            for d in range(1, 5):
                w = rounded(t, fig.value.exponent - d)
                if holds_with(rel, {fig.ref: Edit(fig, w, fig.unit).applied()}, ctx.tolerance):
                    found.append(w)
                    break
        same = rounded(t, fig.value.exponent)
        if (
            same not in found
            and same != fig.value
            and holds_with(rel, {fig.ref: Edit(fig, same, fig.unit).applied()}, ctx.tolerance)
        ):
            found.append(same)
        for w in found:
            if w != fig.value:
                yield Candidate("", rel.id, (Edit(fig, w, fig.unit),))


def _plainer(a: Candidate, b: Candidate) -> bool:
    """Of two readings of the same value the one with fewer digits (10000 万元, not 100000000 元)."""

    def size(c: Candidate) -> tuple[int, int]:
        return (
            sum(len(str(abs(e.value.coefficient))) for e in c.edits if e.value is not None),
            sum(e.unit != e.figure.unit for e in c.edits),
        )

    return size(a) < size(b)


def _significant_length(edit: Edit) -> int:
    return 0 if edit.value is None else len(str(abs(edit.value.coefficient)).rstrip("0"))


def _changed_digits(edit: Edit) -> int:
    if edit.value is None:
        return 0
    e = min(edit.value.exponent, edit.figure.value.exponent)
    a, b = digits_at(edit.figure.value, e), digits_at(edit.value, e)
    return abs(len(a) - len(b)) + sum(x != y for x, y in zip(a[::-1], b[::-1], strict=False))


def diagnose(
    failing: Sequence[Relation],
    uses: Mapping[str, Sequence[Relation]],
    tolerance: Tolerance,
    causes: Sequence[Cause] = REGISTRY,
    nearby: Mapping[str, Sequence[Figure]] | None = None,
) -> Result:
    """A diagnosis for each failing relation (keyed by relation id)."""
    order = {c.id: i for i, c in enumerate(causes)}
    by_cause = {c.id: c for c in causes}
    failing_ids = {r.id for r in failing}
    by_id = {r.id: r for r in failing}
    subs: dict[str, Figure] = {}
    fixed_by: dict[str, _Hyp] = {}  # ref -> the hypothesis that corrected it
    assigned: dict[str, tuple[_Hyp, list[_Hyp]]] = {}
    accepted: list[_Hyp] = []
    kept: set[str] = set()  # figures a rounding hypothesis read as right as stated
    notes: list[str] = []
    for _round in range(ROUNDS):
        remaining = [substituted(r, subs) for r in failing if r.id not in assigned]
        if not remaining:
            break
        ctx = Context(tolerance, uses, remaining, nearby or {})
        pool: dict[tuple[object, ...], _Hyp] = {}
        held = _Held()  # relation id -> holds with the corrections accepted so far
        rel_of = {r.id: r for r in remaining}
        for rel in remaining:
            for cand in _proposals(rel, ctx, causes, notes):
                known = pool.get(cand.key)
                if known is None or _plainer(cand, known.cand):
                    pool[cand.key] = _Hyp(cand)
        hyps = []
        budget = CARRY_BUDGET
        exact: dict[str, bool] = {}  # relation id -> holds exactly with the corrections so far
        for h in pool.values():
            h.cause = _classify(h, causes, [rel_of[h.cand.relation]])
            if _evaluate(h, subs, uses, failing_ids, assigned, tolerance, held):
                hyps.append(h)
            elif budget > 0 and h.cand.edits and not h.cand.relation_only and h.cause not in NO_CARRY:
                budget -= 1
                c = carried(h.cand, subs, uses, tolerance, exact)
                if c is not None:
                    k = _Hyp(c, h.cause)
                    ok = _evaluate(k, subs, uses, failing_ids, assigned, tolerance, held)
                    if ok and len(k.explains) >= _needed(c, len(h.cand.edits)):
                        hyps.append(k)
        for h in hyps:
            if h.explains != (h.cand.relation,):  # classified on its own relation already
                h.cause = _classify(h, causes, [by_id[x] for x in h.explains])
            h.order = (
                -len(h.explains),
                order.get(h.cause, len(order)),
                len(h.cand.edits) > 1 and h.cause != "misplaced-amount",  # one figure before two
                0 if any(by_id[x].total.ref == e.figure.ref for x in h.explains for e in h.cand.edits) else 1,
                sum(_significant_length(e) for e in h.cand.edits),  # budgets are round: 2000, not 1334
                sum(_changed_digits(e) for e in h.cand.edits),
                h.cand.key.__repr__(),
            )
        hyps.sort(key=lambda h: h.order)
        explaining: dict[str, list[_Hyp]] = {}  # relation id -> the hypotheses that explain it, best first
        for h in hyps:
            for rid in h.explains:
                explaining.setdefault(rid, []).append(h)
        progress = False
        now: set[str] = set()  # figures corrected in this round
        last = _round == ROUNDS - 1
        for h in hyps:
            if any(e.figure.ref in subs or e.figure.ref in kept for e in h.cand.edits):
                continue
            if not last and not _corrects(h) and _touched(by_id[h.cand.relation], now):
                continue  # a blank cell or an unstated part is judged again once its corrections are in
            if not _evaluate(h, subs, uses, failing_ids, assigned, tolerance, held):
                continue
            for rid in h.explains:
                assigned[rid] = (h, [g for g in explaining.get(rid, ()) if g is not h and rid in g.explains][:RIVALS])
            h.group = len(accepted)
            accepted.append(h)
            progress = True
            if h.cause in LENIENT:  # a rounding is right as stated: nothing to correct downstream
                kept.update(e.figure.ref for e in h.cand.edits)
                continue
            for e in h.cand.edits:
                subs[e.figure.ref] = e.applied()
                fixed_by[e.figure.ref] = h
            if h.cand.edits:
                held.clear()  # the world changed: relations are judged again
                now.update(e.figure.ref for e in h.cand.edits if e.value is not None)
        _held_after(failing, assigned, subs, fixed_by, tolerance)
        if not progress:
            break
    groups = _roots(failing, assigned, fixed_by, accepted)
    out: dict[str, Diagnosis] = {}
    for rel in failing:
        if rel.id in assigned:
            h, rivals = assigned[rel.id]
            head = accepted[groups[h.group]]
            out[rel.id] = _diagnosis(rel, h, rivals, fixed_by, _root_id(head), by_cause)
        else:
            out[rel.id] = _unexplained(rel)
    return Result(out, tuple(notes), subs)


def carried(
    cand: Candidate,
    subs: Mapping[str, Figure],
    uses: Mapping[str, Sequence[Relation]],
    tolerance: Tolerance,
    exact: dict[str, bool] | None = None,
) -> Candidate | None:
    """``cand`` with its correction carried into the figures computed from the corrected one.

    A table's 小计 and 合计 were added up from the cells as written: correcting a cell breaks
    the sums that hold only because they carry the same slip. Each such sum is mended, as an
    auditor re-footing the table would: a corrected part moves its total by the same amount
    (9851 → 9850 makes 66041 → 66040 and 132142 → 132141), a corrected total moves its only
    part, and a total read in another unit or with its point moved takes the whole sum with
    it (a header's 人次 for 万人次). ``None`` when a broken sum cannot be mended this way (a
    total already corrected, a product, a value the total's digits cannot write) or when more
    than :data:`CARRY_LIMIT` figures would move.
    """
    if any(e.value is None for e in cand.edits):
        return None
    world = dict(subs)
    edits: dict[str, Edit] = {e.figure.ref: e for e in cand.edits}
    world.update((e.figure.ref, e.applied()) for e in cand.edits)
    work = list(edits)
    while work:
        ref = work.pop()
        for rel in uses.get(ref, ()):
            matched = exact.get(rel.id) if exact is not None else None
            if matched is None:
                matched = judged_with(rel, subs, tolerance) is Verdict.MATCH
                if exact is not None:
                    exact[rel.id] = matched  # with the corrections accepted so far: fixed for the round
            if not matched or holds_with(rel, world, tolerance):
                continue
            mends = _mend(rel, ref, edits)
            if mends is None:
                return None
            for e in mends:
                edits[e.figure.ref] = e
                world[e.figure.ref] = e.applied()
                work.append(e.figure.ref)
            if len(edits) > CARRY_LIMIT or not holds_with(rel, world, tolerance):
                return None
    if len(edits) == len(cand.edits):
        return None
    return Candidate(cand.cause, cand.relation, tuple(edits.values()), cand.detail)


def _held_after(
    failing: Sequence[Relation],
    assigned: dict[str, tuple[_Hyp, list[_Hyp]]],
    subs: Mapping[str, Figure],
    fixed_by: Mapping[str, _Hyp],
    tolerance: Tolerance,
) -> None:
    """A failing relation that holds once the accepted corrections are in is explained by them."""
    for rel in failing:
        if rel.id in assigned:
            continue
        mine = [fixed_by[f.ref] for f in (rel.total, *rel.parts) if f.ref in fixed_by]
        if mine and judged_with(rel, subs, tolerance) in FIXED:
            assigned[rel.id] = (mine[0], [])


def _needed(cand: Candidate, proposed: int) -> int:
    """How many findings a carried correction must explain: one per independent figure it moves.

    The proposed correction counts once; each figure carried along counts once more, unless
    it moves by the same factor as a proposed one (200 → 2000 beside 200 → 2000: a row's 合计
    and its only cell; a column read in 万人次 for its header's 人次): that is the same slip
    again. A correction that moves figures independently must explain at least two findings.
    """
    ratios = {_ratio(e) for e in cand.edits[:proposed]} - {None}
    carried_along = cand.edits[proposed:]
    same = sum(1 for e in carried_along if _ratio(e) in ratios)
    moved = 1 + len(carried_along) - same
    return max(1, moved) if same == len(carried_along) else max(2, moved)


def _ratio(e: Edit) -> Fraction | None:
    """The factor the correction multiplies the figure by (``None`` for a figure of zero)."""
    old = base_value(e.figure.value, e.figure.unit)
    return None if old == 0 else (old + _change(e)) / old


def _mend(rel: Relation, ref: str, edits: Mapping[str, Edit]) -> list[Edit] | None:
    if rel.kind != "sum" or rel.rule in RESTATED:  # a restatement is not computed from the figure
        return None
    parts = [p for p in rel.parts if p.ref != rel.total.ref]
    if ref != rel.total.ref and any(p.ref == ref for p in parts):
        if rel.total.ref in edits:
            return None
        return _moved(rel.total, _change(edits[ref]))
    if ref != rel.total.ref:
        return None
    if len(parts) == 1 and parts[0].ref not in edits:
        return _moved(parts[0], _change(edits[ref]))
    if any(p.ref in edits for p in parts):
        return None
    scaled = [_scaled(p, edits[ref]) for p in parts if p.value.coefficient != 0]
    return None if any(e is None for e in scaled) else [e for e in scaled if e is not None]


def _change(e: Edit) -> Fraction:
    """What the correction adds to the figure, in its dimension's base unit."""
    new = e.applied()
    return base_value(new.value, new.unit) - base_value(e.figure.value, e.figure.unit)


def _moved(fig: Figure, delta: Fraction) -> list[Edit] | None:
    x = base_value(fig.value, fig.unit) + delta
    w = written(x / Fraction(10) ** fig.unit.pow10, fig.value.decimals + 1)
    if w is None or x < 0:
        return None
    return [Edit(fig, w, fig.unit)]


def _scaled(fig: Figure, like: Edit) -> Edit | None:
    """``fig`` corrected as ``like`` corrects its figure: the same unit change or the same shift."""
    old = like.figure
    assert like.value is not None
    if like.unit != old.unit:
        return Edit(fig, fig.value, like.unit) if fig.unit == old.unit else None
    if significant(like.value) != significant(old.value):
        return None
    k = (
        like.value.exponent
        - old.value.exponent
        + len(str(abs(like.value.coefficient)))
        - len(str(abs(old.value.coefficient)))
    )
    return Edit(fig, shifted(fig.value, k), fig.unit)


def _touched(rel: Relation, refs: set[str]) -> bool:
    return rel.total.ref in refs or any(p.ref in refs for p in rel.parts)


def _corrects(h: _Hyp) -> bool:
    return any(e.value is not None for e in h.cand.edits)


def _proposals(rel: Relation, ctx: Context, causes: Sequence[Cause], notes: list[str]) -> Iterator[Candidate]:
    single = False
    for cause in causes:
        if cause.propose is None:
            continue
        try:
            found = list(cause.propose(rel, ctx))
        except Exception as exc:  # a crashing cause is noted; diagnosis is advice
            notes.append(f"cause {cause.id!r} could not run on {rel.id}: {type(exc).__name__}: {exc}")
            continue
        single = single or any(not c.relation_only for c in found)
        yield from found
    try:
        if not single:  # two slips at once only where no single one of a known kind will do
            yield from pairs(rel, ctx)
    except Exception as exc:
        notes.append(f"pairs could not run on {rel.id}: {type(exc).__name__}: {exc}")
    try:
        yield from list(residual(rel, ctx))
    except Exception as exc:
        notes.append(f"residual could not run on {rel.id}: {type(exc).__name__}: {exc}")


def pairs(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    """Two figures of one sum with the same kind of slip that together make it hold exactly.

    A row whose 合计 lost the decimal point in two cells (恩阳 44245 and 14125 for 4424.5 and
    1412.5) holds with neither alone. Only the slips that keep the written digits are paired
    (a point moved, a unit of the same ladder): a pair of arbitrary digit changes would fit
    any difference. Sums of a table (a row or a column, where a 合计 line copied the same slip
    into several cells) of at most :data:`PAIR_PARTS` parts.
    """
    diff = ctx.difference(rel)
    if rel.kind != "sum" or not rel.rule.startswith("table-") or diff in (None, 0) or len(rel.parts) > PAIR_PARTS:
        return
    figs = [f for f in (rel.total, *rel.parts) if f.value.coefficient != 0]
    slips = [(fig, list(_factors(fig))) for fig in figs]
    # exact integers on the grid 10**g, fine enough for every figure moved by every slip
    g = min((f.value.exponent + f.unit.pow10 + min(0, *(d for _k, _h, d in fs)) for f, fs in slips), default=0)
    wanted = -diff * Fraction(10) ** -g
    assert wanted.denominator == 1, "the difference is on the figures' grid"
    rest = wanted.numerator  # what the two slips must add up to
    seen: dict[tuple[str, int], list[tuple[Figure, str, int | str]]] = {}
    for fig, factors in slips:
        e = fig.value.exponent + fig.unit.pow10 - g
        base = fig.value.coefficient * (1 if fig is rel.total else -1)
        for kind, how, d in factors:
            effect = base * (10 ** (e + d) - 10**e)  # what the slip adds to total − Σ parts, on the grid
            for other, other_how in ((f, h) for f, _k, h in seen.get((kind, rest - effect), ()) if f.ref != fig.ref):
                a, b = _slip(other, other_how), _slip(fig, how)
                if holds_with(rel, {other.ref: a.applied(), fig.ref: b.applied()}, ctx.tolerance):
                    yield Candidate("", rel.id, (a, b))
            seen.setdefault((kind, effect), []).append((fig, kind, how))


SHIFTS = (-1, 1, -2, 2, -3, 3, -4, 4)


def _factors(fig: Figure) -> Iterator[tuple[str, int | str, int]]:
    """The slips that keep a figure's digits: (kind, how, the power of ten they multiply it by)."""
    for k in SHIFTS:
        yield "shift", k, k
    for unit in sibling_units(fig.unit):
        yield "unit", unit.text, unit.pow10 - fig.unit.pow10


def _slip(fig: Figure, how: int | str) -> Edit:
    """The correction of ``fig`` that moves its point by ``how`` places, or reads it in unit ``how``."""
    if isinstance(how, str):
        return Edit(fig, fig.value, parse_unit(how))
    w = shifted(fig.value, how)
    c, zeros = trailing(w.coefficient, 10, min(fig.value.exponent, 0) - w.exponent)  # 1100 → 110, not 110.0
    w = Written(c, w.exponent + zeros)
    return Edit(fig, w, fig.unit)


def _evaluate(
    h: _Hyp,
    subs: Mapping[str, Figure],
    uses: Mapping[str, Sequence[Relation]],
    failing_ids: set[str],
    assigned: Mapping[str, object],
    tolerance: Tolerance,
    held: _Held,
) -> bool:
    """Set ``h.explains``; False when it explains nothing new or breaks a relation that holds."""
    cand = h.cand
    if cand.relation_only:
        h.explains = () if cand.relation in assigned else (cand.relation,)
        return bool(h.explains)
    mine = {e.figure.ref: e.applied() for e in cand.edits}
    seen: dict[str, Relation] = {}
    for e in cand.edits:
        for rel in uses.get(e.figure.ref, ()):
            seen.setdefault(rel.id, rel)
    explains = []
    lenient = h.cause in LENIENT  # a rounding is right as stated: the exact value may break others
    for rid, rel in seen.items():
        before = held.get(rid)
        if before is None:
            before = held[rid] = holds_with(rel, subs, tolerance)
        after = _judged_after(rel, mine, subs, tolerance, held)
        if before and after not in HOLDS and not lenient:
            return False
        if after in FIXED and not before and rid in failing_ids and rid not in assigned:
            explains.append(rid)
    h.explains = tuple(sorted(explains))
    return bool(explains)


def _judged_after(
    rel: Relation, mine: Mapping[str, Figure], subs: Mapping[str, Figure], tolerance: Tolerance, held: _Held
) -> Verdict:
    """The verdict of ``rel`` with ``mine`` over ``subs``: a wide sum from its terms kept in
    ``held`` (:mod:`fundaudit.causes.wide`), any other relation judged in full."""
    if WideSum.fits(rel):
        kept = held.sums.get(rel.id)
        if kept is None:
            kept = held.sums[rel.id] = WideSum(rel, subs, tolerance)
        quick = kept.verdict(mine)
        if quick is not None:
            return quick
    return judged_with(rel, _world(rel, mine, subs), tolerance)


class _Held(dict[str, bool]):
    """Relation id → whether it holds with the corrections accepted so far; and the wide sums'
    terms with them. Cleared when the corrections change."""

    def __init__(self) -> None:
        super().__init__()
        self.sums: dict[str, WideSum] = {}

    def clear(self) -> None:
        super().clear()
        self.sums.clear()


def _world(rel: Relation, mine: Mapping[str, Figure], subs: Mapping[str, Figure]) -> dict[str, Figure]:
    """The corrected figures of ``rel``: ``mine`` (a hypothesis's) over ``subs`` (those accepted),
    looked up for its figures only (the accepted corrections are not copied per hypothesis)."""
    world = {}
    for f in (rel.total, *rel.parts):
        g = mine.get(f.ref)
        if g is None:
            g = subs.get(f.ref)
        if g is not None:
            world[f.ref] = g
    return world


def _classify(h: _Hyp, causes: Sequence[Cause], explained: Sequence[Relation]) -> str:
    cand = h.cand
    if cand.relation_only or cand.cause == "misplaced-amount":
        return cand.cause
    edit = cand.edits[0]
    for cause in causes:
        if cause.classify is not None and cause.classify(edit, explained):
            return cause.id
    return "unexplained"


def _roots(
    failing: Sequence[Relation],
    assigned: Mapping[str, tuple[_Hyp, list[_Hyp]]],
    fixed_by: Mapping[str, _Hyp],
    accepted: Sequence[_Hyp],
) -> dict[int, int]:
    """Union the hypotheses a relation needed together: group index -> root group index."""
    parent = list(range(len(accepted)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for rel in failing:
        if rel.id not in assigned:
            continue
        h = assigned[rel.id][0]
        for fig in (rel.total, *rel.parts):
            other = fixed_by.get(fig.ref)
            if other is not None and other is not h:
                a, b = find(h.group), find(other.group)
                parent[max(a, b)] = min(a, b)
    return {i: find(i) for i in range(len(accepted))}


def _root_id(h: _Hyp) -> str:
    if h.cand.edits:
        return h.cand.edits[0].figure.ref
    return h.cand.relation


def _diagnosis(
    rel: Relation,
    h: _Hyp,
    rivals: Sequence[_Hyp],
    fixed_by: Mapping[str, _Hyp],
    root: str,
    by_cause: Mapping[str, Cause],
    shown: str | None = None,
) -> Diagnosis:
    """``shown``: the relation's difference as :func:`_text` words it, when the caller has it."""
    cand = h.cand
    figures: list[Culprit] = [Culprit(e.figure, e.new_text or None) for e in cand.edits]
    figures += [Culprit(f, None) for f in cand.extra]
    if not figures:  # a blank cell, an unstated part: the relation's total is what it is about
        figures.append(Culprit(rel.total, None))
    earlier = [
        (fig, fixed_by[fig.ref])
        for fig in (rel.total, *rel.parts)
        if fig.ref in fixed_by and fixed_by[fig.ref] is not h
    ]
    start = len(figures)  # the culprits corrected earlier follow
    for fig, g in earlier:
        e = next(e for e in g.cand.edits if e.figure.ref == fig.ref)
        figures.append(Culprit(fig, e.new_text))
    for g in rivals:
        for e in g.cand.edits[:1]:  # a rival's own correction, not the totals carried with it
            if all(c.figure.ref != e.figure.ref for c in figures):
                figures.append(Culprit(e.figure, e.new_text or None))
    cause = by_cause.get(h.cause)
    text = _text(rel, h, cause, figures[0], shown)
    corrections = len(cand.edits) + len({fig.ref for fig, _ in earlier})
    also = cand.edits[2:] if h.cause == "misplaced-amount" else cand.edits[1:]
    if also:  # two slips of one kind, or the totals computed from the corrected figure
        text += i18n._("; together with ") + i18n._(", ").join(
            i18n._("{figure} to {value}").format(figure=label(e.figure), value=e.new_text) for e in also
        )
    if earlier:
        text += i18n._("; after correcting ") + i18n._(", ").join(
            i18n._("{figure} to {value}").format(figure=label(f), value=c.likely)
            for f, c in zip([f for f, _ in earlier], figures[start:], strict=False)
        )
    if len(h.explains) > 1:
        text += i18n._("; one correction resolves {n} findings").format(n=len(h.explains))
    severity = cause.severity if cause is not None else "error"
    if h.cause == "unexplained" and rel.empty:
        severity = WARNING
    contenders = [g for g in rivals if g.cause != "unexplained" and len(g.explains) >= len(h.explains)]
    likely = len(h.explains) >= 2 or (not contenders and h.cause not in ("unexplained", *ALONE_POSSIBLE))
    mine = {e.figure.ref for e in cand.edits}
    same = [
        g
        for g in contenders
        if g.cause == h.cause
        and g.cand.edits
        and g.cand.edits[0].value is not None
        and not mine & {e.figure.ref for e in g.cand.edits}
    ]
    if same:  # as good a correction of another figure: the culprit is one of them, not known which
        text += i18n._("; as likely: ") + i18n._(", ").join(
            i18n._("{figure} to {value}").format(figure=label(g.cand.edits[0].figure), value=g.cand.edits[0].new_text)
            for g in same
        )
    return Diagnosis(
        cause=h.cause,
        severity=severity,
        root=root,
        text=text,
        figures=tuple(figures),
        explains=h.explains,
        applicability=Applicability.LIKELY if likely else Applicability.POSSIBLE,
        corrections=corrections,
    )


def _text(rel: Relation, h: _Hyp, cause: Cause | None, first: Culprit, shown: str | None = None) -> str:
    unit = rel.total.unit
    if shown is None:
        diff = difference(rel)
        shown = "" if diff is None else _plain(diff / Fraction(10) ** unit.pow10)
    detail = h.cand.detail
    if h.cause == "unexplained":
        detail = i18n._(NO_PATTERN).format(culprit=label(first.figure), likely=first.likely)
    if h.cause == "misplaced-amount" and len(h.cand.edits) >= 2:
        a, b = h.cand.edits[:2]
        moved = _plain(abs(a.figure.value.to_decimal() - (a.value.to_decimal() if a.value else 0)))
        detail = i18n._("{amount} {unit} of {figure}").format(amount=moved, unit=a.unit.text, figure=label(a.figure))
        return (i18n._(cause.template) if cause else "{detail}").format(
            detail=detail,
            likely=i18n._("{figure} (then {a} and {b})").format(figure=label(b.figure), a=a.new_text, b=b.new_text),
        )
    template = i18n._(cause.template) if cause is not None else "{detail}"
    return template.format(
        culprit=label(first.figure),
        likely=first.likely,
        detail=detail,
        difference=shown,
        unit=unit.text,
        count=detail,
    )


def _plain(x: object) -> str:
    if isinstance(x, Fraction):
        w = written(x, 8)
        return w.text() if w is not None else str(x)
    return str(x)


def _unexplained(rel: Relation) -> Diagnosis:
    return unexplained_of(rel.id, bool(rel.empty), bool(rel.missing))


def unexplained_of(rid: str, empty: bool, missing: bool) -> Diagnosis:
    """The diagnosis of relation ``rid`` that no single correction explains."""
    return Diagnosis(
        cause="unexplained",
        severity=WARNING if empty or missing else "error",
        root=rid,
        text=i18n._(NO_SINGLE),
        figures=(),
        explains=(rid,),
        applicability=Applicability.POSSIBLE,
        corrections=0,
    )
